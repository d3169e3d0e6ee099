//! `helpbot serve` in-process on a random port with a fresh SQLite database, stopped when the value
//! is dropped, the way zero-to-production's `spawn_app()` does it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helpbot::assistant::Assistant;
use helpbot::config::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{TestDb, config, repo};

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub assistant: Assistant,
    config: Config,
    address: std::net::SocketAddr,
    _db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves on `listener` until the returned sender fires (or is dropped), as a signal would stop it.
async fn serve_on(
    listener: tokio::net::TcpListener,
    config: &Config,
) -> (
    Assistant,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let assistant = helpbot::runtime::start(config).await.expect("starts");
    let state = helpbot::channels::web::AppState::new(assistant.clone(), config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = Box::pin(futures_util::stream::once(async move {
        let _ = stopped.await;
    }));
    let origins = config.web.allowed_origins.clone();
    let served = tokio::spawn(async move {
        let _ = helpbot::channels::web::serve(listener, state, &origins, signal).await;
    });
    (assistant, stop, served)
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut helpbot::config::Config)) -> App {
    spawn_app_on(TestDb::sqlite(), tweak).await
}

/// The server on the given database (kept as long as the app), the configuration tweaked.
pub async fn spawn_app_on(db: TestDb, tweak: impl FnOnce(&mut helpbot::config::Config)) -> App {
    let mut config = config(db.url());
    tweak(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr");
    let (assistant, stop, served) = serve_on(listener, &config).await;
    App {
        base: format!("http://{address}"),
        client: reqwest::Client::new(),
        assistant,
        config,
        address,
        _db: db,
        stop: Some(stop),
        served: Some(served),
    }
}

pub async fn spawn_app() -> App {
    spawn_app_with(|_| {}).await
}

impl App {
    /// Stops the server as a signal does and waits until it has; the database stays. Requests
    /// meanwhile find nobody listening, as in an outage.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
        self.assistant.database().close().await;
    }

    /// A new server on the same address and database, after [`App::stop`].
    pub async fn restart(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match tokio::net::TcpListener::bind(self.address).await {
                Ok(listener) => break listener,
                Err(err) => {
                    assert!(Instant::now() < deadline, "cannot listen again: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        let (assistant, stop, served) = serve_on(listener, &self.config).await;
        self.assistant = assistant;
        self.stop = Some(stop);
        self.served = Some(served);
    }

    /// Another instance of the server on the same database and configuration, on its own
    /// random port (as behind a load balancer): its base URL; it stops when the test ends.
    pub async fn second_instance(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("addr");
        let (_assistant, stop, _served) = serve_on(listener, &self.config).await;
        // Kept open for the rest of the test: dropping the sender would stop the instance.
        std::mem::forget(stop);
        format!("http://{address}")
    }

    /// The server's database, for another process (the `helpbot` binary) to use.
    pub fn database_url(&self) -> &str {
        self._db.url()
    }

    /// Pushes a notice to the conversation, the way staff news reaches it (from any process).
    pub async fn push_notice(&self, id: &str, text: &str) {
        let body = serde_json::to_string(&helpbot::assistant::BotMessage::notice(
            helpbot::assistant::ReplyKind::Notice,
            text.to_string(),
        ))
        .expect("json");
        self.assistant
            .database()
            .push_message(id, &body)
            .await
            .expect("push");
    }

    /// The demo accounts (`helpbot demo-data`) in this server's database.
    pub async fn load_demo_data(&self) {
        let store = helpbot::runtime::account_store(self.assistant.database().clone());
        helpbot::accounts::demo::load_demo_data(&store)
            .await
            .expect("demo data");
    }

    pub async fn start(&self, locale: &str) -> (String, String, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/conversations", self.base))
            .json(&json!({ "locale": locale }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("json");
        (
            body["id"].as_str().expect("id").to_string(),
            body["token"].as_str().expect("token").to_string(),
            body,
        )
    }

    /// Uploads a file as the conversation's photo; the status and the JSON body (or null).
    pub async fn upload(
        &self,
        id: &str,
        token: &str,
        bytes: Vec<u8>,
        name: &str,
    ) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new().part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let response = self
            .client
            .post(format!("{}/api/v1/conversations/{id}/photos", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, id: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.send_to(&self.base, id, token, body).await
    }

    /// [`Self::send`] to another instance at `base`.
    pub async fn send_to(
        &self,
        base: &str,
        id: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{base}/api/v1/conversations/{id}/messages"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// What a stream says within `wait`, and whether it ended.
pub async fn read_stream(
    stream: &mut reqwest::Response,
    until: &str,
    wait: Duration,
) -> (String, bool) {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !received.contains(until) {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => received.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) | Ok(Err(_)) => return (received, true),
            Err(_) => return (received, false),
        }
    }
    (received, false)
}

/// The real `helpbot serve` in its own process on a random port; its log (stderr) is collected.
/// Killed when dropped.
pub struct ServeProcess {
    child: Child,
    pub base: String,
    log: Arc<Mutex<String>>,
    _db: Option<TestDb>,
    _workdir: Option<tempfile::TempDir>,
}

/// How long `helpbot serve` may take to start (loading the content) on a busy machine.
const STARTS_WITHIN: Duration = Duration::from_secs(60);

impl ServeProcess {
    /// Starts it on a fresh SQLite file with these extra environment variables. `RUST_LOG`
    /// defaults to `info,tower_http=debug`: every request is logged (by its path) when it arrives.
    pub fn start(extra_env: &[(&str, &str)]) -> Self {
        let db = TestDb::sqlite();
        let workdir = tempfile::tempdir().expect("temp dir");
        let mut server = Self::start_in(workdir.path(), db.url(), None, extra_env);
        server._db = Some(db);
        server._workdir = Some(workdir);
        server
    }

    /// Starts it in `workdir` on the given database; with `user`, under that unprivileged user id
    /// (through `setpriv`: a test running as root may write any file).
    pub fn start_in(
        workdir: &Path,
        database_url: &str,
        user: Option<u32>,
        extra_env: &[(&str, &str)],
    ) -> Self {
        Self::start_in_with(workdir, database_url, user, &[], extra_env)
    }

    /// [`ServeProcess::start_in`] with arguments after `serve` (`--no-migrate`).
    pub fn start_in_with(
        workdir: &Path,
        database_url: &str,
        user: Option<u32>,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> Self {
        let binary = env!("CARGO_BIN_EXE_helpbot");
        let mut command = match user {
            Some(id) => {
                let mut setpriv = Command::new("setpriv");
                setpriv.args([
                    &format!("--reuid={id}"),
                    &format!("--regid={id}"),
                    "--clear-groups",
                    "--",
                    binary,
                ]);
                setpriv
            }
            None => Command::new(binary),
        };
        command
            .arg("serve")
            .args(args)
            .current_dir(workdir)
            .env("HELPBOT_DATABASE_URL", database_url)
            .env("HELPBOT_WEB__LISTEN", "127.0.0.1:0")
            .env("HELPBOT_CONTENT__KNOWLEDGE_DIR", repo().join("knowledge"))
            .env("HELPBOT_CONTENT__DIALOGS_DIR", repo().join("dialogs"))
            .env("HELPBOT_CONTENT__LOCALES_DIR", repo().join("locales"))
            // As `config()`: the welcome alone, unless a test asks for the hot questions.
            .env("HELPBOT_HOT__IN_OPENING", "false")
            .env("RUST_LOG", "info,tower_http=debug")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("helpbot serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let collected = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut log) = collected.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        let mut server = Self {
            child,
            base: String::new(),
            log,
            _db: None,
            _workdir: None,
        };
        let address = server.logged_address("helpbot serving: open http://", STARTS_WITHIN);
        server.base = format!("http://{address}");
        server
    }

    /// The address (`host:port`) a log line gives after `before` (`… http://`), waiting for the
    /// line as [`ServeProcess::wait_for_log`] does, at most `within`.
    pub fn logged_address(&mut self, before: &str, within: Duration) -> String {
        let line = self.wait_for_log_within(before, within);
        line.split(before)
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .expect("address in the log")
            .to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts a conversation through the chat API: its id and token.
    pub async fn start_conversation(
        &self,
        client: &reqwest::Client,
        locale: &str,
    ) -> (String, String) {
        super::chat_api::start_conversation(client, &self.base, locale).await
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Waits (15 s at most) for a log line containing `text`, and returns it.
    pub fn wait_for_log(&mut self, text: &str) -> String {
        self.wait_for_log_within(text, Duration::from_secs(15))
    }

    fn wait_for_log_within(&mut self, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(line) = self.log().lines().find(|line| line.contains(text)) {
                return line.to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("helpbot serve exited ({status}):\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {text:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a signal (`TERM`, `INT`) to the process.
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -s {name} failed");
    }

    /// The exit status, waiting at most `within` (a safety net against a server that hangs).
    pub fn exit_status(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
