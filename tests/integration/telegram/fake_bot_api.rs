//! A fake Bot API server on a random loopback port: it feeds scripted updates to getUpdates (a
//! short long-poll), answers the methods the channel calls in the Bot API's JSON shapes, and
//! records every call with its parameters.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify};

/// A call the bot made: the method and its parameters.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// What the server answered (a sent message with its `message_id`; `true` for most calls).
    pub result: Value,
}

#[derive(Default)]
struct Inner {
    pending: Mutex<Vec<Value>>,
    arrived: Notify,
    calls: std::sync::Mutex<Vec<Call>>,
    next_message_id: AtomicI64,
    next_update_id: AtomicI64,
    /// Files the bot may fetch (getFile, then the download), by file id.
    files: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    /// Refusals of sendMessage by chat: the Bot API's error and whether it is given once only.
    refusals: std::sync::Mutex<std::collections::HashMap<i64, (Refusal, bool)>>,
    /// When each sendMessage arrived, by chat, and whether it was refused.
    send_times: std::sync::Mutex<Vec<SendTime>>,
    /// getUpdates calls answered.
    polls: std::sync::atomic::AtomicUsize,
}

#[derive(Clone)]
pub struct FakeBotApi {
    pub url: String,
    inner: Arc<Inner>,
}

pub const TOKEN: &str = "123456:fake-token";

impl FakeBotApi {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner {
            next_message_id: AtomicI64::new(1000),
            next_update_id: AtomicI64::new(1),
            ..Inner::default()
        });
        let app = axum::Router::new()
            .route("/{bot}/{method}", post(method))
            .route("/file/{bot}/{*path}", axum::routing::get(download))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self { url, inner }
    }

    /// Queues an update as it is (with its own update_id).
    pub async fn feed(&self, update: Value) {
        self.inner.pending.lock().await.push(update);
        self.inner.arrived.notify_waiters();
    }

    fn next_update_id(&self) -> i64 {
        self.inner.next_update_id.fetch_add(1, Ordering::SeqCst)
    }

    /// A private text message from user `chat` (whose chat id is the same); its update.
    pub fn text_update(&self, chat: i64, language: &str, text: &str) -> Value {
        json!({
            "update_id": self.next_update_id(),
            "message": {
                "message_id": self.inner.next_message_id.fetch_add(1, Ordering::SeqCst),
                "date": 1_700_000_000,
                "chat": { "id": chat, "type": "private", "first_name": "Student" },
                "from": user(chat, language),
                "text": text,
            }
        })
    }

    /// A press of a button with this callback data under a bot message of the chat.
    pub fn press_update(&self, chat: i64, language: &str, data: &str) -> Value {
        json!({
            "update_id": self.next_update_id(),
            "callback_query": {
                "id": format!("cq-{}", self.next_update_id()),
                "from": user(chat, language),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": { "id": chat, "type": "private", "first_name": "Student" },
                    "text": "earlier message",
                }
            }
        })
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner
            .calls
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// The calls of a method to a chat.
    pub fn sent(&self, method: &str, chat: i64) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && c.params["chat_id"].as_i64() == Some(chat))
            .map(|c| c.params)
            .collect()
    }

    /// Waits until `done` holds for the recorded calls; panics after ten seconds.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("waited for {what}; calls: {:#?}", self.calls());
    }
}

fn user(id: i64, language: &str) -> Value {
    json!({ "id": id, "is_bot": false, "first_name": "Student", "language_code": language })
}

