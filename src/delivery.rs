//! Live delivery of the messages that reach a conversation outside its own turns (a classmate's
//! confirmation, a photo review decision, later a human agent's reply) to whoever watches it: the
//! web channel's event streams now, Telegram later. They are stored first and then picked up
//! from the database by [`follow_pushed`], so they reach the process holding the stream even
//! when another process pushed them: `helpbot review` in a terminal, or another instance behind
//! the load balancer. (On PostgreSQL, LISTEN/NOTIFY can later replace the polling.) Replies to a
//! turn go back to the channel that sent it, not through here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::core::BotMessage;
use crate::store::Database;

/// Messages a slow listener may fall behind by before it misses some (it reloads the history).
const STREAM_BUFFER: usize = 64;
/// Pushed messages read per poll.
const POLL_BATCH: i64 = 500;

/// The live listeners of each conversation, in this process.
#[derive(Default)]
pub struct Delivery {
    streams: Mutex<HashMap<String, broadcast::Sender<BotMessage>>>,
}

impl Delivery {
    /// Sends messages to the conversation's listeners, if there are any.
    pub fn publish(&self, conversation: &str, messages: &[BotMessage]) {
        let Ok(streams) = self.streams.lock() else {
            return;
        };
        if let Some(sender) = streams.get(conversation) {
            for message in messages {
                let _ = sender.send(message.clone());
            }
        }
    }

    /// A new listener of the conversation's messages.
    pub fn subscribe(&self, conversation: &str) -> Option<broadcast::Receiver<BotMessage>> {
        let mut streams = self.streams.lock().ok()?;
        // Conversations nobody listens to any more are forgotten here rather than on every send.
        streams.retain(|_, sender| sender.receiver_count() > 0);
        Some(
            streams
                .entry(conversation.to_string())
                .or_insert_with(|| broadcast::channel(STREAM_BUFFER).0)
                .subscribe(),
        )
    }

    /// Conversations with at least one listener.
    pub fn listened(&self) -> usize {
        self.streams
            .lock()
            .map(|s| s.values().filter(|x| x.receiver_count() > 0).count())
            .unwrap_or(0)
    }
}

/// Publishes every message pushed from now on (by any process) to this process's listeners,
/// checking the database every `every`. Runs until the task is dropped.
pub async fn follow_pushed(db: Database, delivery: std::sync::Arc<Delivery>, every: Duration) {
    let mut last = loop {
        match db.last_pushed_id().await {
            Ok(id) => break id,
            Err(e) => {
                tracing::warn!(error = %e, "pushed messages: cannot read the start position");
                tokio::time::sleep(every.max(Duration::from_secs(1))).await;
            }
        }
    };
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let batch = match db.pushed_since(last, POLL_BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "pushed messages: poll failed");
                continue;
            }
        };
        for (id, conversation, body) in batch {
            last = last.max(id);
            match serde_json::from_str::<BotMessage>(&body) {
                Ok(message) => delivery.publish(&conversation, &[message]),
                Err(e) => tracing::warn!(id, error = %e, "pushed message is not a bot message"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ReplyKind;

    #[tokio::test]
    async fn listeners_hear_their_own_conversation_only() {
        let delivery = Delivery::default();
        let mut first = delivery.subscribe("a").expect("subscribe");
        let mut second = delivery.subscribe("a").expect("subscribe");
        let mut other = delivery.subscribe("b").expect("subscribe");
        delivery.publish(
            "a",
            &[BotMessage::notice(ReplyKind::Notice, "for a".into())],
        );
        delivery.publish(
            "nobody",
            &[BotMessage::notice(ReplyKind::Notice, "x".into())],
        );
        assert_eq!(first.recv().await.expect("message").text, "for a");
        assert_eq!(second.recv().await.expect("message").text, "for a");
        assert!(other.try_recv().is_err());
        assert_eq!(delivery.listened(), 2);
        drop((first, second));
        // Forgotten once nobody listens.
        let _again = delivery.subscribe("c");
        assert_eq!(delivery.listened(), 2);
    }
}
