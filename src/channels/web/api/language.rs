//! Which language a request is answered in: the request's own (`Accept-Language`, else the
//! configured default) until it names a conversation whose token checks out, then that
//! conversation's. Errors follow it too (see `error.rs`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::channels::web::AppState;
use crate::locale::Locale;

/// The locale a request speaks: `Accept-Language`, else the default.
pub(super) fn request_locale(state: &AppState, headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).find_map(Locale::negotiate))
        .unwrap_or(state.default_locale)
}

/// The locale a request asks for by name (`?locale=`), else the one it speaks.
pub(super) fn asked_locale(state: &AppState, asked: Option<&str>, headers: &HeaderMap) -> Locale {
    asked
        .and_then(Locale::negotiate)
        .unwrap_or_else(|| request_locale(state, headers))
}

/// The language this request is answered in, shared by the handler (which may learn a better
/// one) and the layer that translates its errors.
#[derive(Debug, Clone)]
pub(super) struct AnswerLocale(Arc<Mutex<Locale>>);

impl AnswerLocale {
    fn new(locale: Locale) -> Self {
        Self(Arc::new(Mutex::new(locale)))
    }

    /// Starts the request in its own language and makes the choice reachable to its extractors.
    pub(super) fn attach(state: &AppState, request: &mut Request) -> Self {
        let answer = Self::new(request_locale(state, request.headers()));
        request.extensions_mut().insert(answer.clone());
        answer
    }

    pub(super) fn get(&self) -> Locale {
        match self.0.lock() {
            Ok(locale) => *locale,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// From now on the request is answered in `locale`.
    pub(super) fn set(&self, locale: Locale) {
        match self.0.lock() {
            Ok(mut current) => *current = locale,
            Err(poisoned) => *poisoned.into_inner() = locale,
        }
    }
}

impl FromRequestParts<AppState> for AnswerLocale {
    type Rejection = Infallible;

    /// The request's, attached by the layer around the routes (a detached one in the request's
    /// language, should a route be served without it).
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(match parts.extensions.get::<Self>() {
            Some(answer) => answer.clone(),
            None => Self::new(request_locale(state, &parts.headers)),
        })
    }
}
