//! Feedback in Telegram (the core decides what it means, see `assistant::feedback`): 👍 有用 /
//! 👎 没用 as the last row of every answer's keyboard; after 👎 a new message asks why with the
//! reasons as inline buttons, and after 其他 a prompt with ForceReply asks for a short text. Only
//! a reply to that prompt (Telegram's `reply_to_message`) is taken as the reason's text, never
//! the student's next message.
//!
//! Feedback buttons carry their core payload as callback data when it fits in Telegram's 64
//! bytes, so the buttons under an older answer keep working after later replies; a longer one
//! (and any other button of a feedback reply) gets a short key added to the chat's keyboard
//! instead of replacing it, so the answer's own buttons stay valid.

use teloxide::prelude::*;
use teloxide::types::{
    ChatId, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ReplyMarkup,
};

use super::{Channel, ChannelError, format, keyboard, send};
use crate::assistant::{FEEDBACK_PAYLOAD, FeedbackPress, FeedbackReply, rated_entry};
use crate::locale::Locale;
use crate::message::{BotMessage, Button};

/// Telegram's limit on callback data (bytes).
const CALLBACK_DATA_LIMIT: usize = 64;

/// Reasons per keyboard row.
const REASONS_PER_ROW: usize = 2;

/// The callback data of a button: a feedback payload as it is when it fits, else a short key
/// remembered in `keys`.
fn callback_data(button: &Button, keys: &mut keyboard::Keys) -> String {
    if button.payload.starts_with(FEEDBACK_PAYLOAD) && button.payload.len() <= CALLBACK_DATA_LIMIT {
        return button.payload.clone();
    }
    keys.remember(&button.payload)
}

/// Buttons as keyboard rows of `per_row`.
fn rows(
    buttons: &[Button],
    per_row: usize,
    keys: &mut keyboard::Keys,
) -> Vec<Vec<InlineKeyboardButton>> {
    buttons
        .chunks(per_row.max(1))
        .map(|row| {
            row.iter()
                .map(|button| {
                    InlineKeyboardButton::callback(
                        keyboard::label(&button.label),
                        callback_data(button, keys),
                    )
                })
                .collect()
        })
        .collect()
}

/// The feedback payload a press carries as it is (`None`: a short key, looked up as usual).
pub(super) fn direct_payload(data: &str) -> Option<String> {
    data.starts_with(FEEDBACK_PAYLOAD).then(|| data.to_string())
}

impl Channel {
    /// 👍 / 👎 as one row, for a message the core lets rate (`None` for any other).
    pub(super) async fn feedback_row(
        &self,
        chat: ChatId,
        message: &BotMessage,
        keys: &mut keyboard::Keys,
    ) -> Option<Vec<InlineKeyboardButton>> {
        let entry = rated_entry(message)?;
        let locale = self.locale_of_chat(chat).await;
        let buttons = self.assistant.feedback_buttons(entry, locale);
        rows(&buttons, buttons.len(), keys).into_iter().next()
    }

    /// A press on a feedback button: the core's reply sent, the reasons as buttons, the request
    /// for a text with ForceReply.
    pub(super) async fn feedback_press(
        &self,
        chat: ChatId,
        conversation: &str,
        payload: &str,
    ) -> Result<(), ChannelError> {
        let reply = match FeedbackPress::parse(payload) {
            Some(press) => self.assistant.feedback(conversation, &press).await,
            None => {
                // Not a payload the core makes: like any button no longer offered.
                let locale = self.locale(conversation).await;
                return self.say(chat, locale, "button-unknown").await;
            }
        };
        self.feedback_reply(chat, conversation, reply, payload)
            .await
    }

    /// A text message that replies to one of the chat's "tell us why" prompts is the reason's
    /// text: `true` when it was one (and has been handled).
    pub(super) async fn reason_reply(
        &self,
        chat: ChatId,
        conversation: &str,
        message: &Message,
        text: &str,
    ) -> Result<bool, ChannelError> {
        let Some(prompt) = message.reply_to_message() else {
            return Ok(false);
        };
        let db = self.assistant.database();
        let prompt_id = i64::from(prompt.id.0);
        let Some((asked_in, entry)) = db.telegram_reason_prompt(chat.0, prompt_id).await? else {
            return Ok(false);
        };
        if asked_in != conversation {
            // Asked before a /restart: that conversation is over; the text is a new message.
            return Ok(false);
        }
        let reply = self
            .assistant
            .feedback_text(conversation, &entry, text)
            .await;
        db.remove_telegram_reason_prompt(chat.0, prompt_id).await?;
        self.feedback_reply(chat, conversation, reply, text).await?;
        Ok(true)
    }

