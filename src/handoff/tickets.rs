//! Tickets: the messages students leave when nobody can take them (outside working hours, or no
//! agent online). An agent answers one once (a conditional UPDATE); the assistant pushes the
//! answer to the student's conversation.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Agent, Reason, Summary};
use crate::store::{Database, StoreError, now_ms};

/// A message left for support, and its answer once there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub conversation_id: String,
    pub channel: String,
    pub locale: String,
    pub reason: Reason,
    pub summary: Summary,
    pub message: String,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
    pub answered_by_name: Option<String>,
    pub answer: Option<String>,
}

/// A ticket to open.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub conversation_id: &'a str,
    pub channel: &'a str,
    pub locale: &'a str,
    pub reason: Reason,
    pub summary: &'a Summary,
    pub message: &'a str,
}

const COLUMNS: &str = "id, conversation_id, channel, locale, reason, summary, message, \
     created_at, answered_at, answered_by, answered_by_name, answer";

fn decode(row: AnyRow) -> Result<Ticket, StoreError> {
    let (reason, summary) = super::reason_and_summary(&row)?;
    Ok(Ticket {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        channel: row.try_get("channel")?,
        locale: row.try_get("locale")?,
        reason,
        summary,
        message: row.try_get("message")?,
        created_at: row.try_get("created_at")?,
        answered_at: row.try_get("answered_at")?,
        answered_by: row.try_get("answered_by")?,
        answered_by_name: row.try_get("answered_by_name")?,
        answer: row.try_get("answer")?,
    })
}

pub async fn open(db: &Database, new: NewTicket<'_>) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let summary = super::summary_json(new.summary)?;
    sqlx::query(
        "INSERT INTO tickets (id, conversation_id, channel, locale, reason, summary, message, \
         status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)",
    )
    .bind(&id)
    .bind(new.conversation_id)
    .bind(new.channel)
    .bind(new.locale)
    .bind(new.reason.as_str())
    .bind(summary)
    .bind(new.message)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(id)
}

pub async fn get(db: &Database, id: &str) -> Result<Option<Ticket>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tickets WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(decode).transpose()
}

/// Tickets oldest first: the open ones only, or all (at most `limit`).
pub async fn list(db: &Database, open_only: bool, limit: i64) -> Result<Vec<Ticket>, StoreError> {
    let rows = if open_only {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM tickets WHERE status = 'open' ORDER BY created_at, id LIMIT $1"
        )))
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM tickets ORDER BY created_at, id LIMIT $1"
        )))
    }
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(decode).collect()
}

/// Records the agent's answer; `false` when the ticket was answered already.
pub async fn answer(
    db: &Database,
    id: &str,
    agent: &Agent,
    text: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE tickets SET status = 'answered', answered_at = $1, answered_by = $2, \
         answered_by_name = $3, answer = $4 WHERE id = $5 AND status = 'open'",
    )
    .bind(now_ms())
    .bind(&agent.staff_id)
    .bind(&agent.display_name)
    .bind(text)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
