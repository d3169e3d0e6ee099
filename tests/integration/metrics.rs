//! `/metrics` of the real server: students' turns (a definite answer, a none, a dialog completed,
//! one cancelled after an account store refusal, one left for another dialog that hands over by
//! design, a person asked for) move the counters and gauges by exactly what happened, on SQLite
//! and PostgreSQL; personal data typed
//! in the chat never reaches the scrape; the token guards the main server (404 without it or
//! with a wrong one), the separate `listen` address serves it (in the real binary, from the
//! environment), and without either setting there is no `/metrics` at all.

use std::collections::BTreeMap;
use std::time::Duration;

use helpbot::channels::web::metrics::{MetricsAccess, serve_separately};
use helpbot::config::Config;
use helpbot::handoff::Agent;
use helpbot::store::Sender;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::json;

use crate::common::server::{App, ServeProcess, spawn_app_on, spawn_app_with};
use crate::common::{TestDb, on_both_backends};
use crate::handoff::{Student, always_open};

const TOKEN: &str = "metrics-test-token-7f3a91c2";

fn with_token(config: &mut Config) {
    config.metrics.token = Some(SecretString::from(TOKEN));
}

async fn get_metrics(base: &str, authorization: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}/metrics"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.expect("metrics request")
}

/// The scrape of an app configured with [`TOKEN`].
async fn scrape(app: &App) -> String {
    let response = get_metrics(&app.base, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    response.text().await.expect("body")
}

/// Every sample of a scrape by series (name and labels as written), e.g.
/// `helpbot_handoff_queue_length` or `helpbot_dialog_starts_total{dialog="find-username"}`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((series.to_string(), value.parse().ok()?))
        })
        .collect()
}

