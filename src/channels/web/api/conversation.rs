//! A conversation itself: starting one (its id, its token and the opening), reading its history
//! the way the widget shows it (a resumed widget), and switching its language.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiError;
use super::auth::{AuthorizedConversation, new_token};
use super::extract::ApiJson;
use super::language::AnswerLocale;
use crate::assistant::{BUTTON_MARK, PHOTO_MARK};
use crate::channels::web::AppState;
use crate::locale::Locale;
use crate::message::BotMessage;
use crate::store::{Sender, StoredMessage};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    #[serde(default)]
    locale: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Started {
    id: String,
    token: String,
    locale: Locale,
    messages: Vec<BotMessage>,
}

/// Starts a conversation in the language the body asks for, else the request's.
pub(super) async fn start(
    State(state): State<AppState>,
    answer: AnswerLocale,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let body = body.map_err(|rejection| {
        ApiError::unreadable(rejection.status(), "api-too-large", "api-malformed")
    })?;
    // The body is optional: empty means the defaults.
    let request: StartRequest = if body.iter().all(u8::is_ascii_whitespace) {
        StartRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| ApiError::malformed())?
    };
    if let Some(requested) = request.locale.as_deref().and_then(Locale::negotiate) {
        answer.set(requested);
    }
    let locale = answer.get();
    let (id, messages) = state.assistant.start_conversation("web", locale).await?;
    let (token, token_hash) = new_token();
    state
        .assistant
        .set_access_token_hash(&id, &token_hash)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Started {
            id,
            token,
            locale,
            messages,
        }),
    ))
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
pub(super) struct History {
    locale: Locale,
    messages: Vec<HistoryItem>,
}

pub(super) async fn history(
    State(state): State<AppState>,
    mut conversation: AuthorizedConversation,
) -> Result<Json<History>, ApiError> {
    // A resumed widget takes its language from here: read the conversation's own (a question
    // in the other language may have switched it), not the remembered one.
    if let Ok(Some(current)) = state.assistant.conversation_locale(&conversation.id).await {
        conversation.now_speaks(&state, current);
    }
    let locale = conversation.locale;
    let stored = state.assistant.history(&conversation.id).await?;
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
                let text = if let Some(payload) = m.body.strip_prefix(BUTTON_MARK) {
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
                } else if m.body.starts_with(PHOTO_MARK) {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LocaleRequest {
    locale: String,
}

/// Switches the conversation's language; the next replies use it.
pub(super) async fn set_locale(
    State(state): State<AppState>,
    mut conversation: AuthorizedConversation,
    ApiJson(body): ApiJson<LocaleRequest>,
) -> Result<StatusCode, ApiError> {
    let new = Locale::negotiate(&body.locale).ok_or_else(ApiError::malformed)?;
    state.assistant.set_locale(&conversation.id, new).await?;
    conversation.now_speaks(&state, new);
    Ok(StatusCode::NO_CONTENT)
}

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
