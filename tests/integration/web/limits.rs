//! Limits of the web channel: one feedback vote per answer and conversation (stored so on both
//! backends), a few event streams per conversation and a bounded number per address, the per-IP
//! request limit before any body is read (and on the widget's texts), and waits that read right.

use std::time::Duration;

use helpbot::locale::Locale;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::server::{App, read_stream, spawn_app, spawn_app_with};
use crate::common::{self, repo};

/// (entry, useful, not useful) of every rated entry.
async fn votes(app: &App) -> Vec<(String, i64, i64)> {
    app.assistant
        .database()
        .feedback_counts()
        .await
        .expect("counts")
}

async fn vote(app: &App, id: &str, token: &str, entry: &str, useful: bool) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/conversations/{id}/feedback", app.base))
        .bearer_auth(token)
        .header("accept-language", "en")
        .json(&json!({ "entry_id": entry, "useful": useful }))
        .send()
        .await
        .expect("feedback")
}

#[tokio::test]
async fn one_vote_per_answer_and_conversation_and_a_change_of_mind_replaces_it() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("en").await;
    let (_, answer) = app
        .send(&id, &token, json!({ "text": "I forgot my username" }))
        .await;
    let entry = answer["messages"][0]["entry_id"]
        .as_str()
        .expect("an answer")
        .to_string();
    for n in 0..60 {
        let response = vote(&app, &id, &token, &entry, n % 2 == 0).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let counts = votes(&app).await;
    // The last of the 60 (the 60th, n = 59) said "not useful".
    assert_eq!(counts, vec![(entry.clone(), 0, 1)]);
    vote(&app, &id, &token, &entry, true).await;
    let counts = votes(&app).await;
    assert_eq!(counts, vec![(entry.clone(), 1, 0)]);

    // Another conversation votes on its own answer.
    let (other, other_token, _) = app.start("en").await;
    app.send(
        &other,
        &other_token,
        json!({ "text": "I forgot my username" }),
    )
    .await;
    vote(&app, &other, &other_token, &entry, true).await;
    let counts = votes(&app).await;
    assert_eq!(counts, vec![(entry.clone(), 2, 0)]);

    // An entry this conversation was never answered with cannot be rated.
    let response = vote(&app, &id, &token, "reset-password", false).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "api-feedback-not-answered", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("rated"))
    );
    let counts = votes(&app).await;
    assert_eq!(counts, vec![(entry, 2, 0)], "nothing changed");
}

#[tokio::test]
async fn the_store_keeps_one_vote_per_answer_on_both_backends() {
    common::on_both_backends(async |test_db| {
        let db = test_db.connect().await;
        db.create_conversation("c1", "web", "en")
            .await
            .expect("conversation");
        sqlx::query(
            "INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
             VALUES ('c1', 'bot', '{}', 'definite', 'find-username', 1)",
        )
        .execute(db.pool())
        .await
        .expect("answer");
        assert!(db.answered_with("c1", "find-username").await.expect("read"));
        assert!(
            !db.answered_with("c1", "reset-password")
                .await
                .expect("read")
        );
        db.set_feedback("c1", "find-username", true)
            .await
            .expect("vote");
        db.set_feedback("c1", "find-username", false)
            .await
            .expect("change of mind");
        assert_eq!(
            db.feedback_counts().await.expect("counts"),
            vec![("find-username".to_string(), 0, 1)],
            "{:?}",
            db.backend()
        );
        // The database itself refuses a second vote.
        let duplicate = sqlx::query(
            "INSERT INTO feedback (id, conversation_id, entry_id, useful, created_at) \
             VALUES ('other', 'c1', 'find-username', 1, 2)",
        )
        .execute(db.pool())
        .await;
        assert!(duplicate.is_err(), "{:?}", db.backend());
        db.close().await;
    })
    .await;
}

/// Opens an event stream; the response once its headers arrived.
async fn open_stream(app: &App, id: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!(
            "{}/api/v1/conversations/{id}/events?token={token}",
            app.base
        ))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .expect("event stream")
}

#[tokio::test]
async fn a_fourth_tab_takes_the_place_of_the_oldest_which_is_told() {
    let app = spawn_app().await;
    let (id, token, _) = app.start("en").await;
    let mut streams = Vec::new();
    for _ in 0..4 {
        let stream = open_stream(&app, &id, &token).await;
        assert_eq!(stream.status(), StatusCode::OK);
        streams.push(stream);
    }
    let (said, _) = read_stream(&mut streams[0], "event: replaced", Duration::from_secs(10)).await;
    assert!(said.contains("event: replaced"), "{said}");
    let (_, ended) = read_stream(&mut streams[0], "\u{0}", Duration::from_secs(10)).await;
    assert!(ended, "the replaced stream ends");

    // The three newest stay live.
    app.push_notice(&id, "News from staff").await;
    for stream in &mut streams[1..] {
        let (said, _) = read_stream(stream, "News from staff", Duration::from_secs(10)).await;
        assert!(said.contains("News from staff"), "{said}");
        assert!(!said.contains("replaced"), "{said}");
    }
}

