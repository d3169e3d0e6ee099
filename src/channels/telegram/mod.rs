//! The Telegram channel: a Telegram chat is one stored helpbot conversation. It translates
//! Telegram updates into core inputs and core replies into Telegram messages; the assistant
//! decides everything else. Updates arrive by long polling ([`run`]) or, with a public address,
//! by webhook ([`webhook`]); both hand them to the same [`Channel::handle_update`]. Updates of one
//! chat are handled one after another, in order; chats are handled side by side. Replies are
//! plain text with formatting entities, no parse mode ([`format`]), so nothing a user or the
//! knowledge base writes can be taken for markup.
//!
//! In a group the bot answers only what is addressed to it, and the group is one shared
//! conversation ([`group`]). A password step deletes the student's message at once and says so.
//! A photo step takes photos and image documents ([`photo`]); a mobile step offers the contact
//! button ([`contact`]). Messages pushed later (agents' replies, review decisions) reach the
//! chats this process has handled since it started, once whatever the number of instances
//! ([`push`]); a chat that cannot be written to loses no conversation state ([`send`]).
//! Commands and the chat's language: see [`commands`]. 👍 / 👎 under every answer, and why:
//! see [`feedback`].

mod commands;
mod contact;
mod feedback;
pub mod flood;
pub mod format;
mod group;
mod keyboard;
mod markup;
mod photo;
mod push;
mod queue;
mod send;
pub mod webhook;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{ChatId, ReplyMarkup, UpdateKind};
use tracing::Instrument;

use crate::assistant::Assistant;
use crate::locale::Locale;
use crate::message::{BotMessage, Input};

/// The bot as the channel uses it: Telegram's client, and the flood limits every message it
/// sends keeps ([`TelegramBot::deliver`]; other calls go to the client as they are).
#[derive(Clone)]
pub struct TelegramBot {
    api: Bot,
    flood: Arc<flood::Flood>,
}

impl std::ops::Deref for TelegramBot {
    type Target = Bot;

    fn deref(&self) -> &Bot {
        &self.api
    }
}

impl TelegramBot {
    /// Sends a message within the flood limits, again after a 429's `retry_after`.
    async fn deliver(
        &self,
        chat: ChatId,
        request: <Bot as Requester>::SendMessage,
    ) -> Result<Message, teloxide::RequestError> {
        flood::deliver(&self.flood, chat, request).await
    }
}

/// How long one getUpdates call waits for news, in seconds.
const POLL_TIMEOUT_SECONDS: u32 = 25;

/// How recently a chat must have been active for a starting channel to listen to it again.
const RECENT_CHATS: Duration = Duration::from_secs(7 * 24 * 3600);

/// A bot for the token, talking to the Bot API at `api_url`, within the flood limits.
pub fn bot(token: &str, api_url: reqwest::Url) -> TelegramBot {
    bot_with_limits(token, api_url, flood::FloodLimits::default())
}

/// [`bot`] with other flood limits (the benchmark lifts them).
pub fn bot_with_limits(
    token: &str,
    api_url: reqwest::Url,
    limits: flood::FloodLimits,
) -> TelegramBot {
    TelegramBot {
        api: Bot::new(token).set_api_url(api_url),
        flood: Arc::new(flood::Flood::new(limits)),
    }
}

/// The channel's shared state.
#[derive(Clone)]
struct Channel {
    assistant: Assistant,
    bot: TelegramBot,
    /// Chats whose pushed messages this process forwards already, and from which conversation.
    forwarded: Arc<Mutex<HashMap<i64, Forwarding>>>,
    /// The bot as groups and commands address it (getMe, asked until it answers).
    me: Arc<tokio::sync::OnceCell<group::BotUser>>,
    /// Chats shown the contact button, removed with the next reply.
    contact_keyboards: Arc<Mutex<HashSet<i64>>>,
}

/// The task forwarding one conversation's pushed messages to a chat.
struct Forwarding {
    conversation: String,
    task: tokio::task::AbortHandle,
}

