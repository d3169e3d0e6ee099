//! The database: one pool for SQLite (the embedded default) or PostgreSQL, migrations per backend,
//! and the conversation tables. Every query here is written once with `$n` placeholders and runs on
//! both backends; nothing a user types reaches SQL except as a bound parameter. Opening it is in
//! `connection.rs`, whether it can serve in `health.rs`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};
use tokio::sync::mpsc;

mod checkpoint;
mod connection;
mod dashboard;
mod health;
mod hot;
mod insights;
mod rate_limits;
mod remembered;
mod retention;
mod schema;
mod telegram;
mod turn_lock;
mod turns;
mod uploads;
mod wakeups;

pub use hot::AskedEntry;
pub use rate_limits::PerMinute;

pub use dashboard::{
    DayRange, DayRatings, DayReasonCount, DayTickets, FunnelCounts, RunChange, TurnFacts,
    day_number,
};

pub use insights::{
    EntryVotes, GivenReason, LowConfidenceAnswer, MAX_LOW_CONFIDENCE_ANSWERS, RatedAnswer,
    ReasonText, StoredVote,
};
pub use telegram::TelegramChat;

pub use turn_lock::TurnLock;

pub use connection::{Creation, DATABASE_WAIT};
pub use health::{Failure, is_unavailable};
pub use retention::{PurgeCounts, RetentionPolicy};
pub use schema::{MigrationName, MigrationReport, Pending, SchemaPolicy};

use connection::Location;
use health::Health;
use remembered::RememberedConversations;

/// The state a conversation starts with (no dialog, no turns).
const NEW_STATE: &str = "{}";

/// Turns waiting to be written before callers wait to queue.
const TURN_QUEUE: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database URL `{0}` is neither sqlite: nor postgres:")]
    UnsupportedUrl(String),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("stored data is malformed: {0}")]
    Malformed(String),
    #[error(
        "the database file {path} is missing, but helpbot created one there before ({marker} says \
         so). Restore it from a backup, or start with --create-database (HELPBOT_CREATE_DATABASE=true) \
         to begin again with an empty database"
    )]
    Missing { path: String, marker: String },
    #[error("the database cannot be written: {0}")]
    Unwritable(String),
    #[error(
        "the database schema is not up to date: migrations {0} are pending. Run `helpbot migrate` \
         (this process does not migrate: --no-migrate or `migrate = false`)"
    )]
    MigrationsPending(Pending),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool and which backend it talks to. Cloned for every request and task that
/// needs it, so a clone is one shared pointer ([`DatabaseParts`] behind an `Arc`).
#[derive(Debug, Clone)]
pub struct Database(Arc<DatabaseParts>);

/// What a [`Database`] handle shares.
#[derive(Debug)]
pub struct DatabaseParts {
    pool: AnyPool,
    backend: Backend,
    turn_writer: mpsc::Sender<turns::PendingTurn>,
    /// Conversations kept in memory: only on SQLite (see `remembered.rs`).
    remembered: Option<Arc<RememberedConversations>>,
    /// One turn at a time per conversation (see `turn_lock.rs`).
    turn_locks: Arc<turn_lock::TurnLocks>,
    location: Location,
    health: Arc<Health>,
    /// Where a notification listener connects: PostgreSQL only (see `wakeups.rs`).
    listen_url: Option<secrecy::SecretString>,
}

/// A connection pool's use at one moment (see [`Database::pool_use`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub name: &'static str,
    /// Connections open now, idle or in use.
    pub size: u32,
    pub idle: u32,
    /// The most it opens.
    pub max: u32,
}

/// Milliseconds since the Unix epoch: how times are stored on both backends.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl std::ops::Deref for Database {
    type Target = DatabaseParts;

    fn deref(&self) -> &DatabaseParts {
        &self.0
    }
}

