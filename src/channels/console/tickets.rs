//! Tickets in the console, for agents and supervisors: the messages students left when nobody
//! could take them, oldest first (personal data masked, everything shown as text), one ticket with
//! the summary of where the student was, and the answer. The answer goes through the desk
//! (`Desk::answer_ticket`, under the staff member's display name), which pushes it to the
//! student's conversation; each answer is in the audit log. `helpbot tickets` stays for the
//! terminal.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleState;
use super::page::{self, ConsoleError, html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::{DeskError, MAX_AGENT_TEXT};
use crate::handoff::{Agent, Reason, Summary, Ticket};
use crate::staff::{AuditAction, AuditEntry};

/// Characters of a ticket's message shown in the list.
const PREVIEW_CHARS: usize = 80;

fn reason_message(reason: Reason) -> &'static str {
    match reason {
        Reason::Asked => "console-tickets-reason-asked",
        Reason::DialogStep => "console-tickets-reason-dialog-step",
        Reason::FailedInputs => "console-tickets-reason-failed-inputs",
        Reason::Unanswered => "console-tickets-reason-unanswered",
    }
}

fn preview(text: &str) -> String {
    let masked = crate::pii::mask(text);
    let mut shown: String = masked.chars().take(PREVIEW_CHARS).collect();
    if masked.chars().count() > PREVIEW_CHARS {
        shown.push('…');
    }
    shown
}

/// A page that says one thing about tickets, with the way back to them.
fn notice(texts: &Texts, signed: &Signed, status: StatusCode, message: &str) -> Response {
    let text = texts.t(message);
    html_response(
        status,
        layout(
            texts,
            Some(signed),
            &text,
            html! { p { a href="/console/tickets" { (texts.t("console-tickets-back")) } } },
        ),
    )
}

/// The ticket, or the page saying there is none (or what went wrong).
async fn find(state: &ConsoleState, signed: &Signed, id: &str) -> Result<Ticket, Response> {
    let texts = &signed.visit.texts;
    match state.assistant.desk().ticket(id).await {
        Ok(ticket) => Ok(ticket),
        Err(DeskError::UnknownTicket(_)) => Err(notice(
            texts,
            signed,
            StatusCode::NOT_FOUND,
            "console-tickets-unknown",
        )),
        Err(err) => Err(page::failure(texts, Some(signed), &err.into())),
    }
}