/// Polls for updates until the task is dropped. Pushed messages reach the chats only while
/// [`Assistant::follow_pushed_messages`] runs in this process (the web channel runs it).
pub async fn run(assistant: Assistant, bot: TelegramBot) {
    run_polling(assistant, bot, POLL_TIMEOUT_SECONDS).await
}

/// [`run`] with another long-poll wait (tests use a short one).
pub async fn run_polling(assistant: Assistant, bot: TelegramBot, timeout_seconds: u32) {
    // A bot switched back from webhook mode gets no updates by polling until its webhook is gone.
    if let Err(error) = bot.delete_webhook().await {
        tracing::warn!(%error, "telegram deleteWebhook failed; polling may be refused");
    }
    commands::register(&bot, &assistant).await;
    let channel = Channel::new(assistant, bot);
    channel.me().await;
    channel.listen_to_recent_chats().await;
    // Dropped with the polling task (aborting the polling task aborts this one).
    let _pruning = push::AbortOnDrop(tokio::spawn(channel.clone().prune_pushed_claims()));
    let queues = queue::ChatQueues::new(channel.clone());
    tracing::info!("telegram channel polling");
    let mut offset: i32 = 0;
    loop {
        let updates = match channel
            .bot
            .get_updates()
            .offset(offset)
            .timeout(timeout_seconds)
            .await
        {
            Ok(updates) => updates,
            Err(error) => {
                tracing::warn!(%error, "telegram getUpdates failed; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Some(last) = updates.iter().map(|u| u.id.0).max() {
            offset = i32::try_from(last).unwrap_or(i32::MAX).saturating_add(1);
        }
        // Each update to its chat's queue; the next batch is asked for at once rather than after
        // this one is handled, so no update waits behind another chat's.
        for update in updates {
            queues.push(update).await;
        }
    }
}

/// Why an update could not be handled (logged once, by [`Channel::handle_update`]).
#[derive(Debug, thiserror::Error)]
enum ChannelError {
    #[error(transparent)]
    Core(#[from] crate::assistant::CoreError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("telegram: {0}")]
    Telegram(#[from] teloxide::RequestError),
}

impl Channel {
    fn new(assistant: Assistant, bot: TelegramBot) -> Self {
        Self {
            assistant,
            bot,
            forwarded: Arc::default(),
            me: Arc::default(),
            contact_keyboards: Arc::default(),
        }
    }

    async fn handle_update(&self, update: Update) {
        let update_id = i64::from(update.id.0);
        let span = tracing::info_span!("telegram_update", update = update_id);
        if let Err(error) = self.handle(update_id, update.kind).instrument(span).await {
            tracing::error!(update = update_id, %error, "telegram update not handled");
        }
    }

    async fn handle(&self, update_id: i64, kind: UpdateKind) -> Result<(), ChannelError> {
        match kind {
            UpdateKind::Message(message) => self.message(update_id, message).await,
            UpdateKind::CallbackQuery(query) => self.callback(update_id, query).await,
            _ => Ok(()),
        }
    }

    /// The chat's conversation, started (with its opening sent: the welcome and the hot
    /// questions) on the chat's first update; a group's is shared by its members.
    async fn conversation(
        &self,
        chat: ChatId,
        language: Option<&str>,
        shared: bool,
    ) -> Result<String, ChannelError> {
        Ok(self.opened_conversation(chat, language, shared).await?.0)
    }

    /// Like [`Channel::conversation`], also saying whether this update opened it with the hot
    /// questions (its opening, just sent, had them).
    async fn opened_conversation(
        &self,
        chat: ChatId,
        language: Option<&str>,
        shared: bool,
    ) -> Result<(String, bool), ChannelError> {
        let db = self.assistant.database();
        let (id, opened) = match db.telegram_chat(chat.0).await? {
            Some(stored) => (stored.conversation_id, false),
            None => {
                let locale = language
                    .and_then(Locale::negotiate)
                    .unwrap_or_else(|| self.assistant.default_locale());
                let (id, opening) = if shared {
                    self.assistant
                        .start_shared_conversation("telegram-group", locale)
                        .await?
                } else {
                    self.assistant
                        .start_conversation("telegram", locale)
                        .await?
                };
                db.link_telegram_chat(chat.0, &id).await?;
                self.send(chat, &opening).await?;
                let with_menu = opening
                    .iter()
                    .any(|message| message.kind == crate::message::ReplyKind::HotQuestions);
                (id, with_menu)
            }
        };
        self.forward_pushed(chat, &id);
        Ok((id, opened))
    }

    async fn message(&self, update_id: i64, message: Message) -> Result<(), ChannelError> {
        let shared = !message.chat.is_private();
        let mut text = message.text().map(String::from);
        if shared {
            // Only what is addressed to the bot, without the mention.
            let Some(me) = self.me().await else {
                return Ok(());
            };
            let Some(addressed) = group::addressed(&message, me) else {
                return Ok(());
            };
            text = addressed.text.filter(|_| message.text().is_some());
        }
        let chat = message.chat.id;
        let language = message.from.as_ref().and_then(|u| u.language_code.clone());
        let (conversation, opened) = self
            .opened_conversation(chat, language.as_deref(), shared)
            .await?;
        if !self
            .assistant
            .database()
            .claim_telegram_update(chat.0, update_id)
            .await?
        {
            return Ok(());
        }
        self.follow_app_language(chat, &conversation, language.as_deref())
            .await?;
        let locale = self.locale(&conversation).await;
        if let Some(text) = text {
            if self
                .reason_reply(chat, &conversation, &message, &text)
                .await?
            {
                return Ok(());
            }
            if self.command(chat, &conversation, &text, opened).await? {
                return Ok(());
            }
            if self.assistant.awaits_secret(&conversation).await? {
                // The password must not stay in the chat: removed before it is even checked.
                let deleted = self.bot.delete_message(chat, message.id).await.is_ok();
                let notice = if deleted {
                    "telegram-secret-deleted"
                } else {
                    "telegram-secret-not-deleted"
                };
                self.say(chat, locale, notice).await?;
            }
            return self.turn(chat, &conversation, Input::Text(text)).await;
        }
        if let Some(shared_contact) = message.contact() {
            let sender = message.from.as_ref().map(|user| user.id);
            return match contact::own_number(shared_contact, sender) {
                // A hint only: checked by the core exactly as if it had been typed.
                Some(number) => self.turn(chat, &conversation, Input::Text(number)).await,
                None => self.say(chat, locale, "telegram-contact-not-own").await,
            };
        }
        if let Some(offered) = photo::offered(&message) {
            return self.picture(chat, &conversation, offered).await;
        }
        self.say(chat, locale, "telegram-text-only").await
    }

    async fn callback(&self, update_id: i64, query: CallbackQuery) -> Result<(), ChannelError> {
        let Some(chat) = query.message.as_ref().map(|m| m.chat().clone()) else {
            self.bot.answer_callback_query(query.id).await?;
            return Ok(());
        };
        let conversation = self
            .conversation(
                chat.id,
                query.from.language_code.as_deref(),
                !chat.is_private(),
            )
            .await?;
        let db = self.assistant.database();
        if !db.claim_telegram_update(chat.id.0, update_id).await? {
            return Ok(());
        }
        self.follow_app_language(chat.id, &conversation, query.from.language_code.as_deref())
            .await?;
        let stored = db.telegram_chat(chat.id.0).await?;
        let direct = query.data.as_deref().and_then(feedback::direct_payload);
        let payload = direct.or_else(|| {
            stored.and_then(|stored| {
                query
                    .data
                    .as_deref()
                    .and_then(|key| keyboard::payload(&stored.keyboard, key))
            })
        });
        let Some(payload) = payload else {
            // A keyboard of an earlier reply: said so, and nothing changes.
            let locale = self.locale(&conversation).await;
            let text = self.text(locale, "telegram-stale-button");
            self.bot.answer_callback_query(query.id).text(text).await?;
            return Ok(());
        };
        self.bot.answer_callback_query(query.id).await?;
        if payload.starts_with(crate::assistant::FEEDBACK_PAYLOAD) {
            return self.feedback_press(chat.id, &conversation, &payload).await;
        }
        if self.local_button(chat.id, &conversation, &payload).await? {
            return Ok(());
        }
        self.turn(chat.id, &conversation, Input::Button(payload))
            .await
    }

    /// One turn of the conversation, its replies sent (or the apology when it failed).
    async fn turn(
        &self,
        chat: ChatId,
        conversation: &str,
        input: Input,
    ) -> Result<(), ChannelError> {
        let messages = match self.assistant.handle(conversation, input.clone()).await {
            Ok(messages) => messages,
            Err(error) => {
                tracing::error!(%error, "turn failed");
                vec![self.assistant.apology(conversation, &input, &error).await]
            }
        };
        self.send(chat, &messages).await
    }

    async fn locale(&self, conversation: &str) -> Locale {
        self.assistant
            .conversation_locale(conversation)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| self.assistant.default_locale())
    }

    fn text(&self, locale: Locale, id: &str) -> String {
        self.assistant.content().translations.text(locale, id, &[])
    }

    async fn say(&self, chat: ChatId, locale: Locale, id: &str) -> Result<(), ChannelError> {
        let request = self.bot.send_message(chat, self.text(locale, id));
        match self.bot.deliver(chat, request).await {
            Ok(_) => Ok(()),
            Err(error) => Ok(send::refused(chat, error)?),
        }
    }

    /// Sends replies as text with formatting entities, split at Telegram's length limit; the
    /// buttons of the batch (suggestions, related questions, a dialog's choices) become inline
    /// keyboards whose short keys replace the chat's earlier ones. A mobile step shows the
    /// contact button, and the next reply removes it.
    async fn send(&self, chat: ChatId, messages: &[BotMessage]) -> Result<(), ChannelError> {
        let mut keys = keyboard::Keys::default();
        let mut remove_contact = self.contact_keyboard_shown(chat, false);
        for message in messages {
            let parts = format::split(&format::format(message), format::TELEGRAM_LIMIT);
            let last = parts.len().saturating_sub(1);
            for (index, part) in parts.into_iter().enumerate() {
                let mut request = self.bot.send_message(chat, part.text);
                if !part.entities.is_empty() {
                    request = request.entities(part.entities);
                }
                let markup = if index == last {
                    self.markup(chat, message, &mut keys).await
                } else {
                    None
                };
                match markup {
                    Some(markup) => {
                        if matches!(markup, ReplyMarkup::Keyboard(_)) {
                            remove_contact = false;
                        }
                        request = request.reply_markup(markup);
                    }
                    None if remove_contact => {
                        request = request.reply_markup(ReplyMarkup::kb_remove());
                        remove_contact = false;
                    }
                    None => {}
                }
                if let Err(error) = self.bot.deliver(chat, request).await {
                    // Undeliverable: the rest would be refused too; the keyboard stays the last
                    // one the chat got.
                    return Ok(send::refused(chat, error)?);
                }
            }
        }
        if remove_contact {
            // Every message carried a keyboard of its own: the next reply removes it.
            self.contact_keyboard_shown(chat, true);
        }
        self.assistant
            .database()
            .set_telegram_keyboard(chat.0, &keys.to_json())
            .await?;
        Ok(())
    }

    /// After a start, the chats active lately hear what is pushed to them (an agent's reply, a
    /// review decision) without having to write first.
    async fn listen_to_recent_chats(&self) {
        let since = crate::store::now_ms() - RECENT_CHATS.as_millis() as i64;
        match self
            .assistant
            .database()
            .telegram_chats_active_since(since)
            .await
        {
            Ok(chats) => {
                for (chat, conversation) in chats {
                    self.forward_pushed(ChatId(chat), &conversation);
                }
            }
            Err(error) => tracing::warn!(%error, "telegram: recent chats not listened to"),
        }
    }
}
