//! Feedback in Telegram through the fake Bot API: 👍 / 👎 under an answer, the reasons as inline
//! buttons after 👎, 其他 with a ForceReply prompt whose reply (and only a reply) is the reason's
//! text; the answer's own buttons stay valid meanwhile; the rows stored checked, on
//! SQLite and PostgreSQL.

use helpbot::message::FeedbackReason;
use serde_json::{Value, json};

use super::{Running, conversation_of, last_keyboard, sent_count, start, texts};
use crate::common::{TestDb, on_both_backends};

const CHAT: i64 = 61;

/// Presses the button with this callback data and waits for the bot's next message.
async fn press(run: &Running, data: &str) -> Value {
    let before = sent_count(&run.api.calls(), CHAT);
    run.api
        .feed(run.api.press_update(CHAT, "zh-CN", data))
        .await;
    let calls = run
        .api
        .wait_for("a reply to the press", |calls| {
            sent_count(calls, CHAT) > before
        })
        .await;
    calls
        .iter()
        .rfind(|c| c.method == "sendMessage" && c.params["chat_id"].as_i64() == Some(CHAT))
        .map(|c| json!({ "params": c.params, "result": c.result }))
        .expect("a message")
}

/// Types `text` (as a reply to the message `reply_to`, when given) and waits for the answer.
async fn type_text(run: &Running, text: &str, reply_to: Option<i64>) -> Vec<String> {
    let before = sent_count(&run.api.calls(), CHAT);
    let mut update = run.api.text_update(CHAT, "zh-CN", text);
    if let Some(prompt) = reply_to {
        update["message"]["reply_to_message"] = json!({
            "message_id": prompt,
            "date": 1_700_000_000,
            "chat": { "id": CHAT, "type": "private", "first_name": "Student" },
            "from": { "id": 123456, "is_bot": true, "first_name": "helpbot",
                      "username": "helpbot_test_bot" },
            "text": "请用一句话告诉我们哪里不对（可以不填）。",
        });
    }
    run.api.feed(update).await;
    run.api
        .wait_for("the reply", |calls| sent_count(calls, CHAT) > before)
        .await;
    texts(&run.api.sent("sendMessage", CHAT))[before..].to_vec()
}

#[tokio::test]
async fn useful_not_useful_with_a_reason_and_other_with_a_forced_reply_are_stored() {
    on_both_backends(async |db: TestDb| rates_through_telegram(&db).await).await;
}

async fn rates_through_telegram(db: &TestDb) {
    let run = start(db, |_| {}).await;
    type_text(&run, "忘记学信网用户名了", None).await;
    // The first message of a chat is welcomed first: the answer follows.
    run.api
        .wait_for("the answer's keyboard", |_| {
            !last_keyboard(&run.api, CHAT).is_empty()
        })
        .await;
    let keyboard = last_keyboard(&run.api, CHAT);
    let feedback: Vec<&(String, String)> = keyboard.iter().rev().take(2).collect();
    assert_eq!(
        feedback
            .iter()
            .rev()
            .map(|(label, data)| (label.as_str(), data.as_str()))
            .collect::<Vec<_>>(),
        [
            ("👍 有用", "feedback:useful:find-username"),
            ("👎 没用", "feedback:not-useful:find-username")
        ],
        "{keyboard:?}"
    );
    let last_row = run
        .api
        .sent("sendMessage", CHAT)
        .iter()
        .rev()
        .find_map(|m| m["reply_markup"]["inline_keyboard"].as_array().cloned())
        .and_then(|rows| rows.last().cloned())
        .expect("rows");
    assert_eq!(
        last_row.as_array().map(Vec::len),
        Some(2),
        "one row: {last_row}"
    );
    let conversation = conversation_of(&run.assistant, CHAT).await;
    let store = run.assistant.database();
    let vote = async || {
        store
            .vote(&conversation, "find-username")
            .await
            .expect("read")
            .expect("a vote")
    };

    // 👍: thanks; the vote is stored with the question as typed.
    let thanks = press(&run, "feedback:useful:find-username").await;
    assert!(
        thanks["params"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("谢谢您的反馈")),
        "{thanks}"
    );
    let stored = vote().await;
    assert!(stored.useful);
    assert_eq!(
        stored.answer.question.as_deref(),
        Some("忘记学信网用户名了")
    );
    assert_eq!(stored.answer.outcome.as_deref(), Some("definite"));

    // 👎 (a change of mind): why? with the reasons as buttons, two a row.
    let why = press(&run, "feedback:not-useful:find-username").await;
    let rows = why["params"]["reply_markup"]["inline_keyboard"]
        .as_array()
        .cloned()
        .expect("reasons");
    let reasons: Vec<(String, String)> = rows
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or_default().to_string(),
                b["callback_data"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 2, "{why}");
    assert_eq!(
        reasons.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["看不懂", "操作后不成功", "不是我要问的", "其他"]
    );
    assert!(!vote().await.useful);

    // A reason: thanks, stored.
    let thanks = press(&run, &reasons[2].1).await;
    assert!(
        thanks["params"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("换个说法")),
        "{thanks}"
    );
    assert_eq!(vote().await.reason, Some(FeedbackReason::NotWhatIAsked));

    // The answer's own buttons still work: feedback did not make its keyboard stale.
    assert!(
        keyboard.len() > 2,
        "the answer has buttons of its own: {keyboard:?}"
    );
    let (label, key) = &keyboard[1];
    assert_eq!(label, "忘记密码怎么办？", "{keyboard:?}");
    assert!(key.starts_with('k'), "a short key: {keyboard:?}");
    let related = press(&run, key).await;
    assert!(
        related["params"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("忘记密码怎么办")),
        "{related}"
    );

    // 其他: a prompt that forces a reply.
    let prompt = press(&run, "feedback:other:find-username").await;
    assert_eq!(
        prompt["params"]["reply_markup"]["force_reply"], true,
        "{prompt}"
    );
    let prompt_id = prompt["result"]["message_id"].as_i64().expect("its id");
    assert_eq!(vote().await.reason, Some(FeedbackReason::Other));

    // A message that is no reply to the prompt is a question, never the reason.
    let answered = type_text(&run, "忘记密码了", None).await;
    assert!(
        answered.iter().any(|t| t.contains("忘记密码怎么办")),
        "{answered:?}"
    );
    assert_eq!(vote().await.reason_text, None);

    // The reply to the prompt is the reason's text.
    let thanks = type_text(&run, "找回页面一直打不开", Some(prompt_id)).await;
    assert!(thanks[0].starts_with("谢谢"), "{thanks:?}");
    let stored = vote().await;
    assert!(!stored.useful);
    assert_eq!(stored.reason, Some(FeedbackReason::Other));
    assert_eq!(stored.reason_text.as_deref(), Some("找回页面一直打不开"));
    assert_eq!(
        stored.answer.question.as_deref(),
        Some("忘记学信网用户名了")
    );
    // Answered once: the same reply again is an ordinary message.
    assert_eq!(
        store
            .telegram_reason_prompt(CHAT, prompt_id)
            .await
            .expect("read"),
        None
    );
}
