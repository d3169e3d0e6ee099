//! One handed-over conversation in the console, for the agent who owns it (anyone else gets 403
//! and nothing of it: take it from the queue first). What the agent reads: the summary (dialog,
//! step, slots, all masked as the desk stored them), the whole history including the bot's part,
//! and the internal notes; what the agent does: reply (pushed to the student at once by the
//! desk), pick a canned reply from the knowledge base while typing (in the conversation's
//! language; it lands in the reply box, editable), write a note students never see, transfer to
//! another agent online, hand back to the bot (optionally straight into a dialog) and close (the
//! student is then asked for a rating). Every action is a POST with the CSRF token and goes into
//! the audit log.
//!
//! Personal data is masked (`pii::mask`: ID numbers, phones, e-mails) in everything shown. The
//! summary keeps only masked values, so what can be revealed is what is stored unmasked: the
//! student's own message in the history. The owner may reveal one message at a time (a POST,
//! audited with the message's id); the revealed text is in that one response only.
//!
//! The page's script asks `…/live?after=ID` every 1.5 seconds for the messages after the last
//! one shown (from the table, so a reply written on another instance shows too) and fills the
//! canned replies from `…/canned?q=` as the agent types.

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::ConsoleState;
use super::page::{self, ConsoleError, html_response, layout};
use super::queue::{beat, channel_name, language_name, reason_message};
use super::session::Signed;
use super::texts::Texts;
use crate::assistant::{DeskError, MAX_AGENT_TEXT};
use crate::handoff::queue::Note;
use crate::handoff::{Agent, HandoffRecord, Status};
use crate::locale::Locale;
use crate::message::BotMessage;
use crate::pii;
use crate::staff::{AuditAction, AuditEntry};
use crate::store::{Sender, StoredMessage};

/// Canned replies offered at most.
const CANNED_SHOWN: usize = 5;

/// The signed-in staff member as the desk knows an agent.
pub(super) fn agent_of(signed: &Signed) -> Agent {
    Agent::new(
        signed.session.member.id.clone(),
        signed.session.member.display_name.clone(),
    )
}

/// One audit line about a handoff.
pub(super) async fn audit(
    state: &ConsoleState,
    signed: &Signed,
    action: AuditAction,
    conversation: &str,
    detail: Option<&str>,
) -> Result<(), ConsoleError> {
    state
        .staff
        .audit(AuditEntry {
            conversation_id: Some(conversation),
            address: Some(&signed.visit.address),
            detail,
            ..AuditEntry::new(Some(&signed.session.member.id), action)
        })
        .await?;
    Ok(())
}

/// A page that says `text`, with the way back to the queue.
pub(super) fn notice(texts: &Texts, signed: &Signed, status: StatusCode, text: &str) -> Response {
    html_response(
        status,
        layout(
            texts,
            Some(signed),
            text,
            html! { p { a href="/console/queue" { (texts.t("console-agent-back-to-queue")) } } },
        ),
    )
}

/// The desk's refusal in the agent's words, or the failure page for what went wrong behind it.
pub(super) fn desk_failure(texts: &Texts, signed: &Signed, err: DeskError) -> Response {
    let (status, text) = match err {
        DeskError::Core(core) => return page::failure(texts, Some(signed), &core.into()),
        DeskError::UnknownHandoff(_) => (StatusCode::NOT_FOUND, texts.t("console-not-found")),
        DeskError::AlreadyTaken { by } => (
            StatusCode::CONFLICT,
            texts.with("console-agent-taken-by", &[("name", by.into())]),
        ),
        DeskError::NotWaiting(_) => (StatusCode::CONFLICT, texts.t("console-agent-not-waiting")),
        DeskError::NotYours => (StatusCode::FORBIDDEN, texts.t("console-agent-not-yours")),
        DeskError::EmptyText => (StatusCode::BAD_REQUEST, texts.t("console-agent-empty-text")),
        DeskError::TooLong => (
            StatusCode::BAD_REQUEST,
            texts.with(
                "console-agent-text-too-long",
                &[("max", (MAX_AGENT_TEXT as i64).into())],
            ),
        ),
        DeskError::UnknownDialog(_) => (
            StatusCode::BAD_REQUEST,
            texts.t("console-agent-unknown-dialog"),
        ),
        DeskError::AgentOffline(name) => (
            StatusCode::CONFLICT,
            texts.with("console-agent-offline", &[("name", name.into())]),
        ),
        DeskError::UnknownTicket(_) | DeskError::TicketAnswered(_) => {
            (StatusCode::NOT_FOUND, texts.t("console-not-found"))
        }
    };
    notice(texts, signed, status, &text)
}