#[tokio::test]
async fn an_address_may_hold_only_so_many_event_streams() {
    let app = spawn_app_with(|c| c.web.event_streams_per_ip = 2).await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let (id, token, _) = app.start("zh-CN").await;
        let stream = open_stream(&app, &id, &token).await;
        assert_eq!(stream.status(), StatusCode::OK);
        open.push(stream);
    }
    let (id, token, _) = app.start("zh-CN").await;
    let refused = open_stream(&app, &id, &token).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "api-too-many-streams", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("窗口")),
        "{body}"
    );
}

#[tokio::test]
async fn the_per_ip_limit_comes_before_the_body_is_read_and_covers_the_widget_texts() {
    let app = spawn_app_with(|c| c.web.rate_limit_per_ip = 4).await;
    let (id, token, _) = app.start("en").await;
    let url = format!("{}/api/v1/conversations/{id}/messages", app.base);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .header("accept-language", "en")
            .body("{not json")
            .send()
            .await
            .expect("request");
        statuses.push(response.status());
    }
    // The start counted too: three malformed bodies were read, the fourth was refused unread.
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let ui = app
        .client
        .get(format!("{}/api/v1/ui?locale=en", app.base))
        .send()
        .await
        .expect("ui");
    assert_eq!(ui.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = ui.json().await.expect("json");
    assert_eq!(body["error"]["code"], "api-rate-limited");
}

#[test]
fn waits_read_right_in_english_and_chinese() {
    let translations =
        helpbot::i18n::Translations::load(&repo().join("locales")).expect("locales load");
    let wait = |locale, id: &str, seconds: i64| {
        translations.text(locale, id, &[("seconds", seconds.into())])
    };
    assert_eq!(
        wait(Locale::En, "api-rate-limited", 1),
        "Too fast: please try again in 1 second."
    );
    assert_eq!(
        wait(Locale::En, "api-rate-limited", 2),
        "Too fast: please try again in 2 seconds."
    );
    assert!(wait(Locale::En, "api-too-many-streams", 1).ends_with("in 1 second."));
    assert!(wait(Locale::En, "api-too-many-streams", 30).ends_with("in 30 seconds."));
    assert_eq!(
        wait(Locale::ZhCn, "api-rate-limited", 1),
        "发送太快了，请 1 秒后再试。"
    );
}

#[tokio::test]
async fn a_wait_under_a_second_is_announced_as_1_second() {
    // 120 a minute: one more every half second, so the wait is never a whole second.
    let app = spawn_app_with(|c| c.web.rate_limit_per_ip = 120).await;
    for _ in 0..1000 {
        let response = app
            .client
            .get(format!("{}/api/v1/ui", app.base))
            .header("accept-language", "en")
            .send()
            .await
            .expect("ui");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers()["retry-after"], "1");
            let body: Value = response.json().await.expect("json");
            assert_eq!(
                body["error"]["message"],
                "Too fast: please try again in 1 second."
            );
            return;
        }
    }
    panic!("never limited");
}

/// Signs in to 李四's re-registered account in the photo route with a wrong password.
async fn wrong_password(app: &App, id: &str, token: &str) -> String {
    app.send(id, token, json!({ "button": "dialog:verify-by-photo" }))
        .await;
    app.send(id, token, json!({ "text": "lisi2024" })).await;
    let (status, reply) = app.send(id, token, json!({ "text": "Guess-pass-1" })).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    super::texts(&reply)
}

#[tokio::test]
async fn wrong_passwords_from_one_address_lock_that_address_before_the_account() {
    let app = spawn_app_with(|config| {
        config.web.rate_limit_per_ip = 10_000;
        config.web.rate_limit_per_conversation = 10_000;
    })
    .await;
    app.load_demo_data().await;
    // Five conversations from this address, five wrong passwords each: the 21st is refused
    // for the address (操作过于频繁), while the account itself is not locked.
    let mut said = Vec::new();
    for _ in 0..5 {
        let (id, token, _) = app.start("zh-CN").await;
        for _ in 0..5 {
            said.push(wrong_password(&app, &id, &token).await);
        }
    }
    assert!(
        said[..5].iter().all(|s| s.contains("用户名或密码")),
        "{said:?}"
    );
    assert!(
        said.last().is_some_and(|s| s.contains("操作过于频繁")),
        "{said:?}"
    );
    let lisi = app
        .assistant
        .accounts()
        .sign_in(
            "lisi2024",
            helpbot::accounts::demo::DEMO_PASSWORD,
            &helpbot::accounts::Requester::new("web", "the owner elsewhere"),
        )
        .await;
    assert!(lisi.is_ok(), "the owner still signs in: {lisi:?}");
}
