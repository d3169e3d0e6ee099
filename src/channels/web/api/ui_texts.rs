//! The widget's own texts (buttons, placeholders, labels), translated like everything else.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;

use super::extract::ApiQuery;
use super::language::asked_locale;
use crate::channels::web::AppState;

/// The ids of the texts the widget asks for.
pub const WIDGET_TEXTS: &[&str] = &[
    "widget-open",
    "widget-close",
    "widget-title",
    "widget-placeholder",
    "widget-send",
    "widget-typing",
    "widget-useful",
    "widget-not-useful",
    "widget-thanks-feedback",
    "widget-upload",
    "widget-upload-send",
    "widget-upload-rules",
    "widget-photo-too-large",
    "widget-reconnecting",
    "widget-language",
    "widget-suggestions",
    "widget-resume-retrying",
    "widget-replaced",
    "widget-unavailable",
    // Feedback that says why (issue 16): the same reasons as every channel's.
    "feedback-why",
    "feedback-reason-unclear",
    "feedback-reason-did-not-work",
    "feedback-reason-not-what-i-asked",
    "feedback-reason-other",
    "widget-reason-text-label",
    "widget-reason-send",
    "widget-reason-skip",
    "widget-hot-categories",
];

#[derive(Debug, Deserialize)]
pub(super) struct UiQuery {
    #[serde(default)]
    locale: Option<String>,
}

/// [`WIDGET_TEXTS`] in the language asked for, else the request's.
pub(super) async fn ui_texts(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<UiQuery>,
) -> Json<serde_json::Value> {
    let locale = asked_locale(&state, query.locale.as_deref(), &headers);
    let translations = &state.assistant.content().translations;
    let texts: serde_json::Map<String, serde_json::Value> = WIDGET_TEXTS
        .iter()
        .map(|id| ((*id).to_string(), translations.text(locale, id, &[]).into()))
        .collect();
    Json(serde_json::json!({ "locale": locale, "texts": texts }))
}
