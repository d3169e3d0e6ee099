//! Telegram's flood limits, kept by this process: at most `overall_per_second` messages a second
//! from the bot, and per chat `chat_per_second` with short bursts of `chat_burst` (a reply of a
//! few messages goes out at once). A message waits only as long as its own limits ask, unlike
//! teloxide's `Throttle`, which releases queued messages in rounds every quarter second and so
//! adds up to 250 ms to every reply. When Telegram still answers 429 ("retry after n seconds"),
//! the message is sent again after the time it gives, a few times at most; other chats go on.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::requests::Request;
use teloxide::types::ChatId;

/// How many times a message refused with 429 is sent again.
const RETRIES_AFTER_429: u32 = 3;

/// The limits a bot keeps.
#[derive(Debug, Clone, Copy)]
pub struct FloodLimits {
    pub overall_per_second: u32,
    pub chat_per_second: u32,
    pub chat_burst: u32,
}

impl Default for FloodLimits {
    /// What Telegram's bot FAQ asks: about 30 messages a second in all, one a second per chat
    /// with short bursts allowed.
    fn default() -> Self {
        Self {
            overall_per_second: 30,
            chat_per_second: 1,
            chat_burst: 5,
        }
    }
}

/// The bot's rate limiters.
pub struct Flood {
    overall: DefaultDirectRateLimiter,
    per_chat: DefaultKeyedRateLimiter<i64>,
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Flood {
    pub fn new(limits: FloodLimits) -> Self {
        let overall = at_least_one(limits.overall_per_second);
        let per_chat = Quota::per_second(at_least_one(limits.chat_per_second))
            .allow_burst(at_least_one(limits.chat_burst));
        Self {
            overall: RateLimiter::direct(Quota::per_second(overall).allow_burst(overall)),
            per_chat: RateLimiter::keyed(per_chat),
        }
    }

    /// Waits until a message to the chat is within the limits.
    async fn ready(&self, chat: ChatId) {
        self.per_chat.until_key_ready(&chat.0).await;
        self.overall.until_ready().await;
    }

    /// Forgets the chats whose limits are back to full (memory stays bounded by recent chats).
    pub fn forget_idle_chats(&self) {
        self.per_chat.retain_recent();
    }
}

/// Sends a message within the flood limits, again after a 429's `retry_after`.
pub(super) async fn deliver(
    flood: &Flood,
    chat: ChatId,
    request: <Bot as Requester>::SendMessage,
) -> Result<Message, RequestError> {
    let mut retries = 0;
    loop {
        flood.ready(chat).await;
        match request.send_ref().await {
            Err(RequestError::RetryAfter(after)) if retries < RETRIES_AFTER_429 => {
                retries += 1;
                tracing::warn!(
                    chat = chat.0,
                    seconds = after.seconds(),
                    "telegram asked to wait (429); sending again after that"
                );
                tokio::time::sleep(after.duration().max(Duration::from_millis(100))).await;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_per_chat_passes_at_once_and_other_chats_are_not_held_up() {
        let flood = Flood::new(FloodLimits {
            overall_per_second: 1_000,
            chat_per_second: 1,
            chat_burst: 3,
        });
        for _ in 0..3 {
            assert!(flood.per_chat.check_key(&1).is_ok());
        }
        assert!(flood.per_chat.check_key(&1).is_err(), "the fourth waits");
        assert!(
            flood.per_chat.check_key(&2).is_ok(),
            "another chat does not"
        );
    }

    #[test]
    fn zero_limits_are_taken_as_one() {
        let flood = Flood::new(FloodLimits {
            overall_per_second: 0,
            chat_per_second: 0,
            chat_burst: 0,
        });
        assert!(flood.overall.check().is_ok());
    }
}
