//! Delivery guarantees of the Telegram channel: a pushed message (an agent's reply, account
//! news) reaches a chat once however many instances follow it; a 429 is retried after the
//! `retry_after` given, once; a chat that blocked the bot (or is gone) loses no conversation
//! state.

use std::time::Duration;

use helpbot::assistant::Assistant;
use helpbot::locale::Locale;

use super::fake_bot_api::{FakeBotApi, Refusal};
use super::{
    Running, conversation_of, sent_count, spawn_channel, start, texts, waiting_for_an_agent,
};
use crate::common::{TestDb, config, on_both_backends};

/// Waits until `done` holds; panics after ten seconds.
async fn until(what: &str, done: impl AsyncFn() -> bool) {
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited for {what}");
}

/// How many messages to the chat, over both fake servers, contain `text`.
fn arrived(apis: &[&FakeBotApi], chat: i64, text: &str) -> usize {
    apis.iter()
        .flat_map(|api| texts(&api.sent("sendMessage", chat)))
        .filter(|t| t.contains(text))
        .count()
}

/// A second instance on the same database: its own follower, channel and Bot API server.
async fn second_instance(db: &TestDb) -> Running {
    let mut config = config(db.url());
    crate::handoff::always_open(&mut config);
    let assistant = helpbot::runtime::start(&config).await.expect("starts");
    let api = FakeBotApi::start().await;
    let follower = assistant.follow_pushed_messages(Duration::from_millis(100));
    let channel = spawn_channel(&assistant, &api);
    // From its first poll on, the starting channel follows the chats active lately.
    until("the second channel polls", async || api.polls() >= 1).await;
    Running {
        assistant,
        api,
        channel,
        follower,
    }
}

/// Waits until the instance's own follower has published the pushed message with this text.
async fn heard(
    listener: &mut tokio::sync::broadcast::Receiver<helpbot::assistant::Pushed>,
    text: &str,
) {
    loop {
        let pushed = tokio::time::timeout(Duration::from_secs(10), listener.recv())
            .await
            .expect("in time")
            .expect("a pushed message");
        if pushed.message.text.contains(text) {
            return;
        }
    }
}