    /// Sends what the core answered to feedback (or the apology when it failed).
    async fn feedback_reply(
        &self,
        chat: ChatId,
        conversation: &str,
        reply: Result<FeedbackReply, crate::assistant::CoreError>,
        given: &str,
    ) -> Result<(), ChannelError> {
        let reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                tracing::error!(%error, "feedback failed");
                let input = crate::assistant::Input::Button(given.to_string());
                let apology = self.assistant.apology(conversation, &input, &error).await;
                return self.send(chat, &[apology]).await;
            }
        };
        let locale = self.locale(conversation).await;
        let mut keys = keyboard::Keys::default();
        let last = reply.messages.len().saturating_sub(1);
        for (index, message) in reply.messages.iter().enumerate() {
            let asks_text = if index == last {
                reply.asks_text_for.as_deref()
            } else {
                None
            };
            let sent = self
                .send_feedback_message(chat, message, asks_text, locale, &mut keys)
                .await?;
            if let (Some(entry), Some(sent)) = (asks_text, sent) {
                self.assistant
                    .database()
                    .add_telegram_reason_prompt(chat.0, i64::from(sent.0), conversation, entry)
                    .await?;
            }
        }
        if !keys.is_empty() {
            let db = self.assistant.database();
            let stored = db
                .telegram_chat(chat.0)
                .await?
                .map(|chat| chat.keyboard)
                .unwrap_or_default();
            db.set_telegram_keyboard(chat.0, &keys.merged_into(&stored))
                .await?;
        }
        Ok(())
    }

    /// One message of a feedback reply; the id of its last part (`None` when undeliverable).
    async fn send_feedback_message(
        &self,
        chat: ChatId,
        message: &BotMessage,
        asks_text: Option<&str>,
        locale: Locale,
        keys: &mut keyboard::Keys,
    ) -> Result<Option<MessageId>, ChannelError> {
        let parts = format::split(&format::format(message), format::TELEGRAM_LIMIT);
        let last = parts.len().saturating_sub(1);
        let mut sent_id = None;
        for (index, part) in parts.into_iter().enumerate() {
            let mut request = self.bot.send_message(chat, part.text);
            if !part.entities.is_empty() {
                request = request.entities(part.entities);
            }
            if index == last {
                if asks_text.is_some() {
                    let placeholder = self.text(locale, "telegram-feedback-placeholder");
                    // Not selective: in a group the prompt mentions nobody, and selective
                    // would then force the reply on no one.
                    request = request.reply_markup(ReplyMarkup::ForceReply(
                        ForceReply::new().input_field_placeholder(placeholder),
                    ));
                } else if !message.buttons.is_empty() {
                    let rows = rows(&message.buttons, REASONS_PER_ROW, keys);
                    request = request.reply_markup(InlineKeyboardMarkup::new(rows));
                }
            }
            match self.bot.deliver(chat, request).await {
                Ok(sent) => sent_id = Some(sent.id),
                Err(error) => {
                    send::refused(chat, error)?;
                    return Ok(None);
                }
            }
        }
        Ok(sent_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_payloads_travel_as_they_are_and_others_get_keys() {
        let mut keys = keyboard::Keys::default();
        let feedback = Button {
            label: "👎".into(),
            payload: "feedback:not-useful:find-username".into(),
        };
        assert_eq!(callback_data(&feedback, &mut keys), feedback.payload);
        assert!(keys.is_empty());
        let long = Button {
            label: "👎".into(),
            payload: format!("feedback:not-useful:{}", "x".repeat(60)),
        };
        let key = callback_data(&long, &mut keys);
        assert!(key.len() <= CALLBACK_DATA_LIMIT);
        assert_eq!(direct_payload(&key), None);
        assert_eq!(
            keyboard::payload(&keys.to_json(), &key),
            Some(long.payload.clone())
        );
        assert_eq!(
            direct_payload("feedback:useful:x").as_deref(),
            Some("feedback:useful:x")
        );
        let reasons: Vec<Button> = (0..4)
            .map(|n| Button {
                label: n.to_string(),
                payload: format!("feedback:other:e{n}"),
            })
            .collect();
        assert_eq!(rows(&reasons, REASONS_PER_ROW, &mut keys).len(), 2);
    }
}