/// The student's last line in the summary (masked when it was stored).
pub(super) fn last_student_line(handoff: &HandoffRecord) -> Option<String> {
    handoff
        .summary
        .lines
        .iter()
        .rev()
        .find(|line| line.from == "student")
        .map(|line| line.text.clone())
}

/// The handoff, if the signed-in agent owns it; otherwise the refusal (403 for someone else's,
/// waiting or ended conversation, 404 for none) with nothing of the conversation in it.
async fn owned(state: &ConsoleState, signed: &Signed, id: &str) -> Result<HandoffRecord, Response> {
    let texts = &signed.visit.texts;
    let handoff = match state.assistant.desk().handoff(id).await {
        Ok(handoff) => handoff,
        Err(err) => return Err(desk_failure(texts, signed, err)),
    };
    if handoff.owned_by(&signed.session.member.id) {
        Ok(handoff)
    } else {
        let text = match handoff.status {
            Status::Waiting => texts.t("console-agent-take-first"),
            _ => texts.t("console-agent-not-yours"),
        };
        Err(notice(texts, signed, StatusCode::FORBIDDEN, &text))
    }
}

/// The conversation view.
pub(super) async fn view(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let handoff = match owned(&state, &signed, &id).await {
        Ok(handoff) => handoff,
        Err(refused) => return refused,
    };
    beat(&state, &signed).await;
    if let Err(err) = audit(
        &state,
        &signed,
        AuditAction::HandoffOpened,
        &handoff.conversation_id,
        Some(&id),
    )
    .await
    {
        return page::failure(&signed.visit.texts, Some(&signed), &err);
    }
    conversation_page(&state, &signed, &handoff, None).await
}