impl Database {
    /// Connects, creating an SQLite file (and its folder) on the first run only, and migrates
    /// (see [`Creation`]).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, Creation::FirstRun).await
    }

    /// Connects, creating a missing SQLite file as `creation` allows, and migrates.
    pub async fn connect_with(url: &str, creation: Creation) -> Result<Self, StoreError> {
        Self::open(url, creation, SchemaPolicy::Migrate).await
    }

    /// Connects, creating a missing SQLite file as `creation` allows, and migrates or only
    /// checks that the schema is up to date, as `schema` says.
    pub async fn open(
        url: &str,
        creation: Creation,
        schema: SchemaPolicy,
    ) -> Result<Self, StoreError> {
        let connection::Opened {
            pool,
            location,
            health,
            turn_lock_pool,
        } = connection::open(url, creation, schema).await?;
        let backend = location.backend();
        let remembered: Option<Arc<RememberedConversations>> =
            (backend == Backend::Sqlite).then(Arc::default);
        if let Some(remembered) = &remembered {
            tokio::spawn(checkpoint::checkpoint_in_background(
                pool.clone(),
                Arc::downgrade(remembered),
            ));
        }
        let (turn_writer, pending) = mpsc::channel(TURN_QUEUE);
        tokio::spawn(turns::write_in_batches(
            pool.clone(),
            remembered.clone(),
            pending,
        ));
        Ok(Self(Arc::new(DatabaseParts {
            pool,
            backend,
            turn_writer,
            remembered,
            turn_locks: Arc::new(turn_lock::TurnLocks::new(turn_lock_pool)),
            location,
            health,
            listen_url: (backend == Backend::Postgres).then(|| url.into()),
        })))
    }

    /// Wakes `woken` whenever any instance pushes a message (and after every reconnection), on
    /// PostgreSQL; on SQLite never. Runs until dropped: race it with the work it wakes.
    pub async fn listen_for_pushed(&self, woken: Arc<tokio::sync::Notify>) {
        match &self.listen_url {
            Some(url) => wakeups::listen(url.clone(), wakeups::PUSHED_CHANNEL, woken).await,
            None => std::future::pending().await,
        }
    }

    /// Whether pushed messages are announced to every instance as they are stored, so that
    /// followers may poll rarely.
    pub fn announces_pushed(&self) -> bool {
        self.listen_url.is_some()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations the database misses and reports them, without opening a pool
    /// (`helpbot migrate`); creates a missing SQLite file as `creation` allows.
    pub async fn migrate(url: &str, creation: Creation) -> Result<MigrationReport, StoreError> {
        connection::migrate_only(url, creation).await
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How the connection pools are used now: the one turns read and write with (`main`) and,
    /// on PostgreSQL, the one the turns' conversation locks hold (`turn-locks`).
    pub fn pool_use(&self) -> Vec<PoolUse> {
        std::iter::once(("main", &self.pool))
            .chain(self.turn_locks.pool().map(|pool| ("turn-locks", pool)))
            .map(|(name, pool)| PoolUse {
                name,
                size: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            })
            .collect()
    }

    pub async fn close(&self) {
        self.turn_locks.close().await;
        self.pool.close().await;
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// A URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    User,
    Bot,
}

impl Sender {
    fn as_str(self) -> &'static str {
        match self {
            Sender::User => "user",
            Sender::Bot => "bot",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    pub id: String,
    pub channel: String,
    pub locale: String,
    pub state: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: i64,
    pub sender: Sender,
    pub body: String,
    pub outcome: Option<String>,
    pub entry_id: Option<String>,
    pub created_at: i64,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub sender: Sender,
    pub body: &'a str,
    pub outcome: Option<&'a str>,
    pub entry_id: Option<&'a str>,
}

/// Conversations and their transcripts.
impl Database {
    pub async fn create_conversation(
        &self,
        id: &str,
        channel: &str,
        locale: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO conversations (id, channel, locale, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(channel)
        .bind(locale)
        .bind(NEW_STATE)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if let Some(remembered) = &self.remembered {
            remembered.created(ConversationRecord {
                id: id.to_string(),
                channel: channel.to_string(),
                locale: locale.to_string(),
                state: NEW_STATE.to_string(),
                created_at: now,
                updated_at: now,
            });
        }
        Ok(())
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRecord>, StoreError> {
        let ticket = match self.remembered.as_deref().map(|r| r.get(id)) {
            Some(Ok(record)) => return Ok(Some(record)),
            Some(Err(ticket)) => Some(ticket),
            None => None,
        };
        let record = self.read_conversation(id).await?;
        if let (Some(remembered), Some(ticket), Some(record)) =
            (self.remembered.as_deref(), ticket, &record)
        {
            remembered.fill(ticket, record);
        }
        Ok(record)
    }

    async fn read_conversation(&self, id: &str) -> Result<Option<ConversationRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, channel, locale, state, created_at, updated_at FROM conversations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(ConversationRecord {
                id: row.try_get("id")?,
                channel: row.try_get("channel")?,
                locale: row.try_get("locale")?,
                state: row.try_get("state")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        })
        .transpose()
    }

    /// Saves a turn: the messages it produced and the conversation's new state, atomically.
    /// Turns that arrive together are committed together (see `turns.rs`).
    pub async fn record_turn(
        &self,
        conversation_id: &str,
        locale: &str,
        state: &str,
        messages: &[NewMessage<'_>],
    ) -> Result<(), StoreError> {
        self.record_turn_with_facts(conversation_id, locale, state, messages, None)
            .await
    }

    /// [`Database::record_turn`], with what the turn adds to the dashboard's facts written in
    /// the same transaction.
    pub async fn record_turn_with_facts(
        &self,
        conversation_id: &str,
        locale: &str,
        state: &str,
        messages: &[NewMessage<'_>],
        facts: Option<TurnFacts>,
    ) -> Result<(), StoreError> {
        let (turn, written) =
            turns::PendingTurn::new(conversation_id, locale, state, messages, facts);
        match self.turn_writer.send(turn).await {
            Ok(()) => written
                .await
                .unwrap_or_else(|_| Err(StoreError::Malformed("the turn writer stopped".into()))),
            // The writer is gone (its runtime ended): write directly.
            Err(mpsc::error::SendError(turn)) => {
                turns::write(
                    &self.pool,
                    self.remembered.as_deref(),
                    std::slice::from_ref(&turn),
                )
                .await
            }
        }
    }

    pub async fn messages(&self, conversation_id: &str) -> Result<Vec<StoredMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, sender, body, outcome, entry_id, created_at FROM messages \
             WHERE conversation_id = $1 ORDER BY id",
        )
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let sender: String = row.try_get("sender")?;
                Ok(StoredMessage {
                    id: row.try_get("id")?,
                    sender: match sender.as_str() {
                        "user" => Sender::User,
                        "bot" => Sender::Bot,
                        other => return Err(StoreError::Malformed(format!("sender `{other}`"))),
                    },
                    body: row.try_get("body")?,
                    outcome: row.try_get("outcome")?,
                    entry_id: row.try_get("entry_id")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }
}

/// Messages pushed to a conversation outside its turns, and the accounts conversations signed in to.
impl Database {
    /// Remembers that the conversation signed in to the account, so that news about the account
    /// (a classmate's confirmation, a review decision) can reach the student there.
    pub async fn link_account(
        &self,
        conversation_id: &str,
        account_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO conversation_accounts (conversation_id, account_id, linked_at) \
             VALUES ($1, $2, $3) \
             ON CONFLICT (conversation_id, account_id) DO UPDATE SET linked_at = excluded.linked_at",
        )
        .bind(conversation_id)
        .bind(account_id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The conversations most recently signed in to the account, newest first, with their locale.
    pub async fn conversations_of_account(
        &self,
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.locale FROM conversation_accounts l \
             JOIN conversations c ON c.id = l.conversation_id \
             WHERE l.account_id = $1 ORDER BY l.linked_at DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("locale")?)))
            .collect()
    }

    /// Adds a bot message to the conversation outside its turns; returns its id.
    pub async fn push_message(&self, conversation_id: &str, body: &str) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (conversation_id, sender, body, outcome, created_at, pushed) \
             VALUES ($1, 'bot', $2, 'pushed', $3, 1) RETURNING id",
        )
        .bind(conversation_id)
        .bind(body)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE conversations SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(conversation_id)
            .execute(&mut *tx)
            .await?;
        if self.backend == Backend::Postgres {
            // Delivered to the listeners of every instance when the transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(wakeups::PUSHED_CHANNEL)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if let Some(remembered) = &self.remembered {
            remembered.touched(conversation_id, now);
        }
        Ok(id)
    }

    /// Messages pushed since `since_ms` (by their timestamp), oldest first: (id, conversation,
    /// body, created_at). Listeners poll a window and skip ids they have seen, because on
    /// PostgreSQL a smaller id can commit after a larger one.
    pub async fn pushed_since(
        &self,
        since_ms: i64,
        limit: i64,
    ) -> Result<Vec<PushedMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, conversation_id, body, created_at FROM messages \
             WHERE pushed = 1 AND created_at >= $1 ORDER BY created_at, id LIMIT $2",
        )
        .bind(since_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(PushedMessage {
                    id: row.try_get("id")?,
                    conversation_id: row.try_get("conversation_id")?,
                    body: row.try_get("body")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }
}

/// A message pushed to a conversation outside its turns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedMessage {
    pub id: i64,
    pub conversation_id: String,
    pub body: String,
    pub created_at: i64,
}

/// The web channel's access tokens and answer feedback.
impl Database {
    /// Stores the hash of a conversation's access token.
    pub async fn set_access_token_hash(
        &self,
        conversation_id: &str,
        hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE conversations SET access_token_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(conversation_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The stored token hash of a conversation (`None`: no such conversation or no token).
    /// The conversation's token hash (if it has a token) and its locale, or `None` when there is
    /// no such conversation.
    pub async fn access_token_hash(
        &self,
        conversation_id: &str,
    ) -> Result<Option<(Option<String>, String)>, StoreError> {
        let row: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT access_token_hash, locale FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row)
    }

    /// Records "useful / not useful" under an answer: one vote per entry and conversation, a
    /// later one replacing the earlier (the unique key of migration 0006).
    pub async fn set_feedback(
        &self,
        conversation_id: &str,
        entry_id: &str,
        useful: bool,
    ) -> Result<(), StoreError> {
        self.set_feedback_with_reason(conversation_id, entry_id, useful, None)
            .await
    }

    /// [`Self::set_feedback`] with why the answer did not help (kept with a "not useful" vote
    /// only; a later vote replaces the reason too).
    pub async fn set_feedback_with_reason(
        &self,
        conversation_id: &str,
        entry_id: &str,
        useful: bool,
        reason: Option<&GivenReason>,
    ) -> Result<(), StoreError> {
        self.record_vote(
            conversation_id,
            entry_id,
            useful,
            reason,
            &RatedAnswer::default(),
        )
        .await
    }

    /// Records a vote with what it rates: the question the answer replied to (masked by the
    /// caller) and how it was answered. One vote per entry and conversation: a later one
    /// replaces everything of the earlier (the unique key of migration 0006).
    pub async fn record_vote(
        &self,
        conversation_id: &str,
        entry_id: &str,
        useful: bool,
        reason: Option<&GivenReason>,
        answer: &RatedAnswer,
    ) -> Result<(), StoreError> {
        let reason = reason.filter(|_| !useful);
        sqlx::query(
            "INSERT INTO feedback \
             (id, conversation_id, entry_id, useful, created_at, reason, reason_text, question, \
             outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (conversation_id, entry_id) \
             DO UPDATE SET useful = excluded.useful, created_at = excluded.created_at, \
             reason = excluded.reason, reason_text = excluded.reason_text, \
             question = excluded.question, outcome = excluded.outcome",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(conversation_id)
        .bind(entry_id)
        .bind(i64::from(useful))
        .bind(now_ms())
        .bind(reason.map(|given| given.reason.as_str()))
        .bind(reason.and_then(|given| given.text.clone()))
        .bind(answer.question.as_deref())
        .bind(answer.outcome.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The conversation's vote on an entry as stored (`None`: it has not rated it).
    pub async fn vote(
        &self,
        conversation_id: &str,
        entry_id: &str,
    ) -> Result<Option<StoredVote>, StoreError> {
        let row = sqlx::query(
            "SELECT useful, reason, reason_text, question, outcome FROM feedback \
             WHERE conversation_id = $1 AND entry_id = $2",
        )
        .bind(conversation_id)
        .bind(entry_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let useful: i64 = row.try_get("useful")?;
            let reason: Option<String> = row.try_get("reason")?;
            Ok(StoredVote {
                useful: useful != 0,
                reason: reason.as_deref().map(insights::parse_reason).transpose()?,
                reason_text: row.try_get("reason_text")?,
                answer: RatedAnswer {
                    question: row.try_get("question")?,
                    outcome: row.try_get("outcome")?,
                },
            })
        })
        .transpose()
    }

    /// Whether the conversation was answered with this knowledge entry, as stored with its
    /// messages (feedback itself also counts answers given on the side of a dialog: see the
    /// assistant's feedback module).
    pub async fn answered_with(
        &self,
        conversation_id: &str,
        entry_id: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM messages WHERE conversation_id = $1 AND entry_id = $2 \
             AND sender = 'bot' LIMIT 1",
        )
        .bind(conversation_id)
        .bind(entry_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Feedback counts per entry: (entry, useful, not useful).
    pub async fn feedback_counts(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC, which the Any driver cannot read.
            "SELECT entry_id, CAST(SUM(useful) AS BIGINT), CAST(SUM(1 - useful) AS BIGINT) \
             FROM feedback GROUP BY entry_id ORDER BY entry_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://user:secret@db:5432/x"),
            "postgres://***@db:5432/x"
        );
        assert_eq!(redact_url("sqlite://data/h.db"), "sqlite://data/h.db");
    }
}
