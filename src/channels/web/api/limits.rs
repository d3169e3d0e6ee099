//! The API's request limits: per IP address before anything else is looked at (so a body is not
//! read for an address over its limit), and per conversation for each turn. Past one the answer
//! is 429 with the wait (`Retry-After`, and in the message). On PostgreSQL the limits are counted
//! in the database, so several instances share them (`store/rate_limits.rs`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::ApiError;
use crate::channels::web::AppState;
use crate::store::{Backend, Database, PerMinute};
use crate::text::hex;

/// The per-IP request limit, applied before the request is looked at further.
pub(super) async fn limit_per_ip(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    match state.per_ip.check(&address.ip().to_string()).await {
        Ok(()) => next.run(request).await,
        Err(limited) => limited.into_response(),
    }
}

/// The per-conversation limit on turns.
pub(super) async fn check_conversation(state: &AppState, id: &str) -> Result<(), ApiError> {
    state.per_conversation.check(id).await
}

/// A limit of requests a minute per key: counted in this process, or in the database where
/// several instances share it (PostgreSQL).
pub(crate) enum RequestLimit {
    InMemory(DefaultKeyedRateLimiter<String>),
    Shared {
        db: Database,
        limit: PerMinute,
        /// Tells this limit's keys from another's in the one table.
        kind: &'static str,
    },
}

impl RequestLimit {
    /// `per_minute` requests a minute per key: shared by every instance when the database is
    /// PostgreSQL (the choice for several instances), in memory on SQLite (one process).
    pub(crate) fn new(db: &Database, per_minute: u32, kind: &'static str) -> Self {
        match db.backend() {
            Backend::Postgres => Self::Shared {
                db: db.clone(),
                limit: PerMinute(per_minute.max(1)),
                kind,
            },
            Backend::Sqlite => Self::InMemory(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            ))),
        }
    }

    async fn check(&self, key: &str) -> Result<(), ApiError> {
        match self {
            Self::InMemory(limiter) => limiter.check_key(&key.to_string()).map_err(|not_until| {
                too_fast(not_until.wait_time_from(DefaultClock::default().now()))
            }),
            Self::Shared { db, limit, kind } => {
                // A hash, so that no client address is written to the database.
                let hashed = hex(&Sha256::digest(key.as_bytes())[..16]);
                match db.count_request(&format!("{kind}:{hashed}"), *limit).await {
                    Ok(None) => Ok(()),
                    Ok(Some(wait)) => Err(too_fast(wait)),
                    // The request itself will meet the outage (and say so) if it needs the
                    // database; the limit does not turn every request away meanwhile.
                    Err(error) => {
                        tracing::debug!(%error, kind, "request limit not counted");
                        Ok(())
                    }
                }
            }
        }
    }
}

fn too_fast(wait: Duration) -> ApiError {
    ApiError::limited("api-rate-limited", wait)
}
