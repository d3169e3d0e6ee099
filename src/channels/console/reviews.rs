//! Photo reviews in the console: the queue of reviews waiting (personal data masked), one review
//! with both photos and what an approval would deactivate, and the decision (approve, or reject
//! with a reason from the list or typed). Photos are served only to signed-in staff, under the
//! review's random id, never cached. Decisions go through the assistant (the account store
//! decides, the student is told in the chat), and every look and decision is in the audit log.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::ConsoleState;
use super::page::{self, ConsoleError, html_response, layout};
use super::session::Signed;
use super::texts::Texts;
use crate::accounts::{AccountState, ReviewStatus, ReviewSubject, StaffDecision};
use crate::staff::{AuditAction, AuditEntry};

/// Reviews listed at most.
const QUEUE_LIMIT: i64 = 200;

/// The reasons offered for a rejection: the form's value and the message id of its text.
const REASONS: &[(&str, &str)] = &[
    ("blurry", "console-reason-blurry"),
    ("not-handheld", "console-reason-not-handheld"),
    ("mismatch", "console-reason-mismatch"),
    ("incomplete", "console-reason-incomplete"),
];

/// The queue, oldest first.
pub(super) async fn queue(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    match waiting(&state).await {
        Ok(subjects) => {
            let now = crate::store::now_ms();
            let body = html! {
                @if subjects.is_empty() {
                    p { (texts.t("console-reviews-empty")) }
                } @else {
                    p { (texts.with("console-reviews-count", &[("count", (subjects.len() as i64).into())])) }
                    table.queue {
                        caption.visually-hidden { (texts.t("console-reviews-title")) }
                        thead { tr {
                            th scope="col" { (texts.t("console-submitted")) }
                            th scope="col" { (texts.t("console-waiting")) }
                            th scope="col" { (texts.t("console-account")) }
                            th scope="col" { (texts.t("console-real-name")) }
                            th scope="col" { (texts.t("console-id-number")) }
                            th scope="col" { span.visually-hidden { (texts.t("console-open-review")) } }
                        } }
                        tbody {
                            @for subject in &subjects {
                                tr {
                                    td { (texts.time(subject.review.created_at)) }
                                    td { (texts.waited(subject.review.created_at, now)) }
                                    td.mono { (subject.account.masked_username) }
                                    td { (subject.masked_name) }
                                    td.mono { (subject.masked_id_number) }
                                    td { a href={ "/console/reviews/" (subject.review.id) } {
                                        (texts.t("console-open-review"))
                                    } }
                                }
                            }
                        }
                    }
                }
            };
            let title = texts.t("console-reviews-title");
            html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
        }
        Err(err) => page::failure(texts, Some(&signed), &err),
    }
}

async fn waiting(state: &ConsoleState) -> Result<Vec<ReviewSubject>, ConsoleError> {
    let accounts = state.assistant.accounts();
    let mut subjects = Vec::new();
    for review in accounts.pending_reviews(QUEUE_LIMIT).await? {
        subjects.push(accounts.review_subject(&review.id).await?);
    }
    Ok(subjects)
}

