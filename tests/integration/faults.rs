//! The database failing under a running service, and going missing between runs: users hear a
//! translated "temporarily unavailable" with the hotline (503) quickly instead of a generic 500
//! after a long wait, `/readyz` says whether the service can write, the service recovers by itself
//! when the database is back, and a lost SQLite file is not silently replaced by an empty one.
//!
//! The read-only file runs the real `helpbot serve` as an unprivileged user when the tests run as
//! root (root may write any file). PostgreSQL "stops" by closing a forwarding proxy the service
//! connects through: the machine's server keeps running for everyone else.

use crate::common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::server::{ServeProcess, spawn_app_on};
use common::{TestDb, helpbot};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A generous bound, never a measurement: a 503 should come in about a second.
const SAFETY_NET: Duration = Duration::from_secs(10);

const NOBODY: u32 = 65534;

#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}

async fn readyz(client: &reqwest::Client, base: &str) -> StatusCode {
    client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(StatusCode::BAD_GATEWAY, |r| r.status())
}

/// Polls `/readyz` until it answers `wanted` (its answer is reused for a second).
async fn until_ready_is(client: &reqwest::Client, base: &str, wanted: StatusCode) {
    let started = Instant::now();
    while readyz(client, base).await != wanted {
        assert!(
            started.elapsed() < SAFETY_NET,
            "/readyz never answered {wanted}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Starts a conversation; the status, the body and how long the answer took.
async fn start_conversation(
    client: &reqwest::Client,
    base: &str,
    language: &str,
) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/v1/conversations"))
        .header("accept-language", language)
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, started.elapsed())
}

async fn send_text(
    client: &reqwest::Client,
    base: &str,
    conversation: &Value,
    text: &str,
) -> (StatusCode, Value) {
    let id = conversation["id"].as_str().expect("id");
    let token = conversation["token"].as_str().expect("token");
    let response = client
        .post(format!("{base}/api/v1/conversations/{id}/messages"))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn assert_unavailable(status: StatusCode, body: &Value, took: Duration, expected_text: &str) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "service-unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(expected_text), "{message}");
    assert!(message.contains("010-82199588"), "the hotline: {message}");
    assert!(took < SAFETY_NET, "answered after {took:?}");
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[tokio::test]
async fn a_read_only_sqlite_file_gives_503_and_the_service_recovers_when_it_is_writable_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let as_nobody = running_as_root();
    if as_nobody {
        std::os::unix::fs::chown(dir.path(), Some(NOBODY), Some(NOBODY)).expect("chown");
    }
    let file = dir.path().join("helpbot.db");
    let url = format!("sqlite://{}", file.display());
    let served = ServeProcess::start_in(dir.path(), &url, as_nobody.then_some(NOBODY), &[]);
    let client = reqwest::Client::new();
    let base = served.base.clone();
    assert_eq!(readyz(&client, &base).await, StatusCode::OK);
    let (status, before, _) = start_conversation(&client, &base, "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{}", served.log());

    set_mode(&file, 0o444);
    until_ready_is(&client, &base, StatusCode::SERVICE_UNAVAILABLE).await;
    let (status, body, took) = start_conversation(&client, &base, "zh-CN").await;
    assert_unavailable(status, &body, took, "暂时无法服务，请稍后再试");
    let (status, body) = send_text(&client, &base, &before, "忘记用户名了").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    set_mode(&file, 0o644);
    until_ready_is(&client, &base, StatusCode::OK).await;
    let (status, after, _) = start_conversation(&client, &base, "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{after} {}", served.log());
    let (status, body) = send_text(&client, &base, &after, "忘记用户名了").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send_text(&client, &base, &before, "忘记用户名了").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the earlier conversation goes on: {body}"
    );
}

#[test]
fn a_deleted_database_file_is_not_silently_recreated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("data/helpbot.db");
    let url = format!("sqlite://{}", file.display());
    let first = helpbot(&["outbox"], "", &url, &[]);
    assert!(first.status.success(), "{first:?}");
    assert!(file.exists());

    for leftover in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{leftover}", file.display()));
    }
    let refused = helpbot(&["outbox"], "", &url, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("is missing"), "{stderr}");
    assert!(stderr.contains("--create-database"), "{stderr}");
    assert!(!file.exists(), "nothing was created");

    let created = helpbot(
        &["outbox"],
        "",
        &url,
        &[("HELPBOT_CREATE_DATABASE", "true")],
    );
    assert!(created.status.success(), "{created:?}");
    assert!(file.exists());
    std::fs::remove_file(&file).expect("remove");
    let flagged = helpbot(&["--create-database", "outbox"], "", &url, &[]);
    assert!(flagged.status.success(), "{flagged:?}");
    assert!(file.exists());
}

#[tokio::test]
async fn a_first_run_on_a_fresh_machine_creates_the_database_with_no_flag() {
    // The README's `serve` in an empty folder, on the default database URL.
    let dir = tempfile::tempdir().expect("temp dir");
    let served = ServeProcess::start_in(dir.path(), "sqlite://data/helpbot.db", None, &[]);
    let client = reqwest::Client::new();
    assert_eq!(
        readyz(&client, &served.base).await,
        StatusCode::OK,
        "{}",
        served.log()
    );
    assert!(dir.path().join("data/helpbot.db").exists());
    assert!(dir.path().join("data/helpbot.db.created").exists());
}