/// A sample's value; 0 for a counter that never moved (it is not rendered then).
fn value(samples: &BTreeMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

/// How many turns of the conversation ended with each outcome, as the database stored them
/// with the bot's reply: what the counters must say.
async fn stored_outcomes(app: &App, conversation: &str) -> BTreeMap<String, usize> {
    let history = app.assistant.history(conversation).await.expect("history");
    let mut outcomes = BTreeMap::new();
    for (index, message) in history.iter().enumerate() {
        if message.sender != Sender::User {
            continue;
        }
        let reply = history[index + 1..]
            .iter()
            .take_while(|later| later.sender != Sender::User)
            .find_map(|later| later.outcome.clone())
            .expect("every turn here has a reply");
        *outcomes.entry(reply).or_insert(0) += 1;
    }
    outcomes
}

#[tokio::test]
async fn a_scrape_counts_what_the_turns_did_and_shows_no_personal_data() {
    on_both_backends(async |db: TestDb| {
        let postgres = db.backend_name() == "PostgreSQL";
        let app = spawn_app_on(db, |config| {
            always_open(config);
            with_token(config);
        })
        .await;
        app.assistant
            .desk()
            .heartbeat(&Agent::new("staff-metrics-01", "小王"))
            .await
            .expect("an agent online");
        let student = Student::open(&app, "zh-CN").await;

        // Questions: a definite answer, one the knowledge base cannot answer, and a phone number.
        student.say(&app, "忘记学信网用户名了").await;
        student.say(&app, "给我讲个笑话").await;
        student.say(&app, "我的手机号13912345678收不到短信").await;
        // A dialog walked to its end.
        student.press(&app, "dialog:sms-code-not-received").await;
        for _ in 0..3 {
            student.press(&app, "dlg:0").await;
        }
        // A dialog left: a name and an ID number nobody registered (the store refuses to find
        // an account), then the cancel word.
        student.press(&app, "dialog:find-username").await;
        student.say(&app, "张三").await;
        student.say(&app, "120104199102052530").await;
        student.say(&app, "退出").await;
        // A person, please: into the queue, an agent being online in working hours.
        student.say(&app, "转人工").await;
        // Another student leaves one dialog for another, and walks that one to its step that
        // hands over to a person.
        let other = Student::open(&app, "zh-CN").await;
        other.press(&app, "dialog:find-username").await;
        other.press(&app, "dialog:sms-code-not-received").await;
        for button in ["dlg:0", "dlg:1", "dlg:1", "dlg:0"] {
            other.press(&app, button).await;
        }
        // A request the API refuses (a wrong token) is counted with its status.
        let (refused, _) = app
            .send(&student.id, "not-the-token", json!({ "text": "hi" }))
            .await;
        assert_eq!(refused, StatusCode::UNAUTHORIZED);

        let text = scrape(&app).await;
        let samples = samples(&text);
        let mut outcomes = stored_outcomes(&app, &student.id).await;
        for (outcome, count) in stored_outcomes(&app, &other.id).await {
            *outcomes.entry(outcome).or_insert(0) += count;
        }
        let turns: usize = outcomes.values().sum();
        assert_eq!(turns, 18);
        // The turns the test means to drive are really there (as the database stored them).
        for outcome in ["definite", "none", "dialog", "handoff"] {
            assert!(outcomes.contains_key(outcome), "{outcomes:?}");
        }
        for (outcome, count) in &outcomes {
            let series = format!("helpbot_messages_total{{channel=\"web\",outcome=\"{outcome}\"}}");
            assert_eq!(value(&samples, &series), *count as f64, "{series}\n{text}");
        }
        let counted: f64 = samples
            .iter()
            .filter(|(series, _)| series.starts_with("helpbot_messages_total{"))
            .map(|(_, value)| value)
            .sum();
        assert_eq!(counted, turns as f64, "{text}");
        assert_eq!(
            value(&samples, r#"helpbot_turn_duration_seconds_count{channel="web"}"#),
            turns as f64
        );
        assert_eq!(
            value(&samples, r#"helpbot_turn_duration_seconds_bucket{channel="web",le="+Inf"}"#),
            turns as f64
        );

        let expected = [
            (r#"helpbot_dialog_starts_total{dialog="sms-code-not-received"}"#, 2.0),
            (r#"helpbot_dialog_completions_total{dialog="sms-code-not-received",ending="end"}"#, 1.0),
            (r#"helpbot_dialog_completions_total{dialog="sms-code-not-received",ending="handoff"}"#, 1.0),
            (r#"helpbot_dialog_starts_total{dialog="find-username"}"#, 2.0),
            (r#"helpbot_dialog_abandonments_total{dialog="find-username",reason="cancelled"}"#, 1.0),
            (r#"helpbot_dialog_abandonments_total{dialog="find-username",reason="other-dialog"}"#, 1.0),
            (r#"helpbot_dialog_completions_total{dialog="find-username",ending="end"}"#, 0.0),
            (r#"helpbot_account_actions_total{action="find-accounts",outcome="no-match"}"#, 1.0),
            (r#"helpbot_account_refusals_total{action="find-accounts",reason="account-no-match"}"#, 1.0),
            (r#"helpbot_handoffs_total{reason="asked",result="queued"}"#, 1.0),
            (r#"helpbot_handoffs_total{reason="dialog-step",result="queued"}"#, 1.0),
            ("helpbot_handoff_queue_length", 2.0),
            (r#"helpbot_http_responses_total{method="POST",route="/api/v1/conversations",status="201"}"#, 2.0),
            (
                r#"helpbot_http_responses_total{method="POST",route="/api/v1/conversations/{id}/messages",status="200"}"#,
                turns as f64,
            ),
            (
                r#"helpbot_http_responses_total{method="POST",route="/api/v1/conversations/{id}/messages",status="401"}"#,
                1.0,
            ),
            (
                &format!(
                    "helpbot_content_info{{version=\"{}\"}}",
                    app.assistant.content().version
                ),
                1.0,
            ),
        ];
        for (series, expected) in expected {
            assert_eq!(value(&samples, series), expected, "{series}\n{text}");
        }
        let waited = samples
            .get("helpbot_handoff_queue_longest_wait_seconds")
            .copied()
            .expect("longest wait");
        assert!((0.0..120.0).contains(&waited), "{waited}");
        // The pools: the main one, and on PostgreSQL the one the turns' locks hold.
        assert!(value(&samples, r#"helpbot_db_pool_max_connections{pool="main"}"#) >= 1.0);
        assert!(samples.contains_key(r#"helpbot_db_pool_connections{pool="main",state="idle"}"#));
        assert!(samples.contains_key(r#"helpbot_db_pool_connections{pool="main",state="in-use"}"#));
        assert_eq!(
            samples.contains_key(r#"helpbot_db_pool_max_connections{pool="turn-locks"}"#),
            postgres,
            "{text}"
        );

        // Nothing the student typed, nor who they are.
        for personal in [
            "120104199102052530",
            "13912345678",
            "张三",
            student.id.as_str(),
            student.token.as_str(),
            other.id.as_str(),
            "127.0.0.1",
        ] {
            assert!(!text.contains(personal), "{personal} in\n{text}");
        }

        // The students leave the queue: the gauges follow the database at every scrape.
        student.say(&app, "取消").await;
        let samples = self::samples(&scrape(&app).await);
        assert_eq!(value(&samples, "helpbot_handoff_queue_length"), 1.0);
        other.say(&app, "取消").await;
        let samples = self::samples(&scrape(&app).await);
        assert_eq!(value(&samples, "helpbot_handoff_queue_length"), 0.0);
        assert_eq!(value(&samples, "helpbot_handoff_queue_longest_wait_seconds"), 0.0);
    })
    .await;
}

#[tokio::test]
async fn the_token_guards_metrics_on_the_main_server() {
    let app = spawn_app_with(with_token).await;
    for refused in [
        None,
        Some("Bearer metrics-test-token-wrong"),
        Some("Bearer metrics-test-token-7f3a91c"),
        Some(&format!("Basic {TOKEN}") as &str),
        Some(TOKEN),
    ] {
        let response = get_metrics(&app.base, refused).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{refused:?}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("helpbot_"), "{body}");
    }
    assert!(scrape(&app).await.contains("helpbot_content_info"));
}

#[tokio::test]
async fn without_settings_there_is_no_metrics_and_nothing_is_recorded() {
    let app = spawn_app_with(|_| {}).await;
    let (id, token, _) = app.start("zh-CN").await;
    let (status, _) = app
        .send(&id, &token, json!({ "text": "忘记学信网用户名了" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!app.assistant.metrics().is_enabled());
    assert_eq!(app.assistant.metrics_text().await, None);
    for authorization in [None, Some(format!("Bearer {TOKEN}"))] {
        let response = get_metrics(&app.base, authorization.as_deref()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

/// The separate address with a token asks for it too (served in-process, as `helpbot serve`
/// does on `[metrics] listen`).
#[tokio::test]
async fn the_separate_address_asks_for_the_token_when_one_is_set() {
    let app = spawn_app_with(with_token).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let serving = tokio::spawn(serve_separately(
        listener,
        app.assistant.clone(),
        MetricsAccess::new(Some(&SecretString::from(TOKEN))),
    ));
    assert_eq!(
        get_metrics(&base, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let response = get_metrics(&base, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("helpbot_content_info")
    );
    serving.abort();
}

/// The real binary with `HELPBOT_METRICS__LISTEN`: `/metrics` on its own address, and none on
/// the main server (no token is set).
#[tokio::test]
async fn helpbot_serve_serves_metrics_on_the_separate_listen_address() {
    let mut server = ServeProcess::start(&[("HELPBOT_METRICS__LISTEN", "127.0.0.1:0")]);
    let address = server.logged_address("metrics served on http://", Duration::from_secs(15));
    let client = reqwest::Client::new();
    let started = client
        .post(format!("{}/api/v1/conversations", server.base))
        .json(&json!({ "locale": "en" }))
        .send()
        .await
        .expect("start");
    assert_eq!(started.status(), StatusCode::CREATED);
    let response = get_metrics(&format!("http://{address}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let samples = samples(&response.text().await.expect("body"));
    assert_eq!(
        value(
            &samples,
            r#"helpbot_http_responses_total{method="POST",route="/api/v1/conversations",status="201"}"#
        ),
        1.0
    );
    assert!(
        samples
            .keys()
            .any(|series| series.starts_with("helpbot_content_info{"))
    );
    assert_eq!(
        get_metrics(&server.base, None).await.status(),
        StatusCode::NOT_FOUND
    );
}