/// The open tickets, oldest first.
pub(super) async fn list(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    let open = match state.assistant.desk().tickets(true).await {
        Ok(open) => open,
        Err(err) => return page::failure(texts, Some(&signed), &ConsoleError::from(err)),
    };
    let now = crate::store::now_ms();
    let body = html! {
        @if open.is_empty() {
            p #tickets-empty { (texts.t("console-tickets-empty")) }
        } @else {
            p { (texts.with("console-tickets-count", &[("count", (open.len() as i64).into())])) }
            table.queue #tickets {
                caption.visually-hidden { (texts.t("console-tickets-title")) }
                thead { tr {
                    th scope="col" { (texts.t("console-tickets-left")) }
                    th scope="col" { (texts.t("console-waiting")) }
                    th scope="col" { (texts.t("console-tickets-reason")) }
                    th scope="col" { (texts.t("console-tickets-channel")) }
                    th scope="col" { (texts.t("console-tickets-message")) }
                    th scope="col" { span.visually-hidden { (texts.t("console-tickets-open")) } }
                } }
                tbody {
                    @for ticket in &open {
                        tr {
                            td { (texts.time(ticket.created_at)) }
                            td { (texts.waited(ticket.created_at, now)) }
                            td { (texts.t(reason_message(ticket.reason))) }
                            td.mono { (ticket.channel) " · " (ticket.locale) }
                            td.message { (preview(&ticket.message)) }
                            td { a href={ "/console/tickets/" (ticket.id) } { (texts.t("console-tickets-open")) } }
                        }
                    }
                }
            }
        }
    };
    let title = texts.t("console-tickets-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

/// One ticket: the message, where the student was, and the answer form (or the answer).
pub(super) async fn ticket(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let texts = &signed.visit.texts;
    let ticket = match find(&state, &signed, &id).await {
        Ok(ticket) => ticket,
        Err(refused) => return refused,
    };
    let now = crate::store::now_ms();
    let body = html! {
        div.review-grid {
            div {
                dl.facts {
                    dt { (texts.t("console-tickets-left")) }
                    dd { (texts.time(ticket.created_at)) " (" (texts.waited(ticket.created_at, now)) ")" }
                    dt { (texts.t("console-tickets-reason")) }
                    dd { (texts.t(reason_message(ticket.reason))) }
                    dt { (texts.t("console-tickets-channel")) }
                    dd.mono { (ticket.channel) " · " (ticket.locale) }
                }
                section aria-labelledby="message-heading" {
                    h2 #message-heading { (texts.t("console-tickets-message")) }
                    blockquote.message #ticket-message { (crate::pii::mask(&ticket.message)) }
                }
                (summary(texts, &ticket.summary))
            }
            div { (answer_part(texts, &signed, &ticket)) }
        }
        p { a href="/console/tickets" { (texts.t("console-tickets-back")) } }
    };
    let title = texts.t("console-tickets-ticket-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

fn summary(texts: &Texts, summary: &Summary) -> Markup {
    html! {
        section aria-labelledby="summary-heading" {
            h2 #summary-heading { (texts.t("console-tickets-summary")) }
            @if let (Some(dialog), Some(step)) = (&summary.dialog, &summary.step) {
                p { (texts.with("console-tickets-dialog", &[("dialog", dialog.clone().into()), ("step", step.clone().into())])) }
            }
            @if !summary.slots.is_empty() {
                dl.facts {
                    @for (name, value) in &summary.slots {
                        dt.mono { (name) }
                        dd { (value) }
                    }
                }
            }
            @if summary.lines.is_empty() {
                p { (texts.t("console-tickets-no-lines")) }
            } @else {
                ol.lines {
                    @for line in &summary.lines {
                        li { span.from { (line.from) } ": " (crate::pii::mask(&line.text)) }
                    }
                }
            }
        }
    }
}

fn answer_part(texts: &Texts, signed: &Signed, ticket: &Ticket) -> Markup {
    match (&ticket.answer, ticket.answered_at) {
        (Some(answer), Some(at)) => html! {
            section aria-labelledby="answer-heading" {
                h2 #answer-heading { (texts.t("console-tickets-answered-heading")) }
                p { (texts.with("console-tickets-answered-by", &[
                    ("name", ticket.answered_by_name.clone().unwrap_or_default().into()),
                    ("time", texts.time(at).into()),
                ])) }
                blockquote.message #ticket-answer { (answer) }
            }
        },
        _ => html! {
            section.decide aria-labelledby="answer-heading" {
                h2 #answer-heading { (texts.t("console-tickets-answer-heading")) }
                form method="post" action={ "/console/tickets/" (ticket.id) "/answer" } {
                    input type="hidden" name="csrf" value=(signed.session.csrf);
                    label for="answer-text" { (texts.t("console-tickets-answer-label")) }
                    textarea #answer-text name="text" rows="6" maxlength=(MAX_AGENT_TEXT) required {}
                    p.hint { (texts.with("console-tickets-answer-hint", &[("name", signed.session.member.display_name.clone().into())])) }
                    button #send-answer type="submit" { (texts.t("console-tickets-send")) }
                }
            }
        },
    }
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// Answers a ticket: the desk records it once and pushes it to the student's conversation.
pub(super) async fn answer(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<AnswerForm>, FormRejection>,
) -> Response {
    let texts = &signed.visit.texts;
    let Ok(Form(form)) = form else {
        return notice(texts, &signed, StatusCode::BAD_REQUEST, "console-bad-form");
    };
    if let Some(refused) = signed.csrf_refusal(&form.csrf, &headers) {
        return refused;
    }
    let ticket = match find(&state, &signed, &id).await {
        Ok(ticket) => ticket,
        Err(refused) => return refused,
    };
    let desk = state.assistant.desk();
    let member = &signed.session.member;
    let agent = Agent::new(member.id.clone(), member.display_name.clone());
    let refusal = match desk.answer_ticket(&id, &agent, &form.text).await {
        Ok(()) => None,
        Err(DeskError::EmptyText) => Some((StatusCode::BAD_REQUEST, "console-tickets-empty-text")),
        Err(DeskError::TooLong) => Some((StatusCode::BAD_REQUEST, "console-tickets-too-long")),
        Err(DeskError::TicketAnswered(_)) => {
            Some((StatusCode::CONFLICT, "console-tickets-already"))
        }
        Err(DeskError::UnknownTicket(_)) => {
            Some((StatusCode::NOT_FOUND, "console-tickets-unknown"))
        }
        Err(err) => return page::failure(texts, Some(&signed), &ConsoleError::from(err)),
    };
    if let Some((status, message)) = refusal {
        return notice(texts, &signed, status, message);
    }
    let detail = format!("ticket {id}");
    let audited = state
        .staff
        .audit(AuditEntry {
            conversation_id: Some(&ticket.conversation_id),
            address: Some(&signed.visit.address),
            detail: Some(&detail),
            ..AuditEntry::new(Some(&member.id), AuditAction::TicketAnswered)
        })
        .await;
    if let Err(err) = audited {
        return page::failure(texts, Some(&signed), &err.into());
    }
    tracing::info!(staff = %member.name, ticket = %id, "console: ticket answered");
    let body = html! {
        p role="status" { (texts.t("console-tickets-sent")) }
        p { a #next href="/console/tickets" { (texts.t("console-tickets-back")) } }
    };
    let title = texts.t("console-tickets-sent-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}
