//! Whether the database can serve: which failures mean "unavailable for now" (down, unreachable,
//! read-only, full, busy past the wait) rather than a bug, a write probe for readiness checks,
//! and the recovery from faults that leave pooled connections unable to write.
//!
//! SQLite keeps a connection that was opened on a read-only file read-only, and one whose file
//! was replaced (restored from a backup) writes nowhere; both fail every write while the pool
//! keeps them. When such a fault is seen (by the probe, or by a failed request), every connection
//! opened before it is closed the next time it would be used, and new ones are opened; those that
//! still cannot write are refused when they open (see `connection.rs`). So the service recovers by
//! itself once the database is back.

use std::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::error::DatabaseError;

use super::connection::{Location, WRITE_PROBE, file_writable};
use super::{Database, StoreError};

/// How long a probe's answer is reused: readiness checks may come often; the probe writes.
const PROBE_REUSE: Duration = Duration::from_secs(1);

/// How a failed operation is to be told to its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The database cannot serve for now: try again later (HTTP 503).
    Unavailable,
    /// Anything else: a bug or bad data (HTTP 500).
    Internal,
}

#[derive(Debug)]
pub(super) struct Health {
    born: Instant,
    /// When the last fault was seen, in nanoseconds after `born` (0: never).
    fault_at: AtomicU64,
    /// The last probe: when, and what it found.
    probed: tokio::sync::Mutex<Option<(Instant, Result<(), String>)>>,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            born: Instant::now(),
            fault_at: AtomicU64::new(0),
            probed: tokio::sync::Mutex::new(None),
        }
    }
}

impl Health {
    fn since_born(&self) -> u64 {
        u64::try_from(self.born.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn mark_fault(&self) {
        self.fault_at
            .store(self.since_born().max(1), Ordering::Release);
    }

    /// Whether a connection of this age was opened before the last fault.
    pub(super) fn opened_before_fault(&self, age: Duration) -> bool {
        let fault = self.fault_at.load(Ordering::Acquire);
        let age = u64::try_from(age.as_nanos()).unwrap_or(u64::MAX);
        fault != 0 && self.since_born().saturating_sub(age) <= fault
    }
}

/// What the database says about an error, if it is one of its own.
enum Cause<'a> {
    Sqlx(&'a sqlx::Error),
    Other,
}

fn cause_of<'a>(err: &'a (dyn Error + 'static)) -> Cause<'a> {
    let mut current: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(sqlx_error) = e.downcast_ref::<sqlx::Error>() {
            return Cause::Sqlx(sqlx_error);
        }
        if let Some(StoreError::Database(sqlx_error)) = e.downcast_ref::<StoreError>() {
            return Cause::Sqlx(sqlx_error);
        }
        current = e.source();
    }
    Cause::Other
}

/// SQLite's primary result codes that mean the file cannot be used now: busy or locked past the
/// wait, read-only, I/O error, disk full, cannot open, damaged, not a database.
const SQLITE_UNAVAILABLE: &[i64] = &[5, 6, 8, 10, 11, 13, 14, 26];
/// Of those, the ones after which a connection may stay unable to write.
const SQLITE_STALE: &[i64] = &[8, 10, 14];

/// How serious an sqlx error is: (unavailable, a pooled connection may be stale).
fn judge(err: &sqlx::Error) -> (bool, bool) {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => (true, false),
        sqlx::Error::Database(db) => {
            if let Some(sqlite) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                let primary = sqlite
                    .code()
                    .and_then(|c| c.parse::<i64>().ok())
                    .map_or(0, |c| c & 0xff);
                (
                    SQLITE_UNAVAILABLE.contains(&primary),
                    SQLITE_STALE.contains(&primary),
                )
            } else if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                let code = pg.code();
                // Connection exceptions, insufficient resources, operator intervention (shutdown,
                // statement timeout), system errors; a read-only server; a lock not granted.
                let unavailable = ["08", "53", "57", "58"].iter().any(|c| code.starts_with(c))
                    || code == "25006"
                    || code == "55P03";
                (unavailable, false)
            } else {
                (false, false)
            }
        }
        _ => (false, false),
    }
}

/// Whether an error (or one in its chain of sources) means the database cannot serve for now.
pub fn is_unavailable(err: &(dyn Error + 'static)) -> bool {
    match cause_of(err) {
        Cause::Sqlx(e) => judge(e).0,
        Cause::Other => false,
    }
}

impl StoreError {
    /// Whether the database cannot serve for now (see [`is_unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        is_unavailable(self)
    }
}

impl Database {
    /// How a failed operation (any error with a database error in its chain) is to be told, and,
    /// when it shows a connection that can no longer write, has every pooled connection reopened
    /// before it is used again.
    pub fn failure(&self, err: &(dyn Error + 'static)) -> Failure {
        match cause_of(err) {
            Cause::Sqlx(e) => {
                let (unavailable, stale) = judge(e);
                if stale {
                    self.health.mark_fault();
                }
                if unavailable {
                    Failure::Unavailable
                } else {
                    Failure::Internal
                }
            }
            Cause::Other => Failure::Internal,
        }
    }

    /// Whether the service can write to its database now: on SQLite whether the process may
    /// write the file (it may have become read-only, or gone, since the pooled connections were
    /// opened), then a write that changes nothing through the pool. The answer is reused for a
    /// second, and concurrent callers share one probe. A failed probe has the pooled connections
    /// reopened.
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let mut probed = self.health.probed.lock().await;
        if let Some((at, result)) = probed.as_ref()
            && at.elapsed() < PROBE_REUSE
        {
            return result.clone().map_err(StoreError::Unwritable);
        }
        let result = self.probe_write().await.map_err(|e| e.to_string());
        if result.is_err() {
            self.health.mark_fault();
        }
        *probed = Some((Instant::now(), result.clone()));
        result.map_err(StoreError::Unwritable)
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        if let Location::SqliteFile(path) = &self.location {
            file_writable(path)
                .map_err(|e| StoreError::Unwritable(format!("{}: {e}", path.display())))?;
        }
        sqlx::query(WRITE_PROBE).execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_fault_are_stale_and_later_ones_are_not() {
        let health = Health::default();
        assert!(!health.opened_before_fault(Duration::from_secs(3600)));
        std::thread::sleep(Duration::from_millis(5));
        health.mark_fault();
        // Opened 5 ms ago, before the fault: stale.
        assert!(health.opened_before_fault(Duration::from_millis(4)));
        std::thread::sleep(Duration::from_millis(5));
        // Opened just now, after it: kept.
        assert!(!health.opened_before_fault(Duration::ZERO));
    }

    #[test]
    fn pool_and_connection_failures_are_unavailable_and_others_are_not() {
        assert!(is_unavailable(&StoreError::Database(
            sqlx::Error::PoolTimedOut
        )));
        assert!(is_unavailable(&StoreError::Database(sqlx::Error::Io(
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused)
        ))));
        assert!(!is_unavailable(&StoreError::Database(
            sqlx::Error::RowNotFound
        )));
        assert!(!is_unavailable(&StoreError::Malformed("x".into())));
    }
}
