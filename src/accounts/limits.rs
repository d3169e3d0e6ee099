//! Rate limits on sensitive operations, kept in the database so that every instance sees the
//! same counts: "at most N in a window" (a resend interval, a daily cap, a total cap) and "too
//! many in a short time locks the operation" (操作过于频繁，操作被禁止, locked for 2 hours).

use crate::store::{Database, StoreError};

/// One limit on an operation for a subject (an account id, a mobile number, an ID number …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// How many operations the window allows.
    pub max: u32,
    /// The window, in milliseconds; `i64::MAX` counts every operation ever made.
    pub window_ms: i64,
    /// When set, reaching the limit locks the operation for this long.
    pub lock_ms: Option<i64>,
}

pub const MINUTE_MS: i64 = 60 * 1000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

impl Limit {
    pub const fn per_window(max: u32, window_ms: i64) -> Self {
        Self {
            max,
            window_ms,
            lock_ms: None,
        }
    }

    pub const fn in_total(max: u32) -> Self {
        Self::per_window(max, i64::MAX)
    }

    pub const fn locking(max: u32, window_ms: i64, lock_ms: i64) -> Self {
        Self {
            max,
            window_ms,
            lock_ms: Some(lock_ms),
        }
    }
}

/// The answer of a limit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed, and counted.
    Allowed,
    /// Refused; nothing counted. `retry_after_ms` is when it may work again (`None`: never, for
    /// a total cap), `locked` whether the operation is locked (操作过于频繁).
    Refused {
        retry_after_ms: Option<i64>,
        locked: bool,
        /// Which of the limits refused (its index in the slice given; 0 for a single limit or an
        /// existing lock).
        limit: usize,
    },
}

/// Counts the operation if the limit allows it, atomically: parallel calls cannot exceed `max`.
pub async fn try_count(
    db: &Database,
    subject: &str,
    operation: &str,
    limit: Limit,
    now: i64,
) -> Result<Verdict, StoreError> {
    try_count_all(db, subject, operation, &[limit], now).await
}

/// Like [`try_count`] with several limits on the same operation (e.g. an interval and a daily
/// cap): counted only if every limit allows it.
pub async fn try_count_all(
    db: &Database,
    subject: &str,
    operation: &str,
    limits: &[Limit],
    now: i64,
) -> Result<Verdict, StoreError> {
    let mut tx = db.pool().begin().await?;
    // Writing first serialises concurrent checks of the same subject and operation: PostgreSQL
    // locks the row, SQLite takes its write lock before anything is read.
    sqlx::query(
        "INSERT INTO rate_locks (subject, operation, locked_until) VALUES ($1, $2, 0) \
         ON CONFLICT (subject, operation) DO UPDATE SET locked_until = rate_locks.locked_until",
    )
    .bind(subject)
    .bind(operation)
    .execute(&mut *tx)
    .await?;
    let locked_until: i64 = sqlx::query_scalar(
        "SELECT locked_until FROM rate_locks WHERE subject = $1 AND operation = $2",
    )
    .bind(subject)
    .bind(operation)
    .fetch_one(&mut *tx)
    .await?;
    if locked_until > now {
        tx.commit().await?;
        return Ok(Verdict::Refused {
            retry_after_ms: Some(locked_until - now),
            locked: true,
            limit: 0,
        });
    }
    for (index, limit) in limits.iter().enumerate() {
        let since = now.saturating_sub(limit.window_ms);
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM rate_events \
             WHERE subject = $1 AND operation = $2 AND at > $3",
        )
        .bind(subject)
        .bind(operation)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        if count >= i64::from(limit.max) {
            let verdict = match limit.lock_ms {
                Some(lock_ms) => {
                    sqlx::query(
                        "UPDATE rate_locks SET locked_until = $1 WHERE subject = $2 AND operation = $3",
                    )
                    .bind(now + lock_ms)
                    .bind(subject)
                    .bind(operation)
                    .execute(&mut *tx)
                    .await?;
                    Verdict::Refused {
                        retry_after_ms: Some(lock_ms),
                        locked: true,
                        limit: index,
                    }
                }
                None if limit.window_ms == i64::MAX => Verdict::Refused {
                    retry_after_ms: None,
                    locked: false,
                    limit: index,
                },
                None => Verdict::Refused {
                    retry_after_ms: Some(
                        oldest.map_or(limit.window_ms, |oldest| oldest + limit.window_ms - now),
                    ),
                    locked: false,
                    limit: index,
                },
            };
            tx.commit().await?;
            return Ok(verdict);
        }
    }
    sqlx::query("INSERT INTO rate_events (id, subject, operation, at) VALUES ($1, $2, $3, $4)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(subject)
        .bind(operation)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Verdict::Allowed)
}

/// How many times the operation was counted for the subject since `since`.
pub async fn count_since(
    db: &Database,
    subject: &str,
    operation: &str,
    since: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_events WHERE subject = $1 AND operation = $2 AND at > $3",
    )
    .bind(subject)
    .bind(operation)
    .bind(since)
    .fetch_one(db.pool())
    .await?)
}

/// Forgets what was counted for the subject's operation (a lock in force stays).
pub async fn forget(db: &Database, subject: &str, operation: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM rate_events WHERE subject = $1 AND operation = $2")
        .bind(subject)
        .bind(operation)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// When a locked operation unlocks (`None` when it is not locked).
pub async fn locked_until(
    db: &Database,
    subject: &str,
    operation: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let until: Option<i64> = sqlx::query_scalar(
        "SELECT locked_until FROM rate_locks WHERE subject = $1 AND operation = $2",
    )
    .bind(subject)
    .bind(operation)
    .fetch_optional(db.pool())
    .await?;
    Ok(until.filter(|until| *until > now))
}