/// One review: who it is (masked), both photos, and the decision forms while it waits.
pub(super) async fn review(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let texts = &signed.visit.texts;
    let subject = match state.assistant.accounts().review_subject(&id).await {
        Ok(subject) => subject,
        Err(err) => return page::failure(texts, Some(&signed), &err.into()),
    };
    if let Err(err) = audit(&state, &signed, AuditAction::ReviewOpened, &id, None).await {
        return page::failure(texts, Some(&signed), &err);
    }
    // A decided review's photos are deleted after `[retention] photo_days`: say so rather than
    // show broken images. (A waiting review's photos are always kept.)
    let purged = subject.review.status != ReviewStatus::Pending
        && state
            .assistant
            .accounts()
            .review_photos(&id)
            .await
            .is_ok_and(|photos| photos.is_empty());
    // Photos first and the decision beside the facts, so that a laptop screen shows what is
    // needed to decide with little scrolling.
    let body = html! {
        section aria-labelledby="photos-heading" {
            h2 #photos-heading .visually-hidden { (texts.t("console-photos")) }
            @if purged {
                p.status { (texts.t("console-photos-purged")) }
            } @else {
            div.photos {
                @for (side, label) in [("front", "console-photo-front"), ("back", "console-photo-back")] {
                    figure {
                        a href={ "/console/reviews/" (id) "/photos/" (side) } target="_blank" rel="noopener" {
                            img src={ "/console/reviews/" (id) "/photos/" (side) } alt=(texts.t(label));
                        }
                        figcaption { (texts.t(label)) }
                    }
                }
            }
            }
        }
        div.review-grid {
            div { (subject_details(texts, &subject)) }
            div {
                @match &subject.review.status {
                    ReviewStatus::Pending => (decision_forms(texts, &signed, &subject)),
                    ReviewStatus::Approved => p.status { (texts.t("console-review-was-approved")) },
                    ReviewStatus::Rejected { reason } => p.status {
                        (texts.with("console-review-was-rejected", &[("reason", reason.clone().into())]))
                    },
                }
            }
        }
    };
    let title = texts.t("console-review-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

fn state_message(state: AccountState) -> &'static str {
    match state {
        AccountState::Active => "console-state-active",
        AccountState::PendingVerification => "console-state-pending",
        AccountState::Deactivated => "console-state-deactivated",
    }
}

fn subject_details(texts: &Texts, subject: &ReviewSubject) -> Markup {
    let now = crate::store::now_ms();
    html! {
        dl.facts {
            dt { (texts.t("console-account")) }
            dd.mono { (subject.account.masked_username) " · " (texts.t(state_message(subject.account.state))) }
            dt { (texts.t("console-real-name")) }
            dd { (subject.masked_name) }
            dt { (texts.t("console-id-number")) }
            dd.mono { (subject.masked_id_number) }
            @if let Some(mobile) = &subject.account.masked_mobile {
                dt { (texts.t("console-mobile")) }
                dd.mono { (mobile) }
            }
            dt { (texts.t("console-submitted")) }
            dd { (texts.time(subject.review.created_at)) " (" (texts.waited(subject.review.created_at, now)) ")" }
        }
        section aria-labelledby="others-heading" {
            h2 #others-heading { (texts.t("console-same-id-heading")) }
            @if subject.same_id_number.is_empty() {
                p { (texts.t("console-same-id-none")) }
            } @else {
                p { (texts.t("console-same-id-intro")) }
                ul.others {
                    @for other in &subject.same_id_number {
                        li { span.mono { (other.masked_username) } " · " (texts.t(state_message(other.state))) }
                    }
                }
            }
        }
    }
}

fn decision_forms(texts: &Texts, signed: &Signed, subject: &ReviewSubject) -> Markup {
    let action = format!("/console/reviews/{}/decision", subject.review.id);
    html! {
        section.decide aria-labelledby="decide-heading" {
            h2 #decide-heading { (texts.t("console-decide")) }
            form.approve method="post" action=(action) {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                input type="hidden" name="decision" value="approve";
                p { (texts.t("console-approve-explained")) }
                button #approve type="submit" { (texts.t("console-approve")) }
            }
            form.reject method="post" action=(action) {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                input type="hidden" name="decision" value="reject";
                fieldset {
                    legend { (texts.t("console-reject-reason")) }
                    @for (value, message) in REASONS {
                        div.choice {
                            input type="radio" name="reason" value=(value) id={ "reason-" (value) };
                            label for={ "reason-" (value) } { (texts.t(message)) }
                        }
                    }
                    label for="reason-text" { (texts.t("console-reason-typed")) }
                    input #reason-text type="text" name="reason_text" maxlength="200";
                    p.hint { (texts.t("console-reason-hint")) }
                }
                button #reject type="submit" { (texts.t("console-reject")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_text: String,
}

/// Approves or rejects; the result page shows what changed (the accounts deactivated).
pub(super) async fn decide(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Response {
    let texts = &signed.visit.texts;
    let Ok(Form(form)) = form else {
        return page::message(
            texts,
            Some(&signed),
            StatusCode::BAD_REQUEST,
            "console-bad-form",
        );
    };
    if let Some(refused) = signed.csrf_refusal(&form.csrf, &headers) {
        return refused;
    }
    let decision = match form.decision.as_str() {
        "approve" => StaffDecision::Approve,
        "reject" => StaffDecision::Reject {
            reason: rejection_reason(&state, &form),
        },
        _ => {
            return page::message(
                texts,
                Some(&signed),
                StatusCode::BAD_REQUEST,
                "console-bad-form",
            );
        }
    };
    let reason = match &decision {
        StaffDecision::Reject { reason } => Some(reason.clone()),
        StaffDecision::Approve => None,
    };
    // As `helpbot review` decides: the account store records it, the student is told.
    let decided = crate::channels::staff::decide(
        &state.assistant,
        &id,
        &signed.session.member.name,
        decision,
    )
    .await;
    let decided = match decided {
        Ok(decided) => decided,
        Err(err) => return page::failure(texts, Some(&signed), &err.into()),
    };
    let deactivated = decided
        .activation
        .as_ref()
        .map(|activation| activation.deactivated.clone())
        .unwrap_or_default();
    let (action, detail) = match &reason {
        Some(reason) => (AuditAction::ReviewRejected, reason.clone()),
        None => (
            AuditAction::ReviewApproved,
            format!("deactivated: {}", deactivated.join(", ")),
        ),
    };
    if let Err(err) = audit(&state, &signed, action, &id, Some(&detail)).await {
        return page::failure(texts, Some(&signed), &err);
    }
    tracing::info!(staff = %signed.session.member.name, review = %id, decision = action.as_str(), "console: photo review decided");
    let account = match state
        .assistant
        .accounts()
        .account(&decided.account_id)
        .await
    {
        Ok(account) => account.masked_username,
        Err(err) => return page::failure(texts, Some(&signed), &err.into()),
    };
    let body = html! {
        @match &reason {
            Some(reason) => p role="status" {
                (texts.with("console-rejected-with", &[
                    ("account", account.clone().into()),
                    ("reason", reason.clone().into()),
                ]))
            },
            None => {
                p role="status" { (texts.with("console-approved-done", &[("account", account.clone().into())])) }
                @if deactivated.is_empty() {
                    p { (texts.t("console-deactivated-none")) }
                } @else {
                    p { (texts.t("console-deactivated-intro")) }
                    ul.others { @for username in &deactivated { li.mono { (username) } } }
                }
            },
        }
        p { (texts.t("console-student-told")) }
        p { a #next href="/console/reviews" { (texts.t("console-back-to-reviews")) } }
    };
    let title = texts.t(if reason.is_some() {
        "console-rejected-title"
    } else {
        "console-approved-title"
    });
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

/// The reason sent to the student: what was typed, else the chosen reason in the service's
/// language (students read it in the chat; the list is shown to staff in theirs). Empty when
/// neither: the account store refuses a rejection without a reason.
fn rejection_reason(state: &ConsoleState, form: &DecisionForm) -> String {
    let typed = form.reason_text.trim();
    if !typed.is_empty() {
        return typed.chars().take(200).collect();
    }
    REASONS
        .iter()
        .find(|(value, _)| *value == form.reason)
        .map(|(_, message)| {
            state
                .assistant
                .content()
                .translations
                .text(state.default_locale, message, &[])
        })
        .unwrap_or_default()
}

/// One photo of a review, for signed-in staff only, never cached.
pub(super) async fn photo(
    State(state): State<ConsoleState>,
    signed: Signed,
    Path((id, side)): Path<(String, String)>,
) -> Response {
    let texts = &signed.visit.texts;
    let photos = match state.assistant.accounts().review_photos(&id).await {
        Ok(photos) => photos,
        Err(err) => return page::failure(texts, Some(&signed), &err.into()),
    };
    let Some(photo) = photos.into_iter().find(|photo| photo.side == side) else {
        return page::message(
            texts,
            Some(&signed),
            StatusCode::NOT_FOUND,
            "console-not-found",
        );
    };
    if let Err(err) = audit(
        &state,
        &signed,
        AuditAction::ReviewPhotoViewed,
        &id,
        Some(&side),
    )
    .await
    {
        return page::failure(texts, Some(&signed), &err);
    }
    let content_type = match photo.format.as_str() {
        "png" => "image/png",
        "gif" => "image/gif",
        _ => "image/jpeg",
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, "inline"),
        ],
        photo.content,
    )
        .into_response()
}

async fn audit(
    state: &ConsoleState,
    signed: &Signed,
    action: AuditAction,
    review: &str,
    detail: Option<&str>,
) -> Result<(), ConsoleError> {
    state
        .staff
        .audit(AuditEntry {
            review_id: Some(review),
            address: Some(&signed.visit.address),
            detail,
            ..AuditEntry::new(Some(&signed.session.member.id), action)
        })
        .await?;
    Ok(())
}
