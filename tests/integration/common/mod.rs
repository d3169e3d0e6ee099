//! Test fixtures: a fresh database per test on each backend (and a test on both that says which
//! failed), configuration pointing at the repository's content, a way to run the real `helpbot`
//! binary, and a process of its own for a test that installs the log subscriber.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod server;

use helpbot::config::Config;
use helpbot::store::Database;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Configuration on the shipped content and the given database. Conversations open with the
/// welcome alone: the tests of other features count and index the messages a conversation opens
/// with. The hot questions' own tests use [`config_with_opening`].
pub fn config(database_url: &str) -> Config {
    let mut config = config_with_opening(database_url);
    config.hot.in_opening = false;
    config
}

/// Configuration on the shipped content and the given database, as shipped: conversations open
/// with the welcome and the hot questions by category.
pub fn config_with_opening(database_url: &str) -> Config {
    Config {
        database_url: database_url.into(),
        content: helpbot::config::ContentConfig::under(&repo()),
        ..Config::default()
    }
}

#[path = "../../support/postgres.rs"]
mod postgres;

#[path = "../../support/chat_api.rs"]
pub mod chat_api;

/// A fresh, empty database that lives as long as the value.
pub enum TestDb {
    /// The file in a temporary folder, removed with the folder.
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        name: String,
        url: String,
    },
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("helpbot.db").display());
        TestDb::Sqlite { _dir: dir, url }
    }

    /// A uniquely named database on the local PostgreSQL server, dropped afterwards.
    pub async fn postgres() -> Self {
        let (name, url) = postgres::create_database("helpbot_test").await;
        TestDb::Postgres { name, url }
    }

    /// The backend's name as people write it, for failure messages.
    pub fn backend_name(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "SQLite",
            TestDb::Postgres { .. } => "PostgreSQL",
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub async fn connect(&self) -> Database {
        Database::connect(self.url())
            .await
            .expect("connect and migrate")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { name, .. } = self {
            postgres::drop_database(name);
        }
    }
}

/// Runs `test` on a fresh SQLite database, then on a fresh PostgreSQL one. A failure names the
/// backend it happened on ("on PostgreSQL: …").
pub async fn on_both_backends(test: impl AsyncFn(TestDb)) {
    use futures_util::FutureExt;
    for db in [TestDb::sqlite(), TestDb::postgres().await] {
        let backend = db.backend_name();
        if let Err(panic) = std::panic::AssertUnwindSafe(test(db)).catch_unwind().await {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("the test panicked");
            panic!("on {backend}: {message}");
        }
    }
}

/// Names, for a child process of this test binary, the one test it runs.
const RUN_ALONE: &str = "TEST_RUN_ALONE";

/// Whether the test named `test` (as the harness names it: `secrets::no_secret_…`) has just run
/// alone in a child process of this test binary, and passed there; in that child it is `false`
/// and the test goes on with its body. A test that installs the process-wide log subscriber needs
/// a process of its own: a process has one subscriber, and all it logs must be the test's.
pub fn passed_in_own_process(test: &str) -> bool {
    if std::env::var(RUN_ALONE).is_ok_and(|alone| alone == test) {
        return false;
    }
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(RUN_ALONE, test)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} in its own process:\n{stdout}\n{stderr}"
    );
    true
}

/// Runs the real binary in an empty working directory with content from the repository.
pub fn helpbot(
    args: &[&str],
    stdin: &str,
    database_url: &str,
    extra_env: &[(&str, &str)],
) -> Output {
    let workdir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpbot"));
    command
        .args(args)
        .current_dir(workdir.path())
        .env("HELPBOT_DATABASE_URL", database_url)
        .env("HELPBOT_CONTENT__KNOWLEDGE_DIR", repo().join("knowledge"))
        .env("HELPBOT_CONTENT__DIALOGS_DIR", repo().join("dialogs"))
        .env("HELPBOT_CONTENT__LOCALES_DIR", repo().join("locales"))
        // As `config()`: the welcome alone, unless a test asks for the hot questions.
        .env("HELPBOT_HOT__IN_OPENING", "false")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("run helpbot");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("helpbot finishes")
}

pub fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(String::from)
        .collect()
}

/// Copies the shipped content into a temporary folder a test may break.
pub fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["knowledge", "dialogs", "locales"] {
        copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let Ok(items) = std::fs::read_dir(from) else {
        return;
    };
    for item in items.flatten() {
        let path = item.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(item.file_name()));
        } else {
            std::fs::copy(&path, to.join(item.file_name())).expect("copy");
        }
    }
}

/// A real PNG image; `noise` makes it large (it compresses badly).
pub fn png(width: u32, height: u32, noise: bool) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        if noise {
            let v = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)).to_le_bytes();
            image::Rgb([v[0], v[1], v[2]])
        } else {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// The 6-digit code in a message's text (an SMS as the account service words it).
pub fn code_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(6)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
        .expect("a 6-digit code")
}

/// Bytes written by a log subscriber or a chat while a test reads them.
#[derive(Clone, Default)]
pub struct SharedBuffer(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().map(|b| b.clone()).unwrap_or_default()
    }

    pub fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.bytes())
            .lines()
            .map(String::from)
            .collect()
    }
}
