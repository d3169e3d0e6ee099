//! Who asks is counted before the account they act on: the limits per conversation and per
//! client address, and the 操作过于频繁 lock on an account, as every feature applies them.

use super::EmbeddedAccountStore;
use crate::accounts::limits::{self, Limit, Verdict};
use crate::accounts::{AccountError, AccountResult, Requester};

/// The rate-limit subjects of who asks: the conversation, and the address when known.
pub(super) fn requester_subjects(who: &Requester) -> Vec<String> {
    let mut subjects = vec![format!("conversation:{}", who.conversation)];
    if let Some(origin) = &who.origin {
        subjects.push(format!("origin:{origin}"));
    }
    subjects
}

impl EmbeddedAccountStore {
    /// Counts an operation for who asks, conversation first, then address. A locking limit
    /// refuses as 操作过于频繁; a plain one as too many look-ups.
    pub(super) async fn count_requester(
        &self,
        who: &Requester,
        operation: &str,
        per_conversation: Limit,
        per_origin: Limit,
    ) -> AccountResult<()> {
        let now = self.now();
        for (subject, limit) in requester_subjects(who)
            .into_iter()
            .zip([per_conversation, per_origin])
        {
            if let Verdict::Refused { retry_after_ms, .. } =
                limits::try_count(&self.db, &subject, operation, limit, now).await?
            {
                let retry_after_ms =
                    retry_after_ms.unwrap_or(limit.lock_ms.unwrap_or(limit.window_ms));
                return Err(if limit.lock_ms.is_some() {
                    AccountError::TooFrequent { retry_after_ms }
                } else {
                    AccountError::LookupsTooFrequent { retry_after_ms }
                });
            }
        }
        Ok(())
    }

    /// Refuses as 操作过于频繁 while who asks is locked out of an operation.
    pub(super) async fn requester_unlocked(
        &self,
        who: &Requester,
        operation: &str,
    ) -> AccountResult<()> {
        let now = self.now();
        for subject in requester_subjects(who) {
            if let Some(until) = limits::locked_until(&self.db, &subject, operation, now).await? {
                return Err(AccountError::TooFrequent {
                    retry_after_ms: until - now,
                });
            }
        }
        Ok(())
    }

    /// Counts a sensitive operation on an account; refused as 操作过于频繁 when over the limit.
    pub(super) async fn count_sensitive(
        &self,
        subject: &str,
        operation: &str,
        limit: Limit,
    ) -> AccountResult<()> {
        match limits::try_count(&self.db, subject, operation, limit, self.now()).await? {
            Verdict::Allowed => Ok(()),
            Verdict::Refused { retry_after_ms, .. } => Err(AccountError::TooFrequent {
                retry_after_ms: retry_after_ms.unwrap_or(limit.lock_ms.unwrap_or(0)),
            }),
        }
    }
}