async fn conversation_page(
    state: &ConsoleState,
    signed: &Signed,
    handoff: &HandoffRecord,
    revealed: Option<i64>,
) -> Response {
    let texts = &signed.visit.texts;
    let desk = state.assistant.desk();
    let (history, notes, online) = match (
        desk.history(&handoff.id).await,
        desk.notes(&handoff.id).await,
        desk.online().await,
    ) {
        (Ok(history), Ok(notes), Ok(online)) => (history, notes, online),
        (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => {
            return desk_failure(texts, signed, err);
        }
    };
    // Notes name their authors by display name (the staff list is short).
    let authors: std::collections::HashMap<String, String> = match state.staff.list().await {
        Ok(members) => members
            .into_iter()
            .map(|member| (member.id, member.display_name))
            .collect(),
        Err(err) => return page::failure(texts, Some(signed), &err.into()),
    };
    let others: Vec<_> = online
        .into_iter()
        .filter(|agent| agent.staff_id != signed.session.member.id)
        .collect();
    let last = history.last().map_or(0, |message| message.id);
    let base = format!("/console/conversations/{}", handoff.id);
    let csrf = &signed.session.csrf;
    let dialogs = &state.assistant.content().dialogs;
    let now = crate::store::now_ms();
    let body = html! {
        div.workspace {
            div.talk {
                section aria-labelledby="history-heading" {
                    h2 #history-heading { (texts.t("console-agent-history")) }
                    ol #history .history data-live={ (base) "/live" } data-last=(last) aria-live="polite" {
                        (history_items(texts, &history, revealed, &base, csrf))
                    }
                    p #ended .problem role="status" hidden {}
                }
                section #reply-section aria-labelledby="reply-heading" {
                    h2 #reply-heading { (texts.t("console-agent-reply-heading")) }
                    form #reply-form method="post" action={ (base) "/reply" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="reply" { (texts.t("console-agent-reply-label")) }
                        textarea #reply name="text" rows="3" maxlength=(MAX_AGENT_TEXT) required autofocus {}
                        button #send type="submit" { (texts.t("console-agent-send")) }
                    }
                }
            }
            aside.side {
                section aria-labelledby="summary-heading" {
                    h2 #summary-heading { (texts.t("console-agent-summary")) }
                    (summary(texts, handoff, now))
                }
                section aria-labelledby="canned-heading" {
                    h2 #canned-heading { (texts.t("console-agent-canned-heading")) }
                    div.canned {
                        label for="canned-search" { (texts.t("console-agent-canned-label")) }
                        input #canned-search type="search" autocomplete="off"
                            data-source={ (base) "/canned" } maxlength="200";
                        p.hint { (texts.t("console-agent-canned-hint")) }
                        ul #canned-results .canned-results aria-live="polite" {}
                    }
                }
                section #notes aria-labelledby="notes-heading" {
                    h2 #notes-heading { (texts.t("console-agent-notes")) }
                    p.hint { (texts.t("console-agent-notes-hint")) }
                    (notes_list(texts, &notes, &authors))
                    form method="post" action={ (base) "/note" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="note" { (texts.t("console-agent-note-label")) }
                        textarea #note name="text" rows="2" maxlength=(MAX_AGENT_TEXT) required {}
                        button type="submit" { (texts.t("console-agent-add-note")) }
                    }
                }
                section aria-labelledby="actions-heading" {
                    h2 #actions-heading { (texts.t("console-agent-actions")) }
                    form method="post" action={ (base) "/transfer" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="transfer-to" { (texts.t("console-agent-transfer-to")) }
                        @if others.is_empty() {
                            p.hint { (texts.t("console-agent-nobody-to-transfer")) }
                        } @else {
                            select #transfer-to name="to" {
                                @for agent in &others {
                                    option value=(agent.staff_id) { (agent.display_name) }
                                }
                            }
                            button type="submit" { (texts.t("console-agent-transfer")) }
                        }
                    }
                    form method="post" action={ (base) "/hand-back" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="hand-back-dialog" { (texts.t("console-agent-hand-back-into")) }
                        select #hand-back-dialog name="dialog" {
                            option value="" { (texts.t("console-agent-no-dialog")) }
                            @for (name, dialog) in &dialogs.by_name {
                                option value=(name) { (texts.t(&dialog.title)) }
                            }
                        }
                        button type="submit" { (texts.t("console-agent-hand-back")) }
                    }
                    form method="post" action={ (base) "/close" } {
                        input type="hidden" name="csrf" value=(csrf);
                        p.hint { (texts.t("console-agent-close-hint")) }
                        button #close type="submit" { (texts.t("console-agent-close")) }
                    }
                }
            }
        }
    };
    let title = texts.t("console-agent-conversation-title");
    html_response(StatusCode::OK, layout(texts, Some(signed), &title, body))
}

fn summary(texts: &Texts, handoff: &HandoffRecord, now: i64) -> Markup {
    let summary = &handoff.summary;
    html! {
        dl.facts {
            dt { (texts.t("console-agent-reason")) }
            dd { (texts.t(reason_message(handoff.reason))) }
            dt { (texts.t("console-agent-channel")) }
            dd { (channel_name(texts, &handoff.channel)) }
            dt { (texts.t("console-agent-language")) }
            dd { (language_name(texts, &handoff.locale)) }
            dt { (texts.t("console-agent-asked-at")) }
            dd { (texts.time(handoff.created_at)) " (" (texts.waited(handoff.created_at, now)) ")" }
            @if let Some(dialog) = &summary.dialog {
                dt { (texts.t("console-agent-dialog")) }
                dd { (dialog) @if let Some(step) = &summary.step { " · " (step) } }
            }
            @for (slot, value) in &summary.slots {
                dt.mono { (slot) }
                dd.mono { (value) }
            }
        }
        @if !summary.lines.is_empty() {
            h3 { (texts.t("console-agent-summary-lines")) }
            ul.summary-lines {
                @for line in &summary.lines {
                    li { span.from { (who_in_summary(texts, &line.from)) } " " (line.text) }
                }
            }
        }
    }
}

