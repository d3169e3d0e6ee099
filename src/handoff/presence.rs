//! Which agents are online: the console sends a heartbeat for each signed-in agent, and an agent
//! counts as online until `timeout` after the last one. With no console open nobody beats, so
//! nobody is online and students are told so (with the hotline) instead of waiting in vain.

use std::time::Duration;

use sqlx::Row;

use crate::store::{Database, StoreError, now_ms};

/// An agent online now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineAgent {
    pub staff_id: String,
    pub display_name: String,
    pub last_seen: i64,
}

/// The agents' heartbeats.
#[derive(Debug, Clone)]
pub struct Presence {
    db: Database,
    timeout: Duration,
}

impl Presence {
    pub fn new(db: Database, timeout: Duration) -> Self {
        Self { db, timeout }
    }

    fn online_since(&self) -> i64 {
        now_ms() - i64::try_from(self.timeout.as_millis()).unwrap_or(i64::MAX / 2)
    }

    /// The agent is here now (called by the console while the agent is signed in).
    pub async fn heartbeat(&self, staff_id: &str, display_name: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agents_online (staff_id, display_name, last_seen) VALUES ($1, $2, $3) \
             ON CONFLICT (staff_id) DO UPDATE SET display_name = excluded.display_name, \
             last_seen = excluded.last_seen",
        )
        .bind(staff_id)
        .bind(display_name)
        .bind(now_ms())
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// The agent left (signed out): offline at once rather than after the timeout.
    pub async fn leave(&self, staff_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM agents_online WHERE staff_id = $1")
            .bind(staff_id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// The agents online now, by name.
    pub async fn online(&self) -> Result<Vec<OnlineAgent>, StoreError> {
        let rows = sqlx::query(
            "SELECT staff_id, display_name, last_seen FROM agents_online \
             WHERE last_seen >= $1 ORDER BY display_name, staff_id",
        )
        .bind(self.online_since())
        .fetch_all(self.db.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(OnlineAgent {
                    staff_id: row.try_get("staff_id")?,
                    display_name: row.try_get("display_name")?,
                    last_seen: row.try_get("last_seen")?,
                })
            })
            .collect()
    }

    /// How many agents are online now.
    pub async fn online_count(&self) -> Result<usize, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM agents_online WHERE last_seen >= $1")
                .bind(self.online_since())
                .fetch_one(self.db.pool())
                .await?;
        Ok(count as usize)
    }

    /// Whether this agent is online now.
    pub async fn is_online(&self, staff_id: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM agents_online WHERE staff_id = $1 AND last_seen >= $2",
        )
        .bind(staff_id)
        .bind(self.online_since())
        .fetch_optional(self.db.pool())
        .await?;
        Ok(found.is_some())
    }
}
