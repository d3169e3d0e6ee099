//! Group chats: the bot answers only what is addressed to it (a mention, a reply to one of its
//! messages), the group is one shared conversation, and a dialog that takes personal data asks
//! to continue in a private chat.

use helpbot::locale::Locale;
use serde_json::{Value, json};

use super::{conversation_of, core_answer, last_keyboard, sent_count, start, texts, wait_for_text};
use crate::common::{TestDb, on_both_backends};

const BOT: &str = "@helpbot_test_bot";
/// The bot's user id, as the fake's getMe says.
const BOT_ID: i64 = 123_456;

/// A text in the group mentioning the bot first (its entity as Telegram sends it).
fn mentioning(text: &str) -> Value {
    json!({
        "text": format!("{BOT} {text}"),
        "entities": [{ "type": "mention", "offset": 0, "length": BOT.encode_utf16().count() }],
    })
}

#[tokio::test]
async fn a_group_answers_only_what_is_addressed_to_the_bot() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let group = -1_001;
        let question = "How do I reset my password?";
        let expected = core_answer(&run.assistant, Locale::En, question).await;
        // Members talking among themselves, one mentioning someone else: nothing is said.
        run.api
            .feed(run.api.group_update(group, 31, "en", json!({ "text": question })))
            .await;
        run.api
            .feed(run.api.group_update(
                group,
                32,
                "en",
                json!({
                    "text": format!("@someone_else {question}"),
                    "entities": [{ "type": "mention", "offset": 0, "length": 13 }],
                }),
            ))
            .await;
        // Then the bot is mentioned: answered, the mention left out of what the core read.
        run.api
            .feed(run.api.group_update(group, 31, "en", mentioning(question)))
            .await;
        wait_for_text(&run, group, &expected).await;
        // The group's updates are handled in order: the earlier ones got nothing.
        let sent = texts(&run.api.sent("sendMessage", group));
        assert_eq!(sent.len(), 2, "the welcome and one answer: {sent:?}");
        let conversation = conversation_of(&run.assistant, group).await;
        let history = run.assistant.history(&conversation).await.expect("history");
        assert!(history.iter().any(|m| m.body == question), "{history:#?}");
        assert!(history.iter().all(|m| !m.body.contains(BOT)));

        // A reply to one of the bot's messages is addressed to it too (another member: the same
        // conversation).
        let follow_up = "怎么找回用户名";
        let expected = core_answer(&run.assistant, Locale::ZhCn, follow_up).await;
        run.api
            .feed(run.api.group_update(
                group,
                33,
                "zh-CN",
                json!({
                    "text": follow_up,
                    "reply_to_message": {
                        "message_id": 1_001,
                        "date": 1_700_000_000,
                        "chat": { "id": group, "type": "group", "title": "Class 3" },
                        "from": { "id": BOT_ID, "is_bot": true, "first_name": "helpbot", "username": "helpbot_test_bot" },
                        "text": "an earlier answer",
                    },
                }),
            ))
            .await;
        wait_for_text(&run, group, &expected).await;
        assert_eq!(conversation_of(&run.assistant, group).await, conversation);
        assert!(
            run.api
                .calls()
                .iter()
                .filter(|c| c.method == "getMe")
                .count()
                == 1,
            "getMe is asked once"
        );
    })
    .await;
}

#[tokio::test]
async fn an_identity_dialog_in_a_group_asks_to_continue_in_a_private_chat() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let group = -1_002;
    run.api
        .feed(run.api.group_update(
            group,
            41,
            "zh-CN",
            mentioning("注册的时候显示身份证已经被注册了"),
        ))
        .await;
    run.api
        .wait_for("an answer with buttons", |_| {
            !last_keyboard(&run.api, group).is_empty()
        })
        .await;
    // Its first button starts the duplicate-ID diagnosis, which asks for an ID number.
    let keyboard = last_keyboard(&run.api, group);
    let before = sent_count(&run.api.calls(), group);
    run.api
        .feed(
            run.api
                .group_press_update(group, 41, "zh-CN", &keyboard[0].1),
        )
        .await;
    let calls = run
        .api
        .wait_for("the reply", |calls| sent_count(calls, group) > before)
        .await;
    assert!(calls.iter().any(|c| c.method == "answerCallbackQuery"));
    let private =
        run.assistant
            .content()
            .translations
            .text(Locale::ZhCn, "dialog-private-chat-only", &[]);
    let sent = run.api.sent("sendMessage", group);
    let reply = sent.last().expect("a reply");
    assert_eq!(reply["text"].as_str(), Some(private.as_str()), "{reply}");
    let button = &reply["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["url"], "https://t.me/helpbot_test_bot", "{reply}");
    // No dialog runs in the group's conversation.
    let conversation = conversation_of(&run.assistant, group).await;
    assert!(
        !run.assistant
            .awaits_secret(&conversation)
            .await
            .expect("state")
    );
    let history = run.assistant.history(&conversation).await.expect("history");
    let last = history.last().expect("history");
    assert!(last.body.contains("private_chat_only"), "{}", last.body);
}

/// The core's rule, whatever the channel: a shared conversation runs dialogs that only explain,
/// and stops where one would lead into a dialog that takes personal data; a conversation of
/// one person runs them all.
#[tokio::test]
async fn a_shared_conversation_runs_no_dialog_that_takes_personal_data() {
    use helpbot::assistant::Input;
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let (shared, _) = run
        .assistant
        .start_shared_conversation("telegram-group", Locale::En)
        .await
        .expect("start");
    let explained = run
        .assistant
        .handle(&shared, Input::Button("dialog:verify-by-app".into()))
        .await
        .expect("turn");
    assert!(explained.iter().all(|m| !m.private_chat_only));
    // Its "another route" button leads into the duplicate-ID diagnosis: not here.
    let other_route = explained
        .last()
        .and_then(|m| m.buttons.get(1))
        .expect("two buttons")
        .payload
        .clone();
    let stopped = run
        .assistant
        .handle(&shared, Input::Button(other_route.clone()))
        .await
        .expect("turn");
    assert!(
        stopped.last().is_some_and(|m| m.private_chat_only),
        "{stopped:?}"
    );
    let started = run
        .assistant
        .handle(&shared, Input::Button("dialog:find-username".into()))
        .await
        .expect("turn");
    assert!(
        started.len() == 1 && started[0].private_chat_only,
        "{started:?}"
    );

    // A conversation of one person (the widget's) goes on into the diagnosis.
    let (own, _) = run
        .assistant
        .start_conversation("web", Locale::En)
        .await
        .expect("start");
    run.assistant
        .handle(&own, Input::Button("dialog:verify-by-app".into()))
        .await
        .expect("turn");
    let went_on = run
        .assistant
        .handle(&own, Input::Button(other_route))
        .await
        .expect("turn");
    assert!(went_on.iter().all(|m| !m.private_chat_only), "{went_on:?}");
    assert!(!went_on.last().expect("a reply").buttons.is_empty());
}
