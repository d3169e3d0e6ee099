//! Outgoing SMS and e-mail. The account store sends through the [`Notifier`] trait; the embedded
//! default writes every message to the `outbox` table (what `helpbot outbox` lists, so a tester can
//! read a code: it stands in for the student's phone in development) and logs that it did, with
//! the destination masked and never the body, which carries the code.

use std::future::Future;
use std::pin::Pin;

use crate::pii;
use crate::store::{Database, StoreError, now_ms};

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

/// One message to a mobile number or e-mail address.
#[derive(Clone, PartialEq, Eq)]
pub struct Notification {
    pub channel: Channel,
    pub destination: String,
    /// The subject line of an e-mail.
    pub subject: Option<String>,
    pub body: String,
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notification")
            .field("channel", &self.channel)
            .field("destination", &pii::mask(&self.destination))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sending failed: {0}")]
    Transport(String),
}

pub type NotifyFuture<'a> = Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;

/// Sends notifications. Object-safe so the store can hold any implementation.
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a>;
}

/// The embedded notifier: the outbox table and the log.
#[derive(Debug, Clone)]
pub struct OutboxNotifier {
    db: Database,
}

impl OutboxNotifier {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl Notifier for OutboxNotifier {
    fn send<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO outbox (id, channel, destination, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(notification.channel.as_str())
            .bind(&notification.destination)
            .bind(&notification.body)
            .bind(now_ms())
            .execute(self.db.pool())
            .await
            .map_err(StoreError::from)?;
            tracing::info!(
                channel = notification.channel.as_str(),
                to = %pii::loggable(&notification.destination),
                "notification written to the outbox"
            );
            Ok(())
        })
    }
}

/// A message in the outbox, newest first from [`latest`].
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub channel: String,
    pub destination: String,
    pub body: String,
    pub created_at: i64,
}

/// The latest `limit` messages of the outbox.
pub async fn latest(db: &Database, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT channel, destination, body, created_at FROM outbox \
         ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
