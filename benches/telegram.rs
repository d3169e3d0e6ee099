//! Telegram benchmark: the Telegram channel in long-polling mode (teloxide's client behind the
//! channel's flood limiter) against a minimal fake Bot API in this process, on a fresh
//! SQLite file, with 1,000 chats asking questions. Run with `cargo bench --bench telegram`; it
//! prints numbers, it asserts nothing. Channel, assistant, fake server and load all share this
//! process (and the machine's cores), so the memory reported is the whole process's.
//!
//! - latency: from an update being served in a getUpdates response until the first sendMessage
//!   of its reply reaches the fake server;
//! - open loop: every chat asks a question every second (1,000 updates/s offered);
//! - saturation: every chat asks its next question as soon as the whole reply has arrived.
//!
//! Telegram's own flood limits (about 30 messages a second per bot, one a second per chat) would
//! cap any bot far below 1,000 updates a second; the run raises the limiter's limits so that
//! what is measured is the channel, not the limits (as web_load raises the rate limits).

mod common;
use common::{memory, ms, repo, report};

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use helpbot::channels::telegram::flood::FloodLimits;
use helpbot::config::{Config, ContentConfig};
use serde_json::{Value, json};
use tokio::sync::Notify;

const CHATS: i64 = 1_000;
const QUESTION: &str = "How do I reset my password?";
const OPEN_LOOP_DURATION: Duration = Duration::from_secs(20);
const SATURATION_DURATION: Duration = Duration::from_secs(10);
const TOKEN: &str = "123456:bench-token";
/// Telegram's cap on updates per getUpdates call, used when the bot gives no limit.
const DEFAULT_UPDATES_LIMIT: usize = 100;

/// A chat's questions in flight: when each was served, and the messages of its reply so far.
#[derive(Default)]
struct Chat {
    served: VecDeque<Instant>,
    sent_in_reply: usize,
}

/// The fake Bot API's state: the updates waiting to be fetched and what the bot sent.
struct Fake {
    pending: Mutex<VecDeque<Value>>,
    arrived: Notify,
    chats: Mutex<HashMap<i64, Chat>>,
    latencies: Mutex<Vec<Duration>>,
    /// Messages in a whole reply to [`QUESTION`] (learnt in the warm-up; 0: not known yet).
    reply_messages: AtomicUsize,
    /// Replies complete (every message of the reply sent).
    replies: AtomicUsize,
    sent: AtomicUsize,
    next_update: AtomicUsize,
    /// Saturation: a chat asks again as soon as its reply is complete.
    closed_loop: AtomicBool,
    /// getUpdates answers with updates: when, and how many.
    polls: Mutex<Vec<(Instant, usize)>>,
}

impl Fake {
    fn feed(&self, chat: i64, text: &str) {
        let id = self.next_update.fetch_add(1, Ordering::Relaxed);
        let update = json!({
            "update_id": id,
            "message": {
                "message_id": id,
                "date": 1_700_000_000,
                "chat": { "id": chat, "type": "private", "first_name": "Student" },
                "from": { "id": chat, "is_bot": false, "first_name": "Student",
                          "language_code": "en" },
                "text": text,
            }
        });
        if let Ok(mut pending) = self.pending.lock() {
            pending.push_back(update);
        }
        self.arrived.notify_waiters();
    }

    fn take(&self, limit: usize) -> Vec<Value> {
        let Ok(mut pending) = self.pending.lock() else {
            return Vec::new();
        };
        let n = pending.len().min(limit);
        pending.drain(..n).collect()
    }

    /// Updates served now: their clocks start.
    fn served(&self, updates: &[Value]) {
        let now = Instant::now();
        let Ok(mut chats) = self.chats.lock() else {
            return;
        };
        for update in updates {
            if let Some(chat) = update["message"]["chat"]["id"].as_i64() {
                chats.entry(chat).or_default().served.push_back(now);
            }
        }
    }

