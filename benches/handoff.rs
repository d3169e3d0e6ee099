//! Handoff benchmark: the web server of `helpbot serve` in this process (as the integration tests
//! start it) on a fresh SQLite file, students over the chat API with their event streams open,
//! agents through the assistant's desk (`Assistant::desk()`, what the console's handlers call).
//! Run with `cargo bench --bench handoff`; it prints numbers (it checks only that what it timed
//! happened: the reply arrived, the page shows the whole queue).
//!
//! 1. An agent's reply to the student's event stream: 1,000 replies, one at a time, each timed
//!    from the desk's `reply` call until the student's stream carries it. Then 100 replies from
//!    a second instance on the same database (its own assistant, as another server behind the
//!    load balancer): those reach the stream through the database poll.
//! 2. The queue with 1,000 conversations waiting (each student asked for a person over the chat
//!    API): the desk's queue listing and support figures in the process, and the supervisor view
//!    (`GET /console/supervisor`, which shows the queue's figures) over HTTP as a signed-in
//!    supervisor.

mod common;
use common::{repo, report};

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use helpbot::accounts::embedded::SystemClock;
use helpbot::assistant::Assistant;
use helpbot::config::{Config, ContentConfig};
use helpbot::handoff::Agent;
use helpbot::handoff::hours::{ClockTime, Day};
use helpbot::staff::{Role, StaffSettings, StaffStore};
use serde_json::json;

const REPLIES: usize = 1_000;
const REPLIES_FROM_ANOTHER_INSTANCE: usize = 100;
const WAITING: usize = 1_000;
/// Students asking for a person at the same time while the queue is filled.
const JOINING_AT_ONCE: usize = 8;
const QUEUE_READS: usize = 200;
const SUPERVISOR_PASSWORD: &str = "Bench-super-2024";

fn config(database_url: String) -> Config {
    let mut config = Config {
        database_url: database_url.into(),
        content: ContentConfig::under(&repo()),
        ..Config::default()
    };
    config.handoff.days = Day::ALL.to_vec();
    config.handoff.opens = ClockTime(NaiveTime::MIN);
    config.handoff.closes = ClockTime(NaiveTime::MIN);
    // All the load comes from one address.
    config.web.rate_limit_per_ip = 100_000_000;
    config.web.rate_limit_per_conversation = 100_000;
    config.web.event_streams_per_ip = 100_000;
    config
}

