//! What the editors' dashboard reads (issue 16), and the facts written for it with every turn:
//! turns per day and outcome (a daily roll-up, counted once per turn) and dialog runs (which
//! steps each run reached and how it ended). Both are written in the transaction that stores the
//! turn (see `turns.rs`), so they never disagree with the transcript, and hold nothing personal.
//! The other figures (handoffs, tickets, support ratings, votes) are counted per day from their
//! own tables, which are small beside the messages and indexed by time (migration 0017).
//!
//! Why a roll-up for outcomes and an event table for runs: a page must answer in well under a
//! second with a million messages. Outcomes are read only as counts per day, so one row per day
//! and outcome is all a page reads (a year is a few thousand rows) and the turn pays one upsert.
//! A funnel needs each run's own path (a step counted once per run however often the student
//! came back to it, and the step the run ended or stopped at), which counts per day cannot give;
//! runs are a small fraction of the turns, and the day index keeps a range to its own runs.
//!
//! Days are numbered from 1970-01-01 in the service's time zone (see [`day_number`]).

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AssertSqlSafe};

use super::{Database, StoreError};

const DAY_MS: i64 = 86_400_000;

/// The day number of a moment (unix ms) in a time zone `offset_ms` from UTC.
pub fn day_number(at_ms: i64, offset_ms: i64) -> i64 {
    (at_ms + offset_ms).div_euclid(DAY_MS)
}

/// What a turn adds to the dashboard's facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnFacts {
    /// The day the turn happened on (see [`day_number`]).
    pub day: i64,
    /// The turn's outcome (definite, suggest, none, dialog, handoff …).
    pub outcome: String,
    /// What happened to dialog runs in the turn, in order.
    pub runs: Vec<RunChange>,
}

/// A change to a dialog run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunChange {
    /// A run of `dialog` began (its first step comes as a [`RunChange::Reached`]).
    Started { run: String, dialog: String },
    /// The run reached a step.
    Reached { run: String, step: String },
    /// The run ended at `step`: `result` is completed / handoff / next-dialog / abandoned, with
    /// the reason of an abandonment as `detail`.
    Ended {
        run: String,
        step: String,
        result: String,
        detail: Option<String>,
    },
}

/// Writes the facts of the turns of one batch, inside the batch's transaction. Outcome counts are
/// summed per key first and upserted in key order, so that instances writing at once on
/// PostgreSQL take the rows' locks in the same order (no deadlock) and add atomically.
pub(super) async fn write_facts(
    conn: &mut AnyConnection,
    facts: &[&TurnFacts],
    now: i64,
) -> Result<(), StoreError> {
    let mut counts: BTreeMap<(i64, &str), i64> = BTreeMap::new();
    for fact in facts {
        *counts.entry((fact.day, fact.outcome.as_str())).or_default() += 1;
    }
    if !counts.is_empty() {
        let rows: Vec<String> = (0..counts.len())
            .map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3))
            .collect();
        let sql = format!(
            "INSERT INTO daily_outcomes (day, outcome, turns) VALUES {} \
             ON CONFLICT (day, outcome) DO UPDATE SET turns = daily_outcomes.turns + excluded.turns",
            rows.join(", ")
        );
        // Only generated placeholders are formatted into the SQL; every value is bound.
        let mut upsert = sqlx::query(AssertSqlSafe(sql));
        for ((day, outcome), turns) in &counts {
            upsert = upsert.bind(*day).bind(*outcome).bind(*turns);
        }
        upsert.execute(&mut *conn).await?;
    }
    for fact in facts {
        for change in &fact.runs {
            write_run_change(conn, fact.day, change, now).await?;
        }
    }
    Ok(())
}

