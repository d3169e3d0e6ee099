//! One turn at a time per conversation. A turn reads the conversation's state, decides and writes
//! it back; two turns of the same conversation at once (a double click, two tabs, soon an agent
//! and the student) would each start from the same state and one update would be lost. Turns of
//! a conversation therefore wait for each other: within a process on an async mutex per
//! conversation, and across processes on PostgreSQL on a transaction-scoped advisory lock keyed
//! by the conversation (SQLite is served by one process, see the README). The advisory lock
//! lives in its own transaction so that the turn's writes, which go through the batching turn
//! writer on other connections, never wait for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use sqlx::{Any, AnyPool, Transaction};

use super::{Database, StoreError};

/// The locks of turns: this process's, and on PostgreSQL the pool whose connections hold the
/// locks across processes (apart from the pool turns read and write with, see `connection.rs`).
#[derive(Debug)]
pub(super) struct TurnLocks {
    local: LocalTurnLocks,
    across_processes: Option<AnyPool>,
}

impl TurnLocks {
    pub(super) fn new(across_processes: Option<AnyPool>) -> Self {
        Self {
            local: LocalTurnLocks::default(),
            across_processes,
        }
    }

    /// The pool the locks' connections come from (PostgreSQL only).
    pub(super) fn pool(&self) -> Option<&AnyPool> {
        self.across_processes.as_ref()
    }

    pub(super) async fn close(&self) {
        if let Some(pool) = &self.across_processes {
            pool.close().await;
        }
    }
}

/// Conversation locks of this process; entries of finished turns are swept as the map grows.
#[derive(Debug, Default)]
struct LocalTurnLocks {
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

/// Past this many entries, entries no turn holds any more are swept.
const SWEEP_ABOVE: usize = 10_000;

impl LocalTurnLocks {
    fn lock_for(&self, conversation_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = match self.locks.lock() {
            Ok(locks) => locks,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(existing) = locks.get(conversation_id).and_then(Weak::upgrade) {
            return existing;
        }
        if locks.len() >= SWEEP_ABOVE {
            locks.retain(|_, lock| lock.strong_count() > 0);
        }
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        locks.insert(conversation_id.to_string(), Arc::downgrade(&lock));
        lock
    }
}

/// Held for the length of one turn; dropping it (or [`TurnLock::release`]) lets the next turn
/// of the conversation in.
#[derive(Debug)]
pub struct TurnLock {
    _local: tokio::sync::OwnedMutexGuard<()>,
    across_processes: Option<Transaction<'static, Any>>,
}

impl TurnLock {
    /// Ends the turn: the PostgreSQL lock is released now rather than when the connection is
    /// next used.
    pub async fn release(self) {
        if let Some(transaction) = self.across_processes {
            let _ = transaction.commit().await;
        }
    }
}

/// How long a turn waits for another instance's turn of the same conversation (the pool's own
/// statement timeout is shorter, see `connection.rs`; both are set for the lock's transaction).
const WAIT_ACROSS_PROCESSES: [&str; 2] = [
    "SET LOCAL lock_timeout = '10s'",
    "SET LOCAL statement_timeout = '10s'",
];

impl Database {
    /// Waits until no other turn of the conversation runs, in this process or (on PostgreSQL)
    /// any other, and holds that until the returned lock is released.
    pub async fn lock_turn(&self, conversation_id: &str) -> Result<TurnLock, StoreError> {
        let local = self
            .turn_locks
            .local
            .lock_for(conversation_id)
            .lock_owned()
            .await;
        let across_processes = match &self.turn_locks.across_processes {
            None => None,
            Some(pool) => {
                let mut transaction = pool.begin().await?;
                for setting in WAIT_ACROSS_PROCESSES {
                    sqlx::query(setting).execute(&mut *transaction).await?;
                }
                sqlx::query(
                    "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS held",
                )
                .bind(conversation_id)
                .execute(&mut *transaction)
                .await?;
                Some(transaction)
            }
        };
        Ok(TurnLock {
            _local: local,
            across_processes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_conversation_waits_and_others_do_not() {
        let locks = LocalTurnLocks::default();
        let first = locks.lock_for("a").lock_owned().await;
        assert!(
            locks.lock_for("a").try_lock_owned().is_err(),
            "same conversation waits"
        );
        assert!(
            locks.lock_for("b").try_lock_owned().is_ok(),
            "another does not"
        );
        drop(first);
        assert!(
            locks.lock_for("a").try_lock_owned().is_ok(),
            "free once released"
        );
    }

    #[test]
    fn finished_entries_are_swept() {
        let locks = LocalTurnLocks::default();
        for n in 0..SWEEP_ABOVE + 5 {
            drop(locks.lock_for(&n.to_string()));
        }
        let held = locks.locks.lock().map(|l| l.len()).unwrap_or_default();
        assert!(held < SWEEP_ABOVE, "{held} entries kept");
    }
}