fn who_in_summary(texts: &Texts, from: &str) -> String {
    match from {
        "student" => texts.t("console-agent-from-student"),
        "agent" => texts.t("console-agent-from-agent"),
        _ => texts.t("console-agent-from-bot"),
    }
}

fn notes_list(
    texts: &Texts,
    notes: &[Note],
    authors: &std::collections::HashMap<String, String>,
) -> Markup {
    html! {
        @if notes.is_empty() {
            p { (texts.t("console-agent-no-notes")) }
        } @else {
            ul.notes {
                @for note in notes {
                    li {
                        span.author { (authors.get(&note.staff_id).map_or("?", String::as_str)) }
                        " " span.when { (texts.time(note.created_at)) }
                        br;
                        (pii::mask(&note.body))
                    }
                }
            }
        }
    }
}

/// Messages as list items: who, when, the text masked (the revealed one unmasked).
fn history_items(
    texts: &Texts,
    messages: &[StoredMessage],
    revealed: Option<i64>,
    base: &str,
    csrf: &str,
) -> Markup {
    html! {
        @for message in messages {
            @let (class, who, text, buttons) = shown(texts, message);
            @let masked = pii::mask(&text);
            li class=(class) id={ "m" (message.id) } {
                span.author { (who) }
                " "
                span.when { (texts.time(message.created_at)) }
                @if revealed == Some(message.id) {
                    p.text.revealed { (text) }
                    p.hint { (texts.t("console-agent-revealed")) }
                } @else {
                    p.text { (masked) }
                    // Only what the student wrote is stored unmasked and worth revealing.
                    @if message.sender == Sender::User && masked != text.as_str() {
                        form.inline.reveal method="post" action={ (base) "/reveal" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="message" value=(message.id);
                            button.link type="submit" { (texts.t("console-agent-reveal")) }
                        }
                    }
                }
                @if !buttons.is_empty() {
                    p.buttons { @for label in &buttons { span.chip { (label) } } }
                }
            }
        }
    }
}

/// A stored message as the agent sees it: its class, who wrote it, its text, its buttons.
fn shown(texts: &Texts, message: &StoredMessage) -> (&'static str, String, String, Vec<String>) {
    match message.sender {
        Sender::User => (
            "from-student",
            texts.t("console-agent-from-student"),
            message.body.clone(),
            Vec::new(),
        ),
        Sender::Bot => match serde_json::from_str::<BotMessage>(&message.body) {
            Ok(bot) => {
                let buttons = bot.buttons.into_iter().map(|b| b.label).collect();
                match bot.sender {
                    Some(person) => (
                        "from-agent",
                        texts.with("console-agent-from-person", &[("name", person.name.into())]),
                        bot.text,
                        buttons,
                    ),
                    None => (
                        "from-bot",
                        texts.t("console-agent-from-bot"),
                        bot.text,
                        buttons,
                    ),
                }
            }
            Err(_) => (
                "from-bot",
                texts.t("console-agent-from-bot"),
                message.body.clone(),
                Vec::new(),
            ),
        },
    }
}

#[derive(Deserialize)]
pub(super) struct After {
    #[serde(default)]
    after: i64,
}

/// The messages after `after` (for the page's script), or that the conversation is no longer
/// the agent's.
pub(super) async fn live(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(query): Query<After>,
) -> Response {
    let texts = &signed.visit.texts;
    let handoff = match state.assistant.desk().handoff(&id).await {
        Ok(handoff) => handoff,
        Err(err) => return desk_failure(texts, &signed, err),
    };
    if !handoff.owned_by(&signed.session.member.id) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "ended": texts.t("console-agent-no-longer-yours") })),
        )
            .into_response();
    }
    match state.assistant.desk().history(&id).await {
        Ok(history) => {
            let new: Vec<StoredMessage> = history
                .into_iter()
                .filter(|message| message.id > query.after)
                .collect();
            let last = new.last().map_or(query.after, |message| message.id);
            let base = format!("/console/conversations/{id}");
            let html = history_items(texts, &new, None, &base, &signed.session.csrf);
            Json(json!({ "html": html.into_string(), "last": last })).into_response()
        }
        Err(err) => desk_failure(texts, &signed, err),
    }
}

