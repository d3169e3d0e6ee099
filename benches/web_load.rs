//! Web load benchmark: `helpbot serve` (the release binary, in its own process, on a fresh SQLite
//! file) under 1,000 concurrent conversations, each with its event stream open like the widget
//! keeps it, sending questions over the chat API from a load generator in this process on the same
//! machine. Run with `cargo bench --bench web_load`; it prints numbers, it asserts nothing.
//!
//! - typing suggestions: sequential `GET /api/v1/suggest` round trips;
//! - open loop: every conversation sends a question every 500 ms (2,000 messages/s offered);
//! - saturation: every conversation sends its next question as soon as the reply arrives.
//!
//! The per-IP and per-conversation rate limits and the per-IP cap on event streams are raised for
//! the run: all the load comes from one address, and a real student does not send two questions a
//! second.

mod common;
use common::{ms, percentile, repo};

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

const CONVERSATIONS: usize = 1_000;
const OPEN_LOOP_INTERVAL: Duration = Duration::from_millis(500);
const OPEN_LOOP_DURATION: Duration = Duration::from_secs(20);
const SATURATION_DURATION: Duration = Duration::from_secs(10);

struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system) a process has used.
fn process_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and
    // 13th of them, in clock ticks (100 per second on Linux).
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

impl Server {
    fn cpu(&self) -> Duration {
        process_cpu(self.child.id())
    }

    fn memory(&self) -> (String, String) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l.trim_start_matches(name).trim().to_string())
                .unwrap_or_else(|| "unknown".to_string())
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Size of SQLite's write-ahead log, which checkpoints must keep bounded.
    fn wal_size(&self) -> String {
        std::fs::metadata(self.dir.path().join("helpbot.db-wal"))
            .map(|m| format!("{:.1} MB", m.len() as f64 / 1e6))
            .unwrap_or_else(|_| "none".to_string())
    }
}

async fn start_server(client: &reqwest::Client) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_helpbot"))
        .arg("serve")
        .current_dir(dir.path())
        .env(
            "HELPBOT_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("helpbot.db").display()),
        )
        .env("HELPBOT_WEB__LISTEN", format!("127.0.0.1:{port}"))
        .env("HELPBOT_CONTENT__KNOWLEDGE_DIR", repo().join("knowledge"))
        .env("HELPBOT_CONTENT__DIALOGS_DIR", repo().join("dialogs"))
        .env("HELPBOT_CONTENT__LOCALES_DIR", repo().join("locales"))
        .env("HELPBOT_WEB__RATE_LIMIT_PER_IP", "100000000")
        .env("HELPBOT_WEB__RATE_LIMIT_PER_CONVERSATION", "100000")
        .env("HELPBOT_WEB__EVENT_STREAMS_PER_IP", "100000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("helpbot serve starts");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = client.get(format!("{}/readyz", server.base)).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "helpbot serve did not get ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

fn questions() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("tests/eval/questions.tsv")).expect("eval set");
    text.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|q| !q.trim().is_empty())
        .map(String::from)
        .collect()
}

struct Conversation {
    id: String,
    token: String,
}

async fn start_conversation(client: &reqwest::Client, base: &str) -> Option<Conversation> {
    let body: Value = client
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({ "locale": "zh-CN" }))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    Some(Conversation {
        id: body["id"].as_str()?.to_string(),
        token: body["token"].as_str()?.to_string(),
    })
}

/// Keeps the conversation's event stream open, as the widget does (it carries only messages
/// pushed from elsewhere, so nothing arrives on it during the run).
fn listen(client: reqwest::Client, base: String, conversation: &Conversation) {
    let url = format!(
        "{base}/api/v1/conversations/{}/events?token={}",
        conversation.id, conversation.token
    );
    tokio::spawn(async move {
        let Ok(response) = client.get(url).send().await else {
            return;
        };
        let mut stream = response.bytes_stream();
        while let Some(Ok(_)) = stream.next().await {}
    });
}

