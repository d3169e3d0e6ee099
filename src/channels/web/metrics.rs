//! `/metrics` over HTTP, and the count of every HTTP response (see [`crate::metrics`] for what
//! is measured). Not public by default: `[metrics] token` serves it on the main server to
//! `Authorization: Bearer <token>` only, `[metrics] listen` on an address of its own (which asks
//! for the token too when one is set); with neither there is no `/metrics` anywhere. A request
//! without the right token gets the same 404 as a path that does not exist, so the endpoint does
//! not even show that it is there.

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::assistant::Assistant;
use crate::metrics::Metrics;

/// The media type of the Prometheus text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Who may read `/metrics`: holders of the token when one is set, anyone who reaches the
/// address otherwise (only the separate `listen` address serves without a token).
#[derive(Clone)]
pub struct MetricsAccess {
    token: Option<Arc<SecretString>>,
}

impl MetricsAccess {
    pub fn new(token: Option<&SecretString>) -> Self {
        Self {
            token: token.cloned().map(Arc::new),
        }
    }

    /// Whether the request may read the metrics: with a token set, its `Authorization` header
    /// must be `Bearer <token>` (compared in constant time).
    fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, presented)| presented.trim());
        presented.is_some_and(|presented| {
            // Digests, so that the comparison takes as long whatever the lengths.
            let expected = Sha256::digest(token.expose_secret().as_bytes());
            let presented = Sha256::digest(presented.as_bytes());
            bool::from(expected.ct_eq(&presented))
        })
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }
}

/// The scrape, or 404 for a request without the right token (and when metrics are off).
pub async fn scrape(
    assistant: &Assistant,
    access: &MetricsAccess,
    headers: &HeaderMap,
) -> Response {
    if !access.allows(headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match assistant.metrics_text().await {
        Some(text) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            text,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The server of the separate `listen` address: `/metrics` and nothing else.
pub fn separate_router(assistant: Assistant, access: MetricsAccess) -> Router {
    Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: HeaderMap| async move {
            scrape(&assistant, &access, &headers).await
        }),
    )
}

/// Serves the separate `listen` address until the task is aborted.
pub async fn serve_separately(
    listener: tokio::net::TcpListener,
    assistant: Assistant,
    access: MetricsAccess,
) -> std::io::Result<()> {
    axum::serve(listener, separate_router(assistant, access)).await
}

/// Counts every response by method, route template and status. The route is the template the
/// request matched (`/api/v1/conversations/{id}/messages`), never the path: paths hold
/// conversation ids. Counting is a few atomic operations and no database access.
pub async fn count_responses(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    metrics.http_response(
        &method,
        route.as_ref().map(MatchedPath::as_str),
        response.status().as_u16(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("header value"),
        );
        headers
    }

    #[test]
    fn only_the_right_bearer_token_opens_the_metrics() {
        let secret = SecretString::from("s3cret-metrics-token-42");
        let access = MetricsAccess::new(Some(&secret));
        assert!(access.allows(&with_authorization("Bearer s3cret-metrics-token-42")));
        assert!(access.allows(&with_authorization("bearer s3cret-metrics-token-42")));
        assert!(!access.allows(&HeaderMap::new()));
        assert!(!access.allows(&with_authorization("Bearer s3cret-metrics-token-4")));
        assert!(!access.allows(&with_authorization("Bearer s3cret-metrics-token-420")));
        assert!(!access.allows(&with_authorization("Basic s3cret-metrics-token-42")));
        assert!(!access.allows(&with_authorization("s3cret-metrics-token-42")));
        assert!(!access.allows(&with_authorization("Bearer ")));
        // Without a token (the separate address alone) anyone reaching it may read.
        assert!(MetricsAccess::new(None).allows(&HeaderMap::new()));
    }
}
