//! Telegram's commands and the chat's language. `/start` shows the core's menu of hot questions
//! (a new chat's opening has it already, after the welcome),
//! `/help` what the bot does, `/human` asks for a person as the core's "human" button does,
//! `/restart` gives the chat a fresh conversation (the core cancels a request for a person
//! first), `/lang` offers the languages. A chat follows the language of its user's Telegram app
//! until the user chooses one with `/lang`; the choice is kept.
//!
//! The commands are registered with Telegram in every language at start, so the app lists them.
//! `/start@bot` (as the app sends it when a command is picked from a list) works too.

use teloxide::prelude::*;
use teloxide::types::{BotCommand, ChatId};

use super::{Channel, ChannelError, TelegramBot};
use crate::assistant::{ASK_PAYLOAD, Assistant, Button, CoreError, Input};
use crate::locale::Locale;
use crate::message::{BotMessage, ReplyKind};

/// The payloads of the `/lang` buttons: the channel's own, never passed to the core.
const LANGUAGE_PAYLOAD: &str = "telegram:lang:";

/// A command the bot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Command {
    Start,
    Help,
    Human,
    Restart,
    Lang,
}

impl Command {
    const ALL: [Command; 5] = [
        Command::Start,
        Command::Help,
        Command::Human,
        Command::Restart,
        Command::Lang,
    ];

    fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "help",
            Command::Human => "human",
            Command::Restart => "restart",
            Command::Lang => "lang",
        }
    }

    /// Its description in the app's list and in the help.
    fn description_id(self) -> &'static str {
        match self {
            Command::Start => "telegram-command-start",
            Command::Help => "telegram-command-help",
            Command::Human => "telegram-command-human",
            Command::Restart => "telegram-command-restart",
            Command::Lang => "telegram-command-lang",
        }
    }
}

/// What a typed text is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Typed {
    Command(Command),
    /// Looks like a command, but none the bot knows (or addressed to another bot).
    Unknown,
    /// Anything else: for the conversation.
    Text,
}

/// Reads a command as Telegram writes one: `/name` or `/name@botusername` first, then anything.
/// A name is 1–32 Latin letters, digits or underscores; "/" followed by anything else (a path, a
/// smiley) is text. Without the bot's username, any `@…` is taken as addressed to this bot.
pub(super) fn parse(text: &str, bot_username: Option<&str>) -> Typed {
    let Some(rest) = text.trim_start().strip_prefix('/') else {
        return Typed::Text;
    };
    let word = rest.split(char::is_whitespace).next().unwrap_or_default();
    let (name, addressee) = match word.split_once('@') {
        Some((name, addressee)) => (name, Some(addressee)),
        None => (word, None),
    };
    let well_formed = (1..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed {
        return Typed::Text;
    }
    let ours = match (addressee, bot_username) {
        (Some(addressee), Some(username)) => addressee.eq_ignore_ascii_case(username),
        _ => true,
    };
    let name = name.to_ascii_lowercase();
    match Command::ALL.into_iter().find(|c| c.name() == name) {
        Some(command) if ours => Typed::Command(command),
        _ => Typed::Unknown,
    }
}

/// The language code Telegram files a locale's command list under (ISO 639-1).
fn telegram_code(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh",
        Locale::En => "en",
    }
}

fn command_list(assistant: &Assistant, locale: Locale) -> Vec<BotCommand> {
    let translations = &assistant.content().translations;
    Command::ALL
        .into_iter()
        .map(|c| BotCommand::new(c.name(), translations.text(locale, c.description_id(), &[])))
        .collect()
}

/// Tells Telegram the commands in every language, and in the default language for the users of
/// other languages. A failure is logged: the commands work without the app's list.
pub(super) async fn register(bot: &TelegramBot, assistant: &Assistant) {
    let mut lists: Vec<(Option<&str>, Locale)> = Locale::ALL
        .into_iter()
        .map(|locale| (Some(telegram_code(locale)), locale))
        .collect();
    lists.push((None, assistant.default_locale()));
    for (code, locale) in lists {
        let mut request = bot.set_my_commands(command_list(assistant, locale));
        if let Some(code) = code {
            request = request.language_code(code);
        }
        if let Err(error) = request.await {
            tracing::warn!(%error, language = code.unwrap_or("default"), "telegram commands not registered");
        }
    }
}

