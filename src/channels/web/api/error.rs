//! The API's one error type, [`ApiError`]: a request refused for a reason the user is told, a
//! limit reached, or a failure of the core. Handlers and extractors return it with `?`; the
//! core's errors convert into it. Turning it into an answer needs what only the server has (the
//! translations, the database's judgement of a failure, the language the request is answered in),
//! so [`ApiError::into_response`] leaves it on the response and [`answer_errors`], the layer
//! around every route, translates it into the JSON problem `{"error": {"code", "message"}}` and
//! logs a failure's cause, once, in the request's span.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::language::AnswerLocale;
use crate::accounts::AccountError;
use crate::assistant::CoreError;
use crate::channels::web::AppState;
use crate::locale::Locale;
use crate::store::{Failure, StoreError};

/// Why a request of the API was not served.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Refused for a reason the user is told: a status and the id of the translated reason.
    #[error("refused ({status}): {code}")]
    Refused {
        status: StatusCode,
        code: &'static str,
    },
    /// Too many requests: 429, to be tried again in `seconds` (`Retry-After`), which the
    /// translated reason names.
    #[error("limited: {code}, retry after {seconds} s")]
    Limited { code: &'static str, seconds: u64 },
    /// Something failed on our side: 503 while the database cannot serve (down, read-only,
    /// full, busy past the wait), else 500. The user gets an apology; the cause is logged.
    #[error(transparent)]
    Failed(Arc<dyn Error + Send + Sync>),
}

impl ApiError {
    pub fn refused(status: StatusCode, code: &'static str) -> Self {
        Self::Refused { status, code }
    }

    /// A request that does not say what it means (400 `api-malformed`).
    pub fn malformed() -> Self {
        Self::refused(StatusCode::BAD_REQUEST, "api-malformed")
    }

    /// A limit reached: the wait is announced in whole seconds, rounded up (at least one).
    pub fn limited(code: &'static str, wait: Duration) -> Self {
        let seconds = (wait.as_secs_f64().ceil() as u64).max(1);
        Self::Limited { code, seconds }
    }

    /// A body that could not be read: 413 with `too_large` when it was over its limit, else 400
    /// with `malformed`.
    pub fn unreadable(
        status: StatusCode,
        too_large: &'static str,
        malformed: &'static str,
    ) -> Self {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Self::refused(StatusCode::PAYLOAD_TOO_LARGE, too_large)
        } else {
            Self::refused(StatusCode::BAD_REQUEST, malformed)
        }
    }

    /// A failure of our own that no other error describes.
    pub fn internal(cause: &'static str) -> Self {
        Self::Failed(Arc::from(Box::<dyn Error + Send + Sync>::from(cause)))
    }

    /// The answer to the user, in `locale`; a failure's cause is logged here and nowhere else.
    fn answer(&self, state: &AppState, locale: Locale) -> Response {
        let (status, code, retry_after) = match self {
            Self::Refused { status, code } => (*status, *code, None),
            Self::Limited { code, seconds } => {
                (StatusCode::TOO_MANY_REQUESTS, *code, Some(*seconds))
            }
            Self::Failed(cause) => match state.assistant.failure(cause.as_ref()) {
                Failure::Unavailable => {
                    tracing::warn!(error = %cause, "database unavailable");
                    (StatusCode::SERVICE_UNAVAILABLE, "service-unavailable", None)
                }
                Failure::Internal => {
                    tracing::error!(error = %cause, "request failed");
                    (StatusCode::INTERNAL_SERVER_ERROR, "internal-error", None)
                }
            },
        };
        let translations = &state.assistant.content().translations;
        let message = match retry_after {
            Some(seconds) => translations.text(
                locale,
                code,
                &[("seconds", i64::try_from(seconds).unwrap_or(i64::MAX).into())],
            ),
            None => translations.text(locale, code, &[]),
        };
        let body = axum::Json(Problem {
            error: ProblemDetail {
                code,
                message: &message,
            },
        });
        let mut response = (status, body).into_response();
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> Self {
        Self::Failed(Arc::new(err))
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        CoreError::from(err).into()
    }
}

