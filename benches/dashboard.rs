//! The editors' dashboard with 1,000,000 stored messages. Run with `cargo bench --bench dashboard`
//! (`BENCH_BACKEND=sqlite|postgres` for one backend); it prints numbers (or the status of a page
//! that fails), it asserts nothing.
//!
//! Per backend (an SQLite file; a fresh PostgreSQL database, dropped at the end) it generates
//! 90 days of traffic with bulk SQL in large transactions (a recursive series on SQLite,
//! `generate_series` on PostgreSQL), never through the API: 125,000 conversations of a welcome
//! and three turns (1,000,000 messages; the second turn answered with two bot messages) whose
//! outcomes mix like real traffic (45 % definite, 15 % suggestions, 15 % unknown, 5 % small talk,
//! 15 % dialog steps, 5 % handoffs), the turns' daily roll-up as the service keeps it, about
//! 18,000 handoffs (two thirds closed and rated), 4,300 tickets (half answered), 31,000 votes with
//! reasons, and 25,000 dialog runs of the shipped dialogs that reach part of their steps and end
//! in every way. Then it serves the console over HTTP and times every dashboard page (and the
//! editors' two older pages beside it) with the default 30-day range and with 365 days: the
//! median and the slowest of [`TIMED_READS`] reads after one untimed read. The target is
//! < 500 ms per page.

mod common;
use common::{PostgresDatabase, ms, repo};

use std::sync::Arc;
use std::time::{Duration, Instant};

use helpbot::accounts::embedded::SystemClock;
use helpbot::config::{Config, ContentConfig};
use helpbot::staff::{Role, StaffSettings, StaffStore};
use helpbot::store::Backend;
use sqlx::{AnyConnection, Connection};

const CONVERSATIONS: i64 = 125_000;
/// Messages per conversation: the welcome, three questions, four answers.
const MESSAGES_PER_CONVERSATION: i64 = 8;
/// Conversations apart in time: 125,000 of them span 90 days.
const SPACING_MS: i64 = 62_000;
/// Conversations added per transaction.
const CHUNK: i64 = 25_000;
const RUNS: usize = 25_000;
const TIMED_READS: usize = 7;
const DAY_MS: i64 = 86_400_000;
const PASSWORD: &str = "Editor-pass-2024";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    sqlx::any::install_default_drivers();
    let backends = match std::env::var("BENCH_BACKEND").as_deref() {
        Err(_) => vec![Backend::Sqlite, Backend::Postgres],
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        Ok(other) => panic!("BENCH_BACKEND must be sqlite or postgres, not `{other}`"),
    };
    for backend in backends {
        runtime.block_on(dashboard(backend));
    }
}

/// Where one backend's database lives, removed with the value.
enum Data {
    Sqlite(tempfile::TempDir),
    Postgres(PostgresDatabase),
}

impl Data {
    fn url(&self) -> String {
        match self {
            Data::Sqlite(dir) => format!("sqlite://{}", dir.path().join("helpbot.db").display()),
            Data::Postgres(database) => database.url.clone(),
        }
    }
}

