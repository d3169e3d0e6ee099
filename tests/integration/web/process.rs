//! The real `helpbot serve` process: what it logs (never a token, never what a user types into
//! the suggestion box) and how it stops (SIGTERM ends the event streams, lets a request in flight
//! finish within the grace period and exits; a second signal exits at once).

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::server::ServeProcess;

/// A safety net against a server that does not stop: far longer than a prompt stop takes.
const STOPS_WITHIN: Duration = Duration::from_secs(15);

/// An open event stream, the way the widget opens it (the token in the query string).
async fn open_stream(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    token: &str,
) -> reqwest::Response {
    let stream = client
        .get(format!(
            "{base}/api/v1/conversations/{id}/events?token={token}"
        ))
        .send()
        .await
        .expect("events");
    assert_eq!(stream.status(), StatusCode::OK);
    stream
}

#[tokio::test]
async fn the_trace_log_shows_paths_but_never_a_token_or_what_is_typed() {
    let mut server = ServeProcess::start(&[("RUST_LOG", "trace")]);
    let client = reqwest::Client::new();
    let (id, token) = server.start_conversation(&client, "en").await;
    let typed = "quokkazebra";
    let suggestions = client
        .get(format!(
            "{}/api/v1/suggest?q={typed}&locale=en",
            server.base
        ))
        .send()
        .await
        .expect("suggest");
    assert_eq!(suggestions.status(), StatusCode::OK);
    let history = client
        .get(format!(
            "{}/api/v1/conversations/{id}/messages",
            server.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("history");
    assert_eq!(history.status(), StatusCode::OK);
    drop(open_stream(&client, &server.base, &id, &token).await);
    // The requests were logged, by path.
    server.wait_for_log("/api/v1/suggest");
    server.wait_for_log(&format!("/api/v1/conversations/{id}/events"));
    server.wait_for_log(&format!("/api/v1/conversations/{id}/messages"));
    let log = server.log();
    assert!(!log.contains(&token), "the token is in the log:\n{log}");
    assert!(!log.contains(typed), "the typed text is in the log:\n{log}");
    // As a query string (`?token=`); a library's own trace field (mio's `token=Token(1)`) is
    // no secret.
    assert!(
        !log.contains("?token=") && !log.contains("&token="),
        "a query string is in the log:\n{log}"
    );
}

#[tokio::test]
async fn sigterm_ends_the_event_streams_and_exits_promptly_with_success() {
    // A long grace period: exiting promptly must come from the streams ending, not from it.
    let mut server = ServeProcess::start(&[("HELPBOT_WEB__SHUTDOWN_GRACE_SECONDS", "600")]);
    let client = reqwest::Client::new();
    let (id, token) = server.start_conversation(&client, "en").await;
    let mut streams = Vec::new();
    for _ in 0..2 {
        streams.push(open_stream(&client, &server.base, &id, &token).await);
    }
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), StatusCode::OK);

    server.signal("TERM");
    for stream in &mut streams {
        let ended = tokio::time::timeout(STOPS_WITHIN, async {
            while let Ok(Some(_)) = stream.chunk().await {}
        })
        .await;
        assert!(ended.is_ok(), "the event stream stays open");
    }
    let status = server.exit_status(STOPS_WITHIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}\n{}",
        server.log()
    );
    assert!(server.log().contains("every request finished"));
}

/// Sends the head and half the body of a message, leaving the request in flight.
async fn half_sent_message(base: &str, id: &str, token: &str) -> (tokio::net::TcpStream, String) {
    let address = base.trim_start_matches("http://");
    let mut connection = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let body = r#"{"text": "I forgot my username"}"#.to_string();
    let head = format!(
        "POST /api/v1/conversations/{id}/messages HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    connection
        .write_all(head.as_bytes())
        .await
        .expect("write head");
    let (first, rest) = body.split_at(10);
    connection
        .write_all(first.as_bytes())
        .await
        .expect("write body");
    connection.flush().await.expect("flush");
    (connection, rest.to_string())
}

#[tokio::test]
async fn a_request_in_flight_at_sigterm_finishes_before_the_exit() {
    let mut server = ServeProcess::start(&[("HELPBOT_WEB__SHUTDOWN_GRACE_SECONDS", "600")]);
    let client = reqwest::Client::new();
    let (id, token) = server.start_conversation(&client, "en").await;
    let (mut connection, rest) = half_sent_message(&server.base, &id, &token).await;
    server.wait_for_log("/messages");
    server.signal("TERM");
    server.wait_for_log("stopping");
    // New connections are soon no longer accepted (the log line comes just before the server
    // task sees the signal, so one may still slip in on a busy machine)...
    let refused_within = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let probe = client
            .get(format!("{}/healthz", server.base))
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        if probe.is_err() {
            break;
        }
        assert!(
            std::time::Instant::now() < refused_within,
            "new connections still accepted 5 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ...but the request in flight is answered.
    connection
        .write_all(rest.as_bytes())
        .await
        .expect("write the rest");
    let mut response = Vec::new();
    tokio::time::timeout(STOPS_WITHIN, connection.read_to_end(&mut response))
        .await
        .expect("answered in time")
        .expect("read");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("username"), "{response}");
    let status = server.exit_status(STOPS_WITHIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}\n{}",
        server.log()
    );
}

#[tokio::test]
async fn the_grace_period_bounds_the_wait_and_a_second_signal_ends_it_at_once() {
    // A request that never completes: the grace period ends the wait.
    let mut server = ServeProcess::start(&[("HELPBOT_WEB__SHUTDOWN_GRACE_SECONDS", "1")]);
    let client = reqwest::Client::new();
    let (id, token) = server.start_conversation(&client, "en").await;
    let (_stalled, _) = half_sent_message(&server.base, &id, &token).await;
    server.wait_for_log("/messages");
    server.signal("TERM");
    let status = server.exit_status(STOPS_WITHIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}\n{}",
        server.log()
    );
    assert!(server.log().contains("grace period ran out"));

    // With a long grace period, a second signal does not wait for it.
    let mut server = ServeProcess::start(&[("HELPBOT_WEB__SHUTDOWN_GRACE_SECONDS", "600")]);
    let (id, token) = server.start_conversation(&client, "en").await;
    let (_stalled, _) = half_sent_message(&server.base, &id, &token).await;
    server.wait_for_log("/messages");
    server.signal("TERM");
    server.wait_for_log("stopping");
    server.signal("INT");
    let status = server.exit_status(STOPS_WITHIN);
    assert!(
        status.is_some_and(|s| !s.success() && s.code().is_some()),
        "a second signal stops it at once, with a failure status: {status:?}\n{}",
        server.log()
    );
    assert!(server.log().contains("second signal"));
}
