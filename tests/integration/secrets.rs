//! No secret is kept. Every dialog path that takes a password or an SMS code is walked on both
//! backends (right, wrong, weak, back, restart, cancel, handoff, and secrets typed where none is
//! asked for), with codes sent through an SMS gateway as in production; then the whole database
//! (on SQLite the raw file and its write-ahead log, on PostgreSQL every row of every table),
//! everything logged at TRACE level, the history and the remembered conversation state are
//! searched for every secret typed.

use crate::common;

use std::sync::{Arc, Mutex, OnceLock};

use axum::Json;
use axum::routing::post;
use common::{SharedBuffer, TestDb, config};
use helpbot::accounts::demo::{DEMO_PASSWORD, load_demo_data};
use helpbot::accounts::embedded::{EmbeddedAccountStore, ManualClock};
use helpbot::accounts::limits::MINUTE_MS;
use helpbot::assistant::AssistantSettings;
use helpbot::assistant::{Assistant, BotMessage, Input};
use helpbot::locale::Locale;
use serde_json::Value;
use sqlx::Row;

/// Everything this process logs, at every level (the test has a process of its own).
fn logs() -> &'static SharedBuffer {
    static LOGS: OnceLock<SharedBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = SharedBuffer::default();
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buffer
    })
}

/// An SMS gateway on a free local port that keeps what it is asked to send.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<String>>>) {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let kept = sent.clone();
    let app = axum::Router::new().route(
        "/send",
        post(move |Json(body): Json<Value>| {
            let kept = kept.clone();
            async move {
                if let (Ok(mut kept), Some(text)) = (kept.lock(), body["text"].as_str()) {
                    kept.push(text.to_string());
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{address}/send"), sent)
}

/// One walk: its conversations and every secret typed into them.
struct Walk {
    assistant: Assistant,
    clock: Arc<ManualClock>,
    gateway: Arc<Mutex<Vec<String>>>,
    secrets: Vec<String>,
    conversations: Vec<String>,
}

impl Walk {
    /// A new conversation, a quarter of an hour after the last (so resend intervals and
    /// 10-minute limits do not carry over from one walk to the next).
    async fn open(&mut self) -> String {
        self.clock.advance(15 * MINUTE_MS);
        let (id, _) = self
            .assistant
            .start_conversation("test", Locale::ZhCn)
            .await
            .expect("conversation");
        self.conversations.push(id.clone());
        id
    }

    async fn input(&mut self, conversation: &str, input: Input) -> String {
        let messages = self
            .assistant
            .handle(conversation, input)
            .await
            .expect("turn");
        // After every turn, what is stored and remembered for the conversation keeps no
        // secret typed so far.
        let state = self
            .assistant
            .database()
            .conversation(conversation)
            .await
            .expect("read")
            .expect("exists")
            .state;
        for secret in &self.secrets {
            assert!(
                !state.contains(secret.as_str()),
                "`{secret}` kept in {state}"
            );
        }
        text(&messages)
    }

    async fn say(&mut self, conversation: &str, text: &str) -> String {
        self.input(conversation, Input::Text(text.into())).await
    }

    /// Types a secret.
    async fn secret(&mut self, conversation: &str, secret: &str) -> String {
        self.secrets.push(secret.to_string());
        self.say(conversation, secret).await
    }

    async fn press(&mut self, conversation: &str, payload: &str) -> String {
        self.input(conversation, Input::Button(payload.into()))
            .await
    }

    /// The code in the latest SMS the gateway was given.
    fn last_code(&self) -> String {
        let sent = self.gateway.lock().map(|s| s.clone()).unwrap_or_default();
        common::code_in(sent.last().expect("an SMS was sent"))
    }

    /// A 6-digit code that is not the right one.
    fn wrong_code(&self, seed: u32) -> String {
        let right = self.last_code();
        let wrong = format!("{:06}", (seed * 7919 + 104_729) % 1_000_000);
        if wrong == right {
            format!("{:06}", (seed * 7919 + 104_730) % 1_000_000)
        } else {
            wrong
        }
    }
}

fn text(messages: &[BotMessage]) -> String {
    messages
        .iter()
        .map(|m| m.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every secret-taking path of the shipped dialogs.
async fn walk_every_secret_path(walk: &mut Walk) {
    // Find the username: a wrong code, "back" at the code step, then the right code.
    let c = walk.open().await;
    walk.press(&c, "dialog:find-username").await;
    walk.say(&c, "张三").await;
    let sent = walk.say(&c, "120104199102052530").await;
    assert!(sent.contains("138****0001"), "{sent}");
    let wrong = walk.wrong_code(1);
    let refused = walk.secret(&c, &wrong).await;
    assert!(refused.contains("不正确"), "{refused}");
    walk.say(&c, "返回").await;
    let code = walk.last_code();
    let revealed = walk.secret(&c, &code).await;
    assert!(revealed.contains("zhangsan"), "{revealed}");

    // Reset the password: wrong code, restart at the code step, right code, a weak password,
    // cancel at the password step.
    let c = walk.open().await;
    walk.press(&c, "dialog:reset-password").await;
    walk.say(&c, "张三").await;
    walk.say(&c, "120104199102052530").await;
    let wrong = walk.wrong_code(2);
    walk.secret(&c, &wrong).await;
    walk.say(&c, "重新开始").await;
    walk.say(&c, "张三").await;
    // Within the minute no new code is sent: "I have the code" goes back to the code step.
    let wait = walk.say(&c, "120104199102052530").await;
    assert!(wait.contains("校验码"), "{wait}");
    walk.press(&c, "dlg:1").await;
    let code = walk.last_code();
    let verified = walk.secret(&c, &code).await;
    assert!(verified.contains("密码"), "{verified}");
    let weak = walk.secret(&c, "short7").await;
    assert!(!weak.contains("成功"), "{weak}");
    walk.say(&c, "取消").await;

    // Reset again in a new conversation: right code, then a handoff at the password step.
    let c = walk.open().await;
    walk.press(&c, "dialog:reset-password").await;
    walk.say(&c, "张三").await;
    walk.say(&c, "120104199102052530").await;
    let code = walk.last_code();
    walk.secret(&c, &code).await;
    walk.say(&c, "转人工").await;

    // And once more to the end: a new password is set.
    let c = walk.open().await;
    walk.press(&c, "dialog:reset-password").await;
    walk.say(&c, "张三").await;
    walk.say(&c, "120104199102052530").await;
    let wrong = walk.wrong_code(3);
    walk.secret(&c, &wrong).await;
    let code = walk.last_code();
    walk.secret(&c, &code).await;
    let done = walk.secret(&c, "Brand-new-pass-31").await;
    assert!(done.contains("成功") || done.contains("重置"), "{done}");

    // Sign-in steps: a wrong password, then the right one; a wrong one then "back".
    let c = walk.open().await;
    walk.press(&c, "dialog:verify-by-photo").await;
    walk.say(&c, "lisi2024").await;
    let wrong = walk.secret(&c, "Not-my-pass-41").await;
    assert!(
        wrong.contains("用户名") || wrong.contains("密码"),
        "{wrong}"
    );
    walk.say(&c, "lisi2024").await;
    let rules = walk.secret(&c, DEMO_PASSWORD).await;
    assert!(rules.contains("300 KB"), "{rules}");
    let c = walk.open().await;
    walk.press(&c, "dialog:review-status").await;
    walk.say(&c, "lisi2024").await;
    walk.secret(&c, "Wrong-again-42").await;
    walk.say(&c, "返回").await;
    walk.say(&c, "取消").await;

    // Register in the chat: the mobile's code (wrong, then right), a weak password, a good one.
    let c = walk.open().await;
    walk.press(&c, "dialog:duplicate-id").await;
    walk.press(&c, "dlg:0").await; // 证件号码已被注册
    walk.press(&c, "dlg:1").await; // never registered
    walk.press(&c, "dlg:0").await; // confirm
    walk.press(&c, "dlg:0").await; // register here
    walk.say(&c, "张三").await;
    walk.say(&c, "120104199102052530").await;
    let asked = walk.say(&c, "13900000077").await;
    assert!(asked.contains("139****0077"), "{asked}");
    let wrong = walk.wrong_code(4);
    walk.secret(&c, &wrong).await;
    let code = walk.last_code();
    let username = walk.secret(&c, &code).await;
    assert!(username.contains("用户名"), "{username}");
    walk.say(&c, "zhangsan2026").await;
    walk.secret(&c, "wk-9").await;
    let registered = walk.secret(&c, "Register-pass-51").await;
    assert!(registered.contains("核验"), "{registered}");

    // Secrets typed where none is asked for: outside any dialog, a bare code, and a password
    // typed at a username step.
    let c = walk.open().await;
    walk.secret(&c, "My-secret-pass-61").await;
    walk.secret(&c, "583920").await;
    walk.press(&c, "dialog:review-status").await;
    walk.secret(&c, "Typo-pass-88!").await;
}

/// The text of every row of every table (on SQLite, of the whole file).
pub async fn database_text(test_db: &TestDb, pool: &sqlx::AnyPool) -> Vec<u8> {
    match test_db {
        TestDb::Sqlite { url, .. } => {
            let path = url.trim_start_matches("sqlite://");
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(content) = std::fs::read(format!("{path}{suffix}")) {
                    bytes.extend(content);
                }
            }
            assert!(bytes.len() > 10_000, "the database file was read");
            bytes
        }
        TestDb::Postgres { .. } => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public'",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            assert!(tables.len() > 10, "{tables:?}");
            let mut text = Vec::new();
            for table in tables {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(row_to_json(t) AS TEXT) AS row FROM \"{table}\" t"
                )))
                .fetch_all(pool)
                .await
                .expect("rows");
                for row in rows {
                    let row: String = row.try_get("row").expect("text");
                    text.extend(row.into_bytes());
                    text.push(b'\n');
                }
            }
            text
        }
    }
}

/// Whether `needle` occurs in `haystack` as a token of its own: not inside a longer run of
/// letters and digits. A 6-digit code is bound to turn up, now and then, inside a hash, an id or
/// a timing such as `elapsed_secs=0.012685860`; a leak shows it on its own (`code=685860`,
/// `验证码685860`).
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    let alphanumeric = |at: Option<&u8>| at.is_some_and(u8::is_ascii_alphanumeric);
    haystack
        .windows(needle.len())
        .enumerate()
        .any(|(at, window)| {
            window == needle
                && !alphanumeric(at.checked_sub(1).and_then(|before| haystack.get(before)))
                && !alphanumeric(haystack.get(at + needle.len()))
        })
}

