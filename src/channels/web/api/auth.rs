//! Who may use a conversation: the opaque access token handed out when it starts (only its hash
//! is stored), and [`AuthorizedConversation`], the extractor every call on a conversation begins
//! with.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

use super::ApiError;
use super::language::{AnswerLocale, request_locale};
use crate::channels::web::AppState;
use crate::locale::Locale;
use crate::text::hex;

/// A new access token and the hash of it that is stored.
pub(super) fn new_token() -> (String, String) {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization: Bearer` header.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// The conversation named by the path, whose token the request presented (`Authorization:
/// Bearer`). As an extractor it runs before the body is read (and after the per-IP limit); from
/// then on the request is answered in the conversation's language, errors included.
pub(super) struct AuthorizedConversation {
    pub id: String,
    pub locale: Locale,
    answer: AnswerLocale,
}

impl AuthorizedConversation {
    /// Checks `token` for the conversation of the path; errors in the request's language.
    pub(super) async fn check(
        parts: &mut Parts,
        state: &AppState,
        token: Option<&str>,
    ) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::malformed())?;
        let fallback = request_locale(state, &parts.headers);
        let locale = authorize(state, &id, token, fallback).await?;
        let Ok(answer) = AnswerLocale::from_request_parts(parts, state).await;
        answer.set(locale);
        Ok(Self { id, locale, answer })
    }

    /// The rest of this request is answered in `locale` (the conversation's stays as it is).
    pub(super) fn answer_in(&self, locale: Locale) {
        self.answer.set(locale);
    }

    /// The conversation speaks `locale` now: the rest of the request is answered in it and the
    /// remembered locale follows.
    pub(super) fn now_speaks(&mut self, state: &AppState, locale: Locale) {
        self.locale = locale;
        self.answer.set(locale);
        state.remember_locale(&self.id, locale);
    }
}

impl FromRequestParts<AppState> for AuthorizedConversation {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).map(str::to_owned);
        Self::check(parts, state, token.as_deref()).await
    }
}

/// Checks the conversation's token; its locale on success (`fallback` when its stored one is
/// unknown). Token hashes never change, so a checked one is remembered with the locale and the
/// assistant is not asked again (the locale is refreshed when this server changes it).
async fn authorize(
    state: &AppState,
    id: &str,
    token: Option<&str>,
    fallback: Locale,
) -> Result<Locale, ApiError> {
    let presented = token.map(token_hash);
    let wrong_token = || ApiError::refused(StatusCode::UNAUTHORIZED, "api-wrong-token");
    if let Some((hash, known_locale)) = state.known_token(id) {
        return if presented.as_deref() == Some(hash.as_str()) {
            Ok(known_locale)
        } else {
            Err(wrong_token())
        };
    }
    let access = state.assistant.conversation_access(id).await?;
    let Some((stored, locale)) = access.and_then(|a| Some((a.token_hash?, a.locale))) else {
        return Err(ApiError::refused(
            StatusCode::NOT_FOUND,
            "api-unknown-conversation",
        ));
    };
    if presented.as_deref() != Some(stored.as_str()) {
        return Err(wrong_token());
    }
    let locale = locale.unwrap_or(fallback);
    state.remember_token(id, stored, locale);
    Ok(locale)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use serde_json::{Value, json};

    use crate::channels::web::api::test_state;
    use crate::channels::web::router;

    /// The API on an address of its own, on a database in memory.
    async fn serve() -> String {
        let app = router(test_state().await, &[]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listens");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service).await;
        });
        format!("http://{address}/api/v1/conversations")
    }

    /// A conversation in `locale`, started by a browser that speaks Chinese: its id and token.
    async fn start(client: &reqwest::Client, base: &str, locale: &str) -> (String, String) {
        let started: Value = client
            .post(base)
            .header("accept-language", "zh-CN")
            .json(&json!({ "locale": locale }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(started["locale"], locale, "{started}");
        let field = |name: &str| started[name].as_str().expect("field").to_string();
        (field("id"), field("token"))
    }

    /// The error code and message of a request in Chinese that sends neither text nor a button.
    async fn send_nothing(client: &reqwest::Client, url: &str, token: &str) -> (String, String) {
        let response = client
            .post(url)
            .header("accept-language", "zh-CN")
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .expect("request");
        let body: Value = response.json().await.expect("json");
        let text = |field: &str| {
            body["error"][field]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        (text("code"), text("message"))
    }

    #[tokio::test]
    async fn errors_are_answered_in_the_conversations_language_once_its_token_is_checked() {
        let base = serve().await;
        let client = reqwest::Client::new();
        let (id, token) = start(&client, &base, "en").await;
        let (token, url) = (token.as_str(), format!("{base}/{id}/messages"));

        let (code, message) = send_nothing(&client, &url, token).await;
        assert_eq!(code, "api-malformed");
        assert_eq!(message, "The request is not well-formed.");

        let (code, message) = send_nothing(&client, &url, "not-the-token").await;
        assert_eq!(code, "api-wrong-token");
        assert_eq!(message, "无权访问这个对话。", "the request's language");
    }

    #[tokio::test]
    async fn errors_follow_a_conversation_that_a_question_switched_to_another_language() {
        let base = serve().await;
        let client = reqwest::Client::new();
        let (id, token) = start(&client, &base, "zh-CN").await;
        let (token, url) = (token.as_str(), format!("{base}/{id}/messages"));
        let (code, message) = send_nothing(&client, &url, token).await;
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("api-malformed", "请求格式不正确。")
        );

        let answered = client
            .post(&url)
            .bearer_auth(token)
            .json(&json!({ "text": "I forgot my username" }))
            .send()
            .await
            .expect("request");
        assert!(answered.status().is_success());
        let (_, message) = send_nothing(&client, &url, token).await;
        assert_eq!(message, "The request is not well-formed.");
    }
}