    /// A sendMessage to the chat: the first of a reply stops its clock; the last may ask again.
    fn sent(&self, chat: i64) {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let per_reply = self.reply_messages.load(Ordering::Relaxed);
        if per_reply == 0 {
            return;
        }
        let (first, complete) = {
            let Ok(mut chats) = self.chats.lock() else {
                return;
            };
            let state = chats.entry(chat).or_default();
            state.sent_in_reply += 1;
            let first = (state.sent_in_reply == 1)
                .then(|| state.served.pop_front())
                .flatten();
            let complete = state.sent_in_reply == per_reply;
            if complete {
                state.sent_in_reply = 0;
            }
            (first, complete)
        };
        if let Some(served) = first
            && let Ok(mut latencies) = self.latencies.lock()
        {
            latencies.push(served.elapsed());
        }
        if complete {
            self.replies.fetch_add(1, Ordering::Relaxed);
            if self.closed_loop.load(Ordering::Relaxed) {
                self.feed(chat, QUESTION);
            }
        }
    }

    /// The getUpdates answers with updates since the last call: how many, their mean size, and
    /// the mean time between them (the channel fetches the next batch when one is done).
    fn take_polls(&self) -> String {
        let polls = self
            .polls
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let n = polls.len().max(1);
        let updates: usize = polls.iter().map(|(_, size)| size).sum();
        let span = match (polls.first(), polls.last()) {
            (Some(first), Some(last)) => last.0.duration_since(first.0),
            _ => Duration::ZERO,
        };
        format!(
            "{} getUpdates answers with updates, {:.0} updates each on average, one every {} on average",
            polls.len(),
            updates as f64 / n as f64,
            ms(span / (n.max(2) - 1) as u32)
        )
    }

