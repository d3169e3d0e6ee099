//! "Useful / not useful" under an answer, and with "not useful" optionally why (a reason code and,
//! for `other`, a short text), which editors read on the console's "rated 没用" page.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::ApiError;
use super::auth::AuthorizedConversation;
use super::extract::ApiJson;
use crate::assistant::{FeedbackOutcome, MAX_REASON_TEXT_CHARS};
use crate::channels::web::AppState;
use crate::message::FeedbackReason;
use crate::store::GivenReason;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FeedbackRequest {
    entry_id: String,
    useful: bool,
    #[serde(default)]
    reason: Option<FeedbackReason>,
    #[serde(default)]
    reason_text: Option<String>,
}

impl FeedbackRequest {
    /// The reason as stored, or why the request is refused: a reason belongs to a "not useful"
    /// vote, a text to a reason, and a text is short.
    fn given_reason(&self) -> Result<Option<GivenReason>, ApiError> {
        let text = self
            .reason_text
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty());
        let refused = || ApiError::refused(StatusCode::BAD_REQUEST, "api-feedback-reason-invalid");
        match (self.reason, text) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(refused()),
            (Some(_), _) if self.useful => Err(refused()),
            (Some(_), Some(text)) if text.chars().count() > MAX_REASON_TEXT_CHARS => Err(refused()),
            (Some(reason), text) => Ok(Some(GivenReason {
                reason,
                text: text.map(String::from),
            })),
        }
    }
}

/// One vote per answer and conversation: a second one replaces the first (a change of mind).
/// Only an entry this conversation was answered with may be rated.
pub(super) async fn feedback(
    State(state): State<AppState>,
    conversation: AuthorizedConversation,
    ApiJson(body): ApiJson<FeedbackRequest>,
) -> Result<StatusCode, ApiError> {
    let reason = body.given_reason()?;
    match state
        .assistant
        .record_feedback(
            &conversation.id,
            &body.entry_id,
            body.useful,
            reason.as_ref(),
        )
        .await?
    {
        FeedbackOutcome::Recorded => Ok(StatusCode::NO_CONTENT),
        FeedbackOutcome::NotAnswered => Err(ApiError::refused(
            StatusCode::BAD_REQUEST,
            "api-feedback-not-answered",
        )),
    }
}
