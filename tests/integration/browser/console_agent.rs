//! The agents' workspace in a real Chromium, next to a student's widget in another: the agent
//! signs in by keyboard, the student asks for a person in the widget (support configured open all
//! week, all day), the conversation appears in the agent's queue without a reload, the agent takes
//! it with the keyboard, sees the student's next message arrive live, picks a canned reply from
//! the knowledge base, edits it and sends it; the student's widget shows it under the agent's
//! display name; the agent closes and the student rates the help. Screenshots of the queue and
//! the conversation view are saved under `test-artifacts/browser/`.

use fantoccini::key::Key;
use serde_json::json;

use super::Browser;
use crate::common::server::spawn_app_with;
use crate::console::{AGENT_PASSWORD, add_staff};
use crate::handoff::always_open;
use helpbot::staff::Role;

fn enter() -> String {
    String::from(char::from(Key::Enter))
}

/// Presses Enter on an element, as a keyboard user does on the focused control.
async fn press_enter_on(browser: &Browser, css: &str) {
    let element = browser.wait_for_element(css).await;
    element.send_keys(&enter()).await.expect("enter");
}

#[tokio::test]
async fn an_agent_takes_a_student_from_the_live_queue_and_answers_in_the_widget() {
    let app = spawn_app_with(always_open).await;
    add_staff(&app, "wang.li", Role::Agent, "小王").await;
    let agent = Browser::open("console-agent", 1280, 800, false).await;

    // The agent signs in by keyboard and opens the queue from the navigation.
    agent
        .client
        .goto(&format!("{}/console/sign-in", app.base))
        .await
        .expect("sign-in page");
    let name = agent.wait_for_element("#name").await;
    name.send_keys("wang.li").await.expect("typing");
    let password = agent.wait_for_element("#password").await;
    password.send_keys(AGENT_PASSWORD).await.expect("typing");
    password.send_keys(&enter()).await.expect("enter");
    agent
        .wait_until(
            "location.pathname === '/console/reviews'",
            vec![],
            "signed in",
        )
        .await;
    press_enter_on(&agent, "nav a[href='/console/queue']").await;
    agent
        .wait_until(
            "location.pathname === '/console/queue' && document.getElementById('queue-live')",
            vec![],
            "the queue",
        )
        .await;
    // The page's heartbeat makes the agent online for students.
    let deadline = std::time::Instant::now() + super::WAIT;
    while app
        .assistant
        .desk()
        .online()
        .await
        .expect("online")
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the agent never came online"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A student asks for a person in the widget.
    let student = Browser::open("console-student", 1000, 800, false).await;
    student.open_widget(&app).await;
    let before = student.bot_messages().await;
    student.say("我的账号登不上 <b>急</b>").await;
    student.wait_for_bot_text(before, "").await;
    let before = student.bot_messages().await;
    student.say("转人工").await;
    student.wait_for_bot_text(before, "排在第 1 位").await;

    // It appears in the agent's queue without a reload; markup shown as text.
    agent
        .wait_until(
            "document.querySelector('#queue-live button.take') !== null",
            vec![],
            "the student in the live queue",
        )
        .await;
    let row = agent
        .script(
            "var row = document.querySelector('#queue-live tbody tr');
             return [row.innerText, row.querySelectorAll('b').length];",
            vec![],
        )
        .await;
    assert!(
        row[0]
            .as_str()
            .is_some_and(|t| t.contains("我的账号登不上 <b>急</b>") && t.contains("学生要求人工")),
        "{row}"
    );
    assert_eq!(row[1], json!(0), "markup rendered in the queue: {row}");
    agent.screenshot("1-queue").await;

    // Taken by keyboard: the conversation view opens with the whole history.
    press_enter_on(&agent, "#queue-live button.take").await;
    agent
        .wait_until(
            "location.pathname.indexOf('/console/conversations/') === 0
             && document.getElementById('history')",
            vec![],
            "the conversation view",
        )
        .await;
    student.wait_for_bot_text(before, "客服 小王 已接入").await;
    let history = agent
        .script(
            "var h = document.getElementById('history');
             return [h.innerText, h.querySelectorAll('b').length];",
            vec![],
        )
        .await;
    assert!(
        history[0]
            .as_str()
            .is_some_and(|t| t.contains("<b>急</b>") && t.contains("机器人")),
        "{history}"
    );
    assert_eq!(history[1], json!(0));

    // The student's next message arrives live.
    student.say("忘记用户名了怎么办").await;
    agent
        .wait_until(
            "document.getElementById('history').innerText.indexOf('忘记用户名了怎么办') >= 0",
            vec![],
            "the student's message, live",
        )
        .await;

    // A canned reply from the knowledge base, searched as the agent types, edited, sent.
    let search = agent.wait_for_element("#canned-search").await;
    search.send_keys("忘记用户名").await.expect("typing");
    agent
        .wait_until(
            "document.querySelector('#canned-results button.canned-use') !== null",
            vec![],
            "canned replies",
        )
        .await;
    press_enter_on(&agent, "#canned-results button.canned-use").await;
    let picked = agent
        .wait_until(
            "document.activeElement && document.activeElement.id === 'reply'
             && document.getElementById('reply').value",
            vec![],
            "the canned answer in the reply box",
        )
        .await;
    assert!(
        picked.as_str().is_some_and(|t| t.contains("用户名")),
        "{picked}"
    );
    agent
        .script(
            "var r = document.getElementById('reply'); r.value = '您好，' + r.value;",
            vec![],
        )
        .await;
    let reply_text = format!("您好，{}", picked.as_str().unwrap_or_default());
    let first_line: String = reply_text.chars().take(12).collect();
    let before = student.bot_messages().await;
    press_enter_on(&agent, "#send").await;
    agent
        .wait_until(
            "document.querySelector('#history li.from-agent') !== null",
            vec![],
            "the reply in the history",
        )
        .await;
    agent.screenshot("2-conversation").await;

    // The widget shows it under the agent's display name.
    student.wait_for_bot_text(before, &first_line).await;
    let shown = student
        .script(
            "var m = Array.from(document.querySelectorAll('.hb-person')).pop();
             return m ? m.querySelector('.hb-sender').textContent : null;",
            vec![],
        )
        .await;
    assert_eq!(shown, json!("小王"));
    student.screenshot("1-reply").await;

    // Closed by the agent; the student rates the help.
    let before = student.bot_messages().await;
    press_enter_on(&agent, "#close").await;
    agent
        .wait_until(
            "document.querySelector('h1').textContent.indexOf('会话已结束') >= 0",
            vec![],
            "closed",
        )
        .await;
    student.wait_for_bot_text(before, "打分").await;
    student.press("5 分").await;
    student.wait_for_bot_text(before, "谢谢您的评价").await;
    student.screenshot("2-rated").await;
    let handoffs = app
        .assistant
        .desk()
        .owned_by("nobody")
        .await
        .expect("query");
    assert!(handoffs.is_empty());
    agent.close().await;
    student.close().await;
}
