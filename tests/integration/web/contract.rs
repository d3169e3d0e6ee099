//! The chat API keeps its contract: `web/openapi.yaml` documents exactly the operations the router
//! serves (taken from the router's own table, and probed over HTTP), every error is the JSON error,
//! nothing with conversation content may be cached, and schemathesis, generating requests from the
//! document against the real server, finds no server error and no response that the document
//! does not describe.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::repo;
use crate::common::server::spawn_app_with;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// (method, path) of every operation `web/openapi.yaml` documents, read from its `paths:` section
/// (paths indented by two spaces, their methods by four).
fn documented_operations() -> BTreeSet<(String, String)> {
    let spec = helpbot::channels::web::assets::OPENAPI;
    let mut operations = BTreeSet::new();
    let mut in_paths = false;
    let mut path: Option<String> = None;
    for line in spec.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_paths = line == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(rest) = line.strip_prefix("  /") {
            path = Some(format!("/{}", rest.trim_end().trim_end_matches(':')));
        } else if let Some(rest) = line.strip_prefix("    ")
            && !rest.starts_with(' ')
            && let Some((key, _)) = rest.split_once(':')
            && METHODS.contains(&key)
        {
            let path = path.clone().expect("a method under a path");
            operations.insert((key.to_uppercase(), path));
        }
    }
    operations
}

fn routed_operations() -> BTreeSet<(String, String)> {
    helpbot::channels::web::api::operations()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect()
}

#[test]
fn the_openapi_document_lists_exactly_the_operations_the_router_serves() {
    let documented = documented_operations();
    assert!(
        documented.contains(&("POST".into(), "/api/v1/conversations".into())),
        "the document was not read: {documented:?}"
    );
    assert_eq!(documented, routed_operations());
}

/// A documented path with a real conversation in it.
fn concrete(path: &str, id: &str) -> String {
    path.replace("{id}", id)
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_other_methods_get_a_json_405() {
    let app = spawn_app_with(|_| {}).await;
    let (id, token, _) = app.start("en").await;
    let documented = documented_operations();
    let paths: BTreeSet<&String> = documented.iter().map(|(_, path)| path).collect();
    for path in paths {
        let url = format!("{}{}", app.base, concrete(path, &id));
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let response = app
                .client
                .request(Method::from_bytes(method.as_bytes()).expect("method"), &url)
                .bearer_auth(&token)
                .header("accept-language", "en")
                .send()
                .await
                .expect("request");
            let status = response.status();
            if documented.contains(&(method.to_string(), path.clone())) {
                assert!(
                    status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND,
                    "{method} {path} is documented but answers {status}"
                );
                continue;
            }
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is not documented"
            );
            let allowed = response.headers()["allow"]
                .to_str()
                .expect("allow")
                .to_string();
            for (documented_method, _) in documented.iter().filter(|(_, p)| p == path) {
                assert!(allowed.contains(documented_method.as_str()), "{allowed}");
            }
            let body: Value = response.json().await.expect("a JSON error");
            assert_eq!(body["error"]["code"], "api-method-not-allowed", "{body}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("request"))
            );
        }
    }
}