/// The web server in this process on a random port; its assistant and address.
async fn serve(config: &Config) -> (Assistant, String) {
    let assistant = helpbot::runtime::start(config).await.expect("starts");
    let state = helpbot::channels::web::AppState::new(assistant.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let origins = config.web.allowed_origins.clone();
    tokio::spawn(async move {
        let never = Box::pin(futures_util::stream::pending::<()>());
        let _ = helpbot::channels::web::serve(listener, state, &origins, never).await;
    });
    (assistant, base)
}

struct Student {
    id: String,
    token: String,
}

async fn start_conversation(client: &reqwest::Client, base: &str) -> Student {
    let (id, token) = common::chat_api::start_conversation(client, base, "zh-CN").await;
    Student { id, token }
}

async fn say(client: &reqwest::Client, base: &str, student: &Student, text: &str) {
    let response = client
        .post(format!(
            "{base}/api/v1/conversations/{}/messages",
            student.id
        ))
        .bearer_auth(&student.token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success(), "{}", response.status());
}

/// The student's event stream, read until each marker in turn.
struct Stream {
    response: reqwest::Response,
    received: String,
}

impl Stream {
    async fn open(client: &reqwest::Client, base: &str, student: &Student) -> Self {
        let response = client
            .get(format!(
                "{base}/api/v1/conversations/{}/events?token={}",
                student.id, student.token
            ))
            .send()
            .await
            .expect("stream");
        assert!(response.status().is_success());
        Self {
            response,
            received: String::new(),
        }
    }

    /// Waits until `marker` has arrived; forgets what came before it.
    async fn until(&mut self, marker: &str) {
        loop {
            if let Some(at) = self.received.find(marker) {
                self.received.drain(..at + marker.len());
                return;
            }
            match tokio::time::timeout(Duration::from_secs(10), self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.received.push_str(&String::from_utf8_lossy(&chunk)),
                other => panic!("the stream stopped waiting for {marker}: {other:?}"),
            }
        }
    }
}

/// Replies from `desk_of`'s instance to the student, each timed until the stream carries it.
async fn time_replies(
    desk_of: &Assistant,
    handoff: &str,
    agent: &Agent,
    stream: &mut Stream,
    label: &str,
    count: usize,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(count);
    for n in 0..count {
        let marker = format!("{label}-{n}-end");
        let sent = Instant::now();
        desk_of
            .desk()
            .reply(handoff, agent, &format!("您好，这是第 {n} 条回复 {marker}"))
            .await
            .expect("reply");
        stream.until(&marker).await;
        times.push(sent.elapsed());
    }
    times
}

async fn reply_latency(config: &Config, assistant: &Assistant, base: &str) {
    let client = reqwest::Client::new();
    let agent = Agent::new("bench-agent", "小王");
    assistant.desk().heartbeat(&agent).await.expect("beat");
    let student = start_conversation(&client, base).await;
    let mut stream = Stream::open(&client, base, &student).await;
    say(&client, base, &student, "转人工").await;
    let handoff = assistant
        .desk()
        .queue()
        .await
        .expect("queue")
        .into_iter()
        .find(|item| item.handoff.conversation_id == student.id)
        .expect("in the queue")
        .handoff
        .id;
    assistant.desk().take(&handoff, &agent).await.expect("take");
    stream.until("小王").await;

    let times = time_replies(assistant, &handoff, &agent, &mut stream, "same", REPLIES).await;
    report(
        "1. agent reply -> student's event stream (the instance holding the stream)",
        times,
    );

    let other = helpbot::runtime::start(config)
        .await
        .expect("second instance");
    let times = time_replies(
        &other,
        &handoff,
        &agent,
        &mut stream,
        "other",
        REPLIES_FROM_ANOTHER_INSTANCE,
    )
    .await;
    report(
        "1b. agent reply from another instance -> student's event stream (database poll, 500 ms)",
        times,
    );
    assistant
        .desk()
        .close(&handoff, &agent)
        .await
        .expect("close");
}

/// Signs in to the console as a browser does; the session cookie.
async fn sign_in(base: &str, name: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = client
        .get(format!("{base}/console/sign-in"))
        .send()
        .await
        .expect("form");
    let cookie = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .map(String::from)
            .expect("cookie")
    };
    let secret = cookie(&form, "helpbot_console_signin");
    let page = form.text().await.expect("page");
    let csrf = regex::Regex::new(r#"name="csrf" value="([0-9a-f]{64})""#)
        .expect("pattern")
        .captures(&page)
        .map(|found| found[1].to_string())
        .expect("token");
    let signed = client
        .post(format!("{base}/console/sign-in"))
        .header(reqwest::header::COOKIE, secret)
        .form(&[
            ("name", name),
            ("password", SUPERVISOR_PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("sign in");
    cookie(&signed, "helpbot_console")
}

async fn queue_view(config: &Config, assistant: &Assistant, base: &str) {
    let client = reqwest::Client::new();
    let filling = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut joiners = Vec::new();
    for _ in 0..JOINING_AT_ONCE {
        let (client, base, next) = (client.clone(), base.to_string(), next.clone());
        joiners.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < WAITING {
                let student = start_conversation(&client, &base).await;
                say(&client, &base, &student, "转人工").await;
            }
        }));
    }
    for joiner in joiners {
        joiner.await.expect("joined");
    }
    let waiting = assistant.desk().queue().await.expect("queue").len();
    println!(
        "2. {waiting} conversations waiting (students asked over the chat API, {JOINING_AT_ONCE} at once): filled in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    for _ in 0..QUEUE_READS {
        let started = Instant::now();
        let queue = assistant.desk().queue().await.expect("queue");
        times.push(started.elapsed());
        assert_eq!(queue.len(), waiting);
    }
    report("2a. Desk::queue() with the whole queue (in process)", times);

    let mut times = Vec::new();
    for _ in 0..QUEUE_READS {
        let started = Instant::now();
        let figures = assistant.desk().figures().await.expect("figures");
        times.push(started.elapsed());
        assert_eq!(figures.queue.waiting as usize, waiting);
    }
    report(
        "2b. Desk::figures() (queue length, longest wait, loads, today) (in process)",
        times,
    );

    StaffStore::new(
        assistant.database().clone(),
        StaffSettings::from(&config.console),
        Arc::new(SystemClock),
    )
    .add("boss", "陈主管", Role::Supervisor, SUPERVISOR_PASSWORD)
    .await
    .expect("supervisor");
    let session = sign_in(base, "boss").await;
    let queue_length = format!("id=\"queue-length\">{waiting}<");
    let every_row = |page: &str| page.matches("data-id=").count() >= waiting;
    let pages: [(&str, &str, &PageCheck); 3] = [
        (
            "2c. GET /console/supervisor with the queue's figures (HTTP round trip on localhost)",
            "/console/supervisor",
            &|page| page.contains(&queue_length),
        ),
        // The agents' queue itself: the page, and what it polls to stay live.
        (
            "2d. GET /console/queue, the agents' queue page with every waiting row",
            "/console/queue",
            &every_row,
        ),
        (
            "2e. GET /console/queue/live, what the open queue page polls",
            "/console/queue/live",
            &every_row,
        ),
    ];
    for (what, path, shows_the_queue) in pages {
        let mut times = Vec::new();
        for _ in 0..QUEUE_READS {
            let started = Instant::now();
            let page = client
                .get(format!("{base}{path}"))
                .header(reqwest::header::COOKIE, &session)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("body");
            times.push(started.elapsed());
            assert!(shows_the_queue(&page), "{path} shows the whole queue");
        }
        report(what, times);
    }
}

/// What a page must show to count as served.
type PageCheck<'a> = dyn Fn(&str) -> bool + 'a;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(format!(
        "sqlite://{}",
        dir.path().join("helpbot.db").display()
    ));
    let (assistant, base) = serve(&config).await;
    println!("handoff benchmark: helpbot's web server in this process on SQLite, {base}");
    reply_latency(&config, &assistant, &base).await;
    queue_view(&config, &assistant, &base).await;
}