    fn take_latencies(&self) -> Vec<Duration> {
        self.latencies
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

async fn method(
    State(fake): State<Arc<Fake>>,
    Path((_bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Json<Value> {
    let params: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    let result = match method.to_ascii_lowercase().as_str() {
        "getupdates" => {
            let limit = params["limit"]
                .as_u64()
                .map_or(DEFAULT_UPDATES_LIMIT, |l| l as usize);
            let wait = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
            let mut updates = fake.take(limit);
            if updates.is_empty() && !wait.is_zero() {
                let arrived = fake.arrived.notified();
                let _ = tokio::time::timeout(wait, arrived).await;
                updates = fake.take(limit);
            }
            fake.served(&updates);
            if !updates.is_empty()
                && let Ok(mut polls) = fake.polls.lock()
            {
                polls.push((Instant::now(), updates.len()));
            }
            Value::Array(updates)
        }
        "getme" => json!({
            "id": 123456, "is_bot": true, "first_name": "helpbot", "username": "helpbot_bench_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false,
        }),
        "sendmessage" => {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            fake.sent(chat);
            json!({
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": { "id": chat, "type": "private", "first_name": "Student" },
                "text": params["text"],
            })
        }
        _ => json!(true),
    };
    Json(json!({ "ok": true, "result": result }))
}

async fn start_fake() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake {
        pending: Mutex::default(),
        arrived: Notify::new(),
        chats: Mutex::default(),
        latencies: Mutex::default(),
        reply_messages: AtomicUsize::new(0),
        replies: AtomicUsize::new(0),
        sent: AtomicUsize::new(0),
        next_update: AtomicUsize::new(1),
        closed_loop: AtomicBool::new(false),
        polls: Mutex::default(),
    });
    let app = axum::Router::new()
        .route("/{bot}/{method}", axum::routing::post(method))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (fake, url)
}

/// Waits until `sent` messages were sent in all, or says how far it got.
async fn until_sent(fake: &Fake, sent: usize, what: &str) {
    let started = Instant::now();
    while fake.sent.load(Ordering::Relaxed) < sent {
        if started.elapsed() > Duration::from_secs(120) {
            panic!(
                "{what}: {} of {sent} messages after two minutes",
                fake.sent.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("helpbot.db");
    let config = Config {
        database_url: format!("sqlite://{}", database.display()).into(),
        content: ContentConfig::under(&repo()),
        ..Config::default()
    };
    let assistant = helpbot::runtime::start(&config).await.expect("starts");
    let (fake, url) = start_fake().await;
    // Telegram's limits (30 messages a second in all) would cap the run far below what the
    // channel can do: lifted here, the limiter still runs.
    let limits = FloodLimits {
        overall_per_second: 100_000,
        chat_per_second: 1_000,
        chat_burst: 1_000,
    };
    let bot =
        helpbot::channels::telegram::bot_with_limits(TOKEN, url.parse().expect("url"), limits);
    tokio::spawn(helpbot::channels::telegram::run_polling(
        assistant.clone(),
        bot,
        1,
    ));
    println!(
        "telegram benchmark: the channel polling a fake Bot API in this process, SQLite at {}, {CHATS} chats, {} worker threads",
        database.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!("memory before: VmRSS {}", memory("VmRSS:"));

    // Warm-up: every chat says hello (its conversation starts: welcome and a reply), then asks
    // the question once, to learn how many messages a reply to it has.
    let warming = Instant::now();
    for chat in 1..=CHATS {
        fake.feed(chat, "hello");
    }
    // At least the welcome and one reply each; then the trickle settles.
    until_sent(&fake, 2 * CHATS as usize, "hello").await;
    settle(&fake).await;
    let before = fake.sent.load(Ordering::Relaxed);
    for chat in 1..=CHATS {
        fake.feed(chat, QUESTION);
    }
    until_sent(&fake, before + CHATS as usize, "first question").await;
    settle(&fake).await;
    let per_reply = (fake.sent.load(Ordering::Relaxed) - before) / CHATS as usize;
    println!(
        "warm-up: {CHATS} conversations started and asked once in {:.1} s; a reply to the question is {per_reply} message(s); VmRSS {}",
        warming.elapsed().as_secs_f64(),
        memory("VmRSS:")
    );
    fake.reply_messages
        .store(per_reply.max(1), Ordering::Relaxed);
    if let Ok(mut chats) = fake.chats.lock() {
        chats.clear();
    }
    fake.take_polls();

    // Open loop: 1,000 updates a second, each chat once a second, spread evenly.
    let replies_before = fake.replies.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut offered = 0usize;
    while started.elapsed() < OPEN_LOOP_DURATION {
        ticker.tick().await;
        let due = (started.elapsed().as_secs_f64() * CHATS as f64) as usize;
        while offered < due {
            fake.feed(offered as i64 % CHATS + 1, QUESTION);
            offered += 1;
        }
    }
    let offered_for = started.elapsed();
    let drained = Instant::now();
    while fake.replies.load(Ordering::Relaxed) - replies_before < offered
        && drained.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let handled = fake.replies.load(Ordering::Relaxed) - replies_before;
    let total = started.elapsed();
    println!(
        "open loop: {offered} updates offered in {:.1} s ({:.0}/s); {handled} answered in {:.1} s ({:.0}/s)",
        offered_for.as_secs_f64(),
        offered as f64 / offered_for.as_secs_f64(),
        total.as_secs_f64(),
        handled as f64 / total.as_secs_f64(),
    );
    report(
        "open loop, update served → first sendMessage of its reply",
        fake.take_latencies(),
    );
    println!("open loop: {}", fake.take_polls());
    println!(
        "memory after the open loop: VmRSS {}, VmHWM {}",
        memory("VmRSS:"),
        memory("VmHWM:")
    );

    // Saturation: every chat keeps one question in flight.
    let replies_before = fake.replies.load(Ordering::Relaxed);
    fake.closed_loop.store(true, Ordering::Relaxed);
    let started = Instant::now();
    for chat in 1..=CHATS {
        fake.feed(chat, QUESTION);
    }
    tokio::time::sleep(SATURATION_DURATION).await;
    fake.closed_loop.store(false, Ordering::Relaxed);
    let handled = fake.replies.load(Ordering::Relaxed) - replies_before;
    let elapsed = started.elapsed();
    println!(
        "saturation: {handled} updates answered in {:.1} s: {:.0} updates/s",
        elapsed.as_secs_f64(),
        handled as f64 / elapsed.as_secs_f64()
    );
    report(
        "saturation, update served → first sendMessage of its reply",
        fake.take_latencies(),
    );
    println!("saturation: {}", fake.take_polls());
    println!(
        "memory at the end: VmRSS {}, VmHWM {}",
        memory("VmRSS:"),
        memory("VmHWM:")
    );
}

/// Waits until no message was sent for half a second.
async fn settle(fake: &Fake) {
    let mut last = fake.sent.load(Ordering::Relaxed);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = fake.sent.load(Ordering::Relaxed);
        if now == last {
            return;
        }
        last = now;
    }
}
