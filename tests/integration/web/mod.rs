//! `helpbot serve` end to end over HTTP: the real server on a random port with a fresh database.
//! The API's contract (OpenAPI, schemathesis) is in `contract.rs`, limits in `limits.rs`, logs and
//! stopping the real binary in `process.rs`.

use crate::common;
mod contract;
mod limits;
mod process;

use std::time::Duration;

use common::server::{read_stream, spawn_app, spawn_app_with};
use helpbot::accounts::demo::DEMO_PASSWORD;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) fn texts(body: &Value) -> String {
    body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|m| m["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn health_pages_and_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let page = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers().contains_key("content-security-policy"));
    let html = page.text().await.expect("html");
    assert!(html.contains("<script src=\"/widget.js\""));
    let widget = app
        .client
        .get(format!("{}/widget.js", app.base))
        .send()
        .await
        .expect("request");
    assert!(
        widget.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("javascript")
    );
    assert!(widget.text().await.expect("js").contains("/api/v1"));
}

#[tokio::test]
async fn a_conversation_over_the_api_answers_presses_and_resumes() {
    let app = spawn_app().await;
    let (id, token, started) = app.start("zh-CN").await;
    assert!(texts(&started).contains("请问有什么可以帮您"));
    let (status, answer) = app
        .send(&id, &token, json!({ "text": "忘记学信网用户名了" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = &answer["messages"][0];
    assert_eq!(first["kind"], "answer");
    assert_eq!(first["entry_id"], "find-username");
    let dialog_button = first["buttons"][0]["payload"].as_str().expect("payload");
    assert_eq!(dialog_button, "dialog:find-username");
    let (_, dialog) = app
        .send(&id, &token, json!({ "button": dialog_button }))
        .await;
    assert!(texts(&dialog).contains("真实姓名"), "{dialog}");

    // Coming back: the history shows everything, and the dialog continues where it was.
    let history: Value = app
        .client
        .get(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let items = history["messages"].as_array().expect("messages");
    assert_eq!(items[1]["sender"], "user");
    assert_eq!(items[1]["text"], "忘记学信网用户名了");
    assert!(items.iter().any(|i| {
        i["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("真实姓名"))
    }));
    let (_, next) = app.send(&id, &token, json!({ "text": "张三" })).await;
    assert!(texts(&next).contains("身份证号码"), "{next}");
}

#[tokio::test]
async fn bad_requests_get_clear_translated_errors_and_change_nothing() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("zh-CN").await;
    let url = format!("{}/api/v1/conversations/{id}/messages", app.base);

    let malformed = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: Value = malformed.json().await.expect("json");
    assert_eq!(body["error"]["code"], "api-malformed");

    let (status, body) = app
        .send("no-such-conversation", &token, json!({ "text": "hi" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "api-unknown-conversation");

    let (status, body) = app.send(&id, "wrong-token", json!({ "text": "hi" })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );

    let huge = "问".repeat(10 * 1024 * 1024 / 3);
    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({ "text": huge }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "api-too-large");

    let (status, body) = app
        .send(&id, &token, json!({ "text": "问".repeat(501) }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&body).contains("501"), "{body}");

    let (status, body) = app
        .upload(&id, &token, b"plain text".to_vec(), "x.jpg")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&body).contains("不需要上传图片"), "{body}");

    let (status, _) = app
        .upload(&id, &token, vec![0u8; 2 * 1024 * 1024], "x.jpg")
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Only the over-long message and the unexpected photo reached the conversation (plus the
    // welcome and the replies); the malformed and oversized requests changed nothing.
    let history: Value = app
        .client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        history["messages"].as_array().map(Vec::len),
        Some(5),
        "{history}"
    );
}

#[tokio::test]
async fn a_token_cannot_read_another_conversation() {
    let app = spawn_app().await;
    let (a, token_a, _) = app.start("zh-CN").await;
    let (b, _token_b, _) = app.start("zh-CN").await;
    assert_ne!(a, b);
    for path in ["messages", "events"] {
        let response = app
            .client
            .get(format!("{}/api/v1/conversations/{b}/{path}", app.base))
            .bearer_auth(&token_a)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn rate_limits_answer_429_with_a_translated_message() {
    let app = spawn_app_with(|c| c.web.rate_limit_per_conversation = 3).await;
    let (id, token, _) = app.start("zh-CN").await;
    for _ in 0..3 {
        assert_eq!(
            app.send(&id, &token, json!({ "text": "你好" })).await.0,
            StatusCode::OK
        );
    }
    let response = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&token)
        .json(&json!({ "text": "你好" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("秒后再试")),
        "{body}"
    );
}

#[tokio::test]
async fn pushed_messages_arrive_on_the_event_stream_and_replies_stay_in_their_response() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("en").await;
    let mut stream = app
        .client
        .get(format!(
            "{}/api/v1/conversations/{id}/events?token={token}",
            app.base
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(stream.status(), StatusCode::OK);
    let (_, reply) = app
        .send(&id, &token, json!({ "text": "I forgot my password" }))
        .await;
    assert!(texts(&reply).to_lowercase().contains("password"), "{reply}");
    app.push_notice(&id, "News from staff").await;
    let (received, _) = read_stream(&mut stream, "News from staff", Duration::from_secs(5)).await;
    assert!(received.contains("event: message"), "{received}");
    assert!(received.contains("News from staff"), "{received}");
    assert!(
        !received.to_lowercase().contains("password"),
        "the reply was repeated on the stream: {received}"
    );
}

#[tokio::test]
async fn feedback_language_switch_and_suggestions() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("zh-CN").await;
    let (_, answer) = app
        .send(&id, &token, json!({ "text": "忘记学信网用户名了" }))
        .await;
    assert_eq!(answer["messages"][0]["entry_id"], "find-username");
    let response = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/feedback", app.base))
        .bearer_auth(&token)
        .json(&json!({ "entry_id": "find-username", "useful": true }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let switched = app
        .client
        .put(format!("{}/api/v1/conversations/{id}/locale", app.base))
        .bearer_auth(&token)
        .json(&json!({ "locale": "en" }))
        .send()
        .await
        .expect("request");
    assert_eq!(switched.status(), StatusCode::NO_CONTENT);
    let (_, body) = app.send(&id, &token, json!({ "text": "thanks" })).await;
    assert!(texts(&body).contains("welcome"), "{body}");
    // A question clearly written in Chinese switches the conversation back.
    let (_, body) = app.send(&id, &token, json!({ "text": "忘记密码了" })).await;
    assert!(texts(&body).contains("密码"), "{body}");

    let suggestions: Value = app
        .client
        .get(format!("{}/api/v1/suggest", app.base))
        .query(&[("q", "忘记用户"), ("locale", "zh-CN")])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let titles = suggestions["suggestions"].as_array().expect("list");
    assert!(!titles.is_empty() && titles.len() <= 5);
    assert_eq!(titles[0]["id"], "find-username");
    let none: Value = app
        .client
        .get(format!("{}/api/v1/suggest?q=a", app.base))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(none["suggestions"].as_array().map(Vec::len), Some(0));
    let ui: Value = app
        .client
        .get(format!("{}/api/v1/ui?locale=en", app.base))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(ui["texts"]["widget-useful"], "Useful");
    for locale in ["zh-CN", "en"] {
        let ui: Value = app
            .client
            .get(format!("{}/api/v1/ui?locale={locale}", app.base))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        for id in helpbot::channels::web::api::WIDGET_TEXTS {
            assert_ne!(
                ui["texts"][*id], *id,
                "`{id}` is not translated in {locale}"
            );
        }
    }
}

#[tokio::test]
async fn cors_allows_only_configured_sites() {
    let app =
        spawn_app_with(|c| c.web.allowed_origins = vec!["https://www.example.edu".into()]).await;
    let allowed = app
        .client
        .post(format!("{}/api/v1/conversations", app.base))
        .header("origin", "https://www.example.edu")
        .send()
        .await
        .expect("request");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://www.example.edu"
    );
    let other = app
        .client
        .post(format!("{}/api/v1/conversations", app.base))
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .expect("request");
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn a_review_decided_in_another_process_reaches_the_student_live_and_in_the_history() {
    let app = spawn_app().await;
    app.load_demo_data().await;
    let (id, token, _) = app.start("zh-CN").await;
    app.send(&id, &token, json!({ "button": "dialog:verify-by-photo" }))
        .await;
    let (_, asked) = app.send(&id, &token, json!({ "text": "lisi2024" })).await;
    assert_eq!(asked["messages"][0]["expects_secret"], true, "{asked}");
    let (_, rules) = app
        .send(&id, &token, json!({ "text": DEMO_PASSWORD }))
        .await;
    assert!(texts(&rules).contains("300 KB"), "{rules}");
    for width in [300, 320] {
        let (status, _) = app
            .upload(&id, &token, common::png(width, 300, false), "id.png")
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut stream = app
        .client
        .get(format!("{}/api/v1/conversations/{id}/events", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("event stream");

    // Staff work in a terminal: another process on the same database.
    let queue = common::helpbot(&["review"], "", app.database_url(), &[]);
    assert!(queue.status.success(), "{queue:?}");
    let lines = common::stdout_lines(&queue);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        !lines[0].contains("lisi2024"),
        "the username is masked: {lines:?}"
    );
    let review = lines[0]
        .split_whitespace()
        .next()
        .expect("review id")
        .to_string();
    let photos = tempfile::tempdir().expect("temp dir");
    let saved = common::helpbot(
        &[
            "review",
            "photos",
            &review,
            "--to",
            &photos.path().display().to_string(),
        ],
        "",
        app.database_url(),
        &[],
    );
    assert!(saved.status.success(), "{saved:?}");
    assert_eq!(std::fs::read_dir(photos.path()).expect("dir").count(), 2);
    let approved = common::helpbot(
        &["review", "approve", &review, "--staff", "test-staff"],
        "",
        app.database_url(),
        &[],
    );
    assert!(approved.status.success(), "{approved:?}");

    let (received, _) = read_stream(&mut stream, "审核通过", Duration::from_secs(10)).await;
    assert!(received.contains("审核通过"), "{received}");
    let history: Value = app
        .client
        .get(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("history")
        .json()
        .await
        .expect("json");
    let shown = history.to_string();
    assert!(shown.contains("审核通过"), "{shown}");
    assert!(
        !shown.contains(DEMO_PASSWORD),
        "the password is stored: {shown}"
    );
    let approved_again =
        common::helpbot(&["review", "approve", &review], "", app.database_url(), &[]);
    assert!(!approved_again.status.success());
}
