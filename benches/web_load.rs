//! Web load benchmark: `helpbot serve` (the release binary, in processes of its own) under 1,000
//! concurrent conversations, each with its event stream open like the widget keeps it, sending
//! questions over the chat API from a load generator in this process on the same machine. Run
//! with `cargo bench --bench web_load`; it prints numbers, it asserts nothing.
//!
//! It runs the same load against three configurations, one after the other: one instance on a
//! fresh SQLite file, one instance on a fresh PostgreSQL database, and two instances on one
//! fresh PostgreSQL database (a uniquely named database on the local server, dropped at the end).
//! `BENCH_BACKEND=sqlite|postgres` and `BENCH_INSTANCES=N` run one configuration only. With
//! several instances the load generator is the load balancer: conversations start on the
//! instances in turn and each request of a conversation goes to the next instance, so every
//! conversation is served by all of them (no stickiness).
//!
//! - typing suggestions: sequential `GET /api/v1/suggest` round trips;
//! - open loop: every conversation sends a question every 500 ms (2,000 messages/s offered);
//! - saturation: every conversation sends its next question as soon as the reply arrives.
//!
//! The per-IP and per-conversation rate limits and the per-IP cap on event streams are raised for
//! the run: all the load comes from one address, and a real student does not send two questions a
//! second.

mod common;
use common::{PostgresDatabase, ms, percentile, process_memory, repo};

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

const CONVERSATIONS: usize = 1_000;
const OPEN_LOOP_INTERVAL: Duration = Duration::from_millis(500);
const OPEN_LOOP_DURATION: Duration = Duration::from_secs(20);
const SATURATION_DURATION: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// One configuration under test: the database and how many `helpbot serve` processes share it.
#[derive(Debug, Clone, Copy)]
struct Setup {
    backend: Backend,
    instances: usize,
}

impl std::fmt::Display for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        };
        let plural = if self.instances == 1 { "" } else { "s" };
        write!(f, "{backend}, {} instance{plural}", self.instances)
    }
}

/// The configurations to run: the one `BENCH_BACKEND` / `BENCH_INSTANCES` name, else all three.
/// (Not `HELPBOT_` variables: the instances inherit the environment and would refuse an unknown
/// key.)
fn setups() -> Vec<Setup> {
    let backend = std::env::var("BENCH_BACKEND").ok();
    let instances = std::env::var("BENCH_INSTANCES").ok().map(|n| {
        n.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .expect("BENCH_INSTANCES must be a number of instances, 1 or more")
    });
    let backend = match backend.as_deref() {
        None if instances.is_none() => {
            return vec![
                Setup {
                    backend: Backend::Sqlite,
                    instances: 1,
                },
                Setup {
                    backend: Backend::Postgres,
                    instances: 1,
                },
                Setup {
                    backend: Backend::Postgres,
                    instances: 2,
                },
            ];
        }
        // Several instances only make sense on PostgreSQL.
        None if instances > Some(1) => Backend::Postgres,
        None | Some("sqlite") => Backend::Sqlite,
        Some("postgres") => Backend::Postgres,
        Some(other) => panic!("BENCH_BACKEND must be sqlite or postgres, not `{other}`"),
    };
    let instances = instances.unwrap_or(1);
    assert!(
        backend == Backend::Postgres || instances == 1,
        "one SQLite file is served by one instance (README: Configuration); use BENCH_BACKEND=postgres"
    );
    vec![Setup { backend, instances }]
}

/// Where the instances keep their data, removed with the value.
enum Data {
    Sqlite(tempfile::TempDir),
    Postgres(PostgresDatabase),
}

