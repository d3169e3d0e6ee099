//! The handoffs table: the queue (waiting, oldest first) and the conversations agents own. Every
//! change of hands is one conditional UPDATE whose row count says whether it happened, so two
//! agents, or two instances, racing for the same conversation cannot both win, on SQLite and
//! PostgreSQL alike.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Agent, Reason, Summary};
use crate::store::{Database, StoreError, now_ms};

/// Where a handoff stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In the queue.
    Waiting,
    /// An agent owns the conversation; the bot is silent.
    Owned,
    /// Handed back to the bot by the agent.
    Returned,
    /// Ended by the agent.
    Closed,
    /// The student went back to the bot.
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Owned => "owned",
            Status::Returned => "returned",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "waiting" => Status::Waiting,
            "owned" => Status::Owned,
            "returned" => Status::Returned,
            "closed" => Status::Closed,
            "cancelled" => Status::Cancelled,
            other => return Err(StoreError::Malformed(format!("handoff status `{other}`"))),
        })
    }

    /// Still with support: waiting or owned.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Waiting | Status::Owned)
    }
}

/// One handoff as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffRecord {
    pub id: String,
    pub conversation_id: String,
    pub channel: String,
    pub locale: String,
    pub reason: Reason,
    pub summary: Summary,
    pub status: Status,
    /// The owning agent's staff id and the name the student sees.
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub told_position: i64,
    pub created_at: i64,
    pub taken_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
}

impl HandoffRecord {
    /// Whether this agent owns it now.
    pub fn owned_by(&self, staff_id: &str) -> bool {
        self.status == Status::Owned && self.owner_id.as_deref() == Some(staff_id)
    }
}

const COLUMNS: &str = "id, conversation_id, channel, locale, reason, summary, status, owner_id, \
     owner_name, told_position, created_at, taken_at, ended_at, rating, rating_comment";

fn decode(row: AnyRow) -> Result<HandoffRecord, StoreError> {
    let (reason, summary) = super::reason_and_summary(&row)?;
    let status: String = row.try_get("status")?;
    Ok(HandoffRecord {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        channel: row.try_get("channel")?,
        locale: row.try_get("locale")?,
        reason,
        summary,
        status: Status::parse(&status)?,
        owner_id: row.try_get("owner_id")?,
        owner_name: row.try_get("owner_name")?,
        told_position: row.try_get("told_position")?,
        created_at: row.try_get("created_at")?,
        taken_at: row.try_get("taken_at")?,
        ended_at: row.try_get("ended_at")?,
        rating: row.try_get("rating")?,
        rating_comment: row.try_get("rating_comment")?,
    })
}

/// A conversation entering the queue.
#[derive(Debug, Clone)]
pub struct NewHandoff<'a> {
    pub conversation_id: &'a str,
    pub channel: &'a str,
    pub locale: &'a str,
    pub reason: Reason,
    pub summary: &'a Summary,
}

/// Puts the conversation at the end of the queue; returns the handoff's id. The conversation
/// must not be waiting or owned already (a unique index refuses a second open handoff).
pub async fn enqueue(db: &Database, new: NewHandoff<'_>) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let summary = super::summary_json(new.summary)?;
    sqlx::query(
        "INSERT INTO handoffs (id, conversation_id, channel, locale, reason, summary, status, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7)",
    )
    .bind(&id)
    .bind(new.conversation_id)
    .bind(new.channel)
    .bind(new.locale)
    .bind(new.reason.as_str())
    .bind(summary)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(id)
}

pub async fn get(db: &Database, id: &str) -> Result<Option<HandoffRecord>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM handoffs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(decode).transpose()
}

/// The conversation's handoff that is still waiting or owned, if any.
pub async fn open_of(
    db: &Database,
    conversation_id: &str,
) -> Result<Option<HandoffRecord>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM handoffs WHERE conversation_id = $1 \
         AND status IN ('waiting', 'owned')"
    )))
    .bind(conversation_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(decode).transpose()
}

