//! What supervisors read about support, counted from the tables (read-only): the queue's length
//! and its oldest wait, each agent's load (the conversations they own now), and one day's
//! handoffs, tickets and ratings. A day is a day on support's clock (`[handoff]
//! utc_offset_hours`), so "today" in Beijing starts at Beijing's midnight whatever the server's
//! zone. Ratings have no time of their own: a rating counts on the day its handoff was closed.

use chrono::{DateTime, FixedOffset, NaiveTime, TimeZone};
use sqlx::Row;

use crate::store::{Database, StoreError};

/// Comments shown at most.
pub const COMMENTS_SHOWN: i64 = 20;

/// The start and end (unix ms, end excluded) of the day `now_ms` falls in on the clock `offset`.
pub fn day_bounds(now_ms: i64, offset: FixedOffset) -> (i64, i64) {
    let Some(now) = DateTime::from_timestamp_millis(now_ms) else {
        return (now_ms, now_ms);
    };
    let local_date = now.with_timezone(&offset).date_naive();
    let start = offset
        .from_local_datetime(&local_date.and_time(NaiveTime::MIN))
        .single()
        .map_or(now_ms, |start| start.timestamp_millis());
    (start, start + 24 * 60 * 60 * 1000)
}

/// The queue now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueFigures {
    pub waiting: i64,
    /// When the conversation waiting longest entered the queue.
    pub oldest_since: Option<i64>,
}

pub async fn queue(db: &Database) -> Result<QueueFigures, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS waiting, MIN(created_at) AS oldest FROM handoffs \
         WHERE status = 'waiting'",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(QueueFigures {
        waiting: row.try_get("waiting")?,
        oldest_since: row.try_get("oldest")?,
    })
}

/// How many conversations an agent owns now (by the name students see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentLoad {
    pub staff_id: String,
    pub display_name: String,
    pub owned: i64,
}

/// Every agent who owns a conversation now, busiest first.
pub async fn loads(db: &Database) -> Result<Vec<AgentLoad>, StoreError> {
    let rows = sqlx::query(
        "SELECT owner_id, MAX(owner_name) AS owner_name, COUNT(*) AS owned FROM handoffs \
         WHERE status = 'owned' AND owner_id IS NOT NULL \
         GROUP BY owner_id ORDER BY COUNT(*) DESC, owner_id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            let name: Option<String> = row.try_get("owner_name")?;
            Ok(AgentLoad {
                staff_id: row.try_get("owner_id")?,
                display_name: name.unwrap_or_default(),
                owned: row.try_get("owned")?,
            })
        })
        .collect()
}

/// One day of support, counted from the tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayFigures {
    /// Conversations handed over (entered the queue) that day.
    pub handoffs: i64,
    /// Of those, taken by an agent so far.
    pub taken: i64,
    /// Of those, the students who went back to the bot before anyone took them.
    pub cancelled_waiting: i64,
    /// Tickets students left that day.
    pub tickets_opened: i64,
    /// Tickets answered that day (whenever they were left).
    pub tickets_answered: i64,
    /// Ratings of the handoffs closed that day.
    pub ratings: i64,
    /// Their average, when there is one.
    pub average_rating: Option<f64>,
    /// How many of them gave 1, 2, 3, 4 and 5.
    pub distribution: [i64; 5],
}

