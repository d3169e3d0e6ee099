//! Who is asking: the cookies of a request, its address and language ([`Visit`]), the signed-in
//! staff member ([`Signed`], which sends anyone else to the sign-in page), and the CSRF check of
//! state-changing requests.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};

use super::ConsoleState;
use super::page;
use super::texts::Texts;
use crate::locale::Locale;
use crate::staff::{SessionToken, StaffSession, csrf_matches};

/// The session cookie: its token signs in (only the token's hash is stored).
pub const SESSION_COOKIE: &str = "helpbot_console";
/// The secret a sign-in form is bound to, before there is a session (so the form cannot be
/// posted from another site either).
pub(super) const SIGN_IN_COOKIE: &str = "helpbot_console_signin";
/// The language chosen with the switch.
const LANGUAGE_COOKIE: &str = "helpbot_console_lang";
/// A header a script may send the CSRF token in instead of the form field.
const CSRF_HEADER: &str = "x-csrf-token";

/// Any request to the console: its cookies, the client's address and the language to answer in.
pub(super) struct Visit {
    pub texts: Texts,
    pub address: String,
    cookies: Vec<(String, String)>,
    forwarded_https: bool,
}

impl Visit {
    fn from_parts(parts: &Parts, state: &ConsoleState) -> Self {
        let cookies: Vec<(String, String)> = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| Cookie::split_parse(value.to_string()).flatten())
            .map(|cookie| (cookie.name().to_string(), cookie.value().to_string()))
            .collect();
        let chosen = cookies
            .iter()
            .find(|(name, _)| name == LANGUAGE_COOKIE)
            .and_then(|(_, value)| Locale::negotiate(value));
        let locale = chosen
            .or_else(|| accepted_language(&parts.headers))
            .unwrap_or(state.default_locale);
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |info| info.0.ip().to_string());
        let forwarded_https = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        Self {
            texts: Texts::new(state.assistant.content().clone(), locale, state.utc_offset),
            address,
            cookies,
            forwarded_https,
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(cookie, _)| cookie == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether cookies must be `Secure`: configured so, or the request came over https.
    pub fn https(&self, state: &ConsoleState) -> bool {
        state.secure_cookie || self.forwarded_https
    }
}

fn accepted_language(headers: &HeaderMap) -> Option<Locale> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).find_map(Locale::negotiate))
}

impl FromRequestParts<ConsoleState> for Visit {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ConsoleState,
    ) -> Result<Self, Infallible> {
        Ok(Self::from_parts(parts, state))
    }
}

/// A request of a signed-in staff member. Anyone else gets no data: a page request is sent to
/// the sign-in page (303), anything else is answered 401. A page of another role (an editor on
/// the desk, an agent on the editors' pages) is refused here, for every route at once (403).
pub(super) struct Signed {
    pub visit: Visit,
    pub session: StaffSession,
}

impl Signed {
    /// The refusal (403) of a state-changing request whose CSRF token (form field, or the
    /// `X-CSRF-Token` header) is missing or wrong; `None` when it is right.
    pub fn csrf_refusal(&self, form_field: &str, headers: &HeaderMap) -> Option<Response> {
        let presented = if form_field.is_empty() {
            headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        } else {
            form_field
        };
        if csrf_matches(&self.session.csrf, presented) {
            None
        } else {
            tracing::warn!(staff = %self.session.member.name, "console request without its CSRF token refused");
            Some(page::message(
                &self.visit.texts,
                Some(self),
                StatusCode::FORBIDDEN,
                "console-csrf-refused",
            ))
        }
    }
}

impl FromRequestParts<ConsoleState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, Response> {
        let visit = Visit::from_parts(parts, state);
        let token = visit
            .cookie(SESSION_COOKIE)
            .and_then(SessionToken::presented);
        let session = match token {
            Some(token) => match state.staff.session(&token).await {
                Ok(session) => session,
                Err(err) => return Err(page::failure(&visit.texts, None, &err.into())),
            },
            None => None,
        };
        match session {
            Some(session) if !page::may_open(session.member.role, parts.uri.path()) => {
                let signed = Self { visit, session };
                tracing::info!(staff = %signed.session.member.name, path = %parts.uri.path(), "console: a page of another role refused");
                Err(page::message(
                    &signed.visit.texts,
                    Some(&signed),
                    StatusCode::FORBIDDEN,
                    "console-not-your-role",
                ))
            }
            Some(session) => Ok(Self { visit, session }),
            None if parts.method == Method::GET || parts.method == Method::HEAD => {
                Err(Redirect::to("/console/sign-in").into_response())
            }
            None => Err(StatusCode::UNAUTHORIZED.into_response()),
        }
    }
}

/// A cookie of the console: HttpOnly, SameSite=Strict, Secure when `https`.
fn console_cookie(name: &str, value: String, path: &str, https: bool) -> String {
    Cookie::build((name.to_string(), value))
        .path(path.to_string())
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .build()
        .to_string()
}

/// Sets the session cookie (a browser session's cookie: the server ends the session itself).
pub(super) fn session_cookie(token: &SessionToken, https: bool) -> String {
    console_cookie(
        SESSION_COOKIE,
        token.expose().to_string(),
        "/console",
        https,
    )
}

/// Clears the session cookie.
pub(super) fn cleared_session_cookie(https: bool) -> String {
    let mut cookie = Cookie::build((SESSION_COOKIE, ""))
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .build();
    cookie.make_removal();
    cookie.to_string()
}

pub(super) fn sign_in_cookie(secret: &SessionToken, https: bool) -> String {
    console_cookie(
        SIGN_IN_COOKIE,
        secret.expose().to_string(),
        "/console/sign-in",
        https,
    )
}

pub(super) fn language_cookie(locale: Locale, https: bool) -> String {
    console_cookie(LANGUAGE_COOKIE, locale.tag().to_string(), "/console", https)
}
