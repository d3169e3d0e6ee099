//! The user's side of a turn: typed text or a pressed button (JSON), or a photo (multipart), each
//! answered with the replies of the turn.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{ConnectInfo, Multipart, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiError;
use super::auth::AuthorizedConversation;
use super::extract::ApiJson;
use super::limits::check_conversation;
use crate::channels::web::AppState;
use crate::message::{BotMessage, Input};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SendRequest {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    button: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Replies {
    messages: Vec<BotMessage>,
}

/// Typed text or a pressed button, exactly one of them.
pub(super) async fn send(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    conversation: AuthorizedConversation,
    ApiJson(body): ApiJson<SendRequest>,
) -> Result<Json<Replies>, ApiError> {
    let input = match (body.text, body.button) {
        (Some(text), None) => Input::Text(text),
        (None, Some(button)) => Input::Button(button),
        _ => return Err(ApiError::malformed()),
    };
    turn(&state, conversation, input, address).await
}

/// A photo, the form's `photo` field; the core judges whether it is one and not too large.
pub(super) async fn upload(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    conversation: AuthorizedConversation,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Replies>, ApiError> {
    let missing = || ApiError::refused(StatusCode::BAD_REQUEST, "api-photo-missing");
    let mut multipart = multipart.map_err(|_| missing())?;
    let refuse = |err: MultipartError| {
        ApiError::unreadable(err.status(), "api-photo-too-large", "api-photo-missing")
    };
    let mut photo = None;
    while let Some(field) = multipart.next_field().await.map_err(refuse)? {
        if field.name() == Some("photo") {
            photo = Some(field.bytes().await.map_err(refuse)?.to_vec());
        }
    }
    let photo = photo.ok_or_else(missing)?;
    turn(&state, conversation, Input::Photo(photo), address).await
}

/// One turn for a client at `address`: limits that protect account owners count the address as
/// well as the conversation. The language rule may switch the conversation: later errors follow
/// it, and so does the apology for a turn that failed.
async fn turn(
    state: &AppState,
    mut conversation: AuthorizedConversation,
    input: Input,
    address: SocketAddr,
) -> Result<Json<Replies>, ApiError> {
    check_conversation(state, &conversation.id).await?;
    let origin = Some(address.ip().to_string());
    match state
        .assistant
        .turn_of(&conversation.id, input.clone(), origin)
        .await
    {
        Ok(reply) => {
            conversation.now_speaks(state, reply.locale);
            Ok(Json(Replies {
                messages: reply.messages,
            }))
        }
        Err(error) => {
            let locale = state
                .assistant
                .reply_language(&conversation.id, &input)
                .await;
            // Not stored, so the conversation has not switched; only this answer follows the rule.
            conversation.answer_in(locale);
            Err(error.into())
        }
    }
}