#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    /// (second of the run the question was sent in, latency), to see when slow answers happen.
    timeline: Vec<(u64, Duration)>,
    errors: usize,
    /// When the last reply came in.
    last_reply: Option<Instant>,
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    conversation: &Conversation,
    text: &str,
) -> Result<Duration, ()> {
    let started = Instant::now();
    let response = client
        .post(format!(
            "{base}/api/v1/conversations/{}/messages",
            conversation.id
        ))
        .bearer_auth(&conversation.token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .map_err(|_| ())?;
    let ok = response.status().is_success();
    let body = response.bytes().await.map_err(|_| ())?;
    if ok && !body.is_empty() {
        Ok(started.elapsed())
    } else {
        Err(())
    }
}

/// Every conversation sends a question every `interval` (or, with `None`, as soon as the previous
/// reply is in) until `duration` is over.
async fn run_load(
    client: &reqwest::Client,
    base: &str,
    conversations: &Arc<Vec<Conversation>>,
    questions: &Arc<Vec<String>>,
    interval: Option<Duration>,
    duration: Duration,
) -> (Outcome, Duration) {
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = Vec::new();
    for index in 0..conversations.len() {
        let client = client.clone();
        let base = base.to_string();
        let conversations = conversations.clone();
        let questions = questions.clone();
        tasks.push(tokio::spawn(async move {
            let conversation = &conversations[index];
            let mut outcome = Outcome::default();
            let mut next = index * 7;
            if let Some(interval) = interval {
                // Spread the conversations evenly over one interval.
                let offset = interval.mul_f64(index as f64 / conversations.len() as f64);
                tokio::time::sleep(offset).await;
            }
            let mut ticker = interval.map(|i| {
                let mut t = tokio::time::interval(i);
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                t
            });
            while Instant::now() < end {
                if let Some(ticker) = ticker.as_mut() {
                    ticker.tick().await;
                    if Instant::now() >= end {
                        break;
                    }
                }
                let question = &questions[next % questions.len()];
                next += 1;
                match send(&client, &base, conversation, question).await {
                    Ok(latency) => {
                        outcome.latencies.push(latency);
                        let second = (Instant::now() - latency - started).as_secs();
                        outcome.timeline.push((second, latency));
                        outcome.last_reply = Some(Instant::now());
                    }
                    Err(()) => outcome.errors += 1,
                }
            }
            outcome
        }));
    }
    let mut total = Outcome::default();
    for task in tasks {
        if let Ok(outcome) = task.await {
            total.latencies.extend(outcome.latencies);
            total.timeline.extend(outcome.timeline);
            total.errors += outcome.errors;
            total.last_reply = total.last_reply.max(outcome.last_reply);
        }
    }
    // From the first question to the last reply (not the idle wait for a tick after the end).
    let elapsed = total
        .last_reply
        .map_or_else(|| started.elapsed(), |last| last - started);
    (total, elapsed)
}

fn report(
    name: &str,
    mut outcome: Outcome,
    elapsed: Duration,
    server: &Server,
    (cpu, generator_cpu): (Duration, Duration),
) {
    outcome.latencies.sort();
    let answered = outcome.latencies.len();
    let (rss, peak) = server.memory();
    println!("{name}");
    println!(
        "  messages answered   {answered} in {:.1} s = {:.0} messages/s ({} errors)",
        elapsed.as_secs_f64(),
        answered as f64 / elapsed.as_secs_f64(),
        outcome.errors
    );
    println!(
        "  latency             p50 {}  p90 {}  p99 {}  max {}",
        ms(percentile(&outcome.latencies, 0.5)),
        ms(percentile(&outcome.latencies, 0.9)),
        ms(percentile(&outcome.latencies, 0.99)),
        ms(outcome.latencies.last().copied().unwrap_or_default()),
    );
    let mut by_second: std::collections::BTreeMap<u64, Vec<Duration>> = Default::default();
    for (second, latency) in &outcome.timeline {
        by_second.entry(*second).or_default().push(*latency);
    }
    let p99s: Vec<String> = by_second
        .values_mut()
        .map(|l| {
            l.sort();
            format!("{:.0}", percentile(l, 0.99).as_secs_f64() * 1000.0)
        })
        .collect();
    println!("  p99 by second (ms)  {}", p99s.join(" "));
    println!("  server memory       VmRSS {rss}, peak VmHWM {peak}");
    println!("  SQLite WAL file     {}", server.wal_size());
    println!(
        "  server CPU          {:.1} s = {:.2} cores, {:.3} ms per message",
        cpu.as_secs_f64(),
        cpu.as_secs_f64() / elapsed.as_secs_f64(),
        cpu.as_secs_f64() * 1000.0 / answered.max(1) as f64
    );
    println!(
        "  load generator CPU  {:.2} cores",
        generator_cpu.as_secs_f64() / elapsed.as_secs_f64()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(4 * CONVERSATIONS)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let server = start_server(&client).await;
        let (idle_rss, _) = server.memory();
        println!("helpbot serve on SQLite, {CONVERSATIONS} conversations, 2-core machine shared with the load generator");
        println!("server idle           VmRSS {idle_rss}");

        // Typing suggestions, one request at a time.
        let prefixes = ["忘记", "忘记用户", "证件号码", "手机号", "激活", "reset", "forgot user", "学籍"];
        let mut suggest = Vec::new();
        for round in 0..2_000 {
            let prefix = prefixes[round % prefixes.len()];
            let started = Instant::now();
            let ok = client
                .get(format!("{}/api/v1/suggest", server.base))
                .query(&[("q", prefix), ("locale", "zh-CN")])
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ok {
                suggest.push(started.elapsed());
            }
        }
        suggest.sort();
        println!(
            "suggestions           {} requests: p50 {}  p99 {}  max {} (client-measured round trip)",
            suggest.len(),
            ms(percentile(&suggest, 0.5)),
            ms(percentile(&suggest, 0.99)),
            ms(suggest.last().copied().unwrap_or_default())
        );

        let opened = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..CONVERSATIONS {
            let client = client.clone();
            let base = server.base.clone();
            starts.push(tokio::spawn(async move { start_conversation(&client, &base).await }));
        }
        let mut conversations = Vec::new();
        for start in starts {
            if let Ok(Some(conversation)) = start.await {
                conversations.push(conversation);
            }
        }
        println!(
            "conversations started {} of {CONVERSATIONS} in {}",
            conversations.len(),
            ms(opened.elapsed())
        );
        for conversation in &conversations {
            listen(client.clone(), server.base.clone(), conversation);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (rss, _) = server.memory();
        println!("server with {} event streams open: VmRSS {rss}", conversations.len());

        let conversations = Arc::new(conversations);
        let questions = Arc::new(questions());
        let offered = conversations.len() as f64 / OPEN_LOOP_INTERVAL.as_secs_f64();
        let cpu_before = (server.cpu(), process_cpu(std::process::id()));
        let (outcome, elapsed) = run_load(
            &client,
            &server.base,
            &conversations,
            &questions,
            Some(OPEN_LOOP_INTERVAL),
            OPEN_LOOP_DURATION,
        )
        .await;
        report(
            &format!("open loop: one question per conversation every {} ms ({offered:.0} messages/s offered)", OPEN_LOOP_INTERVAL.as_millis()),
            outcome,
            elapsed,
            &server,
            (
                server.cpu().saturating_sub(cpu_before.0),
                process_cpu(std::process::id()).saturating_sub(cpu_before.1),
            ),
        );
        let cpu_before = (server.cpu(), process_cpu(std::process::id()));
        let (outcome, elapsed) = run_load(
            &client,
            &server.base,
            &conversations,
            &questions,
            None,
            SATURATION_DURATION,
        )
        .await;
        report(
            "saturation: every conversation sends again as soon as it has the reply",
            outcome,
            elapsed,
            &server,
            (
                server.cpu().saturating_sub(cpu_before.0),
                process_cpu(std::process::id()).saturating_sub(cpu_before.1),
            ),
        );
    });
}
