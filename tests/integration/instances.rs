//! Several `helpbot serve` instances on one PostgreSQL database, as behind a load balancer with
//! no sticky sessions (issue 15): a handoff with the student on one instance and the agent on the
//! other, pushed messages woken across instances by LISTEN/NOTIFY, a conversation continued on
//! the other instance when the first stops mid-dialog, and request limits counted across
//! instances. (Twenty parallel takes split across two instances: `console_agent.rs`.)

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::server::{ServeProcess, spawn_app_on};
use crate::common::{TestDb, on_both_backends};
use crate::console::{AGENT_PASSWORD, add_staff, sign_in};
use crate::handoff::{Student, always_open, handoff_of};
use helpbot::locale::Locale;
use helpbot::staff::Role;
use helpbot::store::PerMinute;

/// Longer than a notification takes, shorter than the poll that backs it up (5 s): hearing a
/// pushed message within it shows the notification woke the other instance.
const WOKEN_WITHIN: Duration = Duration::from_secs(3);

fn texts(body: &Value) -> String {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_student_on_one_instance_and_an_agent_on_the_other_go_through_a_whole_handoff() {
    let app = spawn_app_on(TestDb::postgres().await, always_open).await;
    let other = app.second_instance().await;
    add_staff(&app, "wang.xiao", Role::Agent, "小王").await;
    let wang = sign_in(&other, "wang.xiao", AGENT_PASSWORD).await;
    wang.page("/console/queue").await;

    let mut student = Student::open(&app, "zh-CN").await;
    student.say(&app, "转人工").await;
    let id = handoff_of(&app.assistant, &student.id).await;
    // The agent works on the other instance; the student's stream is on the first.
    let took = wang
        .post(
            &format!("/console/queue/{id}/take"),
            &[("csrf", &wang.csrf)],
        )
        .await;
    assert_eq!(took.status(), StatusCode::SEE_OTHER);
    let (heard, woken) = student.heard_within("小王", WOKEN_WITHIN).await;
    assert!(woken, "the take was not heard across instances: {heard}");

    let base = format!("/console/conversations/{id}");
    let sent_at = Instant::now();
    let sent = wang
        .post(
            &format!("{base}/reply"),
            &[
                ("csrf", &wang.csrf),
                ("text", "您好，我是另一台服务器上的小王"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (heard, woken) = student
        .heard_within("另一台服务器上的小王", WOKEN_WITHIN)
        .await;
    assert!(woken, "the reply was not heard across instances: {heard}");
    eprintln!(
        "an agent's reply reached the other instance's stream after {} ms",
        sent_at.elapsed().as_millis()
    );

    // The listeners' connections drop (a database restart, a proxy's idle cut): they reconnect,
    // catch up from the tables, and the next reply is still heard across instances.
    let admin = app.assistant.database().clone();
    let cut: Vec<i64> = sqlx::query_scalar(
        "SELECT pid::int8 FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pg_terminate_backend(pid)",
    )
    .fetch_all(admin.pool())
    .await
    .expect("terminate listeners");
    assert_eq!(cut.len(), 2, "one listener per instance");
    let sent = wang
        .post(
            &format!("{base}/reply"),
            &[("csrf", &wang.csrf), ("text", "断线重连之后的回复")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (heard, woken) = student
        .heard_within("断线重连之后的回复", WOKEN_WITHIN)
        .await;
    assert!(woken, "not heard after the listeners reconnected: {heard}");

    // The student goes on through the agent's instance (no sticky sessions): the agent reads it.
    let (status, body) = app
        .send_to(
            &other,
            &student.id,
            &student.token,
            json!({ "text": "我的用户名记不清了" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(wang.page(&base).await.contains("我的用户名记不清了"));

    // Closed on the other instance: the first one's stream hears it and asks for a rating.
    let closed = wang
        .post(&format!("{base}/close"), &[("csrf", &wang.csrf)])
        .await;
    assert!(closed.status().is_redirection() || closed.status() == StatusCode::OK);
    let record = app.assistant.desk().handoff(&id).await.expect("handoff");
    assert_eq!(record.status, helpbot::handoff::Status::Closed);
    let history = student.history(&app).await;
    assert!(
        history
            .iter()
            .any(|item| item.to_string().contains("另一台服务器上的小王")),
        "{history:?}"
    );
}

#[tokio::test]
async fn a_conversation_goes_on_at_the_other_instance_when_the_first_stops_mid_dialog() {
    let mut app = spawn_app_on(TestDb::postgres().await, |_| {}).await;
    let other = app.second_instance().await;
    let (id, token, _) = app.start("zh-CN").await;
    let (status, started) = app
        .send(&id, &token, json!({ "button": "dialog:find-username" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let (status, named) = app.send(&id, &token, json!({ "text": "张三" })).await;
    assert_eq!(status, StatusCode::OK, "{named}");
    let asked_for_id = texts(&named);

    app.stop().await;
    // The next step, on the other instance: the ID number the first one asked for.
    let (status, next) = app
        .send_to(&other, &id, &token, json!({ "text": "11010519491231002X" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let said = texts(&next);
    assert!(!said.is_empty() && said != asked_for_id, "{said}");
    // Not started over, not an error: the dialog looked the name and number up (nobody has them
    // in this empty database) and says so.
    let text = |id: &str| app.assistant.answerer().text(Locale::ZhCn, id, &[]);
    assert!(said.contains(&text("find-no-match")), "{said}");
    assert!(!said.contains(&text("find-ask-name")), "{said}");
}

/// The real binary twice on one database, the first killed (SIGKILL: no graceful stop, nothing
/// flushed on the way out) right after it answered: the answered turn was stored, and the other
/// instance carries the dialog on.
#[tokio::test]
async fn a_dialog_goes_on_at_the_other_instance_when_the_first_is_killed() {
    let db = TestDb::postgres().await;
    let (one_dir, two_dir) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let first = ServeProcess::start_in(one_dir.path(), db.url(), None, &[]);
    let second = ServeProcess::start_in(two_dir.path(), db.url(), None, &[]);
    let client = reqwest::Client::new();
    let (id, token) = first.start_conversation(&client, "zh-CN").await;
    let say = |base: String, body: Value| {
        let request = client
            .post(format!("{base}/api/v1/conversations/{id}/messages"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let response = request.send().await.expect("request");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, _) = say(
        first.base.clone(),
        json!({ "button": "dialog:find-username" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = say(first.base.clone(), json!({ "text": "张三" })).await;
    assert_eq!(status, StatusCode::OK);
    first.signal("KILL");

    let (status, next) = say(second.base.clone(), json!({ "text": "11010519491231002X" })).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let said = texts(&next);
    let text = |key: &str| {
        helpbot::content::Content::load(
            &helpbot::content::ContentPaths::from(&crate::common::config("sqlite::memory:")),
            Default::default(),
        )
        .map(|content| content.translations.text(Locale::ZhCn, key, &[]))
        .expect("content")
    };
    assert!(said.contains(&text("find-no-match")), "{said}");
}

#[tokio::test]
async fn the_turn_limit_of_a_conversation_is_counted_across_instances() {
    let app = spawn_app_on(TestDb::postgres().await, |config| {
        config.web.rate_limit_per_conversation = 4;
    })
    .await;
    let other = app.second_instance().await;
    let (id, token, _) = app.start("zh-CN").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let base = if n % 2 == 0 { &app.base } else { &other };
        let (status, _) = app
            .send_to(base, &id, &token, json!({ "text": "你好" }))
            .await;
        statuses.push(status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // Another conversation has its own quota.
    let (second, second_token, _) = app.start("zh-CN").await;
    let (status, _) = app
        .send_to(&other, &second, &second_token, json!({ "text": "你好" }))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_shared_count_lets_a_burst_through_and_then_says_how_long_to_wait() {
    on_both_backends(async |db: TestDb| {
        let db = db.connect().await;
        let limit = PerMinute(3);
        for _ in 0..3 {
            assert_eq!(
                db.count_request("test:a", limit).await.expect("count"),
                None
            );
        }
        let wait = db
            .count_request("test:a", limit)
            .await
            .expect("count")
            .expect("over the limit");
        // One request back every 20 s.
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert_eq!(
            db.count_request("test:b", limit).await.expect("count"),
            None
        );
    })
    .await;
}
