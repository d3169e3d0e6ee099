//! What the channel does when Telegram refuses a message. A 429 ("retry after n seconds") is
//! sent again after the `retry_after` given ([`super::flood`]). A chat that cannot
//! be written to (the user blocked the bot, the chat is gone) is no error of the turn: the turn
//! is stored already and the next update continues it, so the refusal is logged once, with the
//! chat id only, and the rest of the batch is not attempted.

use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::types::ChatId;

/// Whether Telegram will not take any message for this chat (until the user writes again).
pub(super) fn undeliverable(error: &RequestError) -> bool {
    matches!(
        error,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::ChatNotFound
                | ApiError::UserNotFound
                | ApiError::UserDeactivated
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots
        )
    )
}

/// A refused send: `Ok` (logged here, once) when the chat cannot be written to, the error
/// otherwise (logged by whoever handles the update).
pub(super) fn refused(chat: ChatId, error: RequestError) -> Result<(), RequestError> {
    if undeliverable(&error) {
        // The reason is Telegram's fixed wording, never the message's text.
        tracing::warn!(chat = chat.0, reason = %error, "telegram: message undeliverable");
        return Ok(());
    }
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_bot_or_a_missing_chat_is_undeliverable_and_a_network_error_is_not() {
        assert!(undeliverable(&RequestError::Api(ApiError::BotBlocked)));
        assert!(undeliverable(&RequestError::Api(ApiError::ChatNotFound)));
        assert!(!undeliverable(&RequestError::Api(
            ApiError::MessageTextIsEmpty
        )));
        assert!(!undeliverable(&RequestError::RetryAfter(
            teloxide::types::Seconds::from_seconds(1)
        )));
        assert!(refused(ChatId(5), RequestError::Api(ApiError::BotBlocked)).is_ok());
        assert!(refused(ChatId(5), RequestError::Api(ApiError::MessageTextIsEmpty)).is_err());
    }
}