#[derive(Deserialize)]
pub(super) struct CannedQuery {
    #[serde(default)]
    q: String,
}

/// Knowledge answers matching what the agent types, in the conversation's language.
pub(super) async fn canned(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(query): Query<CannedQuery>,
) -> Response {
    let handoff = match owned(&state, &signed, &id).await {
        Ok(handoff) => handoff,
        Err(refused) => return refused,
    };
    let locale = match state
        .assistant
        .conversation_locale(&handoff.conversation_id)
        .await
    {
        Ok(Some(locale)) => locale,
        _ => Locale::negotiate(&handoff.locale).unwrap_or(signed.visit.texts.locale),
    };
    let content = state.assistant.content();
    let replies: Vec<_> = state
        .assistant
        .answerer()
        .suggest_titles(&query.q, locale)
        .into_iter()
        .filter_map(|(entry_id, title)| {
            let entry = content.knowledge.entry(&entry_id)?;
            Some(json!({ "title": title, "text": entry.localized(locale).answer }))
        })
        .take(CANNED_SHOWN)
        .collect();
    Json(json!({ "replies": replies })).into_response()
}

#[derive(Deserialize, Default)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    dialog: String,
    #[serde(default)]
    message: String,
}

/// The action's form, when its CSRF token is right and the agent owns the conversation.
async fn checked(
    state: &ConsoleState,
    signed: &Signed,
    headers: &HeaderMap,
    id: &str,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<(HandoffRecord, ActionForm), Response> {
    // An unreadable form is one without its token: refused below like any other.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    if let Some(refused) = signed.csrf_refusal(&form.csrf, headers) {
        return Err(refused);
    }
    let handoff = owned(state, signed, id).await?;
    Ok((handoff, form))
}

/// After an action: its audit line, then `done`.
async fn audited(
    state: &ConsoleState,
    signed: &Signed,
    action: AuditAction,
    handoff: &HandoffRecord,
    detail: Option<&str>,
    done: Response,
) -> Response {
    match audit(state, signed, action, &handoff.conversation_id, detail).await {
        Ok(()) => done,
        Err(err) => page::failure(&signed.visit.texts, Some(signed), &err),
    }
}

/// The end of a desk action: audited (with `detail`) and answered by `done` when it worked, else
/// the desk's refusal.
async fn concluded(
    state: &ConsoleState,
    signed: &Signed,
    handoff: &HandoffRecord,
    outcome: Result<(), DeskError>,
    (action, detail): (AuditAction, &str),
    done: impl FnOnce() -> Response,
) -> Response {
    match outcome {
        Ok(()) => audited(state, signed, action, handoff, Some(detail), done()).await,
        Err(err) => desk_failure(&signed.visit.texts, signed, err),
    }
}

pub(super) async fn reply(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, form) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let outcome = state
        .assistant
        .desk()
        .reply(&id, &agent_of(&signed), &form.text)
        .await;
    let back = format!("/console/conversations/{id}");
    let done = || Redirect::to(&back).into_response();
    let audit = (AuditAction::HandoffReplied, id.as_str());
    concluded(&state, &signed, &handoff, outcome, audit, done).await
}

pub(super) async fn note(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, form) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let outcome = state
        .assistant
        .desk()
        .note(&id, &agent_of(&signed), &form.text)
        .await;
    let back = format!("/console/conversations/{id}#notes");
    let done = || Redirect::to(&back).into_response();
    let audit = (AuditAction::HandoffNoted, id.as_str());
    concluded(&state, &signed, &handoff, outcome, audit, done).await
}