impl Data {
    async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Data::Sqlite(tempfile::tempdir().expect("temp dir")),
            Backend::Postgres => Data::Postgres(PostgresDatabase::create().await),
        }
    }

    fn url(&self) -> String {
        match self {
            Data::Sqlite(dir) => format!("sqlite://{}", dir.path().join("helpbot.db").display()),
            Data::Postgres(database) => database.url.clone(),
        }
    }

    /// Size of SQLite's write-ahead log, which checkpoints must keep bounded.
    fn wal_size(&self) -> Option<String> {
        let Data::Sqlite(dir) = self else {
            return None;
        };
        Some(
            std::fs::metadata(dir.path().join("helpbot.db-wal"))
                .map(|m| format!("{:.1} MB", m.len() as f64 / 1e6))
                .unwrap_or_else(|_| "none".to_string()),
        )
    }
}

/// One `helpbot serve` process, stopped with the value.
struct Instance {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Instance {
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

/// CPU time used by every PostgreSQL server process of the machine (its connections to other
/// databases included): what the database costs beside the instances. Connections that ended
/// take their time with them, but the instances keep theirs open.
fn postgres_cpu() -> Duration {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    processes
        .flatten()
        .filter_map(|p| p.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(process_cpu)
        .sum()
}

impl Instance {
    fn cpu(&self) -> Duration {
        process_cpu(self.child.id())
    }

    fn rss(&self) -> String {
        process_memory(self.child.id(), "VmRSS:")
    }

    fn peak(&self) -> String {
        process_memory(self.child.id(), "VmHWM:")
    }
}

async fn start_instance(client: &reqwest::Client, database_url: &str) -> Instance {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpbot"));
    command
        .arg("serve")
        .current_dir(dir.path())
        .env("HELPBOT_DATABASE_URL", database_url)
        .env("HELPBOT_WEB__LISTEN", format!("127.0.0.1:{port}"))
        .env("HELPBOT_WEB__RATE_LIMIT_PER_IP", "100000000")
        .env("HELPBOT_WEB__RATE_LIMIT_PER_CONVERSATION", "100000")
        .env("HELPBOT_WEB__EVENT_STREAMS_PER_IP", "100000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = common::content_env(&mut command, &repo())
        .spawn()
        .expect("helpbot serve starts");
    let instance = Instance {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = client.get(format!("{}/readyz", instance.base)).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "helpbot serve did not get ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    instance
}

/// The instances of one configuration and their database. The instances are declared first, so
/// they stop before the database goes.
struct Cluster {
    instances: Vec<Instance>,
    data: Data,
}

impl Cluster {
    /// Starts the instances one after the other: the first migrates the fresh database.
    async fn start(client: &reqwest::Client, setup: Setup) -> Self {
        let data = Data::create(setup.backend).await;
        let mut instances = Vec::new();
        for _ in 0..setup.instances {
            instances.push(start_instance(client, &data.url()).await);
        }
        Self { instances, data }
    }

    /// The instances' addresses, in the order requests go round them.
    fn bases(&self) -> Arc<Vec<String>> {
        Arc::new(self.instances.iter().map(|i| i.base.clone()).collect())
    }

    fn cpu(&self) -> Vec<Duration> {
        self.instances.iter().map(Instance::cpu).collect()
    }

    fn rss(&self) -> String {
        self.instances
            .iter()
            .map(Instance::rss)
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// CPU used since `before` ([`cpu_now`]): per instance, by PostgreSQL, by the load generator.
struct CpuUse {
    instances: Vec<Duration>,
    postgres: Option<Duration>,
    generator: Duration,
}

struct CpuMark {
    instances: Vec<Duration>,
    postgres: Duration,
    generator: Duration,
}

fn cpu_now(cluster: &Cluster) -> CpuMark {
    CpuMark {
        instances: cluster.cpu(),
        postgres: postgres_cpu(),
        generator: process_cpu(std::process::id()),
    }
}

fn cpu_since(cluster: &Cluster, before: &CpuMark) -> CpuUse {
    let now = cpu_now(cluster);
    CpuUse {
        instances: now
            .instances
            .iter()
            .zip(&before.instances)
            .map(|(now, before)| now.saturating_sub(*before))
            .collect(),
        postgres: matches!(cluster.data, Data::Postgres(_))
            .then(|| now.postgres.saturating_sub(before.postgres)),
        generator: now.generator.saturating_sub(before.generator),
    }
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
/// reply is in) until `duration` is over; each question goes to the next instance of `bases`.
async fn run_load(
    client: &reqwest::Client,
    bases: &Arc<Vec<String>>,
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
        let bases = bases.clone();
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
            let mut sent = index;
            while Instant::now() < end {
                if let Some(ticker) = ticker.as_mut() {
                    ticker.tick().await;
                    if Instant::now() >= end {
                        break;
                    }
                }
                let question = &questions[next % questions.len()];
                next += 1;
                // Round robin with no stickiness: this conversation's next request goes to the
                // next instance.
                let base = &bases[sent % bases.len()];
                sent += 1;
                match send(&client, base, conversation, question).await {
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

/// What one phase came to, for the summary at the end.
#[derive(Clone, Copy)]
struct PhaseSummary {
    rate: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

fn report(
    name: &str,
    mut outcome: Outcome,
    elapsed: Duration,
    cluster: &Cluster,
    cpu: CpuUse,
) -> PhaseSummary {
    outcome.latencies.sort();
    let answered = outcome.latencies.len();
    let rate = answered as f64 / elapsed.as_secs_f64();
    let seconds = elapsed.as_secs_f64();
    println!("{name}");
    println!(
        "  messages answered   {answered} in {seconds:.1} s = {rate:.0} messages/s ({} errors)",
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
    for (number, instance) in cluster.instances.iter().enumerate() {
        let used = cpu.instances.get(number).copied().unwrap_or_default();
        println!(
            "  instance {}          VmRSS {}, peak VmHWM {}; CPU {:.1} s = {:.2} cores",
            number + 1,
            instance.rss(),
            instance.peak(),
            used.as_secs_f64(),
            used.as_secs_f64() / seconds
        );
    }
    let serving: Duration = cpu.instances.iter().sum();
    println!(
        "  instances' CPU      {:.3} ms per message",
        serving.as_secs_f64() * 1000.0 / answered.max(1) as f64
    );
    if let Some(wal) = cluster.data.wal_size() {
        println!("  SQLite WAL file     {wal}");
    }
    if let Some(postgres) = cpu.postgres {
        println!(
            "  PostgreSQL CPU      {:.2} cores, {:.3} ms per message (all its processes)",
            postgres.as_secs_f64() / seconds,
            postgres.as_secs_f64() * 1000.0 / answered.max(1) as f64
        );
    }
    println!(
        "  load generator CPU  {:.2} cores",
        cpu.generator.as_secs_f64() / seconds
    );
    PhaseSummary {
        rate,
        p50: percentile(&outcome.latencies, 0.5),
        p99: percentile(&outcome.latencies, 0.99),
        errors: outcome.errors,
    }
}

/// The conversations of a configuration, ready to send.
struct Load<'a> {
    client: &'a reqwest::Client,
    cluster: &'a Cluster,
    bases: &'a Arc<Vec<String>>,
    conversations: &'a Arc<Vec<Conversation>>,
    questions: &'a Arc<Vec<String>>,
}

impl Load<'_> {
    /// Runs one phase of load ([`run_load`]) and reports it with the CPU it took.
    async fn phase(
        &self,
        name: &str,
        interval: Option<Duration>,
        duration: Duration,
    ) -> PhaseSummary {
        let before = cpu_now(self.cluster);
        let (outcome, elapsed) = run_load(
            self.client,
            self.bases,
            self.conversations,
            self.questions,
            interval,
            duration,
        )
        .await;
        report(
            name,
            outcome,
            elapsed,
            self.cluster,
            cpu_since(self.cluster, &before),
        )
    }
}

/// One configuration's line in the summary.
struct Summary {
    setup: Setup,
    open_loop: PhaseSummary,
    saturation: PhaseSummary,
    rss: String,
}

/// Runs the whole load against one configuration and stops it.
async fn run_setup(client: &reqwest::Client, setup: Setup) -> Summary {
    let cluster = Cluster::start(client, setup).await;
    let bases = cluster.bases();
    println!();
    println!(
        "== {setup}: {CONVERSATIONS} conversations, 2-core machine shared with the load generator"
    );
    println!("instances idle        VmRSS {}", cluster.rss());

    // Typing suggestions, one request at a time.
    let prefixes = [
        "忘记",
        "忘记用户",
        "证件号码",
        "手机号",
        "激活",
        "reset",
        "forgot user",
        "学籍",
    ];
    let mut suggest = Vec::new();
    for round in 0..2_000 {
        let prefix = prefixes[round % prefixes.len()];
        let started = Instant::now();
        let ok = client
            .get(format!("{}/api/v1/suggest", bases[round % bases.len()]))
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

    // Conversations start on the instances in turn; each keeps its event stream on the instance
    // it started on, as a widget keeps its connection.
    let opened = Instant::now();
    let mut starts = Vec::new();
    for index in 0..CONVERSATIONS {
        let client = client.clone();
        let base = bases[index % bases.len()].clone();
        starts.push(tokio::spawn(async move {
            let conversation = start_conversation(&client, &base).await;
            conversation.map(|c| (c, base))
        }));
    }
    let mut conversations = Vec::new();
    for start in starts {
        if let Ok(Some((conversation, base))) = start.await {
            listen(client.clone(), base, &conversation);
            conversations.push(conversation);
        }
    }
    println!(
        "conversations started {} of {CONVERSATIONS} in {}",
        conversations.len(),
        ms(opened.elapsed())
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!(
        "with {} event streams open: VmRSS {}",
        conversations.len(),
        cluster.rss()
    );

    let conversations = Arc::new(conversations);
    let questions = Arc::new(questions());
    let offered = conversations.len() as f64 / OPEN_LOOP_INTERVAL.as_secs_f64();
    let load = Load {
        client,
        cluster: &cluster,
        bases: &bases,
        conversations: &conversations,
        questions: &questions,
    };
    let open_loop = load
        .phase(
            &format!(
                "open loop: one question per conversation every {} ms ({offered:.0} messages/s offered)",
                OPEN_LOOP_INTERVAL.as_millis()
            ),
            Some(OPEN_LOOP_INTERVAL),
            OPEN_LOOP_DURATION,
        )
        .await;
    let saturation = load
        .phase(
            "saturation: every conversation sends again as soon as it has the reply",
            None,
            SATURATION_DURATION,
        )
        .await;
    Summary {
        setup,
        open_loop,
        saturation,
        rss: cluster.rss(),
    }
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
        let mut summaries = Vec::new();
        for setup in setups() {
            summaries.push(run_setup(&client, setup).await);
            // The event streams of the stopped instances end with errors: give their tasks a
            // moment to go before the next configuration starts.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        println!();
        println!(
            "summary, same offered load ({:.0} messages/s open loop):",
            CONVERSATIONS as f64 / OPEN_LOOP_INTERVAL.as_secs_f64()
        );
        println!(
            "  {:28} {:>28} {:>28}  VmRSS per instance",
            "configuration", "open loop msg/s p50 / p99", "saturation msg/s p50 / p99"
        );
        for s in summaries {
            let phase = |p: PhaseSummary| {
                let errors = if p.errors > 0 {
                    format!(" ({} errors)", p.errors)
                } else {
                    String::new()
                };
                format!(
                    "{:.0}  {:.1} / {:.1} ms{errors}",
                    p.rate,
                    p.p50.as_secs_f64() * 1e3,
                    p.p99.as_secs_f64() * 1e3
                )
            };
            println!(
                "  {:28} {:>28} {:>28}  {}",
                s.setup.to_string(),
                phase(s.open_loop),
                phase(s.saturation),
                s.rss
            );
        }
    });
}
