//! The chat API as a client uses it, for the tests and the benchmarks (both include this file).

use serde_json::{Value, json};

/// Starts a conversation at `base` in `locale`: its id and token.
pub async fn start_conversation(
    client: &reqwest::Client,
    base: &str,
    locale: &str,
) -> (String, String) {
    let body: Value = client
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({ "locale": locale }))
        .send()
        .await
        .expect("start")
        .json()
        .await
        .expect("json");
    (
        body["id"].as_str().expect("id").to_string(),
        body["token"].as_str().expect("token").to_string(),
    )
}