async fn dashboard(backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let data = match backend {
        Backend::Sqlite => Data::Sqlite(tempfile::tempdir().expect("temp dir")),
        Backend::Postgres => Data::Postgres(PostgresDatabase::create().await),
    };
    let config = Config {
        database_url: data.url().into(),
        content: ContentConfig::under(&repo()),
        ..Config::default()
    };
    let offset_ms = i64::from(
        helpbot::assistant::AssistantSettings::from(&config)
            .utc_offset
            .local_minus_utc(),
    ) * 1000;
    let assistant = helpbot::runtime::start(&config)
        .await
        .expect("the assistant starts");
    // A connection of its own: the service's connections cut a statement off after a second
    // (on PostgreSQL).
    let mut bulk = AnyConnection::connect(&data.url())
        .await
        .expect("bulk connection");
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut bulk)
            .await
            .expect("busy timeout");
    }
    println!();
    println!("== {name}: the editors' dashboard with 1,000,000 stored messages");
    let started = Instant::now();
    // Whole seconds, so that a turn's first answer is the message at +1 ms.
    let base = (helpbot::store::now_ms() - 90 * DAY_MS) / 1000 * 1000;
    add_traffic(&mut bulk, backend, base, offset_ms).await;
    let steps = dialog_steps(&config);
    add_runs(&mut bulk, base, offset_ms, &steps).await;
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE")
            .execute(&mut bulk)
            .await
            .expect("analyze");
    }
    let counts = table_counts(&mut bulk).await;
    println!(
        "generated in {:.1} s: {counts}",
        started.elapsed().as_secs_f64()
    );

    // The hot questions' count runs in the background, never per request: timed once here.
    let counting = Instant::now();
    assistant
        .refresh_hot_questions()
        .await
        .expect("the hot questions' count");
    println!(
        "hot questions counted (background, {}-day window) in {:.1} ms",
        config.hot.window_days,
        counting.elapsed().as_secs_f64() * 1000.0
    );

    let base_url = serve(&config, assistant.clone()).await;
    StaffStore::new(
        assistant.database().clone(),
        StaffSettings::from(&config.console),
        Arc::new(SystemClock),
    )
    .add("zhou", "周编辑", Role::Editor, PASSWORD)
    .await
    .expect("editor");
    let session = sign_in(&base_url, "zhou").await;
    let client = reqwest::Client::new();
    let today = chrono::Utc::now()
        .with_timezone(&helpbot::assistant::AssistantSettings::from(&config).utc_offset)
        .date_naive();
    let year = format!("from={}&to={today}", today - chrono::Duration::days(364));
    let pages = [
        ("dashboard", "/console/editor/dashboard".to_string()),
        ("funnels", "/console/editor/funnels".to_string()),
        (
            "dashboard CSV (outcomes)",
            "/console/editor/dashboard?format=csv&table=outcomes".to_string(),
        ),
        ("what fails", "/console/editor".to_string()),
        ("rated 没用", "/console/editor/ratings".to_string()),
        // From memory: the range is not its own.
        ("hot questions", "/console/editor/hot".to_string()),
    ];
    println!(
        "{:<28} {:>14} {:>14}",
        "page (HTTP, localhost)", "30 days", "365 days"
    );
    for (label, path) in pages {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let default = time_page(&client, &base_url, &session, &path).await;
        let long = time_page(
            &client,
            &base_url,
            &session,
            &format!("{path}{joiner}{year}"),
        )
        .await;
        println!("{label:<28} {default:>14} {long:>14}");
    }
    println!("(median / slowest of {TIMED_READS} reads; target < 500 ms per page)");
    bulk.close().await.ok();
    assistant.database().close().await;
}

