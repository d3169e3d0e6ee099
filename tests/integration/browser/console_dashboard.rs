//! The editors' dashboard in a real Chromium: an editor signs in, opens the dashboard from the
//! navigation and sees today's answers drawn as a chart (an image with its title) above the
//! table with the same numbers, then the dialog funnels. Screenshots are saved for people to
//! look at.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use super::Browser;
use crate::common::TestDb;
use crate::common::server::spawn_app_on;
use crate::console::{EDITOR_PASSWORD, add_staff};
use crate::dashboard::{seeded_rows, todays_traffic};
use helpbot::staff::Role;

#[tokio::test]
async fn an_editor_reads_the_dashboard_and_the_funnels() {
    let test_db = TestDb::sqlite();
    let url = test_db.url().to_string();
    let app = spawn_app_on(test_db, |_| {}).await;
    app.load_demo_data().await;
    add_staff(&app, "zhou", Role::Editor, "周编辑").await;
    todays_traffic(&app).await;
    let offset = helpbot::assistant::AssistantSettings::from(&crate::common::config(&url))
        .utc_offset
        .local_minus_utc();
    let offset_ms = i64::from(offset) * 1000;
    let today = helpbot::store::day_number(chrono::Utc::now().timestamp_millis(), offset_ms);
    seeded_rows(&app, today - 20, today, offset_ms).await;

    let browser = Browser::open("console-dashboard", 1280, 2000, false).await;
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
    browser
        .client
        .find(Locator::Css(
            "header.top nav a[href='/console/editor/dashboard']",
        ))
        .await
        .expect("the dashboard in the navigation")
        .click()
        .await
        .expect("open the dashboard");
    browser.wait_for_element("#outcomes-chart").await;
    let chart = browser
        .script(
            "const svg = document.querySelector('#outcomes-chart');
             return [svg.getAttribute('role'), svg.querySelector('title').textContent,
                     svg.querySelectorAll('g rect').length > 0,
                     svg.getBoundingClientRect().width > 600];",
            vec![],
        )
        .await;
    assert_eq!(chart, json!(["img", "每天的回答结果", true, true]));
    // The last row of the table below the chart is today: 14 turns.
    let today_row = browser
        .script(
            "const rows = document.querySelectorAll('#outcomes tbody tr');
             return rows[rows.length - 1].lastElementChild.textContent;",
            vec![],
        )
        .await;
    assert_eq!(today_row, json!("14"));
    let total = browser
        .script(
            "return document.querySelector('[data-figure=turns]').textContent;",
            vec![],
        )
        .await;
    assert_eq!(total, json!("22"), "today's 14 and the 8 of 20 days ago");
    browser.screenshot("1-dashboard").await;

    browser
        .client
        .find(Locator::Css("nav.sub a[href='/console/editor/funnels']"))
        .await
        .expect("the funnels link")
        .click()
        .await
        .expect("open the funnels");
    browser.wait_for_element("#chart-find-username").await;
    let runs = browser
        .script(
            "return document.querySelector('section[data-dialog=find-username] [data-figure=runs]').textContent.trim();",
            vec![],
        )
        .await;
    assert_eq!(runs, json!("开始了 5 次"));
    browser.screenshot("2-funnels").await;

    // The hot questions: counted now (the background task's count), find-username among them
    // with the conversations that asked it today.
    app.assistant
        .refresh_hot_questions()
        .await
        .expect("the count");
    browser
        .client
        .find(Locator::Css("nav.sub a[href='/console/editor/hot']"))
        .await
        .expect("the hot questions link")
        .click()
        .await
        .expect("open the hot questions");
    browser.wait_for_element("#hot").await;
    let rows = browser
        .script(
            "return document.querySelectorAll('#hot tbody tr').length;",
            vec![],
        )
        .await;
    assert!(rows.as_u64().is_some_and(|n| n > 0), "{rows}");
    browser.screenshot("3-hot-questions").await;
    browser.close().await;
}