#[tokio::test]
async fn pushed_messages_reach_a_chat_followed_by_two_instances_once() {
    on_both_backends(async |db: TestDb| {
        let first = start(&db, crate::handoff::always_open).await;
        let chat = 61;
        let (agent, conversation) = waiting_for_an_agent(&first, chat).await;
        let second = second_instance(&db).await;
        let mut heard_first = first
            .assistant
            .subscribe_pushed(&conversation)
            .expect("subscribe");
        let mut heard_second = second
            .assistant
            .subscribe_pushed(&conversation)
            .expect("subscribe");
        let apis = [&first.api, &second.api];

        // An agent's reply, written at the first instance.
        let handoff = crate::handoff::handoff_of(&first.assistant, &conversation).await;
        first
            .assistant
            .desk()
            .take(&handoff, &agent)
            .await
            .expect("take");
        let reply = "两个实例也只发一次";
        first
            .assistant
            .desk()
            .reply(&handoff, &agent, reply)
            .await
            .expect("reply");
        // News about the student's account, pushed by the second instance.
        let db_handle = second.assistant.database();
        db_handle
            .link_account(&conversation, "account-61")
            .await
            .expect("link");
        let told = second
            .assistant
            .notify_account("account-61", "notice-review-approved", &[], None)
            .await
            .expect("notify");
        assert_eq!(told, 1);
        let news = second.assistant.content().translations.text(
            Locale::ZhCn,
            "notice-review-approved",
            &[],
        );

        for text in [reply, news.as_str()] {
            until("the pushed message in the chat", async || {
                arrived(&apis, chat, text) >= 1
            })
            .await;
        }
        // Both instances heard both messages, so both had their chance to send them ...
        for listener in [&mut heard_first, &mut heard_second] {
            heard(listener, reply).await;
            heard(listener, &news).await;
        }
        // ... and a moment to do it (a claim and a send take milliseconds).
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(arrived(&apis, chat, reply), 1);
        assert_eq!(arrived(&apis, chat, &news), 1);
        // Every pushed message of the conversation reached the chat once, whichever sent it.
        let pushed: Vec<String> = db_handle
            .pushed_since(0, 1_000)
            .await
            .expect("pushed")
            .into_iter()
            .filter(|p| p.conversation_id == conversation)
            .map(|p| p.body)
            .collect();
        assert!(pushed.len() >= 2, "{pushed:?}");
        for body in &pushed {
            let message: helpbot::assistant::BotMessage =
                serde_json::from_str(body).expect("a bot message");
            let first_line = message.text.lines().next().unwrap_or_default();
            assert_eq!(arrived(&apis, chat, first_line), 1, "{first_line}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_message_refused_with_429_is_sent_once_after_the_retry_after_given() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 71;
    run.api.feed(run.api.text_update(chat, "en", "hello")).await;
    run.api
        .wait_for("the first replies", |calls| sent_count(calls, chat) >= 2)
        .await;
    let question = "How do I reset my password?";
    let expected = super::core_answer(&run.assistant, Locale::En, question).await;
    run.api.refuse_once(chat, Refusal::too_many_requests(1));
    run.api
        .feed(run.api.text_update(chat, "en", question))
        .await;
    until("the answer", async || {
        arrived(&[&run.api], chat, &expected) >= 1
    })
    .await;
    assert_eq!(arrived(&[&run.api], chat, &expected), 1);
    let times = run.api.send_times(chat);
    let refused = times
        .iter()
        .position(|t| t.refused)
        .expect("a refused call");
    let retry = times.get(refused + 1).expect("the retry");
    assert!(!retry.refused);
    assert!(
        retry.at.duration_since(times[refused].at) >= Duration::from_secs(1),
        "retried {:?} after the refusal",
        retry.at.duration_since(times[refused].at)
    );
}

/// The stored messages of the chat's conversation.
async fn stored(assistant: &Assistant, chat: i64) -> Vec<String> {
    assistant
        .history(&conversation_of(assistant, chat).await)
        .await
        .expect("history")
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn a_chat_that_cannot_be_written_to_loses_no_conversation_state() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let (blocked, gone) = (81, 82);
        run.api.refuse(blocked, Refusal::blocked());
        run.api.refuse(gone, Refusal::chat_not_found());
        let question = "How do I reset my password?";
        for chat in [blocked, gone] {
            run.api
                .feed(run.api.text_update(chat, "en", question))
                .await;
        }
        for chat in [blocked, gone] {
            // The welcome is refused (and nothing more of that batch tried), then the answer.
            until("both refusals", async || {
                run.api
                    .send_times(chat)
                    .iter()
                    .filter(|t| t.refused)
                    .count()
                    >= 2
            })
            .await;
            let kept = stored(&run.assistant, chat).await;
            assert!(kept.iter().any(|b| b.contains(question)), "{kept:?}");
        }
        // The user unblocks the bot and writes again: the same conversation goes on.
        let expected =
            super::core_answer(&run.assistant, Locale::En, "How do I find my username?").await;
        for chat in [blocked, gone] {
            let conversation = conversation_of(&run.assistant, chat).await;
            run.api.accept(chat);
            run.api
                .feed(
                    run.api
                        .text_update(chat, "en", "How do I find my username?"),
                )
                .await;
            until("the answer", async || {
                arrived(&[&run.api], chat, &expected) >= 1
            })
            .await;
            assert_eq!(conversation_of(&run.assistant, chat).await, conversation);
            let kept = stored(&run.assistant, chat).await;
            assert!(kept.iter().any(|b| b.contains(question)), "{kept:?}");
            assert!(
                kept.iter()
                    .any(|b| b.contains("How do I find my username?"))
            );
        }
    })
    .await;
}