impl Channel {
    /// Handles typed text that is a command; `false` when it is not one, and the conversation
    /// takes it. While a step waits for a password, an unknown "command" is taken for the
    /// password it may be (removed from the chat, never echoed) rather than answered. `opened`:
    /// this update opened the conversation with the hot questions (they were just sent).
    pub(super) async fn command(
        &self,
        chat: ChatId,
        conversation: &str,
        text: &str,
        opened: bool,
    ) -> Result<bool, ChannelError> {
        let username = self.me().await.map(|me| me.username.as_str());
        let command = match parse(text, username) {
            Typed::Text => return Ok(false),
            Typed::Unknown if self.assistant.awaits_secret(conversation).await? => {
                return Ok(false);
            }
            Typed::Unknown => None,
            Typed::Command(command) => Some(command),
        };
        tracing::info!(
            command = command.map_or("unknown", Command::name),
            "telegram command"
        );
        let locale = self.locale(conversation).await;
        match command {
            None => {
                let text = self.with_commands(locale, "telegram-unknown-command");
                self.bot
                    .deliver(chat, self.bot.send_message(chat, text))
                    .await?;
            }
            Some(Command::Help) => {
                let text = self.with_commands(locale, "telegram-help");
                self.bot
                    .deliver(chat, self.bot.send_message(chat, text))
                    .await?;
            }
            // A new chat's opening was the welcome with the menu: not twice in a row.
            Some(Command::Start) if opened => {}
            Some(Command::Start) => self.send(chat, &self.assistant.start_menu(locale)).await?,
            Some(Command::Human) => {
                self.turn(chat, conversation, Input::Button(ASK_PAYLOAD.to_string()))
                    .await?
            }
            Some(Command::Restart) => self.restart(chat, conversation, text).await?,
            Some(Command::Lang) => {
                let buttons = Locale::ALL
                    .into_iter()
                    .map(|choice| Button {
                        label: self.text(locale, &format!("telegram-lang-{}", choice.tag())),
                        payload: format!("{LANGUAGE_PAYLOAD}{}", choice.tag()),
                    })
                    .collect();
                let message = BotMessage {
                    buttons,
                    ..BotMessage::notice(ReplyKind::Notice, self.text(locale, "telegram-lang"))
                };
                self.send(chat, &[message]).await?;
            }
        }
        Ok(true)
    }

    /// A message and the list of commands with their descriptions.
    fn with_commands(&self, locale: Locale, id: &str) -> String {
        let mut text = self.text(locale, id);
        for command in Command::ALL {
            text.push_str(&format!(
                "\n/{} — {}",
                command.name(),
                self.text(locale, command.description_id())
            ));
        }
        text
    }

    /// A fresh conversation for the chat, its welcome sent (after the note that the student
    /// left support, when the core cancelled a request for a person).
    async fn restart(
        &self,
        chat: ChatId,
        conversation: &str,
        text: &str,
    ) -> Result<(), ChannelError> {
        let (id, messages) = match self.assistant.restart_conversation(conversation).await {
            Ok(restarted) => restarted,
            Err(error) => return self.apologise(chat, conversation, text, error).await,
        };
        self.assistant
            .database()
            .relink_telegram_chat(chat.0, &id)
            .await?;
        tracing::info!(conversation = %id, "telegram chat restarted");
        self.forward_pushed(chat, &id);
        self.send(chat, &messages).await
    }

    /// What the user is told when the core could not do what a command asked.
    async fn apologise(
        &self,
        chat: ChatId,
        conversation: &str,
        text: &str,
        error: CoreError,
    ) -> Result<(), ChannelError> {
        tracing::error!(%error, "telegram command failed");
        let input = Input::Text(text.to_string());
        let apology = self.assistant.apology(conversation, &input, &error).await;
        self.send(chat, &[apology]).await
    }

    /// Handles a press on one of the channel's own buttons (a `/lang` choice); `false` for the
    /// core's buttons.
    pub(super) async fn local_button(
        &self,
        chat: ChatId,
        conversation: &str,
        payload: &str,
    ) -> Result<bool, ChannelError> {
        let Some(tag) = payload.strip_prefix(LANGUAGE_PAYLOAD) else {
            return Ok(false);
        };
        let Some(locale) = Locale::negotiate(tag) else {
            // Only the buttons this channel made carry the prefix: nothing else to do.
            return Ok(true);
        };
        self.assistant.set_locale(conversation, locale).await?;
        self.assistant
            .database()
            .choose_telegram_language(chat.0)
            .await?;
        tracing::info!(%locale, "telegram language chosen");
        self.say(chat, locale, "telegram-lang-set").await?;
        Ok(true)
    }

    /// Until the user chose a language, the conversation speaks that of their Telegram app
    /// (when it is one the bot speaks), as the app says with every update.
    pub(super) async fn follow_app_language(
        &self,
        chat: ChatId,
        conversation: &str,
        language_code: Option<&str>,
    ) -> Result<(), ChannelError> {
        let Some(wanted) = language_code.and_then(Locale::negotiate) else {
            return Ok(());
        };
        if self.locale(conversation).await == wanted
            || self
                .assistant
                .database()
                .telegram_language_chosen(chat.0)
                .await?
        {
            return Ok(());
        }
        self.assistant.set_locale(conversation, wanted).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_as_telegram_writes_them() {
        let bot = Some("helpbot_test_bot");
        assert_eq!(parse("/start", bot), Typed::Command(Command::Start));
        assert_eq!(parse(" /HELP please", bot), Typed::Command(Command::Help));
        assert_eq!(
            parse("/lang@HelpBot_Test_Bot", bot),
            Typed::Command(Command::Lang)
        );
        assert_eq!(parse("/start@other_bot", bot), Typed::Unknown);
        assert_eq!(
            parse("/restart@any", None),
            Typed::Command(Command::Restart)
        );
        assert_eq!(parse("/weather", bot), Typed::Unknown);
        assert_eq!(parse("/usr/bin", bot), Typed::Text);
        assert_eq!(parse("/", bot), Typed::Text);
        assert_eq!(parse("/ start", bot), Typed::Text);
        assert_eq!(parse("how do I /start", bot), Typed::Text);
        assert_eq!(parse("/密码", bot), Typed::Text);
    }
}