async fn write_run_change(
    conn: &mut AnyConnection,
    day: i64,
    change: &RunChange,
    now: i64,
) -> Result<(), StoreError> {
    match change {
        RunChange::Started { run, dialog } => {
            sqlx::query(
                "INSERT INTO dialog_runs (id, dialog, day, started_at, last_step) \
                 VALUES ($1, $2, $3, $4, '') ON CONFLICT (id) DO NOTHING",
            )
            .bind(run.as_str())
            .bind(dialog.as_str())
            .bind(day)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        RunChange::Reached { run, step } => {
            // A run started before the dashboard existed has no row: nothing to add to.
            sqlx::query("UPDATE dialog_runs SET last_step = $1 WHERE id = $2 AND result IS NULL")
                .bind(step.as_str())
                .bind(run.as_str())
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO dialog_run_steps (run_id, step, dialog, day) \
                 SELECT id, $1, dialog, day FROM dialog_runs WHERE id = $2 AND result IS NULL \
                 ON CONFLICT (run_id, step) DO NOTHING",
            )
            .bind(step.as_str())
            .bind(run.as_str())
            .execute(&mut *conn)
            .await?;
        }
        RunChange::Ended {
            run,
            step,
            result,
            detail,
        } => {
            sqlx::query(
                "UPDATE dialog_runs SET last_step = $1, result = $2, detail = $3, ended_at = $4 \
                 WHERE id = $5 AND result IS NULL",
            )
            .bind(step.as_str())
            .bind(result.as_str())
            .bind(detail.as_deref())
            .bind(now)
            .bind(run.as_str())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A day range: day numbers `from..=to`, and the same as unix ms `[from_ms, to_ms)` with the
/// time zone's offset for counting rows by their time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from_day: i64,
    pub to_day: i64,
    pub offset_ms: i64,
}

impl DayRange {
    fn start_ms(self) -> i64 {
        self.from_day * DAY_MS - self.offset_ms
    }

    fn end_ms(self) -> i64 {
        (self.to_day + 1) * DAY_MS - self.offset_ms
    }
}

/// Handoffs of one day and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayReasonCount {
    pub day: i64,
    pub reason: String,
    pub count: i64,
}

/// Tickets opened and answered on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTickets {
    pub opened: i64,
    pub answered: i64,
}

/// Ratings given on one day: the support ratings (1–5) of closed handoffs, by the day they were
/// closed, and the 有用/没用 votes on answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayRatings {
    pub support_ratings: i64,
    pub support_rating_sum: i64,
    pub useful: i64,
    pub not_useful: i64,
}

/// A dialog run's path, counted: how many runs of a dialog reached a step, and how the runs
/// that stopped at a step ended there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunnelCounts {
    /// (dialog, step) → runs that reached it.
    pub reached: BTreeMap<(String, String), i64>,
    /// (dialog, step, result or `None` while open, detail) → runs that stopped there so.
    pub stopped: BTreeMap<(String, String, Option<String>, Option<String>), i64>,
    /// dialog → runs started.
    pub runs: BTreeMap<String, i64>,
}

/// Runs of a dialog that stopped at a step: dialog, step, result, detail, count.
type StoppedRow = (String, String, Option<String>, Option<String>, i64);

