//! Live delivery of the messages that reach a conversation outside its own turns (a classmate's
//! confirmation, a photo review decision, later a human agent's reply) to whoever watches it: the
//! web channel's event streams now, Telegram later. They are stored first and then picked up
//! from the database by [`follow_pushed`], so they reach the process holding the stream even
//! when another process pushed them: `helpbot review` in a terminal, or another instance behind
//! the load balancer. On PostgreSQL each push is also announced (LISTEN/NOTIFY, see
//! `store/wakeups.rs`) and wakes the followers of every instance at once; the poll stays as the
//! safety net. A message
//! this process pushed itself (an agent's reply from its console) is published to its listeners
//! at once as well ([`Delivery::publish_pushed`]); the poll then skips it, so it arrives once and
//! without waiting for the next poll. Replies to a turn go back to the channel that sent it, not
//! through here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::message::BotMessage;
use crate::store::{Database, now_ms};

/// Messages a slow listener may fall behind by before it misses some (it reloads the history).
const STREAM_BUFFER: usize = 64;
/// Pushed messages remembered, past which the oldest are forgotten even between polls.
const FORGET_FROM: usize = 100_000;
/// Pushed messages read per poll.
const POLL_BATCH: i64 = 5_000;

/// A pushed message with its stored id, for listeners that must tell whether another process
/// sent it on already (the Telegram channel, which claims each id before sending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub id: i64,
    pub message: BotMessage,
}

/// The live listeners of each conversation, in this process.
#[derive(Default)]
pub struct Delivery {
    streams: Mutex<HashMap<String, broadcast::Sender<BotMessage>>>,
    /// Listeners of pushed messages with their ids (these hear no turn replies).
    pushed: Mutex<HashMap<String, broadcast::Sender<Pushed>>>,
    /// The pushed messages published here already, by the poll or at once by their pusher.
    delivered: Mutex<PushWindow>,
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

    /// A message this process has just pushed (stored with `id` at `created_at`): published to
    /// its listeners now rather than at the next poll, which will not publish it again.
    pub fn publish_pushed(
        &self,
        id: i64,
        created_at: i64,
        conversation: &str,
        message: &BotMessage,
    ) {
        if self.first_sight(id, created_at) {
            self.publish_with_id(id, conversation, message);
        }
    }

    /// A pushed message, to both kinds of listeners.
    fn publish_with_id(&self, id: i64, conversation: &str, message: &BotMessage) {
        self.publish(conversation, std::slice::from_ref(message));
        let Ok(pushed) = self.pushed.lock() else {
            return;
        };
        if let Some(sender) = pushed.get(conversation) {
            let _ = sender.send(Pushed {
                id,
                message: message.clone(),
            });
        }
    }

    /// Whether a pushed message is new to this process (and remembers it).
    fn first_sight(&self, id: i64, created_at: i64) -> bool {
        self.delivered
            .lock()
            .map(|mut window| {
                // Without a poll (a command pushing a few messages) nothing else forgets them.
                if window.seen.len() >= FORGET_FROM {
                    window.since(created_at);
                }
                window.first_sight(id, created_at)
            })
            .unwrap_or(true)
    }

    /// A new listener of the conversation's messages.
    pub fn subscribe(&self, conversation: &str) -> Option<broadcast::Receiver<BotMessage>> {
        listen(&self.streams, conversation)
    }

    /// A new listener of the messages pushed to the conversation, each with its stored id.
    pub fn subscribe_pushed(&self, conversation: &str) -> Option<broadcast::Receiver<Pushed>> {
        listen(&self.pushed, conversation)
    }

    /// Conversations with at least one listener.
    pub fn listened(&self) -> usize {
        self.streams
            .lock()
            .map(|s| s.values().filter(|x| x.receiver_count() > 0).count())
            .unwrap_or(0)
    }
}

/// A new receiver of the conversation's sender in `senders`.
fn listen<T: Clone>(
    senders: &Mutex<HashMap<String, broadcast::Sender<T>>>,
    conversation: &str,
) -> Option<broadcast::Receiver<T>> {
    let mut senders = senders.lock().ok()?;
    // Conversations nobody listens to any more are forgotten here rather than on every send.
    senders.retain(|_, sender| sender.receiver_count() > 0);
    Some(
        senders
            .entry(conversation.to_string())
            .or_insert_with(|| broadcast::channel(STREAM_BUFFER).0)
            .subscribe(),
    )
}

