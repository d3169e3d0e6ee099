//! Codes as the account service sends them: made, stored hashed, limited (per conversation,
//! per address, per destination), delivered in the service's own words, and checked (tries
//! counted, used once, bound to the conversation they were sent for).

use rand::Rng;
use sha2::{Digest, Sha256};

use super::throttle::requester_subjects;
use super::{
    CODE_LIMITS, CODE_SENDS_PER_CONVERSATION, CODE_SENDS_PER_ORIGIN, CODE_TRIES,
    EmbeddedAccountStore, OP_CODE,
};
use crate::accounts::limits::{self, MINUTE_MS, Verdict};
use crate::accounts::notify::{Channel, Notification};
use crate::accounts::{AccountError, AccountResult, CodePurpose, Requester};
use crate::store::StoreError;
use crate::text::normalize;

/// The account service's SMS and e-mail (its own text, as the real service would send it).
const SMS_TEMPLATE: &str = "【学信网】您的校验码是 {code}，1 天内有效。请勿告诉他人。";
const EMAIL_SUBJECT: &str = "学信网账号校验码";
const EMAIL_TEMPLATE: &str =
    "您好：\n\n您的学信网账号校验码是 {code}，1 天内有效。\n如果不是您本人操作，请忽略这封邮件。\n";

pub(super) fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

pub(super) fn code_hash(ticket_id: &str, code: &str) -> String {
    crate::text::hex(&Sha256::digest(format!("{ticket_id}:{code}").as_bytes()))
}

/// A code sent for an account: its ticket and the account.
#[derive(sqlx::FromRow)]
pub(super) struct IssuedCode {
    pub(super) id: String,
    pub(super) account_id: String,
}

/// What is kept of a code to check one typed.
#[derive(sqlx::FromRow)]
struct StoredCode {
    code_hash: String,
    expires_at: i64,
    used_at: Option<i64>,
}

/// The two tables of codes: codes to an account's bound mobile or e-mail, and codes to a mobile
/// typed on the registration form. Both are checked the same way.
#[derive(Debug, Clone, Copy)]
pub(super) enum CodeTable {
    Account,
    Registration,
}

impl CodeTable {
    fn select(self) -> &'static str {
        match self {
            CodeTable::Account => "SELECT code_hash, expires_at, used_at FROM codes WHERE id = $1",
            CodeTable::Registration => {
                "SELECT code_hash, expires_at, used_at FROM registration_codes WHERE id = $1"
            }
        }
    }

    fn count_try(self) -> &'static str {
        match self {
            CodeTable::Account => {
                "UPDATE codes SET attempts = attempts + 1 \
                 WHERE id = $1 AND attempts < $2 AND used_at IS NULL"
            }
            CodeTable::Registration => {
                "UPDATE registration_codes SET attempts = attempts + 1 \
                 WHERE id = $1 AND attempts < $2 AND used_at IS NULL"
            }
        }
    }

    fn mark_used(self) -> &'static str {
        match self {
            CodeTable::Account => "UPDATE codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
            CodeTable::Registration => {
                "UPDATE registration_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL"
            }
        }
    }

    fn attempts(self) -> &'static str {
        match self {
            CodeTable::Account => "SELECT attempts FROM codes WHERE id = $1",
            CodeTable::Registration => "SELECT attempts FROM registration_codes WHERE id = $1",
        }
    }
}

