//! The Telegram channel, with teloxide's real client against a fake Bot API server: questions,
//! inline keyboards (short callback keys, stale presses), updates delivered twice, chats side by
//! side, a password removed from the chat, and an agent's reply pushed to the chat. Photos, the
//! contact button and group chats have their own files.

mod commands;
mod contacts;
mod fake_bot_api;
mod feedback;
mod formatting;
mod groups;
mod photos;
mod push;
mod webhook;

use std::time::Duration;

use fake_bot_api::{Call, FakeBotApi, TOKEN};
use helpbot::accounts::demo::{DEMO_PASSWORD, load_demo_data};
use helpbot::assistant::{Assistant, Input};
use helpbot::config::Config;
use helpbot::handoff::Agent;
use helpbot::locale::Locale;
use helpbot::message::BotMessage;
use serde_json::Value;

use crate::common::{TestDb, config, on_both_backends};

struct Running {
    assistant: Assistant,
    api: FakeBotApi,
    channel: tokio::task::JoinHandle<()>,
    follower: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.channel.abort();
        self.follower.abort();
    }
}

async fn start(db: &TestDb, tweak: impl FnOnce(&mut Config)) -> Running {
    let mut config = config(db.url());
    tweak(&mut config);
    let assistant = helpbot::runtime::start(&config).await.expect("starts");
    let api = FakeBotApi::start().await;
    let follower = assistant.follow_pushed_messages(Duration::from_millis(100));
    let channel = spawn_channel(&assistant, &api);
    Running {
        assistant,
        api,
        channel,
        follower,
    }
}

/// The channel polling the fake server with a one-second long poll.
fn spawn_channel(assistant: &Assistant, api: &FakeBotApi) -> tokio::task::JoinHandle<()> {
    let bot = helpbot::channels::telegram::bot(TOKEN, api.url.parse().expect("url"));
    tokio::spawn(helpbot::channels::telegram::run_polling(
        assistant.clone(),
        bot,
        1,
    ))
}

fn texts(calls: &[Value]) -> Vec<String> {
    calls
        .iter()
        .filter_map(|c| c["text"].as_str().map(String::from))
        .collect()
}