/// The conversations, their messages, the turns' daily roll-up, handoffs, tickets and votes.
async fn add_traffic(conn: &mut AnyConnection, backend: Backend, base: i64, offset_ms: i64) {
    let mut from = 0;
    while from < CONVERSATIONS {
        let to = (from + CHUNK).min(CONVERSATIONS) - 1;
        let mut tx = conn.begin().await.expect("begin");
        let conversations = match backend {
            Backend::Sqlite => {
                "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) \
                 INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
                 SELECT lower(hex(randomblob(16))), 'web', 'zh-CN', '{}', $3 + i * $4, \
                        $3 + i * $4 + 45001 FROM n"
            }
            Backend::Postgres => {
                "INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
                 SELECT md5('bench-' || i)::uuid::text, 'web', 'zh-CN', '{}', $3 + i * $4, \
                        $3 + i * $4 + 45001 \
                 FROM generate_series($1::bigint, $2::bigint) AS i"
            }
        };
        sqlx::query(conversations)
            .bind(from)
            .bind(to)
            .bind(base)
            .bind(SPACING_MS)
            .execute(&mut *tx)
            .await
            .expect("conversations");
        // key: the turn's number over all conversations; its outcome follows the mix.
        sqlx::query(
            "INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
             SELECT c.id, m.sender, \
                    CASE WHEN m.sender = 'user' THEN $1 ELSE $2 END, \
                    CASE WHEN m.sender = 'user' OR m.k = 0 THEN NULL \
                         ELSE CASE WHEN ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 9 THEN 'definite' \
                                   WHEN ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 12 THEN 'suggest' \
                                   WHEN ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 15 THEN 'none' \
                                   WHEN ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 16 THEN 'smalltalk' \
                                   WHEN ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 19 THEN 'dialog' \
                                   ELSE 'handoff-queued' END END, \
                    CASE WHEN m.sender = 'bot' AND m.k > 0 \
                              AND ((c.created_at - $3) / $4 * 3 + m.k) % 20 < 9 \
                         THEN 'entry-' || (((c.created_at - $3) / $4) % 60) END, \
                    c.created_at + m.after \
             FROM conversations c CROSS JOIN ( \
                 SELECT 0 AS k, 'bot' AS sender, 0 AS after \
                 UNION ALL SELECT 1, 'user', 15000 UNION ALL SELECT 1, 'bot', 15001 \
                 UNION ALL SELECT 2, 'user', 30000 UNION ALL SELECT 2, 'bot', 30001 \
                 UNION ALL SELECT 2, 'bot', 30002 \
                 UNION ALL SELECT 3, 'user', 45000 UNION ALL SELECT 3, 'bot', 45001) m \
             WHERE c.created_at >= $5 AND c.created_at <= $6",
        )
        .bind("学信网的用户名忘了，手机号也换了，怎么找回账号？")
        .bind(ANSWER_BODY)
        .bind(base)
        .bind(SPACING_MS)
        .bind(base + from * SPACING_MS)
        .bind(base + to * SPACING_MS)
        .execute(&mut *tx)
        .await
        .expect("messages");
        tx.commit().await.expect("commit");
        from = to + 1;
    }
    let mut tx = conn.begin().await.expect("begin");
    // The roll-up the service keeps with each turn: a turn's first answer counts it once.
    sqlx::query(
        "INSERT INTO daily_outcomes (day, outcome, turns) \
         SELECT (created_at + $1) / 86400000, outcome, COUNT(*) FROM messages \
         WHERE sender = 'bot' AND outcome IS NOT NULL AND created_at % 1000 = 1 GROUP BY 1, 2",
    )
    .bind(offset_ms)
    .execute(&mut *tx)
    .await
    .expect("roll-up");
    let number = "((created_at - $1) / $2)";
    let statements = [
        format!(
            "INSERT INTO handoffs (id, conversation_id, channel, locale, reason, summary, status, \
             created_at, taken_at, ended_at, rating) \
             SELECT 'h-' || id, id, 'web', 'zh-CN', \
                    CASE {number} % 4 WHEN 0 THEN 'asked' WHEN 1 THEN 'dialog-step' \
                         WHEN 2 THEN 'failed-inputs' ELSE 'unanswered' END, '{{}}', \
                    CASE WHEN {number} % 3 = 0 THEN 'returned' ELSE 'closed' END, \
                    created_at + 45002, created_at + 100000, created_at + 700000, \
                    CASE WHEN {number} % 3 = 0 THEN NULL ELSE 1 + {number} % 5 END \
             FROM conversations WHERE {number} % 7 = 0"
        ),
        format!(
            "INSERT INTO tickets (id, conversation_id, channel, locale, reason, summary, message, \
             status, created_at, answered_at, answered_by_name, answer) \
             SELECT 't-' || id, id, 'web', 'zh-CN', 'asked', '{{}}', '我的学籍信息不对，请帮我看看', \
                    CASE WHEN {number} % 2 = 0 THEN 'answered' ELSE 'open' END, created_at + 46000, \
                    CASE WHEN {number} % 2 = 0 THEN created_at + 46000 + 7200000 END, \
                    CASE WHEN {number} % 2 = 0 THEN '小李' END, \
                    CASE WHEN {number} % 2 = 0 THEN '已为您核实，请重新登录查看。' END \
             FROM conversations WHERE {number} % 29 = 0"
        ),
        format!(
            "INSERT INTO feedback (id, conversation_id, entry_id, useful, created_at, reason, \
             reason_text) \
             SELECT 'f-' || id, id, 'entry-' || ({number} % 60), \
                    CASE WHEN {number} % 10 < 7 THEN 1 ELSE 0 END, created_at + 16000, \
                    CASE WHEN {number} % 10 = 7 THEN 'unclear' WHEN {number} % 10 = 8 THEN 'did-not-work' \
                         WHEN {number} % 10 = 9 THEN 'other' END, \
                    CASE WHEN {number} % 10 = 9 THEN '步骤太多了，看不明白' END \
             FROM conversations WHERE {number} % 4 = 0"
        ),
    ];
    for statement in statements {
        // Only this file's text is formatted into the SQL; every value is bound.
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(base)
            .bind(SPACING_MS)
            .execute(&mut *tx)
            .await
            .expect("handoffs, tickets, votes");
    }
    tx.commit().await.expect("commit");
}

/// A bot message's body as the service stores it: a reply of a few hundred characters.
const ANSWER_BODY: &str = r#"{"kind":"answer","text":"找回学信网用户名：在登录页点击“找回用户名”，输入姓名和证件号码，系统会向注册时绑定的手机发送校验码。若手机号已更换，可选择人工核验，上传证件照片后等待审核，一般在 1 至 3 个工作日内完成。","links":[{"label":"找回用户名","url":"https://account.chsi.com.cn/account/password!rtvlgname"}],"buttons":[{"label":"有用","payload":"feedback:useful:find-username"},{"label":"没用","payload":"feedback:not-useful:find-username"}],"entry_id":"find-username"}"#;

/// The shipped dialogs and their steps in order.
fn dialog_steps(config: &Config) -> Vec<(String, Vec<String>)> {
    let content = helpbot::runtime::load_content(config).expect("content");
    content
        .dialogs
        .by_name
        .iter()
        .map(|(name, dialog)| (name.clone(), helpbot::dialog::runs::step_order(dialog)))
        .collect()
}

