//! Knowledge titles suggested while the user types (from the content alone, no conversation).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::extract::ApiQuery;
use super::language::asked_locale;
use crate::channels::web::AppState;

#[derive(Debug, Deserialize)]
pub(super) struct SuggestQuery {
    q: String,
    #[serde(default)]
    locale: Option<String>,
}

#[derive(Serialize)]
struct Suggestion {
    id: String,
    title: String,
}

#[derive(Serialize)]
pub(super) struct Suggestions {
    suggestions: Vec<Suggestion>,
}

/// Titles for `q` in the language asked for, else the request's.
pub(super) async fn suggest(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> Json<Suggestions> {
    let locale = asked_locale(&state, query.locale.as_deref(), &headers);
    let suggestions = state
        .assistant
        .answerer()
        .suggest_titles(&query.q, locale)
        .into_iter()
        .map(|(id, title)| Suggestion { id, title })
        .collect();
    Json(Suggestions { suggestions })
}
