//! The supervisors' page: every staff account (role, enabled, last sign-in) and the latest lines
//! of the audit log. Agents are refused (403).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::ConsoleState;
use super::page::{self, ConsoleError, html_response, layout, role_message};
use super::session::Signed;
use crate::staff::{AuditRecord, StaffMember};

/// Audit lines shown.
const AUDIT_LINES: i64 = 50;

pub(super) async fn staff(State(state): State<ConsoleState>, signed: Signed) -> Response {
    let texts = &signed.visit.texts;
    if let Some(refused) = page::supervisors_only(&signed) {
        return refused;
    }
    let (members, audit) = match load(&state).await {
        Ok(loaded) => loaded,
        Err(err) => return page::failure(texts, Some(&signed), &err),
    };
    let body = html! {
        p { a href="/console/supervisor" { (texts.t("console-supervisor-link")) } }
        section aria-labelledby="staff-heading" {
            h2 #staff-heading { (texts.t("console-staff-heading")) }
            table {
                thead { tr {
                    th scope="col" { (texts.t("console-staff-account")) }
                    th scope="col" { (texts.t("console-staff-display-name")) }
                    th scope="col" { (texts.t("console-staff-role")) }
                    th scope="col" { (texts.t("console-staff-enabled")) }
                    th scope="col" { (texts.t("console-staff-last-sign-in")) }
                } }
                tbody {
                    @for member in &members {
                        tr {
                            td.mono { (member.name) }
                            td { (member.display_name) }
                            td { (texts.t(role_message(member.role))) }
                            td { (texts.t(if member.enabled { "console-yes" } else { "console-no" })) }
                            td { (member.last_sign_in_at.map(|at| texts.time(at)).unwrap_or_else(|| texts.t("console-never"))) }
                        }
                    }
                }
            }
            p.hint { (texts.t("console-staff-hint")) }
        }
        section aria-labelledby="audit-heading" {
            h2 #audit-heading { (texts.t("console-audit-heading")) }
            table.audit {
                thead { tr {
                    th scope="col" { (texts.t("console-audit-when")) }
                    th scope="col" { (texts.t("console-audit-who")) }
                    th scope="col" { (texts.t("console-audit-what")) }
                    th scope="col" { (texts.t("console-audit-about")) }
                    th scope="col" { (texts.t("console-audit-detail")) }
                } }
                tbody {
                    @for line in &audit {
                        tr {
                            td { (texts.time(line.at)) }
                            td { (who(line, texts)) }
                            td.mono { (line.action) }
                            td.mono { (about(line, texts)) }
                            td { (line.detail.as_deref().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    let title = texts.t("console-staff-title");
    html_response(StatusCode::OK, layout(texts, Some(&signed), &title, body))
}

async fn load(state: &ConsoleState) -> Result<(Vec<StaffMember>, Vec<AuditRecord>), ConsoleError> {
    Ok((
        state.staff.list().await?,
        state.staff.recent_audit(AUDIT_LINES).await?,
    ))
}

fn who(line: &AuditRecord, texts: &super::texts::Texts) -> String {
    match (&line.staff_display_name, &line.staff_name) {
        (Some(display), Some(name)) => format!("{display} ({name})"),
        _ => texts.t("console-audit-nobody"),
    }
}

fn about(line: &AuditRecord, texts: &super::texts::Texts) -> String {
    let mut parts = Vec::new();
    if let Some(review) = &line.review_id {
        parts.push(texts.with("console-audit-review", &[("id", review.clone().into())]));
    }
    if let Some(conversation) = &line.conversation_id {
        parts.push(texts.with(
            "console-audit-conversation",
            &[("id", conversation.clone().into())],
        ));
    }
    if let Some(address) = &line.address {
        parts.push(address.clone());
    }
    parts.join(" · ")
}