#[test]
fn a_secret_inside_a_longer_number_or_hash_is_not_a_leak() {
    assert!(contains(b"code=685860 sent", "685860"));
    assert!(contains("验证码685860。".as_bytes(), "685860"));
    assert!(!contains(b"elapsed_secs=0.012685860", "685860"));
    assert!(!contains(b"hash 9f685860ab", "685860"));
    assert!(contains(b"Demo-pass-2024", "Demo-pass-2024"));
}

#[tokio::test]
async fn no_secret_reaches_the_database_the_logs_or_the_history() {
    // It installs the process's log subscriber and reads everything logged.
    if common::passed_in_own_process(
        "secrets::no_secret_reaches_the_database_the_logs_or_the_history",
    ) {
        return;
    }
    let logs = logs();
    common::on_both_backends(async |test_db| {
        // As in production: codes go out through an SMS gateway, not the development outbox.
        let (gateway_url, gateway) = sms_gateway().await;
        let settings = config(test_db.url());
        let db = test_db.connect().await;
        let notifier = helpbot::accounts::senders::configured_notifier(
            &db,
            None,
            "helpbot@example.com",
            Some(&gateway_url),
        )
        .expect("notifier");
        let clock = Arc::new(ManualClock::new(helpbot::store::now_ms()));
        let store = EmbeddedAccountStore::new(db.clone(), notifier, clock.clone());
        load_demo_data(&store).await.expect("demo data");
        let content = helpbot::runtime::load_content(&settings).expect("content");
        let assistant = Assistant::new(
            content,
            db,
            Arc::new(store),
            AssistantSettings::from(&settings),
        );
        let mut walk = Walk {
            assistant: assistant.clone(),
            clock,
            gateway,
            secrets: Vec::new(),
            conversations: Vec::new(),
        };
        walk_every_secret_path(&mut walk).await;
        assert!(walk.secrets.len() >= 15, "{:?}", walk.secrets);

        let mut history = String::new();
        for conversation in &walk.conversations {
            for message in assistant
                .database()
                .messages(conversation)
                .await
                .expect("history")
            {
                history.push_str(&message.body);
                history.push('\n');
            }
        }
        assert!(
            history.contains("••••••"),
            "secrets are shown as a placeholder"
        );
        let database = database_text(&test_db, assistant.database().pool()).await;
        let logged = logs.bytes();
        assert!(contains(&logged, "turn"), "the logs were captured");
        for secret in &walk.secrets {
            assert!(
                !history.contains(secret.as_str()),
                "`{secret}` in the history"
            );
            assert!(!contains(&database, secret), "`{secret}` in the database");
            assert!(
                !contains(&logged, secret),
                "`{secret}` in the logs:\n{}",
                String::from_utf8_lossy(&logged)
                    .lines()
                    .filter(|line| line.contains(secret.as_str()))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        assistant.database().close().await;
    })
    .await;
}
