//! The chat API, `/api/v1` (documented in `web/openapi.yaml`): start a conversation (an id and an
//! opaque token), send text or a pressed button, upload a photo, read the history, follow the
//! replies as a server-sent event stream, give feedback, switch language, and title suggestions
//! while typing.
//!
//! This file is the table of routes and the layers around them; each feature has its own file,
//! and every handler answers failures with the one [`ApiError`] (see `error.rs`).

mod auth;
mod conversation;
mod error;
mod events;
mod extract;
mod feedback;
mod language;
mod limits;
pub(crate) use limits::RequestLimit;
mod messages;
mod suggest;
mod ui_texts;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::routing::{MethodRouter, any};
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;
pub use error::ApiError;
pub use ui_texts::WIDGET_TEXTS;

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
        Route::new("/api/v1/conversations").post(conversation::start),
        Route::new("/api/v1/conversations/{id}/messages")
            .post(messages::send)
            .get(conversation::history),
        Route::new("/api/v1/conversations/{id}/photos")
            .post(messages::upload)
            .body_limit(PHOTO_BODY_LIMIT),
        Route::new("/api/v1/conversations/{id}/events").get(events::events),
        Route::new("/api/v1/conversations/{id}/feedback").post(feedback::feedback),
        Route::new("/api/v1/conversations/{id}/locale").put(conversation::set_locale),
        Route::new("/api/v1/suggest").get(suggest::suggest),
        Route::new("/api/v1/ui").get(ui_texts::ui_texts),
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
/// limit before anything else (a body is not read for an address over its limit), errors
/// translated and their causes logged (outside the limit, so that its 429 is translated too),
/// and nothing cached anywhere (the answers carry conversations).
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
            limits::limit_per_ip,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::answer_errors,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn method_not_allowed() -> ApiError {
    ApiError::refused(StatusCode::METHOD_NOT_ALLOWED, "api-method-not-allowed")
}

async fn not_found() -> ApiError {
    ApiError::refused(StatusCode::NOT_FOUND, "api-not-found")
}

/// The server's state on the default content and a database in memory, for the tests here.
#[cfg(test)]
async fn test_state() -> AppState {
    let config = crate::config::Config {
        database_url: "sqlite::memory:".into(),
        ..crate::config::Config::default()
    };
    let assistant = crate::runtime::start(&config).await.expect("starts");
    AppState::new(assistant, &config)
}