/// Forwards connections to the PostgreSQL server until stopped; stopping closes the port and
/// every forwarded connection, as a stopped server would.
struct Proxy {
    port: u16,
    tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Proxy {
    async fn start(port: u16, target: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let forwarded = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                if let Ok(mut all) = forwarded.lock() {
                    all.push(task.abort_handle());
                }
            }
        });
        if let Ok(mut all) = tasks.lock() {
            all.push(accept.abort_handle());
        }
        Proxy { port, tasks }
    }

    async fn stop(self) {
        if let Ok(mut all) = self.tasks.lock() {
            for task in all.drain(..) {
                task.abort();
            }
        }
        // Let the aborted tasks drop their sockets.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn postgresql_going_away_gives_a_quick_translated_503_and_the_service_recovers() {
    let db = TestDb::postgres().await;
    let mut through_proxy = reqwest::Url::parse(db.url()).expect("database URL");
    let target: SocketAddr = format!(
        "{}:{}",
        through_proxy.host_str().unwrap_or("127.0.0.1"),
        through_proxy.port().unwrap_or(5432)
    )
    .parse()
    .expect("server address");
    let proxy = Proxy::start(0, target).await;
    through_proxy.set_port(Some(proxy.port)).expect("port");
    let app = spawn_app_on(db, |config| {
        config.database_url = through_proxy.to_string().into();
    })
    .await;
    let base = app.base.clone();
    let client = reqwest::Client::new();
    let (status, before, _) = start_conversation(&client, &base, "en").await;
    assert_eq!(status, StatusCode::CREATED);

    let port = proxy.port;
    proxy.stop().await;
    let (status, body, took) = start_conversation(&client, &base, "en").await;
    assert_unavailable(status, &body, took, "temporarily unavailable");
    let (status, body) = send_text(&client, &base, &before, "I forgot my username").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    until_ready_is(&client, &base, StatusCode::SERVICE_UNAVAILABLE).await;

    let proxy = Proxy::start(port, target).await;
    until_ready_is(&client, &base, StatusCode::OK).await;
    let (status, _, _) = start_conversation(&client, &base, "en").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = send_text(&client, &base, &before, "I forgot my username").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    app.assistant.database().close().await;
    proxy.stop().await;
}

/// The machine's PostgreSQL cluster, controlled with Debian's `pg_ctlcluster` (as root, or
/// through `sudo -n`); started again when dropped, whatever the test did.
struct PostgresServer {
    version: String,
}

impl PostgresServer {
    fn local() -> Self {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("a Debian PostgreSQL cluster (/etc/postgresql): scripts/test installs one")
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .max_by_key(|name| name.parse::<u32>().unwrap_or(0))
            .expect("a cluster version under /etc/postgresql");
        Self { version }
    }

    fn control(&self, action: &str) {
        let mut command = if running_as_root() {
            std::process::Command::new("pg_ctlcluster")
        } else {
            let mut sudo = std::process::Command::new("sudo");
            sudo.args(["-n", "pg_ctlcluster"]);
            sudo
        };
        command.args(["--skip-systemctl-redirect", &self.version, "main", action]);
        if action == "stop" {
            command.args(["--", "-m", "fast"]);
        }
        let status = command.status().expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster {action}: {status}");
    }

    fn accepts_connections(&self) -> bool {
        std::net::TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], 5432)),
            Duration::from_millis(200),
        )
        .is_ok()
    }

    fn start_and_wait(&self) {
        self.control("start");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.accepts_connections() {
            assert!(Instant::now() < deadline, "PostgreSQL did not come back");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        if !self.accepts_connections() {
            self.start_and_wait();
        }
    }
}

/// Stops the machine's PostgreSQL server itself (every other test on it would fail meanwhile):
/// `scripts/test` runs it alone, after the rest.
#[tokio::test]
#[ignore = "stops the machine's PostgreSQL server; scripts/test runs it alone after the others"]
async fn the_postgresql_server_stopped_and_started_under_a_running_service() {
    let app = spawn_app_on(TestDb::postgres().await, |_| {}).await;
    let server = PostgresServer::local();
    let base = app.base.clone();
    let client = reqwest::Client::new();
    let (status, before, _) = start_conversation(&client, &base, "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED, "{before}");

    server.control("stop");
    let (status, body, took) = start_conversation(&client, &base, "zh-CN").await;
    assert_unavailable(status, &body, took, "暂时");
    let (status, body) = send_text(&client, &base, &before, "忘记用户名怎么办").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    until_ready_is(&client, &base, StatusCode::SERVICE_UNAVAILABLE).await;

    server.start_and_wait();
    until_ready_is(&client, &base, StatusCode::OK).await;
    let (status, body) = send_text(&client, &base, &before, "忘记用户名怎么办").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = start_conversation(&client, &base, "zh-CN").await;
    assert_eq!(status, StatusCode::CREATED);
    app.assistant.database().close().await;
}

#[tokio::test]
async fn a_postgresql_url_where_nothing_listens_is_a_quick_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let started = Instant::now();
    let err = helpbot::store::Database::connect(&format!(
        "postgres://postgres:secret@127.0.0.1:{port}/helpbot"
    ))
    .await
    .expect_err("nothing listens");
    assert!(started.elapsed() < SAFETY_NET);
    assert!(err.is_unavailable(), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[tokio::test]
async fn a_healthy_database_is_writable_on_both_backends() {
    common::on_both_backends(async |db| {
        let database = db.connect().await;
        database.check_writable().await.expect("writable");
        // Answered from the last probe within the second, the same.
        database.check_writable().await.expect("writable");
        database.close().await;
    })
    .await;
}
