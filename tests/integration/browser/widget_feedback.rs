//! Feedback that says why in the widget, in Chromium on a desktop and a phone screen: 没用 opens
//! the reasons (focus on the first), a reason is stored with the question as typed, a change of
//! mind to 有用 replaces the vote, 其他 opens a short text field sent with Enter; what is stored
//! is read from the database. Screenshots of the reasons, the text field and the thanks.

use fantoccini::Locator;
use fantoccini::key::Key;
use helpbot::message::FeedbackReason;
use helpbot::store::StoredVote;
use serde_json::{Value, json};

use super::Browser;
use crate::common::server::{App, spawn_app};

/// The controls of the newest answer.
const LAST_FEEDBACK: &str = "(//div[contains(concat(' ', @class, ' '), ' hb-feedback ')])[last()]";

async fn click(browser: &Browser, xpath: &str) {
    let found = browser
        .client
        .wait()
        .at_most(super::WAIT)
        .for_element(Locator::XPath(xpath))
        .await;
    match found {
        Ok(element) => element.click().await.expect("click"),
        Err(e) => panic!("no element {xpath}: {e}\n{}", browser.log().await),
    }
}

async fn stored_vote(app: &App, conversation: &str) -> Option<StoredVote> {
    app.assistant
        .database()
        .vote(conversation, "find-username")
        .await
        .expect("read")
}

async fn conversation_id(browser: &Browser) -> String {
    let kept = browser
        .script(
            "return JSON.parse(localStorage.getItem('helpbot.conversation')).id;",
            vec![],
        )
        .await;
    kept.as_str().expect("kept").to_string()
}

/// Waits until the stored vote satisfies `done`.
async fn wait_for_vote(
    app: &App,
    conversation: &str,
    done: impl Fn(&StoredVote) -> bool,
) -> StoredVote {
    for _ in 0..300 {
        if let Some(vote) = stored_vote(app, conversation).await
            && done(&vote)
        {
            return vote;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "the vote was not stored as expected: {:?}",
        stored_vote(app, conversation).await
    );
}

#[tokio::test]
async fn not_useful_with_a_reason_a_change_of_mind_and_other_with_text_on_desktop_and_phone() {
    for (name, width, height, phone) in [
        ("feedback-desktop", 1280, 800, false),
        ("feedback-phone", 390, 844, true),
    ] {
        let app = spawn_app().await;
        let browser = Browser::open(name, width, height, phone).await;
        browser.open_widget(&app).await;
        browser.say("忘记学信网用户名了").await;
        browser
            .wait_until(
                "document.querySelectorAll('.hb-msg[data-kind=answer] .hb-feedback button[data-vote]').length === 2",
                vec![],
                "the answer with 有用 / 没用",
            )
            .await;
        let conversation = conversation_id(&browser).await;

        // 没用: the reasons, the first one focused for keyboard users.
        click(
            &browser,
            &format!("{LAST_FEEDBACK}//button[@data-vote='not-useful']"),
        )
        .await;
        let reasons = browser
            .wait_until(
                "(function () {
                    var r = document.querySelectorAll('.hb-feedback .hb-reasons button');
                    return r.length === 4 && document.activeElement === r[0]
                        && Array.from(r).map(function (b) { return b.textContent; });
                })()",
                vec![],
                "the reasons, the first focused",
            )
            .await;
        assert_eq!(
            reasons,
            json!(["看不懂", "操作后不成功", "不是我要问的", "其他"])
        );
        let vote = wait_for_vote(&app, &conversation, |v| !v.useful).await;
        assert_eq!(vote.reason, None);
        browser.screenshot("1-reasons").await;
        // Nothing sticks out of the panel, on a phone either.
        let fits = browser
            .script(
                "var p = document.querySelector('.hb-panel').getBoundingClientRect();
                 return Array.from(document.querySelectorAll('.hb-feedback button'))
                    .every(function (b) { var r = b.getBoundingClientRect();
                        return r.left >= p.left && r.right <= p.right; });",
                vec![],
            )
            .await;
        assert_eq!(fits, Value::Bool(true), "{name}");

        // A reason with the keyboard: Tab to the second, Enter.
        let active = browser.client.active_element().await.expect("focus");
        active
            .send_keys(&String::from(char::from(Key::Tab)))
            .await
            .expect("tab");
        let active = browser.client.active_element().await.expect("focus");
        active
            .send_keys(&String::from(char::from(Key::Enter)))
            .await
            .expect("enter");
        browser
            .wait_until(
                "document.querySelector('.hb-msg[data-kind=answer] .hb-feedback-thanks') !== null",
                vec![],
                "the thanks in place of the reasons",
            )
            .await;
        let vote = wait_for_vote(&app, &conversation, |v| {
            v.reason == Some(FeedbackReason::DidNotWork)
        })
        .await;
        assert_eq!(vote.answer.question.as_deref(), Some("忘记学信网用户名了"));
        assert_eq!(vote.answer.outcome.as_deref(), Some("definite"));

        // A change of mind: 有用, marked; 没用 still works.
        click(
            &browser,
            &format!("{LAST_FEEDBACK}//button[@data-vote='useful']"),
        )
        .await;
        browser
            .wait_until(
                "document.querySelector('.hb-feedback button[data-vote=useful]').getAttribute('aria-pressed') === 'true'
                    && document.querySelector('.hb-feedback button[data-vote=not-useful]').getAttribute('aria-pressed') === 'false'",
                vec![],
                "有用 marked",
            )
            .await;
        let vote = wait_for_vote(&app, &conversation, |v| v.useful).await;
        assert_eq!(vote.reason, None);
        browser.screenshot("2-changed-to-useful").await;

        // 没用 again, 其他: a short text field, sent with Enter.
        click(
            &browser,
            &format!("{LAST_FEEDBACK}//button[@data-vote='not-useful']"),
        )
        .await;
        click(
            &browser,
            &format!("{LAST_FEEDBACK}//button[@data-reason='other']"),
        )
        .await;
        let limit = browser
            .wait_until(
                "document.activeElement && document.activeElement.closest('.hb-reason-form')
                    && document.activeElement.getAttribute('maxlength')",
                vec![],
                "the reason's text field, focused",
            )
            .await;
        assert_eq!(limit, json!("500"));
        let field = browser.client.active_element().await.expect("field");
        field.send_keys("找回页面一直打不开").await.expect("type");
        browser.screenshot("3-other-text").await;
        field
            .send_keys(&String::from(char::from(Key::Enter)))
            .await
            .expect("enter");
        browser
            .wait_until(
                "document.querySelector('.hb-msg[data-kind=answer] .hb-feedback-thanks') !== null
                    && document.querySelector('.hb-reason-form') === null",
                vec![],
                "the thanks after the text",
            )
            .await;
        let vote = wait_for_vote(&app, &conversation, |v| v.reason_text.is_some()).await;
        assert!(!vote.useful);
        assert_eq!(vote.reason, Some(FeedbackReason::Other));
        assert_eq!(vote.reason_text.as_deref(), Some("找回页面一直打不开"));
        let votes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM feedback")
            .fetch_one(app.assistant.database().pool())
            .await
            .expect("count");
        assert_eq!(votes, 1, "one vote per answer");
        // The student goes on asking: the chat box has the focus.
        let focused = browser
            .script(
                "return document.activeElement === document.querySelector('.hb-form input');",
                vec![],
            )
            .await;
        assert_eq!(focused, Value::Bool(true));
        browser.screenshot("4-thanks").await;
        browser.close().await;
    }
}
