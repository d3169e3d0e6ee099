//! The updates being handled, one queue per chat: a chat's updates one after another in the order
//! they arrived, chats side by side, whether they came by long polling or by webhook. At most
//! [`IN_FLIGHT`] updates wait or run at once; past that, taking more waits (polling asks for the
//! next batch later, a webhook request is answered later), so a burst cannot grow memory
//! without bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use teloxide::types::Update;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::Channel;

/// Updates accepted and not yet handled, at most.
const IN_FLIGHT: usize = 4_096;

type Queued = (Update, OwnedSemaphorePermit);

/// Each chat's queue of updates, with a worker while it has any.
#[derive(Clone)]
pub(super) struct ChatQueues {
    channel: Channel,
    queues: Arc<Mutex<HashMap<i64, mpsc::UnboundedSender<Queued>>>>,
    room: Arc<Semaphore>,
}

impl ChatQueues {
    pub(super) fn new(channel: Channel) -> Self {
        Self {
            channel,
            queues: Arc::default(),
            room: Arc::new(Semaphore::new(IN_FLIGHT)),
        }
    }

    /// Hands the update to its chat's worker (starting one when the chat has none), once there
    /// is room for it.
    pub(super) async fn push(&self, update: Update) {
        let Ok(permit) = self.room.clone().acquire_owned().await else {
            return;
        };
        let Some(chat) = update.chat().map(|chat| chat.id.0) else {
            // Not about a chat (nothing the channel answers): no order to keep.
            let channel = self.channel.clone();
            tokio::spawn(async move {
                channel.handle_update(update).await;
                drop(permit);
            });
            return;
        };
        let Ok(mut queues) = self.queues.lock() else {
            tracing::error!("telegram: the chats' queues are unusable; update dropped");
            return;
        };
        let queued = match queues.get(&chat) {
            Some(queue) => match queue.send((update, permit)) {
                Ok(()) => return,
                // The worker has ended: a new one takes the update.
                Err(mpsc::error::SendError(queued)) => queued,
            },
            None => (update, permit),
        };
        let (queue, updates) = mpsc::unbounded_channel();
        if queue.send(queued).is_err() {
            return;
        }
        queues.insert(chat, queue);
        tokio::spawn(self.clone().work(chat, updates));
    }

    /// Handles the chat's updates until its queue is empty.
    async fn work(self, chat: i64, mut updates: mpsc::UnboundedReceiver<Queued>) {
        loop {
            let next = match updates.try_recv() {
                Ok(queued) => Some(queued),
                // Ends only while holding the map, so no update is sent to a worker that left.
                Err(_) => match self.queues.lock() {
                    Ok(mut queues) => match updates.try_recv() {
                        Ok(queued) => Some(queued),
                        Err(_) => {
                            queues.remove(&chat);
                            None
                        }
                    },
                    Err(_) => None,
                },
            };
            match next {
                Some((update, permit)) => {
                    self.channel.handle_update(update).await;
                    drop(permit);
                }
                None => return,
            }
        }
    }
}
