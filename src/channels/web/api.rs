//! The chat API, `/api/v1` (documented in `web/openapi.yaml`): start a conversation (an id and an
//! opaque token), send text or a pressed button, upload a photo, read the history, follow the
//! replies as a server-sent event stream, give feedback, switch language, and title suggestions
//! while typing.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Path, Query, Request,
    State,
};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use axum::{Json, Router};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;
use tower_http::set_header::SetResponseHeaderLayer;

use super::{ApiError, AppState};
use crate::locale::Locale;
use crate::message::{BotMessage, Input};
use crate::store::{Sender, StoredMessage};

/// A typed message or a button press fits in this; anything larger is refused unread.
const MESSAGE_BODY_LIMIT: usize = 16 * 1024;
/// One photo (at most 300 KB is accepted by the store) plus the form's overhead.
const PHOTO_BODY_LIMIT: usize = 512 * 1024;

/// One path of the API: the methods it answers and their handlers. [`routes`] builds the router
/// from [`table`] and [`operations`] lists it, so the OpenAPI check compares the document with
/// what is really served.
struct Route {
    path: &'static str,
    methods: Vec<Method>,
    handlers: MethodRouter<AppState>,
}

impl Route {
    fn new(path: &'static str) -> Self {
        Self {
            path,
            methods: Vec::new(),
            handlers: MethodRouter::new(),
        }
    }

    fn get<H: Handler<T, AppState>, T: 'static>(mut self, handler: H) -> Self {
        self.methods.push(Method::GET);
        self.handlers = self.handlers.get(handler);
        self
    }

    fn post<H: Handler<T, AppState>, T: 'static>(mut self, handler: H) -> Self {
        self.methods.push(Method::POST);
        self.handlers = self.handlers.post(handler);
        self
    }

    fn put<H: Handler<T, AppState>, T: 'static>(mut self, handler: H) -> Self {
        self.methods.push(Method::PUT);
        self.handlers = self.handlers.put(handler);
        self
    }

    /// A larger body limit than the API's default for this path.
    fn body_limit(mut self, bytes: usize) -> Self {
        self.handlers = self.handlers.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

/// Every operation of the API, in one place.
fn table() -> Vec<Route> {
    vec![
        Route::new("/api/v1/conversations").post(start),
        Route::new("/api/v1/conversations/{id}/messages")
            .post(send)
            .get(history),
        Route::new("/api/v1/conversations/{id}/photos")
            .post(upload)
            .body_limit(PHOTO_BODY_LIMIT),
        Route::new("/api/v1/conversations/{id}/events").get(events),
        Route::new("/api/v1/conversations/{id}/feedback").post(feedback),
        Route::new("/api/v1/conversations/{id}/locale").put(set_locale),
        Route::new("/api/v1/suggest").get(suggest),
        Route::new("/api/v1/ui").get(ui_texts),
    ]
}

/// The API's operations as (method, path), e.g. `(GET, "/api/v1/ui")`: what `web/openapi.yaml`
/// must document.
pub fn operations() -> Vec<(Method, &'static str)> {
    table()
        .into_iter()
        .flat_map(|route| {
            route
                .methods
                .into_iter()
                .map(move |method| (method, route.path))
        })
        .collect()
}

/// The API: every route of [`table`], answers in JSON for unknown paths and methods, the per-IP
/// limit before anything else (a body is not read for an address over its limit), and nothing
/// cached anywhere (the answers carry conversations).
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.path, route.handlers.fallback(method_not_allowed));
    }
    router
        .route("/api/{*rest}", any(not_found))
        .layer(DefaultBodyLimit::max(MESSAGE_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_per_ip,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn method_not_allowed(State(state): State<AppState>, headers: HeaderMap) -> ApiError {
    let locale = request_locale(&state, &headers);
    error(
        &state,
        locale,
        StatusCode::METHOD_NOT_ALLOWED,
        "api-method-not-allowed",
    )
}

async fn not_found(State(state): State<AppState>, headers: HeaderMap) -> ApiError {
    let locale = request_locale(&state, &headers);
    error(&state, locale, StatusCode::NOT_FOUND, "api-not-found")
}

/// The per-IP request limit, applied before the request is looked at further.
async fn limit_per_ip(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let locale = request_locale(&state, request.headers());
    match check_ip(&state, &address, locale) {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}

fn error(state: &AppState, locale: Locale, status: StatusCode, code: &'static str) -> ApiError {
    ApiError::translated(state, locale, status, code)
}

/// A failure on our side, logged with its cause; the user gets an apology.
fn internal(state: &AppState, locale: Locale, cause: impl std::fmt::Display) -> ApiError {
    tracing::error!(%cause, "request failed");
    error(
        state,
        locale,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal-error",
    )
}

/// A body that could not be read: 413 with `too_large` when it was over its limit, else 400
/// with `malformed`.
fn unreadable(
    state: &AppState,
    locale: Locale,
    status: StatusCode,
    too_large: &'static str,
    malformed: &'static str,
) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        error(state, locale, StatusCode::PAYLOAD_TOO_LARGE, too_large)
    } else {
        error(state, locale, StatusCode::BAD_REQUEST, malformed)
    }
}

/// The locale a request speaks: `Accept-Language`, else the default.
fn request_locale(state: &AppState, headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).find_map(Locale::negotiate))
        .unwrap_or(state.default_locale)
}

