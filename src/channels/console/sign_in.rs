//! Signing in and out. The sign-in form is bound to a secret in a cookie of its own (its CSRF
//! token is derived from it), so another site cannot sign a browser in to its own account. The
//! lockout, the audit log and the session itself are `crate::staff`'s.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::ConsoleState;
use super::page::{self, html_response, layout};
use super::session::{self, SIGN_IN_COOKIE, Signed, Visit};
use crate::staff::{SessionToken, SignInOutcome, csrf_matches, csrf_token_for};

#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The sign-in page, with a fresh form secret when the browser has none.
pub(super) async fn page(State(state): State<ConsoleState>, visit: Visit) -> Response {
    form_page(&state, &visit, StatusCode::OK, None, "")
}

/// The form, with a message (`role="alert"`) after a failed try and the name typed kept.
fn form_page(
    state: &ConsoleState,
    visit: &Visit,
    status: StatusCode,
    problem: Option<String>,
    name: &str,
) -> Response {
    let existing = visit
        .cookie(SIGN_IN_COOKIE)
        .and_then(SessionToken::presented);
    let fresh = existing.is_none();
    let secret = existing.unwrap_or_else(SessionToken::generate);
    let texts = &visit.texts;
    let body = html! {
        form.sign-in method="post" action="/console/sign-in" {
            @if let Some(problem) = &problem {
                p.problem role="alert" { (problem) }
            }
            input type="hidden" name="csrf" value=(csrf_token_for(secret.expose()));
            // After a failed try the name is kept and the password box has the focus.
            label for="name" { (texts.t("console-account-name")) }
            input #name type="text" name="name" value=(name) autocomplete="username"
                autocapitalize="none" spellcheck="false" required autofocus[name.is_empty()];
            label for="password" { (texts.t("console-password")) }
            input #password type="password" name="password" autocomplete="current-password"
                required autofocus[!name.is_empty()];
            button type="submit" { (texts.t("console-sign-in")) }
        }
        p.hint { (texts.t("console-sign-in-hint")) }
    };
    let mut response = html_response(
        status,
        layout(texts, None, &texts.t("console-sign-in-title"), body),
    );
    if fresh && let Ok(cookie) = session::sign_in_cookie(&secret, visit.https(state)).parse() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub(super) async fn submit(
    State(state): State<ConsoleState>,
    visit: Visit,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return form_page(&state, &visit, StatusCode::BAD_REQUEST, None, "");
    };
    let bound = visit
        .cookie(SIGN_IN_COOKIE)
        .is_some_and(|secret| csrf_matches(&csrf_token_for(secret), &form.csrf));
    if !bound {
        let problem = visit.texts.t("console-form-expired");
        return form_page(&state, &visit, StatusCode::FORBIDDEN, Some(problem), "");
    }
    let texts = &visit.texts;
    match state
        .staff
        .sign_in(&form.name, &form.password, &visit.address)
        .await
    {
        Ok(SignInOutcome::SignedIn { member, token }) => {
            tracing::info!(staff = %member.name, "console: signed in");
            (
                [(
                    header::SET_COOKIE,
                    session::session_cookie(&token, visit.https(&state)),
                )],
                Redirect::to(super::page::start_page(member.role)),
            )
                .into_response()
        }
        Ok(SignInOutcome::WrongCredentials) => {
            let problem = texts.t("console-wrong-credentials");
            form_page(
                &state,
                &visit,
                StatusCode::UNAUTHORIZED,
                Some(problem),
                &form.name,
            )
        }
        Ok(SignInOutcome::Locked { retry_after_ms }) => {
            let minutes = ((retry_after_ms + 59_999) / 60_000).max(1);
            let problem = texts.with("console-locked", &[("minutes", minutes.into())]);
            form_page(
                &state,
                &visit,
                StatusCode::TOO_MANY_REQUESTS,
                Some(problem),
                &form.name,
            )
        }
        Ok(SignInOutcome::Disabled) => {
            let problem = texts.t("console-account-disabled");
            form_page(
                &state,
                &visit,
                StatusCode::FORBIDDEN,
                Some(problem),
                &form.name,
            )
        }
        Err(err) => page::failure(texts, None, &err.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn sign_out(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    form: Result<Form<SignOutForm>, FormRejection>,
) -> Response {
    let field = form.map(|Form(form)| form.csrf).unwrap_or_default();
    if let Some(refused) = signed.csrf_refusal(&field, &headers) {
        return refused;
    }
    if let Err(err) = state
        .staff
        .sign_out(&signed.session, &signed.visit.address)
        .await
    {
        return page::failure(&signed.visit.texts, Some(&signed), &err.into());
    }
    // Offline at once, so that no student waits for someone who has gone (the session is
    // ended already: a failure here only delays it until the heartbeat times out).
    if let Err(error) = state
        .assistant
        .desk()
        .sign_off(&signed.session.member.id)
        .await
    {
        tracing::warn!(%error, "console: the agent's presence not cleared at sign-out");
    }
    (
        [(
            header::SET_COOKIE,
            session::cleared_session_cookie(signed.visit.https(&state)),
        )],
        Redirect::to("/console/sign-in"),
    )
        .into_response()
}
