//! The web channel (`helpbot serve`): an axum server with the versioned chat API, a stream of
//! replies per conversation, the embeddable widget and its demo page, health checks, rate limits,
//! CORS for configured sites and security headers. It adapts the core's replies to JSON; every
//! decision stays in the core.

pub mod api;
pub mod assets;
pub mod metrics;
pub mod shutdown;
pub mod streams;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::assistant::Assistant;
use crate::config::Config;
use crate::locale::Locale;
use api::RequestLimit;
use shutdown::Stopped;
use streams::StreamLimits;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub assistant: Assistant,
    default_locale: Locale,
    per_ip: Arc<RequestLimit>,
    per_conversation: Arc<RequestLimit>,
    /// Checked token hashes and the conversation's locale, by conversation.
    tokens: Arc<Mutex<HashMap<String, (String, Locale)>>>,
    event_streams: Arc<StreamLimits>,
    /// Turns true when the server begins to stop: event streams end.
    stopping: Arc<watch::Sender<bool>>,
    /// How long requests in flight may take to finish once stopping.
    grace: Duration,
    /// The staff console, served beside the API (`crate::channels::console`).
    console: Arc<crate::channels::console::ConsoleState>,
    /// Routes another channel serves on this server (the Telegram webhook), see [`Self::mount`].
    mounted: Router,
    /// Who may read `/metrics` here; served on this server only when a token is set.
    metrics_access: metrics::MetricsAccess,
}

/// Conversations whose checked token is remembered; past this the memory starts afresh.
const REMEMBERED_TOKENS: usize = 200_000;

impl AppState {
    pub fn new(assistant: Assistant, config: &Config) -> Self {
        let console = Arc::new(crate::channels::console::ConsoleState::new(
            assistant.clone(),
            config,
        ));
        let db = assistant.database().clone();
        Self {
            assistant,
            default_locale: config.conversation.default_locale,
            per_ip: Arc::new(RequestLimit::new(&db, config.web.rate_limit_per_ip, "ip")),
            per_conversation: Arc::new(RequestLimit::new(
                &db,
                config.web.rate_limit_per_conversation,
                "conversation",
            )),
            tokens: Arc::new(Mutex::new(HashMap::new())),
            event_streams: Arc::new(StreamLimits::new(
                config.web.event_streams_per_conversation,
                config.web.event_streams_per_ip,
            )),
            stopping: Arc::new(watch::Sender::new(false)),
            grace: Duration::from_secs(config.web.shutdown_grace_seconds),
            console,
            mounted: Router::new(),
            metrics_access: metrics::MetricsAccess::new(config.metrics.token.as_ref()),
        }
    }

    /// Serves another channel's routes beside the API. They are mounted outside the web layers:
    /// no CORS, no request span (a path may hold a secret); the channel handles its own.
    pub fn mount(mut self, routes: Router) -> Self {
        self.mounted = self.mounted.merge(routes);
        self
    }

    fn known_token(&self, conversation: &str) -> Option<(String, Locale)> {
        self.tokens.lock().ok()?.get(conversation).cloned()
    }

    fn remember_token(&self, conversation: &str, hash: String, locale: Locale) {
        if let Ok(mut tokens) = self.tokens.lock() {
            if tokens.len() >= REMEMBERED_TOKENS {
                tokens.clear();
            }
            tokens.insert(conversation.to_string(), (hash, locale));
        }
    }

    /// Keeps the remembered locale in step when this server changes it.
    fn remember_locale(&self, conversation: &str, locale: Locale) {
        if let Ok(mut tokens) = self.tokens.lock()
            && let Some(known) = tokens.get_mut(conversation)
        {
            known.1 = locale;
        }
    }
}

