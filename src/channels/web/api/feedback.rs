//! "Useful / not useful" under an answer.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::ApiError;
use super::auth::AuthorizedConversation;
use super::extract::ApiJson;
use crate::assistant::FeedbackOutcome;
use crate::channels::web::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FeedbackRequest {
    entry_id: String,
    useful: bool,
}

/// One vote per answer and conversation: a second one replaces the first (a change of mind).
/// Only an entry this conversation was answered with may be rated.
pub(super) async fn feedback(
    State(state): State<AppState>,
    conversation: AuthorizedConversation,
    ApiJson(body): ApiJson<FeedbackRequest>,
) -> Result<StatusCode, ApiError> {
    match state
        .assistant
        .record_feedback(&conversation.id, &body.entry_id, body.useful)
        .await?
    {
        FeedbackOutcome::Recorded => Ok(StatusCode::NO_CONTENT),
        FeedbackOutcome::NotAnswered => Err(ApiError::refused(
            StatusCode::BAD_REQUEST,
            "api-feedback-not-answered",
        )),
    }
}