/// The figures of the day `[start, end)` (unix ms).
pub async fn day(db: &Database, start: i64, end: i64) -> Result<DayFigures, StoreError> {
    let pool = db.pool();
    let handoffs = sqlx::query(
        "SELECT COUNT(*) AS handoffs, \
         COALESCE(SUM(CASE WHEN taken_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS taken, \
         COALESCE(SUM(CASE WHEN status = 'cancelled' AND taken_at IS NULL THEN 1 ELSE 0 END), 0) \
         AS cancelled FROM handoffs WHERE created_at >= $1 AND created_at < $2",
    )
    .bind(start)
    .bind(end)
    .fetch_one(pool)
    .await?;
    let tickets_opened = count_between(
        db,
        "SELECT COUNT(*) FROM tickets WHERE created_at >= $1 AND created_at < $2",
        (start, end),
    )
    .await?;
    let tickets_answered = count_between(
        db,
        "SELECT COUNT(*) FROM tickets WHERE answered_at >= $1 AND answered_at < $2",
        (start, end),
    )
    .await?;
    let ratings = sqlx::query(
        "SELECT rating, COUNT(*) AS given FROM handoffs WHERE status = 'closed' \
         AND rating IS NOT NULL AND ended_at >= $1 AND ended_at < $2 GROUP BY rating",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let mut distribution = [0_i64; 5];
    for row in ratings {
        let rating: i64 = row.try_get("rating")?;
        let given: i64 = row.try_get("given")?;
        if let Some(slot) = usize::try_from(rating - 1)
            .ok()
            .and_then(|index| distribution.get_mut(index))
        {
            *slot += given;
        }
    }
    let count: i64 = distribution.iter().sum();
    let total: i64 = distribution
        .iter()
        .zip(1_i64..)
        .map(|(given, rating)| given * rating)
        .sum();
    Ok(DayFigures {
        handoffs: handoffs.try_get("handoffs")?,
        taken: handoffs.try_get("taken")?,
        cancelled_waiting: handoffs.try_get("cancelled")?,
        tickets_opened,
        tickets_answered,
        ratings: count,
        average_rating: (count > 0).then(|| total as f64 / count as f64),
        distribution,
    })
}

/// A count whose query takes the day's start and end as `$1` and `$2`.
async fn count_between(
    db: &Database,
    query: &'static str,
    (start, end): (i64, i64),
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(query)
        .bind(start)
        .bind(end)
        .fetch_one(db.pool())
        .await?)
}

/// A student's comment on the help they rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingComment {
    pub handoff_id: String,
    pub rating: i64,
    pub comment: String,
    /// When the handoff was closed.
    pub closed_at: i64,
    /// The agent who helped, by the name the student saw.
    pub agent_name: Option<String>,
}

/// The latest comments, newest first (at most `limit`).
pub async fn recent_comments(db: &Database, limit: i64) -> Result<Vec<RatingComment>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, rating, rating_comment, ended_at, owner_name FROM handoffs \
         WHERE status = 'closed' AND rating IS NOT NULL AND rating_comment IS NOT NULL \
         AND rating_comment <> '' ORDER BY ended_at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            let closed_at: Option<i64> = row.try_get("ended_at")?;
            Ok(RatingComment {
                handoff_id: row.try_get("id")?,
                rating: row.try_get("rating")?,
                comment: row.try_get("rating_comment")?,
                closed_at: closed_at.unwrap_or_default(),
                agent_name: row.try_get("owner_name")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .timestamp_millis()
    }

    #[test]
    fn a_day_starts_at_midnight_on_supports_clock() {
        let beijing = FixedOffset::east_opt(8 * 3600).expect("offset");
        // 23:30 UTC on the 3rd is 07:30 on the 4th in Beijing: the 4th's day.
        let (start, end) = day_bounds(at("2026-05-03T23:30:00Z"), beijing);
        assert_eq!(start, at("2026-05-03T16:00:00Z"));
        assert_eq!(end, at("2026-05-04T16:00:00Z"));
        // 15:59 UTC is still the 3rd's last minute there.
        let (start, _) = day_bounds(at("2026-05-03T15:59:00Z"), beijing);
        assert_eq!(start, at("2026-05-02T16:00:00Z"));
        let utc = FixedOffset::east_opt(0).expect("offset");
        assert_eq!(
            day_bounds(at("2026-05-03T23:30:00Z"), utc).0,
            at("2026-05-03T00:00:00Z")
        );
        let west = FixedOffset::west_opt(5 * 3600).expect("offset");
        assert_eq!(
            day_bounds(at("2026-05-03T02:00:00Z"), west).0,
            at("2026-05-02T05:00:00Z")
        );
    }
}