pub(super) async fn transfer(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, form) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let texts = &signed.visit.texts;
    let desk = state.assistant.desk();
    let target = match desk.online().await {
        Ok(online) => online.into_iter().find(|agent| agent.staff_id == form.to),
        Err(err) => return desk_failure(texts, &signed, err),
    };
    let Some(target) = target.filter(|agent| agent.staff_id != signed.session.member.id) else {
        return notice(
            texts,
            &signed,
            StatusCode::BAD_REQUEST,
            &texts.t("console-agent-transfer-unknown"),
        );
    };
    let to = Agent::new(target.staff_id, target.display_name.clone());
    let outcome = desk.transfer(&id, &agent_of(&signed), &to).await;
    let detail = format!("{id} → {}", to.staff_id);
    let done = || {
        let name = target.display_name.clone();
        let said = texts.with("console-agent-transferred", &[("name", name.into())]);
        notice(texts, &signed, StatusCode::OK, &said)
    };
    let audit = (AuditAction::HandoffTransferred, detail.as_str());
    concluded(&state, &signed, &handoff, outcome, audit, done).await
}

pub(super) async fn hand_back(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, form) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let texts = &signed.visit.texts;
    let dialog = Some(form.dialog.trim()).filter(|name| !name.is_empty());
    let outcome = state
        .assistant
        .desk()
        .hand_back(&id, &agent_of(&signed), dialog)
        .await;
    let detail = match dialog {
        Some(name) => format!("{id} → {name}"),
        None => id.clone(),
    };
    let said = texts.t("console-agent-handed-back");
    let done = || notice(texts, &signed, StatusCode::OK, &said);
    let audit = (AuditAction::HandoffHandedBack, detail.as_str());
    concluded(&state, &signed, &handoff, outcome, audit, done).await
}

pub(super) async fn close(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, _) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let texts = &signed.visit.texts;
    let outcome = state.assistant.desk().close(&id, &agent_of(&signed)).await;
    let said = texts.t("console-agent-closed");
    let done = || notice(texts, &signed, StatusCode::OK, &said);
    let audit = (AuditAction::HandoffClosed, id.as_str());
    concluded(&state, &signed, &handoff, outcome, audit, done).await
}

/// Shows one of the student's messages unmasked, to the owner, audited.
pub(super) async fn reveal(
    State(state): State<ConsoleState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let (handoff, form) = match checked(&state, &signed, &headers, &id, form).await {
        Ok(checked) => checked,
        Err(refused) => return refused,
    };
    let texts = &signed.visit.texts;
    let history = match state.assistant.desk().history(&id).await {
        Ok(history) => history,
        Err(err) => return desk_failure(texts, &signed, err),
    };
    let Some(message) = form
        .message
        .parse::<i64>()
        .ok()
        .and_then(|wanted| history.iter().find(|message| message.id == wanted))
        .filter(|message| message.sender == Sender::User)
    else {
        return notice(
            texts,
            &signed,
            StatusCode::BAD_REQUEST,
            &texts.t("console-agent-nothing-to-reveal"),
        );
    };
    let detail = format!("{id} message {}", message.id);
    if let Err(err) = audit(
        &state,
        &signed,
        AuditAction::HandoffRevealed,
        &handoff.conversation_id,
        Some(&detail),
    )
    .await
    {
        return page::failure(texts, Some(&signed), &err);
    }
    conversation_page(&state, &signed, &handoff, Some(message.id)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::Reason;
    use crate::handoff::summary::{Line, Summary};

    fn handoff(lines: &[(&str, &str)]) -> HandoffRecord {
        HandoffRecord {
            id: "h".into(),
            conversation_id: "c".into(),
            channel: "web".into(),
            locale: "zh-CN".into(),
            reason: Reason::Asked,
            summary: Summary {
                lines: lines
                    .iter()
                    .map(|(from, text)| Line {
                        from: from.to_string(),
                        text: text.to_string(),
                    })
                    .collect(),
                ..Summary::default()
            },
            status: Status::Waiting,
            owner_id: None,
            owner_name: None,
            told_position: 0,
            created_at: 0,
            taken_at: None,
            ended_at: None,
            rating: None,
            rating_comment: None,
        }
    }

    #[test]
    fn the_queue_shows_the_students_last_line_not_the_bots() {
        let asked = handoff(&[("student", "忘记用户名"), ("bot", "请点找回用户名")]);
        assert_eq!(last_student_line(&asked).as_deref(), Some("忘记用户名"));
        assert_eq!(last_student_line(&handoff(&[("bot", "您好")])), None);
    }
}
