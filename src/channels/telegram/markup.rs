//! What goes under a message besides text: its buttons as an inline keyboard, Telegram's
//! contact button at a step that asks for the student's own mobile (removed with the next
//! reply), or a link to a private chat with the bot where the core asks for one.

use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, ReplyMarkup};

use super::{Channel, contact, keyboard};
use crate::locale::Locale;
use crate::message::BotMessage;

impl Channel {
    /// What goes under the last part of a message: its buttons as an inline keyboard, the
    /// contact button at a mobile step, or a link to a private chat with the bot.
    pub(super) async fn markup(
        &self,
        chat: ChatId,
        message: &BotMessage,
        keys: &mut keyboard::Keys,
    ) -> Option<ReplyMarkup> {
        // An answer's buttons, and 👍 / 👎 as the last row (see `feedback.rs`).
        let feedback = self.feedback_row(chat, message, keys).await;
        if !message.buttons.is_empty() || feedback.is_some() {
            let mut rows = keys.rows(&message.buttons);
            rows.extend(feedback);
            return Some(InlineKeyboardMarkup::new(rows).into());
        }
        if message.expects_mobile && chat.is_user() {
            let locale = self.locale_of_chat(chat).await;
            let label = self.text(locale, "telegram-share-contact");
            self.contact_keyboard_shown(chat, true);
            return Some(contact::keyboard(label).into());
        }
        if message.private_chat_only {
            let me = self.me().await?;
            let url = reqwest::Url::parse(&format!("https://t.me/{}", me.username)).ok()?;
            let locale = self.locale_of_chat(chat).await;
            let label = self.text(locale, "telegram-open-private-chat");
            return Some(
                InlineKeyboardMarkup::new([[InlineKeyboardButton::url(label, url)]]).into(),
            );
        }
        None
    }

    /// Marks the chat as showing the contact button (`shown`), or takes the mark off; whether
    /// it was marked.
    pub(super) fn contact_keyboard_shown(&self, chat: ChatId, shown: bool) -> bool {
        let Ok(mut chats) = self.contact_keyboards.lock() else {
            return false;
        };
        if shown {
            !chats.insert(chat.0)
        } else {
            chats.remove(&chat.0)
        }
    }

    /// The language of the chat's conversation (the default when it has none yet).
    pub(super) async fn locale_of_chat(&self, chat: ChatId) -> Locale {
        match self.assistant.database().telegram_chat(chat.0).await {
            Ok(Some(stored)) => self.locale(&stored.conversation_id).await,
            _ => self.assistant.default_locale(),
        }
    }
}
