//! The editors' "what fails" page in a real Chromium: an editor signs in, sees the group of
//! similar unanswered questions with its count, adds its question as a similar question of an
//! entry and reads the diff of the change. Screenshots are saved for people to look at.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use super::Browser;
use crate::console::EDITOR_PASSWORD;
use crate::editor::app_with_an_editor_and_failures;

#[tokio::test]
async fn an_editor_sees_a_failing_group_and_the_diff_of_adding_it_as_a_similar_question() {
    let app = app_with_an_editor_and_failures().await;
    let browser = Browser::open("console-editor", 1280, 900, false).await;

    browser
        .client
        .goto(&format!("{}/console/sign-in", app.base))
        .await
        .expect("sign-in page");
    browser
        .wait_for_element("#name")
        .await
        .send_keys("zhou")
        .await
        .expect("name");
    browser
        .wait_for_element("#password")
        .await
        .send_keys(&format!("{EDITOR_PASSWORD}{}", char::from(Key::Enter)))
        .await
        .expect("password");
    browser
        .wait_until(
            "location.pathname === '/console/editor'",
            vec![],
            "signed in on what fails",
        )
        .await;
    browser.wait_for_element("#failure-groups").await;
    let count = browser
        .script(
            "return document.querySelector('li.failure-group').dataset.count;",
            vec![],
        )
        .await;
    assert_eq!(count, json!("4"));
    let heading = browser
        .script(
            "return document.querySelector('li.failure-group .count').textContent;",
            vec![],
        )
        .await;
    assert_eq!(heading, json!("被问 4 次"));
    browser.screenshot("1-what-fails").await;

    // The entry the search suggested is preselected; the question is the group's first.
    let chosen = browser
        .script("return document.querySelector('#entry-0').value;", vec![])
        .await;
    assert_eq!(chosen, json!("account-scope"));
    let add = browser
        .client
        .find(Locator::Css("li.failure-group form.add-similar button"))
        .await
        .expect("the group's button");
    add.click().await.expect("add as a similar question");
    browser.wait_for_element("#diff").await;
    let added = browser
        .script(
            "return Array.from(document.querySelectorAll('#diff .added')).map(e => e.textContent);",
            vec![],
        )
        .await;
    assert_eq!(added, json!(["+  \"账号开通后能办哪些事\","]));
    let after = browser
        .script(
            "return document.querySelector('#search-after').textContent;",
            vec![],
        )
        .await;
    assert_eq!(after, json!("直接回答：account-scope"));
    browser.screenshot("2-the-change").await;
    browser.close().await;
}