/// The whole application: API, widget, demo page, staff console and health checks with their
/// layers.
pub fn router(state: AppState, allowed_origins: &[String]) -> Router {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    let security = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    let mounted = state.mounted.clone();
    let mut app = Router::new()
        .merge(api::routes(&state))
        .merge(assets::routes())
        .merge(crate::channels::console::routes(
            state.console.as_ref().clone(),
        ))
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz));
    // On the main server only behind a token; otherwise `/metrics` is not there at all.
    if state.metrics_access.has_token() {
        app = app.route("/metrics", axum::routing::get(scrape_metrics));
    }
    app = app
        .layer(cors)
        .layer(TraceLayer::new_for_http().make_span_with(request_span));
    let metrics = state.assistant.metrics().clone();
    if metrics.is_enabled() {
        app = app.layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::count_responses,
        ));
    }
    for (name, value) in security {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.with_state(state).merge(mounted)
}

/// The span every request is logged in: its method and path, never the query string (the event
/// stream's `?token=`, what the user types into `/suggest?q=`) nor a header (`Authorization`).
/// Logged under tower-http's target, so that `RUST_LOG=tower_http=debug` shows it as before.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    tracing::debug_span!(
        target: "tower_http::trace::make_span",
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}

async fn scrape_metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    metrics::scrape(&state.assistant, &state.metrics_access, &headers).await
}

/// Ready when the service can write to its database (a probe that writes nothing, its answer
/// reused for a second; see `store/health.rs`), so that a read-only or unreachable database takes
/// the instance out of service instead of letting users' writes fail.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.assistant.check_writable().await {
        Ok(()) => "ready".into_response(),
        Err(err) => {
            tracing::warn!(%err, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database cannot be written",
            )
                .into_response()
        }
    }
}

/// Serves until the first of `signals` (or its end), then stops the way [`shutdown`] describes,
/// waiting at most the configured grace period for the requests in flight.
pub async fn serve<S>(
    listener: tokio::net::TcpListener,
    state: AppState,
    allowed_origins: &[String],
    signals: S,
) -> std::io::Result<Stopped>
where
    S: Stream + Unpin,
    S::Item: std::fmt::Debug,
{
    // News pushed to conversations by any process reaches this server's event streams.
    let follower = state.assistant.follow_pushed_messages(PUSH_POLL_INTERVAL);
    let metrics_upkeep = keep_metrics_tidy(state.assistant.metrics().clone());
    let stopping = state.stopping.clone();
    let grace = state.grace;
    let mut stopped = stopping.subscribe();
    let app = router(state, allowed_origins);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|stopping| *stopping).await;
    });
    // Its own task, so that cutting it off at the end of the grace period is possible.
    let mut server = tokio::spawn(server.into_future());
    let drained = async {
        match (&mut server).await {
            Ok(served) => served,
            Err(err) => Err(std::io::Error::other(err)),
        }
    };
    let outcome = shutdown::run(signals, drained, grace, |signal| {
        tracing::info!(
            ?signal,
            grace_seconds = grace.as_secs(),
            "stopping: no new connections, event streams ended, requests in flight may finish; \
             a second signal stops at once"
        );
        stopping.send_replace(true);
    })
    .await;
    server.abort();
    follower.abort();
    if let Some(upkeep) = metrics_upkeep {
        upkeep.abort();
    }
    match outcome {
        Ok(Stopped::Drained) => tracing::info!("stopped: every request finished"),
        Ok(Stopped::GraceExpired) => {
            tracing::warn!("stopped: the grace period ran out, requests in flight were cut off")
        }
        Ok(Stopped::Forced) => {
            tracing::warn!("stopped at once by a second signal, requests in flight were cut off")
        }
        Err(_) => {}
    }
    outcome
}

/// Folds the recorded turn times into their buckets every few seconds, so that they do not pile
/// up between scrapes (see [`crate::metrics::Metrics::upkeep`]); nothing when metrics are off.
fn keep_metrics_tidy(metrics: crate::metrics::Metrics) -> Option<tokio::task::JoinHandle<()>> {
    metrics.is_enabled().then(|| {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(METRICS_UPKEEP_INTERVAL);
            loop {
                every.tick().await;
                metrics.upkeep();
            }
        })
    })
}

const METRICS_UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// How often the server looks for messages pushed to conversations.
const PUSH_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);