impl From<AccountError> for ApiError {
    fn from(err: AccountError) -> Self {
        CoreError::from(err).into()
    }
}

/// An error on its way to [`answer_errors`].
#[derive(Clone)]
struct Untranslated(ApiError);

impl IntoResponse for ApiError {
    /// The status alone, carrying the error for [`answer_errors`] to translate and log.
    fn into_response(self) -> Response {
        let status = match &self {
            Self::Refused { status, .. } => *status,
            Self::Limited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(Untranslated(self));
        response
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    error: ProblemDetail<'a>,
}

#[derive(Serialize)]
struct ProblemDetail<'a> {
    code: &'a str,
    message: &'a str,
}

/// The layer that answers every [`ApiError`] of the routes inside it: in the conversation's
/// language once an extractor knows it, else in the request's.
pub(super) async fn answer_errors(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let language = AnswerLocale::attach(&state, &mut request);
    let response = next.run(request).await;
    translated(response, &state, language.get())
}

/// The response, with the error it carries (if any) answered in `locale`.
fn translated(mut response: Response, state: &AppState, locale: Locale) -> Response {
    match response.extensions_mut().remove::<Untranslated>() {
        Some(Untranslated(error)) => error.answer(state, locale),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};

    use super::*;
    use crate::channels::web::api::test_state;

    /// The answer to `error` in `locale`, and what was logged on the way.
    async fn answered(error: ApiError, locale: Locale) -> (Response, serde_json::Value, String) {
        let state = test_state().await;
        // `&File` writes, so a shared file is a writer the subscriber may share.
        let log = Arc::new(tempfile::tempfile().expect("log file"));
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish();
        let response = {
            let _logging = tracing::subscriber::set_default(subscriber);
            translated(error.into_response(), &state, locale)
        };
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        let json = serde_json::from_slice(&bytes).expect("json");
        let mut logged = String::new();
        let mut file: &std::fs::File = &log;
        file.rewind().expect("rewinds");
        file.read_to_string(&mut logged).expect("log");
        (
            Response::from_parts(parts, axum::body::Body::empty()),
            json,
            logged,
        )
    }

    #[tokio::test]
    async fn a_database_that_cannot_serve_is_a_503_with_the_hotline_and_its_cause_logged_once() {
        let cause = StoreError::Database(sqlx::Error::PoolTimedOut);
        let cause_text = cause.to_string();
        let (response, body, log) = answered(cause.into(), Locale::En).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "service-unavailable", "{body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("010-82199588"), "{message}");
        assert_eq!(log.matches(&cause_text).count(), 1, "{log}");
        assert!(log.contains("WARN"), "{log}");
    }

    #[tokio::test]
    async fn any_other_failure_is_a_500_apology_and_its_cause_logged_once_as_an_error() {
        let cause = StoreError::Malformed("a state that is not JSON".into());
        let (response, body, log) = answered(cause.into(), Locale::ZhCn).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal-error", "{body}");
        assert_eq!(
            body["error"]["message"],
            "抱歉，系统出了点问题，请稍后再试。"
        );
        assert_eq!(log.matches("a state that is not JSON").count(), 1, "{log}");
        assert!(log.contains("ERROR"), "{log}");
    }

    #[tokio::test]
    async fn a_limit_says_when_to_try_again_in_the_header_and_the_message_and_logs_nothing() {
        let limited = ApiError::limited("api-rate-limited", Duration::from_millis(1_200));
        let (response, body, log) = answered(limited, Locale::En).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        assert_eq!(body["error"]["code"], "api-rate-limited", "{body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("2 seconds"), "{message}");
        assert_eq!(log, "");
    }

    #[tokio::test]
    async fn a_refusal_is_translated_and_logs_nothing() {
        let refused = ApiError::refused(StatusCode::UNAUTHORIZED, "api-wrong-token");
        let (response, body, log) = answered(refused, Locale::En).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "api-wrong-token", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty() && m != "api-wrong-token")
        );
        assert_eq!(log, "");
    }
}
