//! The API's request limits: per IP address before anything else is looked at (so a body is not
//! read for an address over its limit), and per conversation for each turn. Past one the answer
//! is 429 with the wait (`Retry-After`, and in the message).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};

use super::ApiError;
use crate::channels::web::AppState;

/// The per-IP request limit, applied before the request is looked at further.
pub(super) async fn limit_per_ip(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    match state.per_ip.check_key(&address.ip().to_string()) {
        Ok(()) => next.run(request).await,
        Err(not_until) => too_fast(not_until).into_response(),
    }
}

/// The per-conversation limit on turns.
pub(super) fn check_conversation(state: &AppState, id: &str) -> Result<(), ApiError> {
    state
        .per_conversation
        .check_key(&id.to_string())
        .map_err(too_fast)
}

fn too_fast(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ApiError {
    ApiError::limited(
        "api-rate-limited",
        not_until.wait_time_from(DefaultClock::default().now()),
    )
}
