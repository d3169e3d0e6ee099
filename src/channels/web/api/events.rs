//! The conversation's replies as they come, as a server-sent event stream (`message` events; a
//! `replaced` event when a newer tab's stream takes this one's place). Browsers' `EventSource`
//! cannot send headers, so the token may come as `?token=` here.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::broadcast;

use super::ApiError;
use super::auth::{AuthorizedConversation, bearer};
use super::extract::ApiQuery;
use crate::channels::web::AppState;
use crate::channels::web::streams::SlotPlace;
use crate::message::BotMessage;

/// How long a refused event stream is told to wait before trying again.
const EVENT_STREAM_RETRY: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: Option<String>,
}

/// The streamed conversation, its token from `Authorization: Bearer` or `?token=`.
pub(super) struct StreamedConversation(AuthorizedConversation);

impl FromRequestParts<AppState> for StreamedConversation {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ApiQuery(query) = ApiQuery::<TokenQuery>::from_request_parts(parts, state).await?;
        let token = bearer(&parts.headers).map(str::to_owned).or(query.token);
        AuthorizedConversation::check(parts, state, token.as_deref())
            .await
            .map(Self)
    }
}

pub(super) async fn events(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    StreamedConversation(conversation): StreamedConversation,
) -> Result<Response, ApiError> {
    let id = conversation.id;
    let slot = state
        .event_streams
        .open(&id, address.ip())
        .map_err(|_| ApiError::limited("api-too-many-streams", EVENT_STREAM_RETRY))?;
    let messages = state
        .assistant
        .subscribe(&id)
        .ok_or_else(|| ApiError::internal("the delivery registry is poisoned"))?;
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
    _slot: SlotPlace,
}