/// The callback data of the buttons of the chat's last message with a keyboard.
fn last_keyboard(api: &FakeBotApi, chat: i64) -> Vec<(String, String)> {
    api.sent("sendMessage", chat)
        .iter()
        .rev()
        .find_map(|m| m["reply_markup"]["inline_keyboard"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or_default().to_string(),
                b["callback_data"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn sent_count(calls: &[Call], chat: i64) -> usize {
    calls
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"].as_i64() == Some(chat))
        .count()
}

/// The core's replies to `text` in a new conversation of another channel.
async fn core_reply(assistant: &Assistant, locale: Locale, text: &str) -> Vec<BotMessage> {
    let (id, _) = assistant
        .start_conversation("test", locale)
        .await
        .expect("start");
    assistant
        .handle(&id, Input::Text(text.into()))
        .await
        .expect("turn")
}

/// What the core answers to `text` in a new conversation of another channel.
async fn core_answer(assistant: &Assistant, locale: Locale, text: &str) -> String {
    core_reply(assistant, locale, text).await[0].text.clone()
}

async fn conversation_of(assistant: &Assistant, chat: i64) -> String {
    assistant
        .database()
        .telegram_chat(chat)
        .await
        .expect("read")
        .expect("the chat has a conversation")
        .conversation_id
}

#[tokio::test]
async fn a_question_is_answered_in_the_language_of_the_user() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let question = "How do I reset my password?";
    let expected = core_answer(&run.assistant, Locale::En, question).await;
    run.api.feed(run.api.text_update(42, "en", question)).await;
    run.api
        .wait_for("the answer", |calls| {
            calls.iter().any(|c| {
                c.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(&expected))
            })
        })
        .await;
    let sent = texts(&run.api.sent("sendMessage", 42));
    let welcome = run
        .assistant
        .content()
        .translations
        .text(Locale::En, "chat-welcome", &[]);
    assert_eq!(sent[0], welcome, "{sent:?}");
    // Plain text: no parse mode, so nothing the bot says is read as markup.
    assert!(
        run.api
            .sent("sendMessage", 42)
            .iter()
            .all(|m| m.get("parse_mode").is_none())
    );
}

#[tokio::test]
async fn the_duplicate_id_diagnosis_runs_through_inline_buttons_and_stale_presses_change_nothing() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    let chat = 7;
    run.api
        .feed(
            run.api
                .text_update(chat, "zh-CN", "注册的时候显示身份证已经被注册了"),
        )
        .await;
    run.api
        .wait_for("a keyboard", |_| !last_keyboard(&run.api, chat).is_empty())
        .await;
    let first = last_keyboard(&run.api, chat);
    assert!(
        first
            .iter()
            .all(|(_, data)| !data.is_empty() && data.len() <= 64),
        "{first:?}"
    );
    let before = sent_count(&run.api.calls(), chat);
    run.api
        .feed(run.api.press_update(chat, "zh-CN", &first[0].1))
        .await;
    let calls = run
        .api
        .wait_for("the next step", |calls| sent_count(calls, chat) > before)
        .await;
    assert!(calls.iter().any(|c| c.method == "answerCallbackQuery"));
    // The same dialog in the core, pressing the same button, says the same.
    let (id, _) = run
        .assistant
        .start_conversation("test", Locale::ZhCn)
        .await
        .expect("start");
    let asked = run
        .assistant
        .handle(&id, Input::Text("注册的时候显示身份证已经被注册了".into()))
        .await
        .expect("turn");
    let next = run
        .assistant
        .handle(
            &id,
            Input::Button(asked.last().expect("reply").buttons[0].payload.clone()),
        )
        .await
        .expect("turn");
    let sent = texts(&run.api.sent("sendMessage", chat));
    assert!(sent.iter().any(|t| t.contains(&next[0].text)), "{sent:?}");

    // A key of the first keyboard that the latest does not have, and one never sent: each is
    // answered with a note and nothing else happens. (👍 / 👎 carry their payload, not a key:
    // they rate the answer they are under however old it is; see `telegram/feedback.rs`.)
    let latest = last_keyboard(&run.api, chat);
    let stale: Vec<String> = first
        .iter()
        .map(|(_, data)| data.clone())
        .filter(|data| !data.starts_with("feedback:"))
        .filter(|data| !latest.iter().any(|(_, d)| d == data))
        .chain(["k0000000000000000".to_string()])
        .collect();
    let state_before = run
        .assistant
        .history(&conversation_of(&run.assistant, chat).await)
        .await
        .expect("history")
        .len();
    let sent_before = sent_count(&run.api.calls(), chat);
    for data in &stale {
        run.api
            .feed(run.api.press_update(chat, "zh-CN", data))
            .await;
    }
    let note =
        run.assistant
            .content()
            .translations
            .text(Locale::ZhCn, "telegram-stale-button", &[]);
    run.api
        .wait_for("the stale notes", |calls| {
            calls
                .iter()
                .filter(|c| {
                    c.method == "answerCallbackQuery"
                        && c.params["text"].as_str() == Some(note.as_str())
                })
                .count()
                == stale.len()
        })
        .await;
    assert_eq!(sent_count(&run.api.calls(), chat), sent_before);
    let state_after = run
        .assistant
        .history(&conversation_of(&run.assistant, chat).await)
        .await
        .expect("history")
        .len();
    assert_eq!(state_after, state_before);
}

#[tokio::test]
async fn an_update_delivered_twice_is_handled_once_and_chats_run_side_by_side() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let twice = run.api.text_update(1, "en", "How do I reset my password?");
        run.api.feed(twice.clone()).await;
        run.api.feed(twice.clone()).await;
        run.api
            .feed(run.api.text_update(2, "zh-CN", "怎么找回用户名"))
            .await;
        run.api.feed(twice).await;
        let expected = core_answer(&run.assistant, Locale::En, "How do I reset my password?").await;
        run.api
            .wait_for("both chats answered", |calls| {
                sent_count(calls, 1) >= 2 && sent_count(calls, 2) >= 2
            })
            .await;
        // Time for the copies to be handled, were they handled.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let sent = texts(&run.api.sent("sendMessage", 1));
        assert_eq!(
            sent.iter().filter(|t| t.contains(&expected)).count(),
            1,
            "{sent:?}"
        );
        let welcome_zh =
            run.assistant
                .content()
                .translations
                .text(Locale::ZhCn, "chat-welcome", &[]);
        assert_eq!(texts(&run.api.sent("sendMessage", 2))[0], welcome_zh);
        assert_ne!(
            conversation_of(&run.assistant, 1).await,
            conversation_of(&run.assistant, 2).await
        );
    })
    .await;
}

/// A student of chat `chat` (English) at the password step of a dialog, taken there through the
/// core (the chat's conversation): the conversation.
async fn at_the_password_step(run: &Running, chat: i64) -> String {
    let store = helpbot::runtime::account_store(run.assistant.database().clone());
    load_demo_data(&store).await.expect("demo data");
    run.api.feed(run.api.text_update(chat, "en", "hello")).await;
    run.api
        .wait_for("the welcome", |calls| sent_count(calls, chat) >= 2)
        .await;
    let conversation = conversation_of(&run.assistant, chat).await;
    for input in [
        Input::Button("dialog:verify-by-classmate".into()),
        Input::Text("2".into()),
        Input::Text("wangfang".into()),
    ] {
        run.assistant
            .handle(&conversation, input)
            .await
            .expect("turn");
    }
    assert!(
        run.assistant
            .awaits_secret(&conversation)
            .await
            .expect("state")
    );
    conversation
}

