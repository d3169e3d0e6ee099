//! Support today and the tickets in a real Chromium, by keyboard: a supervisor signs in, reads
//! the day's figures, opens the ticket a student left, types an answer and sends it; the
//! student's conversation has it. Screenshots of each page are saved for people to look at.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use super::{Browser, WAIT};
use crate::common::TestDb;
use crate::common::server::spawn_app_on;
use crate::console::{SUPERVISOR_PASSWORD, add_staff};
use crate::console_supervisor::{agent_of, always_open, scripted_day};
use helpbot::staff::Role;

fn enter() -> String {
    String::from(char::from(Key::Enter))
}

#[tokio::test]
async fn a_supervisor_reads_support_today_and_answers_a_ticket_by_keyboard() {
    let app = spawn_app_on(TestDb::sqlite(), always_open).await;
    let wang = agent_of(&add_staff(&app, "wang.li", Role::Agent, "小王").await);
    add_staff(&app, "chen", Role::Supervisor, "陈主管").await;
    let (student, ticket) = scripted_day(&app, &wang).await;
    let browser = Browser::open("console-supervisor", 1280, 860, false).await;

    browser
        .client
        .goto(&format!("{}/console/sign-in", app.base))
        .await
        .expect("sign-in page");
    let name = browser.wait_for_element("#name").await;
    name.send_keys("chen").await.expect("name");
    let password = browser.wait_for_element("#password").await;
    password
        .send_keys(&format!("{SUPERVISOR_PASSWORD}{}", enter()))
        .await
        .expect("password");
    browser
        .wait_until(
            "location.pathname === '/console/reviews'",
            vec![],
            "signed in",
        )
        .await;

    // Support today, from the navigation.
    let link = browser
        .client
        .find(Locator::Css("nav a[href='/console/supervisor']"))
        .await
        .expect("the navigation's link");
    link.send_keys(&enter()).await.expect("enter");
    browser.wait_for_element("#today").await;
    let handoffs = browser
        .script(
            "return document.querySelector('[data-figure=handoffs]').textContent;",
            vec![],
        )
        .await;
    assert_eq!(handoffs, json!("4"));
    let comment = browser
        .script(
            "return document.querySelector('#comments blockquote').textContent;",
            vec![],
        )
        .await;
    assert!(
        comment
            .as_str()
            .is_some_and(|text| text.starts_with("<b>很快</b>")),
        "shown as typed, as text: {comment}"
    );
    browser.screenshot("1-support-today").await;

    // The tickets, then the one left, opened from the keyboard.
    let link = browser
        .client
        .find(Locator::Css("nav a[href='/console/tickets']"))
        .await
        .expect("the navigation's link");
    link.send_keys(&enter()).await.expect("enter");
    browser.wait_for_element("#tickets").await;
    browser.screenshot("2-tickets").await;
    let open = browser
        .client
        .find(Locator::Css(&format!(
            "a[href='/console/tickets/{ticket}']"
        )))
        .await
        .expect("the ticket's link");
    open.send_keys(&enter()).await.expect("enter");
    let message = browser.wait_for_element("#ticket-message").await;
    let shown = message.text().await.expect("text");
    assert!(shown.starts_with("<script>alert"), "as text: {shown}");
    assert!(!shown.contains("11010519491231002X"), "masked: {shown}");
    let elements = browser
        .script(
            "return document.querySelectorAll('main script, main b').length;",
            vec![],
        )
        .await;
    assert_eq!(elements, json!(0), "the student's markup made no element");
    let answer = browser.wait_for_element("#answer-text").await;
    answer
        .send_keys("您好，请上传手持身份证照片申请人工审核。")
        .await
        .expect("typing");
    browser.screenshot("3-ticket").await;
    let send = browser.wait_for_element("#send-answer").await;
    send.send_keys(&enter()).await.expect("enter");
    browser
        .wait_until(
            "document.querySelector('h1').textContent.indexOf('回复已发送') >= 0",
            vec![],
            "the answer sent",
        )
        .await;
    browser.screenshot("4-answered").await;

    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if student
            .history(&app)
            .await
            .contains("请上传手持身份证照片申请人工审核")
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the answer reached the conversation"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
