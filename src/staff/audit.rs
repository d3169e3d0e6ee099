//! The audit log: who did what, when, on which conversation or photo review, from which address.
//! Every staff action writes one line before it is answered; supervisors read the latest.
//! Free text in a line (a reject reason) is masked like any log line.

use super::{StaffResult, StaffStore};

/// What was done. Stored by [`AuditAction::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignIn,
    /// A wrong name or password (the staff member is known only when the name was right).
    SignInFailed,
    /// Refused while the address or the account was locked out.
    SignInLocked,
    SignInDisabled,
    SignOut,
    /// From the command line (`helpbot staff add`).
    StaffAdded,
    /// From the command line (`helpbot staff disable`).
    StaffDisabled,
    ReviewOpened,
    ReviewPhotoViewed,
    ReviewApproved,
    ReviewRejected,
    /// The agents' workspace: a handed-over conversation taken, opened, answered, noted,
    /// passed on, handed back to the bot, closed, and one masked field revealed.
    HandoffTaken,
    HandoffOpened,
    HandoffReplied,
    HandoffNoted,
    HandoffTransferred,
    HandoffHandedBack,
    HandoffClosed,
    HandoffRevealed,
    /// A ticket answered from the console.
    TicketAnswered,
    /// The editors' pages: "what fails" and the answers rated 没用 read (for a date range), and
    /// a knowledge change prepared or downloaded (never written by helpbot).
    EditorFailuresViewed,
    EditorRatingsViewed,
    EditorChangePrepared,
    EditorChangeDownloaded,
    /// The editors' dashboard (issue 16): its figures and its funnels read (for a date range),
    /// and one of its tables downloaded as CSV.
    EditorDashboardViewed,
    EditorFunnelsViewed,
    EditorHotViewed,
    EditorTableDownloaded,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInFailed => "sign-in-failed",
            AuditAction::SignInLocked => "sign-in-locked",
            AuditAction::SignInDisabled => "sign-in-disabled",
            AuditAction::SignOut => "sign-out",
            AuditAction::StaffAdded => "staff-added",
            AuditAction::StaffDisabled => "staff-disabled",
            AuditAction::ReviewOpened => "review-opened",
            AuditAction::ReviewPhotoViewed => "review-photo-viewed",
            AuditAction::ReviewApproved => "review-approved",
            AuditAction::ReviewRejected => "review-rejected",
            AuditAction::HandoffTaken => "handoff-taken",
            AuditAction::HandoffOpened => "handoff-opened",
            AuditAction::HandoffReplied => "handoff-replied",
            AuditAction::HandoffNoted => "handoff-noted",
            AuditAction::HandoffTransferred => "handoff-transferred",
            AuditAction::HandoffHandedBack => "handoff-handed-back",
            AuditAction::HandoffClosed => "handoff-closed",
            AuditAction::HandoffRevealed => "handoff-revealed",
            AuditAction::TicketAnswered => "ticket-answered",
            AuditAction::EditorFailuresViewed => "editor-failures-viewed",
            AuditAction::EditorRatingsViewed => "editor-ratings-viewed",
            AuditAction::EditorChangePrepared => "editor-change-prepared",
            AuditAction::EditorChangeDownloaded => "editor-change-downloaded",
            AuditAction::EditorDashboardViewed => "editor-dashboard-viewed",
            AuditAction::EditorFunnelsViewed => "editor-funnels-viewed",
            AuditAction::EditorHotViewed => "editor-hot-viewed",
            AuditAction::EditorTableDownloaded => "editor-table-downloaded",
        }
    }
}

/// One line to write.
#[derive(Debug, Clone, Copy)]
pub struct AuditEntry<'a> {
    /// The staff account that acted; `None` for the command line or a name that is no account.
    pub staff_id: Option<&'a str>,
    pub action: AuditAction,
    pub conversation_id: Option<&'a str>,
    pub review_id: Option<&'a str>,
    /// The client's address.
    pub address: Option<&'a str>,
    /// Free text (masked before it is written).
    pub detail: Option<&'a str>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(staff_id: Option<&'a str>, action: AuditAction) -> Self {
        Self {
            staff_id,
            action,
            conversation_id: None,
            review_id: None,
            address: None,
            detail: None,
        }
    }
}

/// One line as read back, with the staff member's names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub at: i64,
    pub staff_name: Option<String>,
    pub staff_display_name: Option<String>,
    pub action: String,
    pub conversation_id: Option<String>,
    pub review_id: Option<String>,
    pub address: Option<String>,
    pub detail: Option<String>,
}

impl StaffStore {
    pub async fn audit(&self, entry: AuditEntry<'_>) -> StaffResult<()> {
        let detail = entry.detail.map(|text| crate::pii::mask(text).into_owned());
        sqlx::query(
            "INSERT INTO staff_audit (id, at, staff_id, action, conversation_id, review_id, \
             address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(self.now())
        .bind(entry.staff_id)
        .bind(entry.action.as_str())
        .bind(entry.conversation_id)
        .bind(entry.review_id)
        .bind(entry.address)
        .bind(detail)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// The latest lines, newest first.
    pub async fn recent_audit(&self, limit: i64) -> StaffResult<Vec<AuditRecord>> {
        Ok(sqlx::query_as(
            "SELECT a.at, s.name AS staff_name, s.display_name AS staff_display_name, a.action, \
             a.conversation_id, a.review_id, a.address, a.detail \
             FROM staff_audit a LEFT JOIN staff_accounts s ON s.id = a.staff_id \
             ORDER BY a.at DESC, a.id DESC LIMIT $1",
        )
        .bind(limit.clamp(1, 1000))
        .fetch_all(self.db.pool())
        .await?)
    }
}
