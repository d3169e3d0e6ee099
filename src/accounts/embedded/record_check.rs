//! Route 4, the records registry: a re-registered student states their student status or
//! degree, checked against the registry (3 attempts per account, 10 per ID number); a match
//! activates the account on the spot.

use super::activation::Decided;
use super::{EmbeddedAccountStore, OP_RECORD, RECORD_ATTEMPTS, RECORD_ATTEMPTS_PER_ID};
use crate::accounts::limits::{self, Limit, Verdict};
use crate::accounts::records::{RecordKind, find_records};
use crate::accounts::{AccountError, AccountResult, Activation, RecordClaim};
use crate::text::normalize;

/// Comparison of what a student typed with the registry: width, case and spaces do not matter.
fn same_text(typed: &str, stored: &str) -> bool {
    let fold = |s: &str| -> String {
        normalize(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    fold(typed) == fold(stored)
}

impl EmbeddedAccountStore {
    pub(super) async fn verify_by_record(
        &self,
        account_id: &str,
        claim: RecordClaim,
    ) -> AccountResult<Activation> {
        let account = self.pending_account(account_id).await?;
        let now = self.now();
        // Counted per account that tries, then against the ID number's ceiling: another
        // account of the same ID number cannot use up this one's attempts.
        let id_subject = format!("id:{}", account.id_number);
        for (subject, limit) in [
            (account.id.as_str(), Limit::in_total(RECORD_ATTEMPTS as u32)),
            (id_subject.as_str(), Limit::in_total(RECORD_ATTEMPTS_PER_ID)),
        ] {
            if let Verdict::Refused { .. } =
                limits::try_count(&self.db, subject, OP_RECORD, limit, now).await?
            {
                return Err(AccountError::RecordAttemptsExhausted);
            }
        }
        let (kind, school, number, year, level) = match &claim {
            RecordClaim::Current {
                school,
                student_number,
                enrolment_year,
                level,
            } => (
                RecordKind::Current,
                school,
                student_number,
                *enrolment_year,
                level,
            ),
            RecordClaim::Graduate {
                school,
                certificate_number,
                graduation_year,
                level,
            } => (
                RecordKind::Graduate,
                school,
                certificate_number,
                *graduation_year,
                level,
            ),
        };
        let records = find_records(&self.db, &account.id_number).await?;
        let matches = records.iter().any(|record| {
            record.kind == kind
                && record.year == year
                && same_text(&record.real_name, &account.real_name)
                && same_text(school, &record.school)
                && same_text(number, &record.number)
                && same_text(level, &record.level)
        });
        if matches {
            return self
                .activate(&account.id, Decided::OnTheSpot { route: "record" })
                .await;
        }
        sqlx::query(
            "INSERT INTO verifications (id, account_id, route, status, reason, created_at, decided_at) \
             VALUES ($1, $2, 'record', 'failed', 'mismatch', $3, $3)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&account.id)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        let used = limits::count_since(&self.db, &account.id, OP_RECORD, i64::MIN).await?;
        Err(AccountError::RecordMismatch {
            remaining: (RECORD_ATTEMPTS - used).max(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_comparison_ignores_width_case_and_spaces() {
        assert!(same_text(" 北京大学 ", "北京大学"));
        assert!(same_text("ＡＢ１２３", "ab123"));
        assert!(!same_text("北京大学", "清华大学"));
    }
}
