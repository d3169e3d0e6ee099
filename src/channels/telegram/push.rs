//! Messages pushed to a conversation later (an agent's reply, a review decision, a classmate's
//! answer) sent on to its Telegram chat exactly once, however many instances run: each instance
//! hears every pushed message, claims (chat, pushed id) in the database, and sends only the
//! messages it claimed first. Claims are kept a day, far longer than any instance can still hear
//! the message (the core's look-back is seconds).

use std::time::Duration;

use teloxide::types::ChatId;
use tokio::sync::broadcast::error::RecvError;

use super::{Channel, Forwarding};
use crate::assistant::Pushed;

/// How long a claim is kept.
const KEEP_CLAIMS: Duration = Duration::from_secs(24 * 3600);
/// How often old claims are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Channel {
    /// Forwards the conversation's pushed messages to the chat, once per chat and process; a
    /// chat given another conversation (a restart) hears that one's instead.
    pub(super) fn forward_pushed(&self, chat: ChatId, conversation: &str) {
        let Ok(mut forwarded) = self.forwarded.lock() else {
            return;
        };
        if forwarded
            .get(&chat.0)
            .is_some_and(|f| f.conversation == conversation)
        {
            return;
        }
        let Some(mut pushed) = self.assistant.subscribe_pushed(conversation) else {
            return;
        };
        let channel = self.clone();
        let id = conversation.to_string();
        let task = tokio::spawn(async move {
            loop {
                match pushed.recv().await {
                    Ok(message) => channel.send_pushed(chat, message).await,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(chat = chat.0, missed, "telegram: pushed messages missed");
                    }
                    Err(RecvError::Closed) => break,
                }
            }
            if let Ok(mut forwarded) = channel.forwarded.lock()
                && forwarded.get(&chat.0).is_some_and(|f| f.conversation == id)
            {
                forwarded.remove(&chat.0);
            }
        });
        let forwarding = Forwarding {
            conversation: conversation.to_string(),
            task: task.abort_handle(),
        };
        if let Some(earlier) = forwarded.insert(chat.0, forwarding) {
            earlier.task.abort();
        }
    }

    /// Sends a pushed message if this process is the first to claim it for the chat.
    async fn send_pushed(&self, chat: ChatId, pushed: Pushed) {
        let claimed = self
            .assistant
            .database()
            .claim_telegram_pushed(chat.0, pushed.id)
            .await;
        match claimed {
            Ok(true) => {
                if let Err(error) = self.send(chat, &[pushed.message]).await {
                    tracing::error!(chat = chat.0, pushed = pushed.id, %error,
                        "pushed message not sent to telegram");
                }
            }
            // Another instance sends it.
            Ok(false) => {}
            // Not sent rather than perhaps sent twice; the message stays in the history.
            Err(error) => tracing::error!(chat = chat.0, pushed = pushed.id, %error,
                "pushed message not claimed for telegram"),
        }
    }

    /// Forgets old claims now and every [`PRUNE_EVERY`], until the task is dropped.
    pub(super) async fn prune_pushed_claims(self) {
        let mut ticker = tokio::time::interval(PRUNE_EVERY);
        loop {
            ticker.tick().await;
            self.bot.flood.forget_idle_chats();
            let before = crate::store::now_ms() - KEEP_CLAIMS.as_millis() as i64;
            if let Err(error) = self
                .assistant
                .database()
                .prune_telegram_pushed(before)
                .await
            {
                tracing::warn!(%error, "telegram: old pushed-message claims not pruned");
            }
        }
    }
}

/// A task that ends with its owner.
pub(super) struct AbortOnDrop(pub(super) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
