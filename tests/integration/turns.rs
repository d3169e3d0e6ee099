//! One turn at a time per conversation: messages sent to one conversation at the same moment (a
//! double click, two tabs) are all handled, one after another, each starting from the state the
//! previous one stored; on PostgreSQL also when they arrive at two instances.

use crate::common;

use common::{TestDb, config};
use helpbot::assistant::{Assistant, Input};
use helpbot::locale::Locale;
use helpbot::store::Sender;

const PARALLEL: usize = 20;

async fn assistant(test_db: &TestDb) -> Assistant {
    helpbot::runtime::start(&config(test_db.url()))
        .await
        .expect("starts")
}

/// The turns counted in the conversation's stored state, and its transcript checked: the
/// welcome, then every user message directly followed by its replies.
async fn turns_and_transcript(assistant: &Assistant, conversation: &str) -> (u64, usize) {
    let record = assistant
        .database()
        .conversation(conversation)
        .await
        .expect("read")
        .expect("exists");
    let state: serde_json::Value = serde_json::from_str(&record.state).expect("JSON state");
    let messages = assistant
        .database()
        .messages(conversation)
        .await
        .expect("history");
    let users: Vec<usize> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.sender == Sender::User)
        .map(|(i, _)| i)
        .collect();
    for index in &users {
        assert_eq!(
            messages.get(index + 1).map(|m| m.sender),
            Some(Sender::Bot),
            "a reply follows every message"
        );
    }
    (state["turns"].as_u64().unwrap_or_default(), users.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_messages_to_one_conversation_are_handled_one_after_another() {
    common::on_both_backends(async |test_db| {
        let assistant = assistant(&test_db).await;
        let (conversation, _) = assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("conversation");
        let questions = ["忘记用户名", "收不到校验码", "证件号码已被注册", "你好"];
        let tasks: Vec<_> = (0..PARALLEL)
            .map(|n| {
                let assistant = assistant.clone();
                let conversation = conversation.clone();
                let question = questions[n % questions.len()].to_string();
                tokio::spawn(async move {
                    assistant
                        .handle(&conversation, Input::Text(question))
                        .await
                        .map(|replies| replies.len())
                })
            })
            .collect();
        for task in tasks {
            let replies = task.await.expect("task").expect("turn");
            assert!(replies > 0);
        }
        let (turns, stored) = turns_and_transcript(&assistant, &conversation).await;
        assert_eq!(turns, PARALLEL as u64, "{:?}: no turn lost", test_db.url());
        assert_eq!(stored, PARALLEL);
        assistant.database().close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgresql_take_turns_too() {
    let test_db = TestDb::postgres().await;
    let first = assistant(&test_db).await;
    let second = assistant(&test_db).await;
    let (conversation, _) = first
        .start_conversation("test", Locale::ZhCn)
        .await
        .expect("conversation");
    // A dialog in progress makes a lost update visible in the position too.
    first
        .handle(&conversation, Input::Button("dialog:duplicate-id".into()))
        .await
        .expect("dialog");
    let tasks: Vec<_> = (0..PARALLEL)
        .map(|n| {
            let instance = if n % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let conversation = conversation.clone();
            tokio::spawn(async move {
                instance
                    .handle(&conversation, Input::Text("我不太确定".into()))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("turn");
    }
    let (turns, stored) = turns_and_transcript(&second, &conversation).await;
    assert_eq!(turns, PARALLEL as u64 + 1, "no turn lost across instances");
    assert_eq!(stored, PARALLEL + 1);
    first.database().close().await;
    second.database().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_conversations_at_once_on_postgresql_all_get_their_turn() {
    // Each turn holds a connection for its conversation's lock while it runs: those come from a
    // pool of their own, so turns waiting or holding locks never starve the running ones.
    let test_db = TestDb::postgres().await;
    let assistant = assistant(&test_db).await;
    let mut conversations = Vec::new();
    for _ in 0..60 {
        let (id, _) = assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("conversation");
        conversations.push(id);
    }
    let tasks: Vec<_> = conversations
        .iter()
        .map(|conversation| {
            let assistant = assistant.clone();
            let conversation = conversation.clone();
            tokio::spawn(async move {
                assistant
                    .handle(&conversation, Input::Text("忘记用户名".into()))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("turn");
    }
    for conversation in &conversations {
        assert_eq!(turns_and_transcript(&assistant, conversation).await.0, 1);
    }
    assistant.database().close().await;
}
