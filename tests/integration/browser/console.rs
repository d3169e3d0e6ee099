//! The staff console in a real Chromium: an agent signs in by keyboard only, opens a photo
//! review from the queue and approves it; the student's conversation hears of it. Screenshots of
//! the sign-in page, the queue, the review and the result are saved for people to look at.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use super::{Browser, WAIT};
use crate::common::server::spawn_app;
use crate::console::{AGENT_PASSWORD, add_staff, student_submits_photos};
use helpbot::staff::Role;

/// Sends keys to whatever has the focus, as a person at the keyboard does.
async fn type_keys(browser: &Browser, keys: &str) {
    let focused = browser
        .client
        .active_element()
        .await
        .expect("a focused element");
    focused.send_keys(keys).await.expect("typing");
}

async fn focused_id(browser: &Browser) -> String {
    browser
        .script(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn an_agent_signs_in_by_keyboard_opens_a_photo_review_and_approves_it() {
    let app = spawn_app().await;
    app.load_demo_data().await;
    let (conversation, review) = student_submits_photos(&app).await;
    add_staff(&app, "wang.li", Role::Agent, "小王").await;
    let browser = Browser::open("console", 1280, 860, false).await;

    // Without a session the console sends the browser to its sign-in page.
    browser
        .client
        .goto(&format!("{}/console/reviews", app.base))
        .await
        .expect("console");
    browser.wait_for_element("form.sign-in").await;
    let url = browser.client.current_url().await.expect("url");
    assert!(url.path().ends_with("/console/sign-in"), "{url}");
    assert_eq!(
        focused_id(&browser).await,
        "name",
        "the name box has the focus"
    );
    let labelled = browser
        .script(
            "return Array.from(document.querySelectorAll('form.sign-in input:not([type=hidden])'))
                .every(function (i) { return i.labels && i.labels.length === 1; });",
            vec![],
        )
        .await;
    assert_eq!(labelled, json!(true), "every box has its label");
    browser.screenshot("1-sign-in").await;

    // A wrong password first: said in an alert, the name kept, nothing signed in.
    type_keys(&browser, "wang.li").await;
    type_keys(&browser, &String::from(char::from(Key::Tab))).await;
    assert_eq!(focused_id(&browser).await, "password");
    type_keys(&browser, "Wrong-pass-2024").await;
    type_keys(&browser, &String::from(char::from(Key::Enter))).await;
    browser
        .wait_until(
            "document.querySelector('[role=alert]') !== null",
            vec![],
            "the wrong-password alert",
        )
        .await;
    browser.screenshot("2-wrong-password").await;
    // The name is kept and the password box has the focus: type it, Enter.
    let kept = browser
        .script("return document.getElementById('name').value;", vec![])
        .await;
    assert_eq!(kept, json!("wang.li"));
    assert_eq!(focused_id(&browser).await, "password");
    type_keys(&browser, AGENT_PASSWORD).await;
    type_keys(&browser, &String::from(char::from(Key::Enter))).await;
    browser
        .wait_until(
            "location.pathname === '/console/reviews' && document.querySelector('table.queue')",
            vec![],
            "the review queue",
        )
        .await;
    browser.screenshot("3-queue").await;

    // Open the review from the keyboard: focus its link and press Enter.
    let link = browser
        .client
        .find(Locator::Css(&format!(
            "a[href='/console/reviews/{review}']"
        )))
        .await
        .expect("the review's link");
    link.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .expect("enter");
    browser
        .wait_until(
            "Array.from(document.querySelectorAll('.photos img')).length === 2
             && Array.from(document.querySelectorAll('.photos img'))
                  .every(function (img) { return img.complete && img.naturalWidth > 0; })",
            vec![],
            "both photos shown",
        )
        .await;
    browser.screenshot("4-photo-review").await;

    // Approve with the keyboard; the result shows the account deactivated.
    let approve = browser.wait_for_element("#approve").await;
    approve
        .send_keys(&String::from(char::from(Key::Enter)))
        .await
        .expect("enter");
    browser
        .wait_until(
            "document.querySelector('h1').textContent.indexOf('审核已通过') >= 0",
            vec![],
            "the approval",
        )
        .await;
    let result = browser
        .script("return document.querySelector('main').innerText;", vec![])
        .await;
    assert!(
        result.as_str().is_some_and(|text| text.contains("l**i")),
        "{result}"
    );
    browser.screenshot("5-approved").await;

    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let told = app
            .assistant
            .database()
            .messages(&conversation)
            .await
            .expect("messages")
            .into_iter()
            .any(|m| m.outcome.as_deref() == Some("pushed") && m.body.contains("审核通过"));
        if told {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the student was not told"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
}