#[tokio::test]
async fn every_error_is_the_translated_json_error() {
    let app = spawn_app_with(|_| {}).await;
    let get = |path: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("accept-language", "zh-CN")
            .send()
    };
    let cases = [
        (
            get("/api/v1/suggest").await,
            StatusCode::BAD_REQUEST,
            "api-malformed",
        ),
        (
            get("/api/v1/suggest?q=a&q=b").await,
            StatusCode::BAD_REQUEST,
            "api-malformed",
        ),
        (
            get("/api/v1/nothing-here").await,
            StatusCode::NOT_FOUND,
            "api-not-found",
        ),
        (
            get("/api/v1/conversations/x/events?token=a&token=b").await,
            StatusCode::BAD_REQUEST,
            "api-malformed",
        ),
        (
            app.client
                .post(format!("{}/api/v1/conversations", app.base))
                .body("{\"locale\": 5}")
                .send()
                .await,
            StatusCode::BAD_REQUEST,
            "api-malformed",
        ),
        (
            app.client
                .post(format!("{}/api/v1/conversations", app.base))
                .body(vec![b' '; 64 * 1024])
                .send()
                .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "api-too-large",
        ),
    ];
    for (response, status, code) in cases {
        let response = response.expect("request");
        assert_eq!(response.status(), status, "{code}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("application/json")),
            "{code}"
        );
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty() && !m.starts_with("api-")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn responses_with_conversation_content_are_never_cached() {
    let app = spawn_app_with(|_| {}).await;
    let started = app
        .client
        .post(format!("{}/api/v1/conversations", app.base))
        .json(&json!({ "locale": "en" }))
        .send()
        .await
        .expect("start");
    let no_store = |response: &reqwest::Response, what: &str| {
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}"
        );
    };
    no_store(&started, "start");
    let body: Value = started.json().await.expect("json");
    let id = body["id"].as_str().expect("id").to_string();
    let token = body["token"].as_str().expect("token").to_string();
    let conversation = format!("{}/api/v1/conversations/{id}", app.base);
    let sent = app
        .client
        .post(format!("{conversation}/messages"))
        .bearer_auth(&token)
        .json(&json!({ "text": "I forgot my username" }))
        .send()
        .await
        .expect("send");
    no_store(&sent, "messages");
    let history = app
        .client
        .get(format!("{conversation}/messages"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("history");
    no_store(&history, "history");
    let events = app
        .client
        .get(format!("{conversation}/events?token={token}"))
        .send()
        .await
        .expect("events");
    assert_eq!(events.status(), StatusCode::OK);
    no_store(&events, "events");
    drop(events);
    let refused = app
        .client
        .get(format!("{conversation}/messages"))
        .bearer_auth("wrong")
        .send()
        .await
        .expect("history");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    no_store(&refused, "an error");
    let suggestions = app
        .client
        .get(format!("{}/api/v1/suggest?q=password", app.base))
        .send()
        .await
        .expect("suggest");
    no_store(&suggestions, "suggestions");
    // The widget itself may be cached.
    let widget = app
        .client
        .get(format!("{}/widget.js", app.base))
        .send()
        .await
        .expect("widget");
    assert!(
        widget.headers()["cache-control"]
            .to_str()
            .is_ok_and(|v| v.contains("max-age"))
    );
}

/// The schemathesis command: `$SCHEMATHESIS`, else the virtualenv in `target/schemathesis` that
/// `scripts/test` makes from `tests/schemathesis-requirements.txt`, made here when missing.
fn schemathesis() -> PathBuf {
    if let Some(path) = std::env::var_os("SCHEMATHESIS") {
        return path.into();
    }
    let venv = repo().join("target").join("schemathesis");
    let command = venv.join("bin").join("schemathesis");
    if !command.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 runs (schemathesis needs it)");
        assert!(made.success(), "python3 -m venv failed");
        let installed = Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--requirement"])
            .arg(repo().join("tests").join("schemathesis-requirements.txt"))
            .status()
            .expect("pip runs");
        assert!(installed.success(), "pip install schemathesis failed");
    }
    command
}

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_no_response_the_document_does_not_describe() {
    // All the generated traffic comes from one address and one conversation.
    let app = spawn_app_with(|c| {
        c.web.rate_limit_per_ip = 1_000_000;
        c.web.rate_limit_per_conversation = 1_000_000;
    })
    .await;
    app.load_demo_data().await;
    let (id, token, _) = app.start("zh-CN").await;
    let (_, answer) = app
        .send(&id, &token, json!({ "text": "忘记学信网用户名了" }))
        .await;
    let answered = answer["messages"][0]["entry_id"]
        .as_str()
        .expect("an answer to rate")
        .to_string();
    let work = tempfile::tempdir().expect("temp dir");
    // The conversation's id goes into every `{id}`: requests reach a real conversation rather
    // than a 404 (unknown ids and wrong tokens are tested in main.rs), and feedback rates the
    // answer it was given.
    let config = work.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!("[parameters]\n\"path.id\" = \"{id}\"\n\"body.entry_id\" = \"{answered}\"\n"),
    )
    .expect("config");
    let command = schemathesis();
    let base = app.base.clone();
    let report = work.path().to_path_buf();
    let run = tokio::task::spawn_blocking(move || {
        // `timeout` bounds the run; the example counts keep it to about a minute.
        Command::new("timeout")
            .arg("300")
            .arg(command)
            .arg("--no-color")
            .arg("--config-file")
            .arg(&config)
            .args(["run", &format!("{base}/openapi.yaml"), "--url", &base])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,\
                 response_headers_conformance,response_schema_conformance",
                // An event stream never ends by itself: main.rs and limits.rs test it.
                "--exclude-path",
                "/api/v1/conversations/{id}/events",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "100",
                "--seed",
                "20240601",
                "--workers",
                "1",
                "--request-timeout",
                "20",
                "--header",
                &format!("Authorization: Bearer {token}"),
            ])
            .current_dir(&report)
            .output()
    })
    .await
    .expect("task")
    .expect("schemathesis runs");
    let out = format!(
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "schemathesis failed:\n{out}");
    // It really tested: every operation but the event stream, none skipped or erroring.
    assert!(out.contains("passed"), "{out}");
    eprintln!("{out}");
}
