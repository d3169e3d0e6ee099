//! What every benchmark needs to print its numbers: the repository, percentiles of measured
//! times, the memory of a process, a `helpbot chat` process at rest and a PostgreSQL database of
//! its own. Each benchmark uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `p` percentile (0..=1) of sorted times; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// One line: how many, p50, p90, p99 and the slowest.
pub fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what}: n={} p50 {} p90 {} p99 {} max {}",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.9)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
    );
}

/// A field of this process's /proc/self/status ("VmRSS:", "VmHWM:").
pub fn memory(field: &str) -> String {
    process_memory(std::process::id(), field)
}

/// A field of a process's /proc/<pid>/status ("VmRSS:", "VmHWM:"), as the kernel writes it
/// ("123456 kB"), or "unknown".
pub fn process_memory(pid: u32, field: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l.trim_start_matches(field).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Points a `helpbot` command at the content under `root` (its `knowledge/`, `dialogs/` and
/// `locales/` folders).
pub fn content_env<'a>(command: &'a mut Command, root: &Path) -> &'a mut Command {
    command
        .env("HELPBOT_CONTENT__KNOWLEDGE_DIR", root.join("knowledge"))
        .env("HELPBOT_CONTENT__DIALOGS_DIR", root.join("dialogs"))
        .env("HELPBOT_CONTENT__LOCALES_DIR", root.join("locales"))
}

/// A `helpbot chat` process that has greeted and then waited.
pub struct IdleChat {
    /// From the process start to its first message (content loaded, database opened).
    pub ready: Duration,
    /// Resident memory at rest, half a second after the welcome.
    pub rss: String,
    /// The most it was resident at any time, loading included.
    pub peak: String,
}

/// Runs `helpbot chat --json` on the content under `root` and a fresh SQLite file until it has
/// greeted and rested, and measures it.
pub fn idle_chat(root: &Path) -> IdleChat {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpbot"));
    command
        .args(["chat", "--json"])
        .current_dir(dir.path())
        .env(
            "HELPBOT_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("h.db").display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // It names the conversation there: nothing to see.
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut child = content_env(&mut command, root)
        .spawn()
        .expect("helpbot chat starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first_line)
        .expect("welcome");
    let ready = started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let measured = IdleChat {
        ready,
        rss: process_memory(child.id(), "VmRSS:"),
        peak: process_memory(child.id(), "VmHWM:"),
    };
    // End of input ends the chat.
    drop(child.stdin.take());
    let _ = child.wait();
    measured
}

#[path = "../../tests/support/postgres.rs"]
mod postgres;

#[path = "../../tests/support/chat_api.rs"]
pub mod chat_api;

/// A uniquely named, empty database on the PostgreSQL server (`TEST_POSTGRES_URL`, as for the
/// tests, else 127.0.0.1:5432 as user postgres), dropped with the value (also when a benchmark
/// panics), whatever is still connected to it.
pub struct PostgresDatabase {
    name: String,
    pub url: String,
}

impl PostgresDatabase {
    pub async fn create() -> Self {
        let (name, url) = postgres::create_database("helpbot_bench").await;
        Self { name, url }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        postgres::drop_database(&self.name);
    }
}