/// JSON with our own errors (translated, 400 or 413) instead of axum's plain text.
pub struct ApiJson<T>(T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let locale = request_locale(state, request.headers());
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                let rejection: JsonRejection = rejection;
                Err(unreadable(
                    state,
                    locale,
                    rejection.status(),
                    "api-too-large",
                    "api-malformed",
                ))
            }
        }
    }
}

/// A query string with our own error (translated, 400) instead of axum's plain text.
pub struct ApiQuery<T>(T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(_) => Err(error(
                state,
                request_locale(state, &parts.headers),
                StatusCode::BAD_REQUEST,
                "api-malformed",
            )),
        }
    }
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// What every call on a conversation does first (after the per-IP limit): the token check, with
/// errors in the request's language. The conversation's locale on success.
async fn admit(state: &AppState, id: &str, headers: &HeaderMap) -> Result<Locale, ApiError> {
    let locale = request_locale(state, headers);
    authorize(state, id, bearer(headers), locale).await
}

/// Checks the conversation's token; its locale on success. Token hashes never change, so a
/// checked one is remembered with the locale and the database is not asked again (the locale is
/// refreshed when this server changes it).
async fn authorize(
    state: &AppState,
    id: &str,
    token: Option<&str>,
    locale: Locale,
) -> Result<Locale, ApiError> {
    let presented = token.map(token_hash);
    if let Some((hash, known_locale)) = state.known_token(id) {
        return if presented.as_deref() == Some(hash.as_str()) {
            Ok(known_locale)
        } else {
            Err(error(
                state,
                locale,
                StatusCode::UNAUTHORIZED,
                "api-wrong-token",
            ))
        };
    }
    let stored = state
        .assistant
        .database()
        .access_token_hash(id)
        .await
        .map_err(|e| ApiError::from_failure(state, locale, &e))?;
    let Some((Some(stored), conversation_locale)) = stored else {
        return Err(error(
            state,
            locale,
            StatusCode::NOT_FOUND,
            "api-unknown-conversation",
        ));
    };
    if presented.as_deref() != Some(stored.as_str()) {
        return Err(error(
            state,
            locale,
            StatusCode::UNAUTHORIZED,
            "api-wrong-token",
        ));
    }
    let conversation_locale = Locale::negotiate(&conversation_locale).unwrap_or(locale);
    state.remember_token(id, stored, conversation_locale);
    Ok(conversation_locale)
}

/// A 429 saying when to try again, in whole seconds rounded up (at least one).
fn limited(state: &AppState, locale: Locale, code: &'static str, wait: Duration) -> ApiError {
    let seconds = (wait.as_secs_f64().ceil() as u64).max(1);
    ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code,
        message: state.assistant.content().translations.text(
            locale,
            code,
            &[("seconds", (seconds as i64).into())],
        ),
        retry_after: Some(seconds),
    }
}

fn check_ip(state: &AppState, address: &SocketAddr, locale: Locale) -> Result<(), ApiError> {
    state
        .per_ip
        .check_key(&address.ip().to_string())
        .map_err(|not_until| {
            limited(
                state,
                locale,
                "api-rate-limited",
                not_until.wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                )),
            )
        })
}

fn check_conversation(state: &AppState, id: &str, locale: Locale) -> Result<(), ApiError> {
    state
        .per_conversation
        .check_key(&id.to_string())
        .map_err(|not_until| {
            limited(
                state,
                locale,
                "api-rate-limited",
                not_until.wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                )),
            )
        })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    #[serde(default)]
    locale: Option<String>,
}