async fn method(
    State(inner): State<Arc<Inner>>,
    Path((_bot, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let params: Value = multipart_params(&headers, &body)
        .unwrap_or_else(|| serde_json::from_slice(&body).unwrap_or(json!({})));
    if method.eq_ignore_ascii_case("getUpdates") {
        inner.polls.fetch_add(1, Ordering::SeqCst);
    }
    if let Some(refused) = refusal(&inner, &method, &params) {
        return refused;
    }
    // The Bot API's names are lowerCamelCase; its methods are case-insensitive.
    let mut chars = method.chars();
    let method: String = chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    if method != "getUpdates"
        && let Ok(mut calls) = inner.calls.lock()
    {
        calls.push(Call {
            method: method.clone(),
            params: params.clone(),
            result: Value::Null,
        });
    }
    let result = match method.as_str() {
        "getUpdates" => {
            let wait = inner.arrived.notified();
            if inner.pending.lock().await.is_empty() {
                tokio::time::timeout(Duration::from_millis(300), wait)
                    .await
                    .ok();
            }
            Value::Array(std::mem::take(&mut *inner.pending.lock().await))
        }
        "getMe" => json!({
            "id": 123456, "is_bot": true, "first_name": "helpbot", "username": "helpbot_test_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false,
        }),
        "sendMessage" => json!({
            "message_id": inner.next_message_id.fetch_add(1, Ordering::SeqCst),
            "date": 1_700_000_000,
            "chat": { "id": params["chat_id"], "type": "private", "first_name": "Student" },
            "text": params["text"],
        }),
        "getFile" => match get_file(&inner, &params) {
            Some(file) => file,
            None => {
                return axum::response::IntoResponse::into_response((
                    axum::http::StatusCode::BAD_REQUEST,
                    Json(json!({
                        "ok": false, "error_code": 400,
                        "description": "Bad Request: invalid file_id",
                    })),
                ));
            }
        },
        _ => json!(true),
    };
    // The call was recorded when it arrived; now what it was answered.
    if method != "getUpdates"
        && let Ok(mut calls) = inner.calls.lock()
        && let Some(call) = calls
            .iter_mut()
            .rev()
            .find(|c| c.method == method && c.params == params)
    {
        call.result = result.clone();
    }
    axum::response::IntoResponse::into_response(Json(json!({ "ok": true, "result": result })))
}

/// An error the Bot API answers with: its HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
}

impl Refusal {
    /// Too many requests: retry after `seconds`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self {
            status: 429,
            body: json!({
                "ok": false, "error_code": 429,
                "description": format!("Too Many Requests: retry after {seconds}"),
                "parameters": { "retry_after": seconds },
            }),
        }
    }

    /// The user blocked the bot.
    pub fn blocked() -> Self {
        Self {
            status: 403,
            body: json!({
                "ok": false, "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }),
        }
    }

    /// The chat does not exist (any more).
    pub fn chat_not_found() -> Self {
        Self {
            status: 400,
            body: json!({
                "ok": false, "error_code": 400, "description": "Bad Request: chat not found",
            }),
        }
    }
}

/// A sendMessage as it arrived.
#[derive(Debug, Clone)]
pub struct SendTime {
    pub chat: i64,
    pub at: std::time::Instant,
    pub refused: bool,
}

impl FakeBotApi {
    /// The next sendMessage to the chat is refused so (then the chat is served again).
    pub fn refuse_once(&self, chat: i64, refusal: Refusal) {
        if let Ok(mut refusals) = self.inner.refusals.lock() {
            refusals.insert(chat, (refusal, true));
        }
    }

    /// Every sendMessage to the chat is refused so until [`FakeBotApi::accept`].
    pub fn refuse(&self, chat: i64, refusal: Refusal) {
        if let Ok(mut refusals) = self.inner.refusals.lock() {
            refusals.insert(chat, (refusal, false));
        }
    }

    /// The chat's messages are taken again.
    pub fn accept(&self, chat: i64) {
        if let Ok(mut refusals) = self.inner.refusals.lock() {
            refusals.remove(&chat);
        }
    }

    /// The sendMessage calls to the chat as they arrived, refused ones included.
    pub fn send_times(&self, chat: i64) -> Vec<SendTime> {
        self.inner
            .send_times
            .lock()
            .map(|t| t.iter().filter(|s| s.chat == chat).cloned().collect())
            .unwrap_or_default()
    }

    /// How many getUpdates calls arrived: from the first on, the channel listens to its chats.
    pub fn polls(&self) -> usize {
        self.inner.polls.load(Ordering::SeqCst)
    }
}

/// The refusal of a sendMessage, if one is set for its chat (refused calls are not in `calls`).
fn refusal(inner: &Inner, method: &str, params: &Value) -> Option<axum::response::Response> {
    if !method.eq_ignore_ascii_case("sendMessage") {
        return None;
    }
    let chat = params["chat_id"].as_i64()?;
    let refused = inner.refusals.lock().ok().and_then(|mut refusals| {
        let (refusal, once) = refusals.get(&chat).cloned()?;
        if once {
            refusals.remove(&chat);
        }
        Some(refusal)
    });
    if let Ok(mut times) = inner.send_times.lock() {
        times.push(SendTime {
            chat,
            at: std::time::Instant::now(),
            refused: refused.is_some(),
        });
    }
    let refusal = refused?;
    let status = axum::http::StatusCode::from_u16(refusal.status)
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    Some(axum::response::IntoResponse::into_response((
        status,
        Json(refusal.body),
    )))
}

impl FakeBotApi {
    /// How many fed updates no getUpdates has taken yet (webhook mode must leave them).
    pub async fn pending(&self) -> usize {
        self.inner.pending.lock().await.len()
    }
}

/// The fields of a multipart/form-data body (teloxide sends setWebhook, and uploads, that way) as
/// a JSON object of strings; `None` when the body is not multipart.
fn multipart_params(headers: &axum::http::HeaderMap, body: &[u8]) -> Option<Value> {
    let content_type = headers.get("content-type")?.to_str().ok()?;
    let boundary = content_type
        .strip_prefix("multipart/form-data")?
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let body = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        fields.insert(name.to_string(), Value::String(value.to_string()));
    }
    Some(Value::Object(fields))
}

