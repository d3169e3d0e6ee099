//! Request limits counted in the database, so that every instance on one PostgreSQL counts
//! against the same quota: a student cannot multiply their requests per minute by the number of
//! instances behind the load balancer. The algorithm is the generic cell rate algorithm (the one
//! `governor` runs in memory): each key keeps its theoretical arrival time (TAT); a request is let
//! through when, after adding one emission interval, the TAT is at most a burst ahead of now.
//! One upsert per request decides it atomically, whatever the other instances do meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::Row;

use super::{Database, StoreError, now_ms};

/// Every this many checks, rows whose time has passed (they limit nothing) are deleted.
const PRUNE_EVERY: u64 = 1_000;

static CHECKS: AtomicU64 = AtomicU64::new(0);

/// A limit of `per_minute` requests a minute, with a burst of as many.
#[derive(Debug, Clone, Copy)]
pub struct PerMinute(pub u32);

impl PerMinute {
    /// The emission interval T, in ms.
    fn interval_ms(self) -> i64 {
        (60_000 / i64::from(self.0.max(1))).max(1)
    }

    /// How far ahead of now the TAT may run: the whole burst.
    fn burst_ms(self) -> i64 {
        self.interval_ms() * i64::from(self.0.max(1))
    }
}

impl Database {
    /// Counts one request of `key` against `limit`: `Ok(None)` when it may go on, `Ok(Some(wait))`
    /// when it is over the limit and may try again after `wait`. The key is stored as given:
    /// callers pass a hash, not an address.
    pub async fn count_request(
        &self,
        key: &str,
        limit: PerMinute,
    ) -> Result<Option<Duration>, StoreError> {
        let now = now_ms();
        let (interval, burst) = (limit.interval_ms(), limit.burst_ms());
        let admitted = sqlx::query(
            "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
             ON CONFLICT (key) DO UPDATE \
             SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 \
             WHERE (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 - $2 <= $4 \
             RETURNING tat",
        )
        .bind(key)
        .bind(now)
        .bind(interval)
        .bind(burst)
        .fetch_optional(&self.pool)
        .await?;
        if CHECKS.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        if admitted.is_some() {
            return Ok(None);
        }
        // Refused: it may go once the TAT has fallen back to a burst minus one interval ahead.
        let tat: i64 = sqlx::query("SELECT tat FROM rate_limits WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get("tat"))
            .transpose()?
            .unwrap_or(now);
        let wait = (tat - (burst - interval) - now).max(1);
        Ok(Some(Duration::from_millis(wait as u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_and_burst_follow_the_quota() {
        assert_eq!(PerMinute(60).interval_ms(), 1_000);
        assert_eq!(PerMinute(60).burst_ms(), 60_000);
        assert_eq!(PerMinute(0).interval_ms(), 60_000);
        assert_eq!(PerMinute(100_000).interval_ms(), 1);
    }
}