#[tokio::test]
async fn a_password_is_deleted_from_the_chat_at_once() {
    on_both_backends(async |db: TestDb| {
        let run = start(&db, |_| {}).await;
        let chat = 99;
        let conversation = at_the_password_step(&run, chat).await;
        let password = run.api.text_update(chat, "en", DEMO_PASSWORD);
        let message_id = password["message"]["message_id"].as_i64();
        run.api.feed(password).await;
        let note =
            run.assistant
                .content()
                .translations
                .text(Locale::En, "telegram-secret-deleted", &[]);
        run.api
            .wait_for("the note", |calls| {
                calls
                    .iter()
                    .any(|c| c.params["text"].as_str() == Some(note.as_str()))
            })
            .await;
        let deleted = run.api.sent("deleteMessage", chat);
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0]["message_id"].as_i64(), message_id);
        let history = run.assistant.history(&conversation).await.expect("history");
        assert!(history.iter().all(|m| !m.body.contains(DEMO_PASSWORD)));
    })
    .await;
}

/// An agent online, and the chat asking for a person: the agent and the chat's conversation.
async fn waiting_for_an_agent(run: &Running, chat: i64) -> (Agent, String) {
    let agent = Agent::new("staff-wang-01", "小王");
    run.assistant
        .desk()
        .heartbeat(&agent)
        .await
        .expect("online");
    run.api
        .feed(run.api.text_update(chat, "zh-CN", "转人工"))
        .await;
    run.api
        .wait_for("the handoff reply", |calls| sent_count(calls, chat) >= 2)
        .await;
    (agent, conversation_of(&run.assistant, chat).await)
}

/// An agent takes the chat's handoff and writes `text` to it.
async fn an_agent_replies(run: &Running, chat: i64, text: &str) {
    let (agent, conversation) = waiting_for_an_agent(run, chat).await;
    let handoff = crate::handoff::handoff_of(&run.assistant, &conversation).await;
    run.assistant
        .desk()
        .take(&handoff, &agent)
        .await
        .expect("take");
    run.assistant
        .desk()
        .reply(&handoff, &agent, text)
        .await
        .expect("reply");
}

#[tokio::test]
async fn an_agents_reply_arrives_in_the_telegram_chat() {
    let db = TestDb::sqlite();
    let run = start(&db, crate::handoff::always_open).await;
    let chat = 5;
    an_agent_replies(&run, chat, "你好，我来帮您看看").await;
    let calls = run
        .api
        .wait_for("the agent's reply", |calls| {
            calls.iter().any(|c| {
                c.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("你好，我来帮您看看"))
            })
        })
        .await;
    let replies = calls
        .iter()
        .filter(|c| {
            c.params["text"]
                .as_str()
                .is_some_and(|t| t.contains("你好，我来帮您看看"))
        })
        .count();
    assert_eq!(replies, 1);
    assert!(
        texts(&run.api.sent("sendMessage", chat))
            .iter()
            .any(|t| t.contains("小王"))
    );
}

#[tokio::test]
async fn a_restarted_channel_continues_the_chats_conversation() {
    on_both_backends(async |db: TestDb| {
        let mut run = start(&db, |_| {}).await;
        let chat = 11;
        run.api.feed(run.api.text_update(chat, "en", "hello")).await;
        run.api
            .wait_for("the first reply", |calls| sent_count(calls, chat) >= 2)
            .await;
        let conversation = conversation_of(&run.assistant, chat).await;
        run.channel.abort();
        // A long poll of the stopped channel may still be open at the fake server: let it end,
        // so that it does not take the next update (Telegram would deliver it again; the fake
        // serves each once).
        tokio::time::sleep(Duration::from_millis(600)).await;
        run.channel = spawn_channel(&run.assistant, &run.api);
        let before = sent_count(&run.api.calls(), chat);
        run.api
            .feed(
                run.api
                    .text_update(chat, "en", "How do I reset my password?"),
            )
            .await;
        run.api
            .wait_for("the reply", |calls| sent_count(calls, chat) > before)
            .await;
        assert_eq!(conversation_of(&run.assistant, chat).await, conversation);
        let welcome = run
            .assistant
            .content()
            .translations
            .text(Locale::En, "chat-welcome", &[]);
        let sent = texts(&run.api.sent("sendMessage", chat));
        assert_eq!(
            sent.iter().filter(|t| **t == welcome).count(),
            1,
            "{sent:?}"
        );
    })
    .await;
}