/// Publishes every message pushed from now on (by any process) to this process's listeners,
/// checking the database every `every`. Runs until the task is dropped.
pub async fn follow_pushed(db: Database, delivery: std::sync::Arc<Delivery>, every: Duration) {
    if let Ok(mut window) = delivery.delivered.lock() {
        window.start(now_ms());
    }
    // Where every push is announced (PostgreSQL), the poll is only the safety net for a lost
    // notification; the announcement itself wakes the follower at once.
    let woken = std::sync::Arc::new(tokio::sync::Notify::new());
    let every = if db.announces_pushed() {
        every.max(POLL_WHEN_ANNOUNCED)
    } else {
        every
    };
    let listening = db.listen_for_pushed(woken.clone());
    tokio::pin!(listening);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = woken.notified() => {}
            () = &mut listening => {}
        }
        let since = match delivery.delivered.lock() {
            Ok(mut window) => window.since(now_ms()),
            Err(_) => now_ms() - LOOKBACK_MS,
        };
        let batch = match db.pushed_since(since, POLL_BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "pushed messages: poll failed");
                continue;
            }
        };
        if batch.len() as i64 == POLL_BATCH {
            tracing::warn!("pushed messages: a full batch in one poll; some wait for the next");
        }
        for pushed in batch {
            if !delivery.first_sight(pushed.id, pushed.created_at) {
                continue;
            }
            match serde_json::from_str::<BotMessage>(&pushed.body) {
                Ok(message) => {
                    delivery.publish_with_id(pushed.id, &pushed.conversation_id, &message)
                }
                Err(e) => {
                    tracing::warn!(id = pushed.id, error = %e, "pushed message is not a bot message")
                }
            }
        }
    }
}

/// How often pushed messages are polled when every push is also announced (PostgreSQL).
const POLL_WHEN_ANNOUNCED: Duration = Duration::from_secs(5);

/// How far back each poll looks: commits that land late (PostgreSQL hands out ids before commit)
/// and clocks of other instances a little behind are still caught.
const LOOKBACK_MS: i64 = 10_000;

/// The pushed messages already delivered within the look-back window.
#[derive(Debug, Default)]
struct PushWindow {
    started: i64,
    seen: HashMap<i64, i64>,
}

impl PushWindow {
    /// Polling starts: nothing older is delivered by it (it is in the history already).
    fn start(&mut self, now: i64) {
        self.started = now;
    }

    /// Where the next poll starts; forgets what is older than that.
    fn since(&mut self, now: i64) -> i64 {
        // Never before this process started listening: older news is in the history already.
        let since = (now - LOOKBACK_MS).max(self.started);
        self.seen.retain(|_, created| *created >= since);
        since
    }

    /// Whether this message is new to this process (and remembers it).
    fn first_sight(&mut self, id: i64, created_at: i64) -> bool {
        self.seen.insert(id, created_at).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::ReplyKind;

    #[test]
    fn each_pushed_message_is_delivered_once_even_when_it_commits_late() {
        let mut window = PushWindow::default();
        window.start(100_000);
        assert_eq!(window.since(100_500), 100_000);
        assert!(window.first_sight(7, 100_200));
        assert!(!window.first_sight(7, 100_200));
        // Id 6 committed after 7 was seen: still delivered.
        assert!(window.first_sight(6, 100_100));
        assert_eq!(window.since(200_000), 190_000);
        assert!(window.seen.is_empty());
    }

    #[tokio::test]
    async fn a_message_pushed_here_is_heard_at_once_and_not_again_from_the_poll() {
        let delivery = Delivery::default();
        let mut listener = delivery.subscribe("a").expect("subscribe");
        let message = BotMessage::notice(ReplyKind::Notice, "at once".into());
        delivery.publish_pushed(41, 100_000, "a", &message);
        assert_eq!(listener.try_recv().expect("published now").text, "at once");
        // The poll finds the same row: not published twice.
        assert!(!delivery.first_sight(41, 100_000));
        delivery.publish_pushed(41, 100_000, "a", &message);
        assert!(listener.try_recv().is_err());
        // A row another process pushed is new here.
        assert!(delivery.first_sight(42, 100_001));
    }

    #[tokio::test]
    async fn pushed_listeners_hear_the_ids_and_no_turn_replies() {
        let delivery = Delivery::default();
        let mut with_ids = delivery.subscribe_pushed("a").expect("subscribe");
        let mut plain = delivery.subscribe("a").expect("subscribe");
        delivery.publish("a", &[BotMessage::notice(ReplyKind::Notice, "turn".into())]);
        let message = BotMessage::notice(ReplyKind::Notice, "news".into());
        delivery.publish_pushed(7, 100_000, "a", &message);
        assert_eq!(plain.try_recv().expect("turn").text, "turn");
        assert_eq!(plain.try_recv().expect("news").text, "news");
        assert_eq!(
            with_ids.try_recv().expect("news"),
            Pushed { id: 7, message }
        );
        assert!(with_ids.try_recv().is_err());
    }

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
