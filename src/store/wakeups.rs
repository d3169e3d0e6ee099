//! Wake-ups across instances on PostgreSQL (LISTEN/NOTIFY). State lives in tables; a
//! notification only says "look again now", so nothing is lost while the listener is down: every
//! (re)connection wakes the follower once to catch up from the tables, and the follower still
//! polls now and then in case a notification went missing. SQLite is served by one process and
//! keeps polling alone.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::PgListener;
use tokio::sync::Notify;

/// The channel a stored pushed message is announced on (its id as the payload: notifications
/// are capped at 8 kB and carry no personal data this way).
pub const PUSHED_CHANNEL: &str = "helpbot_pushed";

/// Longest pause between attempts to reconnect a lost listener.
const RECONNECT_AT_MOST: Duration = Duration::from_secs(5);

/// Listens on `channel` until dropped, waking `woken` on every notification and after every
/// (re)connection. Never returns.
pub(super) async fn listen(url: SecretString, channel: &'static str, woken: Arc<Notify>) {
    let mut pause = Duration::from_millis(100);
    let mut connected_before = false;
    loop {
        match connect(&url, channel).await {
            Ok(mut listener) => {
                if connected_before {
                    tracing::info!(channel, "notification listener reconnected");
                }
                connected_before = true;
                pause = Duration::from_millis(100);
                // Whatever was announced while nobody listened is in the tables: look now.
                woken.notify_one();
                loop {
                    match listener.try_recv().await {
                        Ok(Some(_)) => woken.notify_one(),
                        // The connection was lost; the next call reconnects. Catch up meanwhile.
                        Ok(None) => woken.notify_one(),
                        Err(error) => {
                            tracing::warn!(channel, %error, "notification listener lost");
                            break;
                        }
                    }
                }
            }
            Err(error) => {
                tracing::debug!(channel, %error, "notification listener cannot connect yet");
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(RECONNECT_AT_MOST);
    }
}

async fn connect(url: &SecretString, channel: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url.expose_secret()).await?;
    listener.listen(channel).await?;
    Ok(listener)
}
