//! What editors read (issue 14): the questions the assistant answered with low confidence
//! (outcome `none` or `suggest`) over a time range, and the 没用 votes per entry with their
//! reasons. Read-only queries on both backends; the insights module above groups and ranks.

use std::collections::BTreeMap;

use sqlx::AssertSqlSafe;

use super::{Database, StoreError};
use crate::message::FeedbackReason;

/// The most answers one "what fails" view reads: the newest first, so a busy month still
/// answers quickly (the page says how many it looked at).
pub const MAX_LOW_CONFIDENCE_ANSWERS: i64 = 5_000;

/// Why a vote said "not useful", as the student gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenReason {
    pub reason: FeedbackReason,
    /// Free text (meant for `other`), as typed: masked wherever it is shown.
    pub text: Option<String>,
}

/// What a vote rates besides the entry: the question the answer replied to, as typed (masked
/// before it is stored; `None` when the answer came from a button with no typed question), and
/// how it was answered (`definite`, `suggest`, `picked`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatedAnswer {
    pub question: Option<String>,
    pub outcome: Option<String>,
}

/// One conversation's vote on one entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVote {
    pub useful: bool,
    pub reason: Option<FeedbackReason>,
    pub reason_text: Option<String>,
    pub answer: RatedAnswer,
}

/// A user question the assistant answered with `none` or `suggest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowConfidenceAnswer {
    /// The user's message (one question counts once however many bot messages answered it).
    pub question_id: i64,
    pub question: String,
    /// `none` or `suggest`.
    pub outcome: String,
    /// The bot's reply as stored (JSON): the suggestions are its buttons.
    pub reply: String,
    pub asked_at: i64,
}

/// The votes one entry got in a time range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryVotes {
    pub entry_id: String,
    pub useful: i64,
    pub not_useful: i64,
    /// "Not useful" votes per reason (votes without a reason are not counted here).
    pub reasons: BTreeMap<FeedbackReason, i64>,
    /// The texts given with a reason, newest first.
    pub texts: Vec<ReasonText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonText {
    pub reason: FeedbackReason,
    /// As typed: mask it before showing it.
    pub text: String,
    /// The question the rated answer replied to (masked when stored; none for a pressed
    /// question or after retention cleared it).
    pub question: Option<String>,
    pub at: i64,
}

impl Database {
    /// The user questions answered with `none` or `suggest` in `[from_ms, to_ms)`, oldest first,
    /// at most [`MAX_LOW_CONFIDENCE_ANSWERS`] of the newest. A question is the user message just
    /// before the answer in its conversation.
    pub async fn low_confidence_answers(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<LowConfidenceAnswer>, StoreError> {
        // The newest answers first, limited, and only then each one's question: with a million
        // messages a range holds tens of thousands of low-confidence answers, and looking up
        // the question of every one of them before the limit took seconds. The partial index
        // `messages_low_confidence` (migration 0017) reads the range newest first.
        let sql = format!(
            "SELECT u.id, u.body, b.outcome, b.body, u.created_at \
             FROM (SELECT id, conversation_id, outcome, body FROM messages \
                 WHERE outcome IN ('none', 'suggest') AND sender = 'bot' \
                 AND created_at >= $1 AND created_at < $2 \
                 ORDER BY created_at DESC, id DESC LIMIT {MAX_LOW_CONFIDENCE_ANSWERS}) b \
             JOIN messages u ON u.id = (SELECT MAX(p.id) FROM messages p \
                 WHERE p.conversation_id = b.conversation_id AND p.id < b.id \
                 AND p.sender = 'user') \
             ORDER BY b.id DESC"
        );
        let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(&self.pool)
            .await?;
        let mut answers: Vec<LowConfidenceAnswer> = Vec::with_capacity(rows.len());
        for (question_id, question, outcome, reply, asked_at) in rows.into_iter().rev() {
            // A reply of several bot messages shares one question.
            if answers.last().is_some_and(|a| a.question_id == question_id) {
                continue;
            }
            answers.push(LowConfidenceAnswer {
                question_id,
                question,
                outcome,
                reply,
                asked_at,
            });
        }
        Ok(answers)
    }

    /// Votes per entry given in `[from_ms, to_ms)`, with the reasons of the "not useful" ones,
    /// ordered by entry id.
    pub async fn entry_votes(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<EntryVotes>, StoreError> {
        let counts: Vec<(String, i64, i64)> = sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC, which the Any driver cannot read.
            "SELECT entry_id, CAST(SUM(useful) AS BIGINT), CAST(SUM(1 - useful) AS BIGINT) \
             FROM feedback WHERE created_at >= $1 AND created_at < $2 \
             GROUP BY entry_id ORDER BY entry_id",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        let mut votes: BTreeMap<String, EntryVotes> = counts
            .into_iter()
            .map(|(entry_id, useful, not_useful)| {
                let entry = EntryVotes {
                    entry_id: entry_id.clone(),
                    useful,
                    not_useful,
                    ..EntryVotes::default()
                };
                (entry_id, entry)
            })
            .collect();
        let reasons: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT entry_id, reason, COUNT(*) FROM feedback \
             WHERE useful = 0 AND reason IS NOT NULL AND created_at >= $1 AND created_at < $2 \
             GROUP BY entry_id, reason",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        for (entry_id, code, count) in reasons {
            let reason = parse_reason(&code)?;
            if let Some(entry) = votes.get_mut(&entry_id) {
                entry.reasons.insert(reason, count);
            }
        }
        let texts: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT entry_id, reason, reason_text, question, created_at FROM feedback \
             WHERE useful = 0 AND reason IS NOT NULL AND reason_text IS NOT NULL \
             AND created_at >= $1 AND created_at < $2 ORDER BY created_at DESC",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        for (entry_id, code, text, question, at) in texts {
            let reason = parse_reason(&code)?;
            if let Some(entry) = votes.get_mut(&entry_id) {
                entry.texts.push(ReasonText {
                    reason,
                    text,
                    question,
                    at,
                });
            }
        }
        Ok(votes.into_values().collect())
    }
}

pub(super) fn parse_reason(code: &str) -> Result<FeedbackReason, StoreError> {
    FeedbackReason::parse(code)
        .ok_or_else(|| StoreError::Malformed(format!("unknown feedback reason `{code}`")))
}