/// The file path the fake gives a file id.
fn file_path(file_id: &str) -> String {
    format!("photos/{file_id}.jpg")
}

/// getFile's File object, sized as the stored bytes are.
fn get_file(inner: &Inner, params: &Value) -> Option<Value> {
    let file_id = params["file_id"].as_str()?;
    let files = inner.files.lock().ok()?;
    let bytes = files.get(file_id)?;
    Some(json!({
        "file_id": file_id,
        "file_unique_id": format!("u-{file_id}"),
        "file_size": bytes.len(),
        "file_path": file_path(file_id),
    }))
}

/// `GET /file/bot<token>/<file_path>`: the file's bytes, the download recorded as a call
/// `download` with its `path`.
async fn download(
    State(inner): State<Arc<Inner>>,
    Path((_bot, path)): Path<(String, String)>,
) -> Result<Vec<u8>, axum::http::StatusCode> {
    if let Ok(mut calls) = inner.calls.lock() {
        calls.push(Call {
            method: "download".into(),
            params: json!({ "path": path }),
            result: Value::Null,
        });
    }
    let files = inner
        .files
        .lock()
        .map_err(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR)?;
    files
        .iter()
        .find(|(id, _)| file_path(id) == path)
        .map(|(_, bytes)| bytes.clone())
        .ok_or(axum::http::StatusCode::NOT_FOUND)
}

impl FakeBotApi {
    /// Makes a file available to getFile and the download under `file_id`.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        if let Ok(mut files) = self.inner.files.lock() {
            files.insert(file_id.to_string(), bytes);
        }
    }

    /// A private message from user `chat` with these fields (a photo, a document, a contact)
    /// instead of text; its update.
    pub fn message_update(&self, chat: i64, language: &str, fields: Value) -> Value {
        let mut update = self.text_update(chat, language, "");
        if let (Some(message), Some(fields)) =
            (update["message"].as_object_mut(), fields.as_object())
        {
            message.remove("text");
            message.extend(fields.clone());
        }
        update
    }

    /// A message in group `group` from user `from`, with these fields (text, entities, a
    /// reply); its update.
    pub fn group_update(&self, group: i64, from: i64, language: &str, fields: Value) -> Value {
        let mut update = self.message_update(from, language, fields);
        update["message"]["chat"] = json!({ "id": group, "type": "group", "title": "Class 3" });
        update
    }

    /// A press of a button under a bot message in group `group`, by user `from`.
    pub fn group_press_update(&self, group: i64, from: i64, language: &str, data: &str) -> Value {
        let mut update = self.press_update(from, language, data);
        update["callback_query"]["message"]["chat"] =
            json!({ "id": group, "type": "group", "title": "Class 3" });
        update
    }

    /// The files the bot downloaded (their paths), in order.
    pub fn downloads(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == "download")
            .filter_map(|c| c.params["path"].as_str().map(String::from))
            .collect()
    }
}