/// Dialog runs over the 90 days: each reaches a part of its dialog's steps and ends in one of
/// the ways a run ends (or stays open).
async fn add_runs(
    conn: &mut AnyConnection,
    base: i64,
    offset_ms: i64,
    steps: &[(String, Vec<String>)],
) {
    const RESULTS: [Option<&str>; 6] = [
        Some("completed"),
        None,
        Some("abandoned"),
        Some("completed"),
        Some("handoff"),
        Some("next-dialog"),
    ];
    let mut tx = conn.begin().await.expect("begin");
    let mut runs: Vec<Run> = Vec::new();
    let mut reached: Vec<(String, String, String, i64)> = Vec::new();
    for index in 0..RUNS {
        let (dialog, order) = &steps[index % steps.len()];
        let started = base + index as i64 * (90 * DAY_MS / RUNS as i64);
        let depth = 1 + (index * 7 + index / 13) % order.len().max(1);
        let id = format!("run-{index}");
        let day = (started + offset_ms).div_euclid(DAY_MS);
        for step in order.iter().take(depth) {
            reached.push((id.clone(), step.clone(), dialog.clone(), day));
        }
        let last = order.get(depth - 1).cloned().unwrap_or_default();
        let result = RESULTS[index % 6];
        runs.push(Run {
            id,
            dialog: dialog.clone(),
            day,
            started,
            last,
            result,
            detail: (result == Some("abandoned")).then_some("cancelled"),
            ended: result.map(|_| started + 60_000),
        });
        if runs.len() == 500 {
            insert_runs(&mut tx, &runs).await;
            runs.clear();
        }
    }
    insert_runs(&mut tx, &runs).await;
    for chunk in reached.chunks(1_000) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 4;
                format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO dialog_run_steps (run_id, step, dialog, day) VALUES {}",
            values.join(", ")
        );
        let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (run, step, dialog, day) in chunk {
            insert = insert
                .bind(run.as_str())
                .bind(step.as_str())
                .bind(dialog.as_str())
                .bind(*day);
        }
        insert.execute(&mut *tx).await.expect("run steps");
    }
    tx.commit().await.expect("commit");
}

/// A generated dialog run.
struct Run {
    id: String,
    dialog: String,
    day: i64,
    started: i64,
    last: String,
    result: Option<&'static str>,
    detail: Option<&'static str>,
    ended: Option<i64>,
}

async fn insert_runs(tx: &mut sqlx::Transaction<'_, sqlx::Any>, runs: &[Run]) {
    if runs.is_empty() {
        return;
    }
    let values: Vec<String> = (0..runs.len())
        .map(|i| {
            let p = i * 8;
            let placeholders: Vec<String> = (1..=8).map(|n| format!("${}", p + n)).collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO dialog_runs (id, dialog, day, started_at, last_step, result, detail, ended_at) \
         VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
    for run in runs {
        insert = insert
            .bind(run.id.as_str())
            .bind(run.dialog.as_str())
            .bind(run.day)
            .bind(run.started)
            .bind(run.last.as_str())
            .bind(run.result)
            .bind(run.detail)
            .bind(run.ended);
    }
    insert.execute(&mut **tx).await.expect("runs");
}

async fn table_counts(conn: &mut AnyConnection) -> String {
    let mut counts = Vec::new();
    for table in [
        "messages",
        "conversations",
        "daily_outcomes",
        "handoffs",
        "tickets",
        "feedback",
        "dialog_runs",
        "dialog_run_steps",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await
            .expect("count");
        counts.push(format!("{count} {table}"));
    }
    assert_eq!(
        counts.first().map(String::as_str),
        Some(format!("{} messages", CONVERSATIONS * MESSAGES_PER_CONVERSATION).as_str())
    );
    counts.join(", ")
}

/// The web server (with the console) in this process on a random port: its address.
async fn serve(config: &Config, assistant: helpbot::assistant::Assistant) -> String {
    let state = helpbot::channels::web::AppState::new(assistant, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let origins = config.web.allowed_origins.clone();
    tokio::spawn(async move {
        let never = Box::pin(futures_util::stream::pending::<()>());
        let _ = helpbot::channels::web::serve(listener, state, &origins, never).await;
    });
    base
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
        .form(&[("name", name), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .expect("sign in");
    cookie(&signed, "helpbot_console")
}

/// One untimed read, then the median and the slowest of [`TIMED_READS`].
async fn time_page(client: &reqwest::Client, base: &str, session: &str, path: &str) -> String {
    let mut times: Vec<Duration> = Vec::new();
    for read in 0..=TIMED_READS {
        let started = Instant::now();
        let response = client
            .get(format!("{base}{path}"))
            .header(reqwest::header::COOKIE, session)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let body = response.bytes().await.expect("body");
        let took = started.elapsed();
        // A page that fails is reported as such, not timed.
        if !status.is_success() || body.is_empty() {
            return format!("HTTP {} (read {read})", status.as_u16());
        }
        if read > 0 {
            times.push(took);
        }
    }
    times.sort();
    format!(
        "{} / {}",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}
