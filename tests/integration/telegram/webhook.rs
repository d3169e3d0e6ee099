//! Webhook mode: the route `helpbot serve` mounts, on a random port with a real HTTP client — a
//! wrong path or secret header handles nothing, a right one handles the update through the same
//! code as polling, a duplicate is handled once; setWebhook is called with the address and the
//! header secret and nothing polls; polling mode removes a webhook first.

use std::net::SocketAddr;
use std::time::Duration;

use helpbot::assistant::Assistant;
use helpbot::channels::telegram::webhook;
use helpbot::locale::Locale;
use reqwest::StatusCode;
use serde_json::Value;

use super::fake_bot_api::{FakeBotApi, TOKEN};
use super::{Serving, core_answer, sent_count, serve_command, start, texts};
use crate::common::{TestDb, config, on_both_backends};

const BASE: &str = "https://help.example.edu";

struct Hooked {
    assistant: Assistant,
    api: FakeBotApi,
    /// `http://127.0.0.1:port`, where serve's router listens.
    address: String,
    client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Hooked {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// serve's router with the webhook mounted, on a random loopback port.
async fn start_webhook(db: &TestDb) -> Hooked {
    let config = config(db.url());
    let assistant = helpbot::runtime::start(&config).await.expect("starts");
    let api = FakeBotApi::start().await;
    let bot = helpbot::channels::telegram::bot(TOKEN, api.url.parse().expect("url"));
    let routes = webhook::start(assistant.clone(), bot, TOKEN, &BASE.parse().expect("url"))
        .await
        .expect("webhook");
    let state = helpbot::channels::web::AppState::new(assistant.clone(), &config).mount(routes);
    let app = helpbot::channels::web::router(state, &[]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    Hooked {
        assistant,
        api,
        address,
        client: reqwest::Client::new(),
        server,
    }
}

impl Hooked {
    /// Posts a body to a webhook path with an optional secret header: the status.
    async fn post(&self, path_secret: &str, header: Option<&str>, body: String) -> StatusCode {
        let mut request = self
            .client
            .post(format!("{}/telegram/webhook/{path_secret}", self.address))
            .header("content-type", "application/json")
            .body(body);
        if let Some(header) = header {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", header);
        }
        request.send().await.expect("request").status()
    }

    /// Posts an update the way Telegram does.
    async fn deliver(&self, update: &Value) -> StatusCode {
        let secrets = webhook::secrets(TOKEN);
        self.post(&secrets.path, Some(&secrets.header), update.to_string())
            .await
    }
}

/// Waits for setWebhook: with the address under the base and the header secret.
async fn the_webhook_is_registered(api: &FakeBotApi) {
    let secrets = webhook::secrets(TOKEN);
    let calls = api
        .wait_for("setWebhook", |calls| {
            calls.iter().any(|c| c.method == "setWebhook")
        })
        .await;
    let set = calls
        .iter()
        .find(|c| c.method == "setWebhook")
        .expect("setWebhook");
    assert_eq!(
        set.params["url"].as_str(),
        Some(format!("{BASE}/telegram/webhook/{}", secrets.path).as_str())
    );
    assert_eq!(
        set.params["secret_token"].as_str(),
        Some(secrets.header.as_str())
    );
}

#[tokio::test]
async fn the_webhook_handles_updates_only_with_its_path_and_header_secrets() {
    let db = TestDb::sqlite();
    let hook = start_webhook(&db).await;
    let secrets = webhook::secrets(TOKEN);
    // An update waiting at the Bot API: were it polled, it would be taken.
    hook.api.feed(hook.api.text_update(30, "en", "hello")).await;
    the_webhook_is_registered(&hook.api).await;

    let refused = hook
        .api
        .text_update(31, "en", "How do I reset my password?");
    assert_eq!(
        hook.post("not-the-secret", Some(&secrets.header), refused.to_string())
            .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hook.post(&secrets.header, Some(&secrets.header), refused.to_string())
            .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hook.post(&secrets.path, None, refused.to_string()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        hook.post(&secrets.path, Some(&secrets.path), refused.to_string())
            .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        hook.post(
            &secrets.path,
            Some(&secrets.header),
            "{\"update_id\":".into()
        )
        .await,
        StatusCode::BAD_REQUEST
    );

    let question = "How do I reset my password?";
    let expected = core_answer(&hook.assistant, Locale::En, question).await;
    assert_eq!(
        hook.deliver(&hook.api.text_update(32, "en", question))
            .await,
        StatusCode::OK
    );
    hook.api
        .wait_for("the answer", |calls| sent_count(calls, 32) >= 2)
        .await;
    assert!(
        texts(&hook.api.sent("sendMessage", 32))
            .iter()
            .any(|t| t.contains(&expected))
    );
    // The refused requests handled nothing, and nothing polled.
    assert!(hook.api.sent("sendMessage", 31).is_empty());
    assert!(
        hook.assistant
            .database()
            .telegram_chat(31)
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(hook.api.pending().await, 1);
    assert!(hook.api.calls().iter().all(|c| c.method != "deleteWebhook"));
}

#[tokio::test]
async fn an_update_posted_twice_is_handled_once_and_a_chats_updates_in_order() {
    on_both_backends(async |db: TestDb| {
        let hook = start_webhook(&db).await;
        let chat = 40;
        let question = "How do I reset my password?";
        let expected = core_answer(&hook.assistant, Locale::En, question).await;
        let twice = hook.api.text_update(chat, "en", question);
        let then = hook.api.text_update(chat, "zh-CN", "怎么找回用户名");
        assert_eq!(hook.deliver(&twice).await, StatusCode::OK);
        assert_eq!(hook.deliver(&twice).await, StatusCode::OK);
        assert_eq!(hook.deliver(&then).await, StatusCode::OK);
        let expected_then = core_answer(&hook.assistant, Locale::ZhCn, "怎么找回用户名").await;
        // The chat's updates are handled in order: once the last is answered, the copy has
        // been handled (or skipped) too.
        hook.api
            .wait_for("the last update's answer", |calls| {
                calls.iter().any(|c| {
                    c.params["chat_id"].as_i64() == Some(chat)
                        && c.params["text"]
                            .as_str()
                            .is_some_and(|t| t.contains(&expected_then))
                })
            })
            .await;
        let sent = texts(&hook.api.sent("sendMessage", chat));
        let answered: Vec<usize> = sent
            .iter()
            .enumerate()
            .filter(|(_, t)| t.contains(&expected))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(answered.len(), 1, "{sent:?}");
        let then_at = sent
            .iter()
            .position(|t| t.contains(&expected_then))
            .expect("answered");
        assert!(answered[0] < then_at, "{sent:?}");
    })
    .await;
}

#[tokio::test]
async fn polling_removes_a_webhook_before_it_polls() {
    let db = TestDb::sqlite();
    let run = start(&db, |_| {}).await;
    run.api.feed(run.api.text_update(50, "en", "hello")).await;
    let calls = run
        .api
        .wait_for("the welcome", |calls| sent_count(calls, 50) >= 1)
        .await;
    let deleted = calls
        .iter()
        .position(|c| c.method == "deleteWebhook")
        .expect("deleteWebhook called");
    let first_sent = calls
        .iter()
        .position(|c| c.method == "sendMessage")
        .expect("sent");
    assert!(deleted < first_sent);
    assert!(calls.iter().all(|c| c.method != "setWebhook"));
}

/// `helpbot serve` with the one-underscore names: it registers the webhook, never polls,
/// and logs neither the token nor a secret.
#[tokio::test]
async fn helpbot_serve_registers_the_webhook_from_the_one_underscore_names() {
    let db = TestDb::sqlite();
    let api = FakeBotApi::start().await;
    api.feed(api.text_update(60, "en", "hello")).await;
    let workdir = tempfile::tempdir().expect("temp dir");
    let child = serve_command(&db, workdir.path())
        .env("HELPBOT_TELEGRAM_TOKEN", TOKEN)
        .env("HELPBOT_TELEGRAM_API_URL", &api.url)
        .env("HELPBOT_TELEGRAM_WEBHOOK_URL", BASE)
        .env("RUST_LOG", "debug")
        .spawn()
        .expect("serve");
    let mut serving = Serving(Some(child));
    the_webhook_is_registered(&api).await;
    let secrets = webhook::secrets(TOKEN);
    // The process logs the registration once Telegram's answer is read, a moment after the fake
    // recorded the call: its log is read until that line, then it is stopped.
    let stderr = serving
        .0
        .as_mut()
        .and_then(|child| child.stderr.take())
        .expect("stderr piped");
    let (lines, arrived) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut logs = String::new();
    while let Ok(line) = arrived.recv_timeout(Duration::from_secs(10)) {
        logs.push_str(&line);
        logs.push('\n');
        if line.contains("telegram channel webhook registered") {
            break;
        }
    }
    let mut child = serving.0.take().expect("running");
    child.kill().ok();
    child.wait().ok();
    while let Ok(line) = arrived.recv_timeout(Duration::from_secs(1)) {
        logs.push_str(&line);
        logs.push('\n');
    }
    assert!(
        logs.contains("telegram channel webhook registered"),
        "{logs}"
    );
    for secret in ["fake-token", &secrets.path, &secrets.header] {
        assert!(!logs.contains(secret), "{logs}");
    }
    // Webhook mode never polls: the waiting update is still there.
    assert_eq!(api.pending().await, 1);
    assert!(api.calls().iter().all(|c| c.method != "deleteWebhook"));
}