/// The child process, stopped however the test ends.
struct Serving(Option<std::process::Child>);

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// `helpbot serve` in `workdir` on the database and the shipped content, on a random port, its
/// logs piped; the test adds the Telegram settings.
fn serve_command(db: &TestDb, workdir: &std::path::Path) -> std::process::Command {
    let repo = crate::common::repo();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_helpbot"));
    command
        .arg("serve")
        .current_dir(workdir)
        .env("HELPBOT_DATABASE_URL", db.url())
        .env("HELPBOT_CONTENT__KNOWLEDGE_DIR", repo.join("knowledge"))
        .env("HELPBOT_CONTENT__DIALOGS_DIR", repo.join("dialogs"))
        .env("HELPBOT_CONTENT__LOCALES_DIR", repo.join("locales"))
        .env("HELPBOT_WEB__LISTEN", "127.0.0.1:0")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null());
    command
}

/// `helpbot serve` starts the channel when the token is in the environment, and never logs it.
#[tokio::test]
async fn helpbot_serve_starts_the_channel_from_the_environment() {
    let db = TestDb::sqlite();
    let api = FakeBotApi::start().await;
    let workdir = tempfile::tempdir().expect("temp dir");
    let child = serve_command(&db, workdir.path())
        .env("HELPBOT_TELEGRAM__TOKEN", TOKEN)
        .env("HELPBOT_TELEGRAM__API_URL", &api.url)
        .env("RUST_LOG", "info")
        .spawn()
        .expect("serve");
    let mut serving = Serving(Some(child));
    api.feed(api.text_update(8, "en", "hello")).await;
    api.wait_for("the bot to answer", |calls| sent_count(calls, 8) >= 2)
        .await;
    let mut child = serving.0.take().expect("running");
    child.kill().ok();
    let output = child.wait_with_output().expect("exits");
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("telegram channel polling"), "{logs}");
    assert!(!logs.contains("fake-token"), "{logs}");
}

#[tokio::test]
async fn after_a_restart_an_agents_reply_reaches_a_chat_that_has_not_written_since() {
    let db = TestDb::sqlite();
    let mut run = start(&db, crate::handoff::always_open).await;
    let chat = 21;
    let (agent, conversation) = waiting_for_an_agent(&run, chat).await;
    // The process stops; a new one starts on the same database and fake Bot API.
    run.channel.abort();
    run.follower.abort();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut config = config(db.url());
    crate::handoff::always_open(&mut config);
    let restarted = helpbot::runtime::start(&config).await.expect("starts");
    run.follower = restarted.follow_pushed_messages(Duration::from_millis(100));
    run.channel = spawn_channel(&restarted, &run.api);
    let handoff = crate::handoff::handoff_of(&restarted, &conversation).await;
    restarted.desk().heartbeat(&agent).await.expect("online");
    // The channel listens to the chat as soon as it starts: give it that moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    restarted.desk().take(&handoff, &agent).await.expect("take");
    restarted
        .desk()
        .reply(&handoff, &agent, "重启后也能收到")
        .await
        .expect("reply");
    run.api
        .wait_for("the agent's reply after the restart", |calls| {
            calls.iter().any(|c| {
                c.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("重启后也能收到"))
            })
        })
        .await;
}

/// The demo accounts loaded, and a chat that said hello: its conversation.
async fn demo_chat(run: &Running, chat: i64, language: &str) -> String {
    let store = helpbot::runtime::account_store(run.assistant.database().clone());
    load_demo_data(&store).await.expect("demo data");
    run.api
        .feed(run.api.text_update(chat, language, "你好"))
        .await;
    run.api
        .wait_for("the welcome", |calls| sent_count(calls, chat) >= 2)
        .await;
    conversation_of(&run.assistant, chat).await
}

/// Waits for a message to the chat that contains `needle`; the chat's texts.
async fn wait_for_text(run: &Running, chat: i64, needle: &str) -> Vec<String> {
    run.api
        .wait_for(needle, |calls| {
            calls.iter().any(|c| {
                c.method == "sendMessage"
                    && c.params["chat_id"].as_i64() == Some(chat)
                    && c.params["text"]
                        .as_str()
                        .is_some_and(|t| t.contains(needle))
            })
        })
        .await;
    texts(&run.api.sent("sendMessage", chat))
}

/// Takes these turns through the core (in the chat's conversation); the last one's replies.
async fn through_the_core(
    run: &Running,
    conversation: &str,
    inputs: Vec<Input>,
) -> Vec<helpbot::assistant::BotMessage> {
    let mut last = Vec::new();
    for input in inputs {
        last = run
            .assistant
            .handle(conversation, input)
            .await
            .expect("turn");
    }
    last
}