impl EmbeddedAccountStore {
    /// The limits on sending a code to a destination: per conversation and address first, then
    /// the destination's resend interval and daily cap.
    pub(super) async fn limit_code_to(
        &self,
        destination: &str,
        who: &Requester,
        now: i64,
    ) -> AccountResult<()> {
        // Who asks is checked first but counted only for a code that is really sent: asking
        // again too soon costs nothing.
        for (subject, limit) in requester_subjects(who)
            .into_iter()
            .zip([CODE_SENDS_PER_CONVERSATION, CODE_SENDS_PER_ORIGIN])
        {
            let since = now.saturating_sub(limit.window_ms);
            let sent = limits::count_since(&self.db, &subject, OP_CODE, since).await?;
            if sent >= i64::from(limit.max) {
                return Err(AccountError::LookupsTooFrequent {
                    retry_after_ms: limit.window_ms,
                });
            }
        }
        match limits::try_count_all(&self.db, destination, OP_CODE, &CODE_LIMITS, now).await? {
            Verdict::Allowed => {}
            Verdict::Refused {
                limit: 0,
                retry_after_ms,
                ..
            } => {
                return Err(AccountError::ResendTooSoon {
                    retry_after_ms: retry_after_ms.unwrap_or(MINUTE_MS),
                });
            }
            Verdict::Refused { .. } => return Err(AccountError::CodeDailyCap),
        }
        self.count_requester(
            who,
            OP_CODE,
            CODE_SENDS_PER_CONVERSATION,
            CODE_SENDS_PER_ORIGIN,
        )
        .await
    }

    /// Sends a code as the account service would word it.
    pub(super) async fn deliver_code(
        &self,
        via: Channel,
        destination: &str,
        code: &str,
    ) -> AccountResult<()> {
        self.notifier
            .send(&Notification {
                channel: via,
                destination: destination.to_string(),
                subject: (via == Channel::Email).then(|| EMAIL_SUBJECT.to_string()),
                body: match via {
                    Channel::Sms => SMS_TEMPLATE,
                    Channel::Email => EMAIL_TEMPLATE,
                }
                .replace("{code}", code),
            })
            .await
            .map_err(|e| StoreError::Malformed(format!("notifier: {e}")))?;
        Ok(())
    }

    /// Checks the code `who` typed against the newest code of a purpose sent for them
    /// (`CodeUnknown` when none was); the account it was sent for on success.
    pub(super) async fn verify_code_of(
        &self,
        who: &Requester,
        purpose: CodePurpose,
        code: &str,
    ) -> AccountResult<String> {
        let newest: Option<IssuedCode> = sqlx::query_as(
            "SELECT id, account_id FROM codes WHERE holder = $1 AND purpose = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(&who.conversation)
        .bind(purpose.as_str())
        .fetch_optional(self.db.pool())
        .await?;
        let newest = newest.ok_or(AccountError::CodeUnknown)?;
        self.verify_code(CodeTable::Account, &newest.id, code)
            .await?;
        Ok(newest.account_id)
    }

    /// Checks a code of a ticket in one of the code tables (tries counted, used once).
    pub(super) async fn verify_code(
        &self,
        table: CodeTable,
        ticket_id: &str,
        code: &str,
    ) -> AccountResult<()> {
        let stored: Option<StoredCode> = sqlx::query_as(table.select())
            .bind(ticket_id)
            .fetch_optional(self.db.pool())
            .await?;
        let stored = stored.ok_or(AccountError::CodeUnknown)?;
        if stored.used_at.is_some() {
            return Err(AccountError::CodeDead);
        }
        if stored.expires_at <= self.now() {
            return Err(AccountError::CodeExpired);
        }
        // Counting the try first and atomically: parallel guesses cannot exceed the tries.
        let counted = sqlx::query(table.count_try())
            .bind(ticket_id)
            .bind(CODE_TRIES)
            .execute(self.db.pool())
            .await?;
        if counted.rows_affected() == 0 {
            return Err(AccountError::CodeDead);
        }
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let typed = normalize(&typed);
        if code_hash(ticket_id, &typed) == stored.code_hash {
            let used = sqlx::query(table.mark_used())
                .bind(self.now())
                .bind(ticket_id)
                .execute(self.db.pool())
                .await?;
            if used.rows_affected() == 1 {
                return Ok(());
            }
            return Err(AccountError::CodeDead);
        }
        let attempts: i64 = sqlx::query_scalar(table.attempts())
            .bind(ticket_id)
            .fetch_one(self.db.pool())
            .await?;
        let remaining = CODE_TRIES - attempts;
        if remaining <= 0 {
            Err(AccountError::CodeDead)
        } else {
            Err(AccountError::CodeWrong { remaining })
        }
    }
}
