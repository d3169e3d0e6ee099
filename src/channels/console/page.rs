//! The frame of every console page (header, navigation, who is signed in, the language switch,
//! sign-out), short message pages, and [`ConsoleError`]: what can go wrong behind a page, logged
//! once and answered with a translated page. maud escapes every value put into a page.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::session::Signed;
use super::texts::Texts;
use crate::accounts::AccountError;
use crate::assistant::CoreError;
use crate::staff::{Role, StaffError};

#[derive(Debug, thiserror::Error)]
pub(super) enum ConsoleError {
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Account(#[from] AccountError),
    /// A review decision, as `channels::staff::decide` (shared with `helpbot review`) reports it.
    #[error(transparent)]
    Review(#[from] crate::channels::staff::StaffError),
    /// What the agents' desk could not do (its refusals are answered by the page that asked).
    #[error(transparent)]
    Desk(#[from] crate::assistant::DeskError),
}

impl ConsoleError {
    /// The account store's own refusal, when that is what happened (it has its message).
    fn refusal(&self) -> Option<&AccountError> {
        use crate::channels::staff::StaffError as ReviewError;
        let refusal = match self {
            ConsoleError::Account(err)
            | ConsoleError::Core(CoreError::Account(err))
            | ConsoleError::Review(ReviewError::Account(err))
            | ConsoleError::Review(ReviewError::Core(CoreError::Account(err))) => err,
            _ => return None,
        };
        (!matches!(refusal, AccountError::Store(_))).then_some(refusal)
    }

    /// Whether the database could not serve (a 503, not a bug).
    fn unavailable(&self) -> bool {
        use crate::channels::staff::StaffError as ReviewError;
        let core = match self {
            ConsoleError::Staff(StaffError::Store(err)) => return err.is_unavailable(),
            ConsoleError::Account(AccountError::Store(err))
            | ConsoleError::Review(ReviewError::Account(AccountError::Store(err))) => {
                return err.is_unavailable();
            }
            ConsoleError::Core(core)
            | ConsoleError::Review(ReviewError::Core(core))
            | ConsoleError::Desk(crate::assistant::DeskError::Core(core)) => core,
            _ => return false,
        };
        match core {
            CoreError::Store(err) | CoreError::Account(AccountError::Store(err)) => {
                err.is_unavailable()
            }
            _ => false,
        }
    }
}

/// A whole page: `title` is the heading too.
pub(super) fn layout(texts: &Texts, signed: Option<&Signed>, title: &str, body: Markup) -> Markup {
    let other = texts.other_locale();
    html! {
        (DOCTYPE)
        html lang=(texts.locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (texts.t("console-name")) }
                link rel="stylesheet" href="/console/console.css";
                link rel="stylesheet" href="/console/console-agent.css";
                @if let Some(signed) = signed {
                    // For the script's requests (presence, live views): sent as X-CSRF-Token.
                    meta name="csrf-token" content=(signed.session.csrf);
                    // The desk's script (presence, the live queue): not for editors, who are no
                    // agents and must not be counted online.
                    @if signed.session.member.role.works_the_desk() {
                        script src="/console/console-agent.js" defer {}
                    }
                }
            }
            body {
                a.skip href="#main" { (texts.t("console-skip-to-content")) }
                header.top {
                    span.brand { (texts.t("console-name")) }
                    @if let Some(signed) = signed {
                        nav aria-label=(texts.t("console-navigation")) {
                            @if signed.session.member.role.works_the_desk() {
                                a href="/console/queue" { (texts.t("console-nav-queue")) }
                                a href="/console/reviews" { (texts.t("console-nav-reviews")) }
                                a href="/console/tickets" { (texts.t("console-nav-tickets")) }
                            }
                            @if signed.session.member.role == Role::Supervisor {
                                a href="/console/supervisor" { (texts.t("console-nav-supervisor")) }
                                a href="/console/staff" { (texts.t("console-nav-staff")) }
                            }
                            @if signed.session.member.role.edits_content() {
                                a href="/console/editor/dashboard" { (texts.t("console-nav-dashboard")) }
                                a href="/console/editor" { (texts.t("console-nav-failures")) }
                                a href="/console/editor/ratings" { (texts.t("console-nav-ratings")) }
                            }
                        }
                    }
                    div.tools {
                        a.lang href={ "/console/language?to=" (other.tag()) "&back=" (current_path(signed)) }
                            lang=(other.tag()) hreflang=(other.tag()) {
                            (texts.t("console-switch-language"))
                        }
                        @if let Some(signed) = signed {
                            span.who {
                                (texts.with("console-signed-in-as", &[
                                    ("name", signed.session.member.display_name.clone().into()),
                                    ("account", signed.session.member.name.clone().into()),
                                    ("role", texts.t(role_message(signed.session.member.role)).into()),
                                ]))
                            }
                            form.inline method="post" action="/console/sign-out" {
                                input type="hidden" name="csrf" value=(signed.session.csrf);
                                button type="submit" { (texts.t("console-sign-out")) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// Where the language switch comes back to: the staff member's start page (pages are reached
/// from there in one step).
fn current_path(signed: Option<&Signed>) -> &'static str {
    match signed {
        Some(signed) => start_page(signed.session.member.role),
        None => "/console/sign-in",
    }
}

/// The first page of a role: the photo reviews for the desk, "what fails" for editors.
pub(super) fn start_page(role: Role) -> &'static str {
    if role.works_the_desk() {
        "/console/reviews"
    } else {
        "/console/editor"
    }
}

/// Whether a role may open a console path: editors only their pages (and signing out);
/// the desk's people everything but the editors' pages, which supervisors see too.
pub(super) fn may_open(role: Role, path: &str) -> bool {
    let editors_page = path == "/console/editor" || path.starts_with("/console/editor/");
    let anyones = matches!(path, "/console" | "/console/" | "/console/sign-out");
    anyones
        || if editors_page {
            role.edits_content()
        } else {
            role.works_the_desk()
        }
}

pub(super) fn role_message(role: Role) -> &'static str {
    match role {
        Role::Agent => "console-role-agent",
        Role::Supervisor => "console-role-supervisor",
        Role::Editor => "console-role-editor",
    }
}

/// The refusal (403) of a supervisors' page to anyone else; `None` for a supervisor.
pub(super) fn supervisors_only(signed: &Signed) -> Option<Response> {
    (signed.session.member.role != Role::Supervisor).then(|| {
        message(
            &signed.visit.texts,
            Some(signed),
            StatusCode::FORBIDDEN,
            "console-supervisors-only",
        )
    })
}

/// An HTML response.
pub(super) fn html_response(status: StatusCode, page: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page.into_string(),
    )
        .into_response()
}

/// A page that only says one thing (message id `message`), with a way back.
pub(super) fn message(
    texts: &Texts,
    signed: Option<&Signed>,
    status: StatusCode,
    message: &str,
) -> Response {
    let text = texts.t(message);
    html_response(
        status,
        layout(
            texts,
            signed,
            &text,
            html! { p { (way_back(texts, signed)) } },
        ),
    )
}

/// The link back to the staff member's start page.
fn way_back(texts: &Texts, signed: Option<&Signed>) -> Markup {
    let editor = signed.is_some_and(|signed| !signed.session.member.role.works_the_desk());
    html! {
        @if editor {
            a href="/console/editor" { (texts.t("console-back-to-failures")) }
        } @else {
            a href="/console/reviews" { (texts.t("console-back-to-reviews")) }
        }
    }
}

/// The page for an error behind a request: the account store's refusal in its own words, else
/// "try again" (503 when the database cannot serve, 500 otherwise, the cause logged once).
pub(super) fn failure(texts: &Texts, signed: Option<&Signed>, err: &ConsoleError) -> Response {
    if let Some(refusal) = err.refusal() {
        let status = match refusal {
            AccountError::ReviewNotFound => StatusCode::NOT_FOUND,
            AccountError::ReviewAlreadyDecided => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        let args = refusal.message_args();
        let text = texts.with(refusal.message_id(), &args);
        return html_response(
            status,
            layout(
                texts,
                signed,
                &text,
                html! { p { (way_back(texts, signed)) } },
            ),
        );
    }
    let (status, id) = if err.unavailable() {
        tracing::warn!(error = %err, "console: the database cannot serve");
        (StatusCode::SERVICE_UNAVAILABLE, "console-unavailable")
    } else {
        tracing::error!(error = %err, "console request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "console-error")
    };
    message(texts, signed, status, id)
}
