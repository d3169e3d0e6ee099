//! The agents' queue in the console: the conversations waiting for a person, first come first
//! served, each with its place, how long it has waited, why it was handed over, its channel and
//! language and the student's last question (masked); the conversations the agent owns; taking
//! one (a POST with the CSRF token: the desk's take is one conditional UPDATE, so of two agents
//! or two instances exactly one wins and the other is told who did); and the presence heartbeat
//! the console's script sends while a staff member has a console page open.
//!
//! Live without reload: the page's script asks `/console/queue/live` every 1.5 seconds. Polling
//! rather than a server-sent event stream, because the queue's truth is the `handoffs` table that
//! every instance shares: any instance answers the poll from the table, so an agent behind a load
//! balancer sees a take made on another instance within one poll, with no cross-instance
//! notification to keep alive and no long-lived connection per agent; at 1.5 s the rows are never
//! more than a moment old, and one indexed read per agent every 1.5 s is cheap.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::json;

use super::ConsoleState;
use super::conversation::{agent_of, audit, desk_failure, last_student_line, notice};
use super::page::{html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::QueueItem;
use crate::handoff::{HandoffRecord, Reason};
use crate::locale::Locale;
use crate::staff::AuditAction;

/// The queue page.
pub(super) async fn page(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    beat(&state, &signed).await;
    let desk = state.assistant.desk();
    let (waiting, mine) = match (
        desk.queue().await,
        desk.owned_by(&signed.session.member.id).await,
    ) {
        (Ok(waiting), Ok(mine)) => (waiting, mine),
        (Err(err), _) | (_, Err(err)) => return desk_failure(texts, &signed, err),
    };
    let body = html! {
        section aria-labelledby="mine-heading" {
            h2 #mine-heading { (texts.t("console-agent-mine-heading")) }
            div #mine-live { (mine_list(texts, &mine)) }
        }
        section aria-labelledby="queue-heading" {
            h2 #queue-heading { (texts.t("console-agent-queue-heading")) }
            p.hint { (texts.t("console-agent-queue-live-hint")) }
            // Not a live region: a screen reader would read the whole table again every minute.
            div #queue-live data-live="/console/queue/live" {
                (queue_table(texts, &signed, &waiting))
            }
        }
    };
    let title = texts.t("console-agent-queue-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

/// What the page's script replaces every poll: the queue and the agent's conversations.
pub(super) async fn live(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    let desk = state.assistant.desk();
    match (
        desk.queue().await,
        desk.owned_by(&signed.session.member.id).await,
    ) {
        (Ok(waiting), Ok(mine)) => Json(json!({
            "queue": queue_table(texts, &signed, &waiting).into_string(),
            "mine": mine_list(texts, &mine).into_string(),
            "waiting": waiting.len(),
        }))
        .into_response(),
        (Err(err), _) | (_, Err(err)) => desk_failure(texts, &signed, err),
    }
}

fn queue_table(texts: &Texts, signed: &Signed, waiting: &[QueueItem]) -> Markup {
    html! {
        p.count { (texts.with("console-agent-queue-count", &[("count", (waiting.len() as i64).into())])) }
        @if !waiting.is_empty() {
            table.queue.handoffs {
                caption.visually-hidden { (texts.t("console-agent-queue-heading")) }
                thead { tr {
                    th scope="col" { (texts.t("console-agent-position")) }
                    th scope="col" { (texts.t("console-waiting")) }
                    th scope="col" { (texts.t("console-agent-reason")) }
                    th scope="col" { (texts.t("console-agent-channel")) }
                    th scope="col" { (texts.t("console-agent-language")) }
                    th scope="col" { (texts.t("console-agent-last-question")) }
                    th scope="col" { span.visually-hidden { (texts.t("console-agent-take")) } }
                } }
                tbody {
                    @for item in waiting {
                        tr data-id=(item.handoff.id) {
                            td.position { (item.position) }
                            td { (texts.waited(0, item.waited_ms)) }
                            td { (texts.t(reason_message(item.handoff.reason))) }
                            td { (channel_name(texts, &item.handoff.channel)) }
                            td { (language_name(texts, &item.handoff.locale)) }
                            td.question { (last_student_line(&item.handoff).unwrap_or_default()) }
                            td {
                                form.inline method="post" action={ "/console/queue/" (item.handoff.id) "/take" } {
                                    input type="hidden" name="csrf" value=(signed.session.csrf);
                                    button.take type="submit" data-id=(item.handoff.id) {
                                        (texts.t("console-agent-take"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn mine_list(texts: &Texts, mine: &[HandoffRecord]) -> Markup {
    html! {
        @if mine.is_empty() {
            p { (texts.t("console-agent-mine-none")) }
        } @else {
            ul.mine {
                @for handoff in mine {
                    li {
                        a href={ "/console/conversations/" (handoff.id) } {
                            (last_student_line(handoff).unwrap_or_else(|| texts.t("console-agent-open")))
                        }
                        " · " (channel_name(texts, &handoff.channel))
                        " · " (language_name(texts, &handoff.locale))
                    }
                }
            }
        }
    }
}

pub(super) fn reason_message(reason: Reason) -> &'static str {
    match reason {
        Reason::Asked => "console-agent-reason-asked",
        Reason::DialogStep => "console-agent-reason-dialog-step",
        Reason::FailedInputs => "console-agent-reason-failed-inputs",
        Reason::Unanswered => "console-agent-reason-unanswered",
    }
}

pub(super) fn channel_name(texts: &Texts, channel: &str) -> String {
    match channel {
        "web" => texts.t("console-agent-channel-web"),
        "telegram" => texts.t("console-agent-channel-telegram"),
        "terminal" => texts.t("console-agent-channel-terminal"),
        other => other.to_string(),
    }
}

pub(super) fn language_name(texts: &Texts, tag: &str) -> String {
    match Locale::negotiate(tag) {
        Some(Locale::ZhCn) => texts.t("console-agent-language-zh"),
        Some(Locale::En) => texts.t("console-agent-language-en"),
        None => tag.to_string(),
    }
}

#[derive(serde::Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn csrf_field(
    form: Result<axum::Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> String {
    form.map(|axum::Form(form)| form.csrf).unwrap_or_default()
}

/// Takes a waiting conversation and opens it; the loser of a race is told who took it.
pub(super) async fn take(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<axum::Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Some(refused) = signed.csrf_refusal(&csrf_field(form), &headers) {
        return refused;
    }
    let texts = &signed.visit.texts;
    let agent = agent_of(&signed);
    match state.assistant.desk().take(&id, &agent).await {
        Ok(taken) => {
            if let Err(err) = audit(
                &state,
                &signed,
                AuditAction::HandoffTaken,
                &taken.conversation_id,
                Some(&id),
            )
            .await
            {
                return super::page::failure(texts, Some(&signed), &err);
            }
            Redirect::to(&format!("/console/conversations/{id}")).into_response()
        }
        Err(crate::assistant::DeskError::AlreadyTaken { by }) => notice(
            texts,
            &signed,
            StatusCode::CONFLICT,
            &texts.with("console-agent-taken-by", &[("name", by.into())]),
        ),
        Err(err) => desk_failure(texts, &signed, err),
    }
}

/// The console's script beats while a page is open (every 20 s; an agent counts as online for
/// `[handoff] agent_timeout_seconds` after the last beat).
pub(super) async fn presence(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = signed.csrf_refusal("", &headers) {
        return refused;
    }
    match state.assistant.desk().heartbeat(&agent_of(&signed)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => desk_failure(&signed.visit.texts, &signed, err),
    }
}

/// A beat from the server itself when a workspace page is served (before its script runs).
pub(super) async fn beat(state: &ConsoleState, signed: &Signed) {
    if let Err(error) = state.assistant.desk().heartbeat(&agent_of(signed)).await {
        tracing::warn!(%error, "console: presence not recorded");
    }
}