impl Database {
    /// Turns per day and outcome in the range: (day, outcome, turns).
    pub async fn daily_outcomes(
        &self,
        range: DayRange,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT day, outcome, turns FROM daily_outcomes WHERE day >= $1 AND day <= $2 \
             ORDER BY day, outcome",
        )
        .bind(range.from_day)
        .bind(range.to_day)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Handoffs asked for per day and reason.
    pub async fn daily_handoffs(&self, range: DayRange) -> Result<Vec<DayReasonCount>, StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT (created_at + $1) / 86400000 AS day, reason, COUNT(*) FROM handoffs \
             WHERE created_at >= $2 AND created_at < $3 GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .bind(range.offset_ms)
        .bind(range.start_ms())
        .bind(range.end_ms())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(day, reason, count)| DayReasonCount { day, reason, count })
            .collect())
    }

    /// Tickets opened and answered per day.
    pub async fn daily_tickets(
        &self,
        range: DayRange,
    ) -> Result<BTreeMap<i64, DayTickets>, StoreError> {
        let mut days: BTreeMap<i64, DayTickets> = BTreeMap::new();
        for (day, count) in self.count_by_day("tickets", "created_at", range).await? {
            days.entry(day).or_default().opened = count;
        }
        for (day, count) in self.count_by_day("tickets", "answered_at", range).await? {
            days.entry(day).or_default().answered = count;
        }
        Ok(days)
    }

    /// Support ratings and answer votes per day.
    pub async fn daily_ratings(
        &self,
        range: DayRange,
    ) -> Result<BTreeMap<i64, DayRatings>, StoreError> {
        let mut days: BTreeMap<i64, DayRatings> = BTreeMap::new();
        let ratings: Vec<(i64, i64, i64)> = sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC, which the Any driver cannot read.
            "SELECT (ended_at + $1) / 86400000 AS day, COUNT(*), CAST(SUM(rating) AS BIGINT) \
             FROM handoffs WHERE ended_at >= $2 AND ended_at < $3 AND status = 'closed' \
             AND rating IS NOT NULL GROUP BY 1 ORDER BY 1",
        )
        .bind(range.offset_ms)
        .bind(range.start_ms())
        .bind(range.end_ms())
        .fetch_all(&self.pool)
        .await?;
        for (day, count, sum) in ratings {
            let entry = days.entry(day).or_default();
            entry.support_ratings = count;
            entry.support_rating_sum = sum;
        }
        let votes: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT (created_at + $1) / 86400000 AS day, CAST(SUM(useful) AS BIGINT), \
             CAST(SUM(1 - useful) AS BIGINT) FROM feedback \
             WHERE created_at >= $2 AND created_at < $3 GROUP BY 1 ORDER BY 1",
        )
        .bind(range.offset_ms)
        .bind(range.start_ms())
        .bind(range.end_ms())
        .fetch_all(&self.pool)
        .await?;
        for (day, useful, not_useful) in votes {
            let entry = days.entry(day).or_default();
            entry.useful = useful;
            entry.not_useful = not_useful;
        }
        Ok(days)
    }

    /// Rows of `table` per day of `column` in the range.
    async fn count_by_day(
        &self,
        table: &'static str,
        column: &'static str,
        range: DayRange,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        // Only names from this file are formatted into the SQL; every value is bound.
        let sql = format!(
            "SELECT ({column} + $1) / 86400000 AS day, COUNT(*) FROM {table} \
             WHERE {column} >= $2 AND {column} < $3 GROUP BY 1 ORDER BY 1"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(range.offset_ms)
            .bind(range.start_ms())
            .bind(range.end_ms())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The funnels of the dialog runs started in the range.
    pub async fn dialog_funnels(&self, range: DayRange) -> Result<FunnelCounts, StoreError> {
        let mut funnels = FunnelCounts::default();
        let reached: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT dialog, step, COUNT(*) FROM dialog_run_steps \
             WHERE day >= $1 AND day <= $2 GROUP BY dialog, step",
        )
        .bind(range.from_day)
        .bind(range.to_day)
        .fetch_all(&self.pool)
        .await?;
        for (dialog, step, count) in reached {
            funnels.reached.insert((dialog, step), count);
        }
        let stopped: Vec<StoppedRow> = sqlx::query_as(
            "SELECT dialog, last_step, result, detail, COUNT(*) FROM dialog_runs \
             WHERE day >= $1 AND day <= $2 GROUP BY dialog, last_step, result, detail",
        )
        .bind(range.from_day)
        .bind(range.to_day)
        .fetch_all(&self.pool)
        .await?;
        for (dialog, step, result, detail, count) in stopped {
            *funnels.runs.entry(dialog.clone()).or_default() += count;
            funnels
                .stopped
                .insert((dialog, step, result, detail), count);
        }
        Ok(funnels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_begins_at_midnight_in_the_service_time_zone() {
        let beijing = 8 * 3_600_000;
        // 2024-01-01T15:59:59.999Z is 23:59:59.999 in Beijing; a millisecond later is the 2nd.
        let last_ms = 1_704_124_799_999;
        assert_eq!(day_number(last_ms, beijing), 19_723);
        assert_eq!(day_number(last_ms + 1, beijing), 19_724);
        assert_eq!(day_number(last_ms + 1, 0), 19_723);
    }

    #[test]
    fn a_range_covers_its_days_in_milliseconds() {
        let range = DayRange {
            from_day: 19_723,
            to_day: 19_724,
            offset_ms: 8 * 3_600_000,
        };
        assert_eq!(day_number(range.start_ms(), range.offset_ms), 19_723);
        assert_eq!(day_number(range.end_ms() - 1, range.offset_ms), 19_724);
        assert_eq!(day_number(range.end_ms(), range.offset_ms), 19_725);
    }
}