/// The queue: waiting handoffs, first come first served.
pub async fn waiting(db: &Database) -> Result<Vec<HandoffRecord>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM handoffs WHERE status = 'waiting' ORDER BY created_at, id"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(decode).collect()
}

/// The handoffs an agent owns now, oldest first.
pub async fn owned_by(db: &Database, staff_id: &str) -> Result<Vec<HandoffRecord>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM handoffs WHERE status = 'owned' AND owner_id = $1 \
         ORDER BY taken_at, id"
    )))
    .bind(staff_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(decode).collect()
}

/// The place of a waiting handoff in the queue (1 is next), `None` when it is not waiting.
pub async fn position(db: &Database, handoff: &HandoffRecord) -> Result<Option<usize>, StoreError> {
    if handoff.status != Status::Waiting {
        return Ok(None);
    }
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM handoffs WHERE status = 'waiting' \
         AND (created_at < $1 OR (created_at = $1 AND id < $2))",
    )
    .bind(handoff.created_at)
    .bind(&handoff.id)
    .fetch_one(db.pool())
    .await?;
    Ok(Some(ahead as usize + 1))
}

/// The agent takes a waiting handoff. `false`: it was not waiting any more (another agent took
/// it first, or the student left); exactly one of any number of racing takers gets `true`.
pub async fn take(db: &Database, id: &str, agent: &Agent) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET status = 'owned', owner_id = $1, owner_name = $2, taken_at = $3 \
         WHERE id = $4 AND status = 'waiting' AND owner_id IS NULL",
    )
    .bind(&agent.staff_id)
    .bind(&agent.display_name)
    .bind(now_ms())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Passes an owned handoff from one agent to another; `false` when `from` does not own it.
pub async fn transfer(db: &Database, id: &str, from: &str, to: &Agent) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET owner_id = $1, owner_name = $2 \
         WHERE id = $3 AND status = 'owned' AND owner_id = $4",
    )
    .bind(&to.staff_id)
    .bind(&to.display_name)
    .bind(id)
    .bind(from)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The owning agent ends the handoff (`Returned` or `Closed`); `false` when they do not own it.
pub async fn end_owned(
    db: &Database,
    id: &str,
    owner: &str,
    status: Status,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET status = $1, ended_at = $2 \
         WHERE id = $3 AND status = 'owned' AND owner_id = $4",
    )
    .bind(status.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The student leaves the queue, or the agent; `false` when it was no longer open.
pub async fn cancel(db: &Database, id: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET status = 'cancelled', ended_at = $1 \
         WHERE id = $2 AND status IN ('waiting', 'owned')",
    )
    .bind(now_ms())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the place in the queue the student is being told, unless they were told it or a
/// better one already (`false`): of two instances updating positions at once, one tells, and a
/// late update never tells a place behind one told before (a waiting student only moves up).
pub async fn tell_position(db: &Database, id: &str, position: usize) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET told_position = $1 \
         WHERE id = $2 AND status = 'waiting' AND (told_position = 0 OR told_position > $1)",
    )
    .bind(position as i64)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The student's rating (1–5) of a closed handoff; a later one replaces it.
pub async fn rate(db: &Database, id: &str, rating: u8) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE handoffs SET rating = $1 WHERE id = $2 AND status = 'closed'")
        .bind(i64::from(rating))
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The student's comment on their rating.
pub async fn comment(db: &Database, id: &str, comment: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handoffs SET rating_comment = $1 WHERE id = $2 AND status = 'closed' \
         AND rating IS NOT NULL",
    )
    .bind(comment)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An agent's internal note on a handoff (never shown to the student).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub staff_id: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn add_note(
    db: &Database,
    handoff_id: &str,
    staff_id: &str,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO handoff_notes (id, handoff_id, staff_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(handoff_id)
    .bind(staff_id)
    .bind(body)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn notes(db: &Database, handoff_id: &str) -> Result<Vec<Note>, StoreError> {
    let rows = sqlx::query(
        "SELECT staff_id, body, created_at FROM handoff_notes WHERE handoff_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(handoff_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Note {
                staff_id: row.try_get("staff_id")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