#[derive(Serialize)]
struct Started {
    id: String,
    token: String,
    locale: Locale,
    messages: Vec<BotMessage>,
}

#[derive(Serialize)]
struct Replies {
    messages: Vec<BotMessage>,
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let mut locale = request_locale(&state, &headers);
    let body = body.map_err(|rejection| {
        unreadable(
            &state,
            locale,
            rejection.status(),
            "api-too-large",
            "api-malformed",
        )
    })?;
    // The body is optional: empty means the defaults.
    let request: StartRequest = if body.iter().all(u8::is_ascii_whitespace) {
        StartRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|_| error(&state, locale, StatusCode::BAD_REQUEST, "api-malformed"))?
    };
    if let Some(requested) = request.locale.as_deref().and_then(Locale::negotiate) {
        locale = requested;
    }
    let (id, welcome) = state
        .assistant
        .start_conversation("web", locale)
        .await
        .map_err(|e| ApiError::from_failure(&state, locale, &e))?;
    let token = {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    state
        .assistant
        .database()
        .set_access_token_hash(&id, &token_hash(&token))
        .await
        .map_err(|e| ApiError::from_failure(&state, locale, &e))?;
    Ok((
        StatusCode::CREATED,
        Json(Started {
            id,
            token,
            locale,
            messages: vec![welcome],
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SendRequest {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    button: Option<String>,
}

/// One turn for a client at `address`: limits that protect account owners count the address as
/// well as the conversation.
async fn turn(
    state: &AppState,
    id: &str,
    input: Input,
    locale: Locale,
    address: SocketAddr,
) -> Result<Json<Replies>, ApiError> {
    check_conversation(state, id, locale)?;
    let origin = Some(address.ip().to_string());
    match state.assistant.handle_from(id, input, origin).await {
        Ok(messages) => Ok(Json(Replies { messages })),
        Err(err) => Err(ApiError::from_failure(state, locale, &err)),
    }
}

async fn send(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendRequest>,
) -> Result<Json<Replies>, ApiError> {
    let locale = admit(&state, &id, &headers).await?;
    let input = match (body.text, body.button) {
        (Some(text), None) => Input::Text(text),
        (None, Some(button)) => Input::Button(button),
        _ => {
            return Err(error(
                &state,
                locale,
                StatusCode::BAD_REQUEST,
                "api-malformed",
            ));
        }
    };
    turn(&state, &id, input, locale, address).await
}

async fn upload(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<Replies>, ApiError> {
    let locale = admit(&state, &id, &headers).await?;
    let mut multipart = multipart
        .map_err(|_| error(&state, locale, StatusCode::BAD_REQUEST, "api-photo-missing"))?;
    let refuse = |err: axum::extract::multipart::MultipartError| {
        unreadable(
            &state,
            locale,
            err.status(),
            "api-photo-too-large",
            "api-photo-missing",
        )
    };
    let mut photo = None;
    while let Some(field) = multipart.next_field().await.map_err(refuse)? {
        if field.name() == Some("photo") {
            photo = Some(field.bytes().await.map_err(refuse)?.to_vec());
        }
    }
    let photo =
        photo.ok_or_else(|| error(&state, locale, StatusCode::BAD_REQUEST, "api-photo-missing"))?;
    turn(&state, &id, Input::Photo(photo), locale, address).await
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: Option<String>,
}

#[derive(Serialize)]
struct HistoryItem {
    sender: Sender,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<BotMessage>,
    at: i64,
}

#[derive(Serialize)]
struct History {
    locale: Locale,
    messages: Vec<HistoryItem>,
}

async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<History>, ApiError> {
    let mut locale = admit(&state, &id, &headers).await?;
    // A resumed widget takes its language from here: read the conversation's own (a question
    // in the other language may have switched it), not the remembered one.
    if let Ok(Some(record)) = state.assistant.database().conversation(&id).await
        && let Some(current) = Locale::negotiate(&record.locale)
    {
        locale = current;
        state.remember_locale(&id, current);
    }
    let stored = state
        .assistant
        .database()
        .messages(&id)
        .await
        .map_err(|e| ApiError::from_failure(&state, locale, &e))?;
    let photo_label = state
        .assistant
        .content()
        .translations
        .text(locale, "history-photo", &[]);
    let messages = history_items(stored, &photo_label);
    Ok(Json(History { locale, messages }))
}

/// The stored messages as the widget shows them. A button press shows as the label of the button
/// (found on the latest bot message that offered it) and an upload as a photo marker, so a resumed
/// conversation reads the way it did live.
fn history_items(stored: Vec<StoredMessage>, photo_label: &str) -> Vec<HistoryItem> {
    let mut items: Vec<HistoryItem> = Vec::with_capacity(stored.len());
    for m in stored {
        let item = match m.sender {
            Sender::User => {
                let text = if let Some(payload) = m.body.strip_prefix("[button] ") {
                    items
                        .iter()
                        .rev()
                        .filter_map(|item| item.message.as_ref())
                        .find_map(|message| {
                            message
                                .buttons
                                .iter()
                                .find(|button| button.payload == payload)
                                .map(|button| button.label.clone())
                        })
                } else if m.body.starts_with("[photo] ") {
                    Some(photo_label.to_string())
                } else {
                    Some(m.body)
                };
                text.map(|text| HistoryItem {
                    sender: Sender::User,
                    text: Some(text),
                    message: None,
                    at: m.created_at,
                })
            }
            Sender::Bot => serde_json::from_str(&m.body)
                .ok()
                .map(|message| HistoryItem {
                    sender: Sender::Bot,
                    text: None,
                    message: Some(message),
                    at: m.created_at,
                }),
        };
        items.extend(item);
    }
    items
}

async fn events(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Response, ApiError> {
    let locale = request_locale(&state, &headers);
    let token = bearer(&headers).map(String::from).or(query.token);
    authorize(&state, &id, token.as_deref(), locale).await?;
    let slot = state
        .event_streams
        .open(&id, address.ip())
        .map_err(|_| limited(&state, locale, "api-too-many-streams", EVENT_STREAM_RETRY))?;
    let messages = state
        .assistant
        .subscribe(&id)
        .ok_or_else(|| internal(&state, locale, "the delivery registry is poisoned"))?;
    let mut stopping = state.stopping.subscribe();
    let replaced = slot.replaced;
    let ending = Box::pin(async move {
        tokio::select! {
            _ = replaced => Ending::Replaced,
            _ = stopping.wait_for(|stopping| *stopping) => Ending::Stopping,
        }
    });
    let live = LiveStream {
        messages,
        ending,
        ended: false,
        _slot: slot.place,
    };
    let stream = futures_util::stream::unfold(live, |mut live| async move {
        if live.ended {
            return None;
        }
        loop {
            let step = tokio::select! {
                ending = &mut live.ending => Err(ending),
                received = live.messages.recv() => Ok(received),
            };
            match step {
                Ok(Ok(message)) => {
                    if let Ok(event) = Event::default().event("message").json_data(&message) {
                        return Some((Ok::<_, std::convert::Infallible>(event), live));
                    }
                }
                // A listener that fell behind misses those messages; the history has them.
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(Ending::Stopping) => {
                    return None;
                }
                Err(Ending::Replaced) => {
                    live.ended = true;
                    // The widget shows that the conversation went on in another tab and does not
                    // reconnect by itself (which would replace that tab's stream in turn). An
                    // event without data would not reach it: browsers drop those.
                    let event = Event::default().event("replaced").data("{}");
                    return Some((Ok(event), live));
                }
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// How long a refused event stream is told to wait before trying again.
const EVENT_STREAM_RETRY: Duration = Duration::from_secs(30);

/// Why an event stream ends.
enum Ending {
    /// A newer stream of the conversation took its place.
    Replaced,
    /// The server is stopping.
    Stopping,
}

/// An open event stream: the conversation's messages until it ends, holding its place among
/// the open streams.
struct LiveStream {
    messages: broadcast::Receiver<BotMessage>,
    ending: std::pin::Pin<Box<dyn Future<Output = Ending> + Send>>,
    ended: bool,
    _slot: super::streams::SlotPlace,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedbackRequest {
    entry_id: String,
    useful: bool,
}

/// One vote per answer and conversation: a second one replaces the first (a change of mind).
/// Only an entry this conversation was answered with may be rated.
async fn feedback(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FeedbackRequest>,
) -> Result<StatusCode, ApiError> {
    let locale = admit(&state, &id, &headers).await?;
    let failed = |err: crate::store::StoreError| ApiError::from_failure(&state, locale, &err);
    let database = state.assistant.database();
    if !database
        .answered_with(&id, &body.entry_id)
        .await
        .map_err(failed)?
    {
        return Err(error(
            &state,
            locale,
            StatusCode::BAD_REQUEST,
            "api-feedback-not-answered",
        ));
    }
    database
        .set_feedback(&id, &body.entry_id, body.useful)
        .await
        .map_err(failed)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleRequest {
    locale: String,
}

async fn set_locale(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LocaleRequest>,
) -> Result<StatusCode, ApiError> {
    let current = admit(&state, &id, &headers).await?;
    let new = Locale::negotiate(&body.locale)
        .ok_or_else(|| error(&state, current, StatusCode::BAD_REQUEST, "api-malformed"))?;
    state
        .assistant
        .set_locale(&id, new)
        .await
        .map_err(|e| ApiError::from_failure(&state, current, &e))?;
    state.remember_locale(&id, new);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct SuggestQuery {
    q: String,
    #[serde(default)]
    locale: Option<String>,
}

#[derive(Serialize)]
struct Suggestion {
    id: String,
    title: String,
}

#[derive(Serialize)]
struct Suggestions {
    suggestions: Vec<Suggestion>,
}

async fn suggest(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> Result<Json<Suggestions>, ApiError> {
    let locale = query
        .locale
        .as_deref()
        .and_then(Locale::negotiate)
        .unwrap_or_else(|| request_locale(&state, &headers));
    let suggestions = state
        .assistant
        .answerer()
        .suggest_titles(&query.q, locale)
        .into_iter()
        .map(|(id, title)| Suggestion { id, title })
        .collect();
    Ok(Json(Suggestions { suggestions }))
}

#[derive(Debug, Deserialize)]
struct UiQuery {
    #[serde(default)]
    locale: Option<String>,
}

async fn ui_texts(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<UiQuery>,
) -> Json<serde_json::Value> {
    let locale = query
        .locale
        .as_deref()
        .and_then(Locale::negotiate)
        .unwrap_or_else(|| request_locale(&state, &headers));
    let translations = &state.assistant.content().translations;
    let texts: serde_json::Map<String, serde_json::Value> = WIDGET_TEXTS
        .iter()
        .map(|id| ((*id).to_string(), translations.text(locale, id, &[]).into()))
        .collect();
    Json(serde_json::json!({ "locale": locale, "texts": texts }))
}

/// The widget's own texts (buttons, placeholders, labels), translated like everything else.
pub const WIDGET_TEXTS: &[&str] = &[
    "widget-open",
    "widget-close",
    "widget-title",
    "widget-placeholder",
    "widget-send",
    "widget-typing",
    "widget-useful",
    "widget-not-useful",
    "widget-thanks-feedback",
    "widget-upload",
    "widget-upload-send",
    "widget-upload-rules",
    "widget-photo-too-large",
    "widget-reconnecting",
    "widget-language",
    "widget-suggestions",
    "widget-resume-retrying",
    "widget-replaced",
    "widget-unavailable",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Button, ReplyKind};

    fn stored(sender: Sender, body: String) -> StoredMessage {
        StoredMessage {
            id: 0,
            sender,
            body,
            outcome: None,
            entry_id: None,
            created_at: 0,
        }
    }

    fn offering(text: &str, buttons: &[(&str, &str)]) -> StoredMessage {
        let message = BotMessage {
            buttons: buttons
                .iter()
                .map(|(label, payload)| Button {
                    label: (*label).to_string(),
                    payload: (*payload).to_string(),
                })
                .collect(),
            ..BotMessage::notice(ReplyKind::Dialog, text.to_string())
        };
        stored(Sender::Bot, serde_json::to_string(&message).expect("json"))
    }

    #[test]
    fn history_shows_pressed_buttons_by_the_label_last_offered_and_photos_as_a_marker() {
        let items = history_items(
            vec![
                offering("first", &[("Yes", "step:0"), ("No", "step:1")]),
                stored(Sender::User, "[button] step:1".into()),
                offering("second", &[("Upload", "step:0")]),
                stored(Sender::User, "[button] step:0".into()),
                stored(Sender::User, "[photo] 1234 bytes".into()),
                stored(Sender::User, "[button] entry:unknown".into()),
                stored(Sender::User, "typed".into()),
            ],
            "📷 Photo",
        );
        let user: Vec<_> = items.iter().filter_map(|i| i.text.as_deref()).collect();
        assert_eq!(user, ["No", "Upload", "📷 Photo", "typed"]);
        assert_eq!(items.len(), 6);
    }
}
