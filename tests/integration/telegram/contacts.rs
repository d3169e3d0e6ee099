//! Telegram's contact button at a step that asks for the student's own mobile: offered as a
//! one-time keyboard, a shared own number taken as if typed (the account checks it), removed
//! once answered; someone else's contact refused.

use helpbot::accounts::demo::DEMO_PASSWORD;
use helpbot::assistant::Input;
use helpbot::locale::Locale;
use serde_json::{Value, json};

use super::{Running, demo_chat, sent_count, start, through_the_core};
use crate::common::TestDb;

/// The chat's sendMessage calls.
fn sent(run: &Running, chat: i64) -> Vec<Value> {
    run.api.sent("sendMessage", chat)
}

fn contact_button(message: &Value) -> Option<&Value> {
    message["reply_markup"]["keyboard"][0][0]
        .as_object()
        .map(|_| &message["reply_markup"]["keyboard"][0][0])
}

/// lisi2024 asks a classmate for help: signed in and the classmate named (through the core),
/// then the classmate's mobile typed in Telegram, which brings the step that asks for the
/// student's own mobile. The chat's conversation.
async fn at_the_own_mobile_step(run: &Running, chat: i64) -> String {
    let conversation = demo_chat(run, chat, "zh-CN").await;
    let last = through_the_core(
        run,
        &conversation,
        vec![
            Input::Button("dialog:verify-by-classmate".into()),
            Input::Text("1".into()),
            Input::Text("lisi2024".into()),
            Input::Text(DEMO_PASSWORD.into()),
            Input::Text("王芳".into()),
        ],
    )
    .await;
    // The classmate's number is not the student's own: no contact button there.
    assert!(last.iter().all(|m| !m.expects_mobile), "{last:?}");
    let before = sent_count(&run.api.calls(), chat);
    run.api
        .feed(run.api.text_update(chat, "zh-CN", "13800000003"))
        .await;
    run.api
        .wait_for("the own mobile step", |calls| {
            sent_count(calls, chat) > before
        })
        .await;
    conversation
}

#[tokio::test]
async fn the_contact_button_is_offered_and_an_own_contact_is_taken_as_a_typed_number() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 71;
    let conversation = at_the_own_mobile_step(&run, chat).await;
    let asked = sent(&run, chat);
    let last = asked.last().expect("asked");
    let own = run
        .assistant
        .content()
        .translations
        .text(Locale::ZhCn, "assist-ask-own-mobile", &[]);
    assert!(
        last["text"].as_str().is_some_and(|t| t.contains(&own)),
        "{last}"
    );
    let button = contact_button(last).expect("a contact button");
    assert_eq!(button["request_contact"], true, "{last}");
    assert_eq!(
        button["text"].as_str(),
        Some(
            run.assistant
                .content()
                .translations
                .text(Locale::ZhCn, "telegram-share-contact", &[])
                .as_str()
        )
    );
    assert_eq!(last["reply_markup"]["one_time_keyboard"], true);
    let before = sent_count(&run.api.calls(), chat);

    // The student shares their own contact: the number goes to the core as typed text.
    run.api
        .feed(run.api.message_update(
            chat,
            "zh-CN",
            json!({ "contact": {
                "phone_number": "+86 138 0000 0012", "first_name": "四", "user_id": chat,
            } }),
        ))
        .await;
    run.api
        .wait_for("the answer", |calls| sent_count(calls, chat) > before)
        .await;
    let history = run.assistant.history(&conversation).await.expect("history");
    assert!(
        history.iter().any(|m| m.body == "13800000012"),
        "{history:#?}"
    );
    // The keyboard is gone with the answer.
    let answer = &sent(&run, chat)[before];
    assert_eq!(answer["reply_markup"]["remove_keyboard"], true, "{answer}");
}

#[tokio::test]
async fn someone_elses_contact_is_refused_and_changes_nothing() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 72;
    let conversation = at_the_own_mobile_step(&run, chat).await;
    let before = run.assistant.history(&conversation).await.expect("history");
    run.api
        .feed(run.api.message_update(
            chat,
            "zh-CN",
            json!({ "contact": {
                "phone_number": "13800000012", "first_name": "别人", "user_id": 9_999,
            } }),
        ))
        .await;
    let refusal =
        run.assistant
            .content()
            .translations
            .text(Locale::ZhCn, "telegram-contact-not-own", &[]);
    run.api
        .wait_for("the refusal", |calls| {
            calls
                .iter()
                .any(|c| c.params["text"].as_str() == Some(refusal.as_str()))
        })
        .await;
    let after = run.assistant.history(&conversation).await.expect("history");
    assert_eq!(after.len(), before.len());
}
