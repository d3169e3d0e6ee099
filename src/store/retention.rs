//! Deleting what is kept longer than it may be (the defaults and the schedule are in
//! `src/retention.rs`). Every kind of row goes in batches of its own statement, so that no
//! transaction holds SQLite's write lock (or many PostgreSQL row locks) for long and a turn
//! waiting to be written gets its turn between two batches. Instances that purge at the same
//! time on PostgreSQL only delete the same rows twice over: the second finds them gone.
//!
//! What goes, and what stays however old:
//!
//! - **Transcripts**: the messages of conversations (what the student typed, what the bot and
//!   agents answered), and the copies of that text support keeps: ended handoffs (their summary,
//!   the student's rating comment, and the agents' notes with them), answered tickets (the
//!   student's message and the answer), and the student's words kept with a vote: the free text
//!   of a "not useful" reason and the question the rated answer replied to (the vote, its reason
//!   code and the answer's outcome stay, the editors' counts with them). A conversation with a handoff still waiting or owned, or a
//!   ticket still open, keeps all its messages: the agent reads them. Open handoffs and open
//!   tickets are never deleted.
//! - **Photos**: files uploaded in a dialog (the dialog's own copy, normally deleted when they
//!   are handed to the account store) and the photos of a review once it is decided. The photos
//!   of a review still waiting are kept whatever their age: staff need them to decide.
//!
//! The conversation itself (its id, language and dialog position) and the accounts' records
//! are not transcripts and stay.

use std::time::Duration;

use super::{Database, StoreError};

/// How old things may grow; `None` keeps them for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub transcripts: Option<Duration>,
    pub photos: Option<Duration>,
    /// Rows deleted by one statement at most.
    pub batch: u32,
}

/// What one purge deleted (numbers only: what a log line may say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    pub messages: u64,
    pub handoffs: u64,
    pub tickets: u64,
    pub feedback_texts: u64,
    pub uploads: u64,
    pub review_photos: u64,
}

impl PurgeCounts {
    pub fn total(&self) -> u64 {
        self.messages
            + self.handoffs
            + self.tickets
            + self.feedback_texts
            + self.uploads
            + self.review_photos
    }
}

/// How long a purge waits between two batches of the same kind.
const PAUSE_BETWEEN_BATCHES: Duration = Duration::from_millis(10);

/// Messages, unless their conversation is with support now or has a ticket open.
const PURGE_MESSAGES: &str = "DELETE FROM messages WHERE id IN (\
     SELECT m.id FROM messages m WHERE m.created_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = m.conversation_id \
                     AND h.status IN ('waiting', 'owned')) \
     AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = m.conversation_id \
                     AND t.status = 'open') \
     LIMIT $2)";
/// Handoffs that ended (their notes go with them: ON DELETE CASCADE).
const PURGE_HANDOFFS: &str = "DELETE FROM handoffs WHERE id IN (\
     SELECT id FROM handoffs WHERE status IN ('returned', 'closed', 'cancelled') \
     AND COALESCE(ended_at, created_at) < $1 LIMIT $2)";
const PURGE_TICKETS: &str = "DELETE FROM tickets WHERE id IN (\
     SELECT id FROM tickets WHERE status = 'answered' AND answered_at < $1 LIMIT $2)";
/// The student's words kept with a vote (the reason's text, the question the answer replied to)
/// go with the transcripts; the vote, its reason code and the answer's outcome stay.
const PURGE_FEEDBACK_TEXTS: &str = "UPDATE feedback SET reason_text = NULL, question = NULL \
     WHERE id IN (SELECT id FROM feedback \
     WHERE (reason_text IS NOT NULL OR question IS NOT NULL) AND created_at < $1 LIMIT $2)";
const PURGE_UPLOADS: &str = "DELETE FROM uploads WHERE id IN (\
     SELECT id FROM uploads WHERE created_at < $1 LIMIT $2)";
/// Photos of reviews decided (or failed): never those of a review still waiting.
const PURGE_REVIEW_PHOTOS: &str = "DELETE FROM photos WHERE id IN (\
     SELECT p.id FROM photos p JOIN verifications v ON v.id = p.verification_id \
     WHERE p.created_at < $1 AND v.status <> 'pending' LIMIT $2)";

impl Database {
    /// Deletes, as of `now_ms`, everything older than the policy allows (see the module
    /// documentation for what that covers); how many rows of each kind went.
    pub async fn purge_expired(
        &self,
        policy: &RetentionPolicy,
        now_ms: i64,
    ) -> Result<PurgeCounts, StoreError> {
        let mut counts = PurgeCounts::default();
        if let Some(cutoff) = cutoff(policy.transcripts, now_ms) {
            counts.messages = self
                .in_batches(PURGE_MESSAGES, cutoff, policy.batch)
                .await?;
            counts.handoffs = self
                .in_batches(PURGE_HANDOFFS, cutoff, policy.batch)
                .await?;
            counts.tickets = self.in_batches(PURGE_TICKETS, cutoff, policy.batch).await?;
            counts.feedback_texts = self
                .in_batches(PURGE_FEEDBACK_TEXTS, cutoff, policy.batch)
                .await?;
        }
        if let Some(cutoff) = cutoff(policy.photos, now_ms) {
            counts.uploads = self.in_batches(PURGE_UPLOADS, cutoff, policy.batch).await?;
            counts.review_photos = self
                .in_batches(PURGE_REVIEW_PHOTOS, cutoff, policy.batch)
                .await?;
        }
        Ok(counts)
    }

    /// Runs `statement` (`$1`: the cutoff, `$2`: the batch) until a batch changes fewer rows
    /// than it may; the rows changed in all.
    async fn in_batches(
        &self,
        statement: &'static str,
        cutoff: i64,
        batch: u32,
    ) -> Result<u64, StoreError> {
        let batch = batch.max(1);
        let mut changed = 0;
        loop {
            let done = sqlx::query(statement)
                .bind(cutoff)
                .bind(i64::from(batch))
                .execute(self.pool())
                .await?
                .rows_affected();
            changed += done;
            if done < u64::from(batch) {
                return Ok(changed);
            }
            // A pause between two batches lets live turns write: SQLite's busy handler would
            // otherwise often lose the write lock to the next batch.
            tokio::time::sleep(PAUSE_BETWEEN_BATCHES).await;
        }
    }
}

/// The time before which things go (`None`: kept for ever).
fn cutoff(max_age: Option<Duration>, now_ms: i64) -> Option<i64> {
    let age_ms = i64::try_from(max_age?.as_millis()).unwrap_or(i64::MAX);
    Some(now_ms.saturating_sub(age_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_age_before_now_and_none_keeps_for_ever() {
        let day = Duration::from_secs(86_400);
        assert_eq!(cutoff(Some(day), 10 * 86_400_000), Some(9 * 86_400_000));
        assert_eq!(cutoff(None, 10), None);
        assert_eq!(cutoff(Some(Duration::MAX), 10), Some(10 - i64::MAX));
    }
}
