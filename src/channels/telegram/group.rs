//! Group chats: the bot answers only what is addressed to it — a message that mentions it
//! (`@username`), replies to one of its messages, or a command addressed to it
//! (`/start@username`) — and the assistant sees the text without the mention. A group is one
//! shared conversation, in which the core runs no dialog that takes personal data or proof.

use std::ops::Range;

use teloxide::prelude::Requester;
use teloxide::types::{Me, Message, MessageEntityKind, UserId};

use super::Channel;

/// The bot as a group addresses it (from getMe).
#[derive(Debug, Clone)]
pub struct BotUser {
    pub id: UserId,
    pub username: String,
}

impl From<&Me> for BotUser {
    fn from(me: &Me) -> Self {
        Self {
            id: me.user.id,
            username: me.user.username.clone().unwrap_or_default(),
        }
    }
}

impl Channel {
    /// The bot's own user (getMe, asked at the start and again until it answers); `None` while
    /// it cannot be had, when groups are not answered.
    pub(super) async fn me(&self) -> Option<&BotUser> {
        let asked = self
            .me
            .get_or_try_init(|| async { self.bot.get_me().await.map(|me| BotUser::from(&me)) })
            .await;
        match asked {
            Ok(me) => Some(me),
            Err(error) => {
                tracing::warn!(%error, "telegram getMe failed; groups are not answered yet");
                None
            }
        }
    }
}

/// A group message addressed to the bot: its text (or caption) without the mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    pub text: Option<String>,
}

/// What a group message says to the bot; `None` when it is not addressed to the bot.
pub fn addressed(message: &Message, bot: &BotUser) -> Option<Addressed> {
    let replies_to_bot = message
        .reply_to_message()
        .and_then(|replied| replied.from.as_ref())
        .is_some_and(|author| author.id == bot.id);
    let (text, entities) = match (message.text(), message.caption()) {
        (Some(text), _) => (Some(text), message.parse_entities().unwrap_or_default()),
        (None, Some(caption)) => (
            Some(caption),
            message.parse_caption_entities().unwrap_or_default(),
        ),
        (None, None) => (None, Vec::new()),
    };
    let mention = format!("@{}", bot.username);
    // Byte ranges of the text to remove: the mention, or the `@username` of a command.
    let mut cut: Vec<Range<usize>> = Vec::new();
    if !bot.username.is_empty() {
        for entity in &entities {
            match entity.kind() {
                MessageEntityKind::Mention if entity.text().eq_ignore_ascii_case(&mention) => {
                    cut.push(entity.range());
                }
                MessageEntityKind::BotCommand => {
                    let command = entity.text();
                    if let Some(at) = command.find('@')
                        && command[at..].eq_ignore_ascii_case(&mention)
                    {
                        cut.push(entity.start() + at..entity.end());
                    }
                }
                _ => {}
            }
        }
    }
    if cut.is_empty() && !replies_to_bot {
        return None;
    }
    let text = text.map(|text| without(text, &cut));
    Some(Addressed { text })
}

/// The text without the byte ranges (entity ranges, on character boundaries), tidied.
fn without(text: &str, cut: &[Range<usize>]) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut from = 0;
    let mut sorted = cut.to_vec();
    sorted.sort_by_key(|range| range.start);
    for range in sorted {
        if range.start < from {
            continue;
        }
        kept.push_str(text.get(from..range.start).unwrap_or_default());
        from = range.end;
    }
    kept.push_str(text.get(from..).unwrap_or_default());
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: serde_json::Value) -> Message {
        serde_json::from_value(json).expect("a message")
    }

    fn group_message(text: &str, entities: serde_json::Value) -> Message {
        message(serde_json::json!({
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": { "id": -100, "type": "group", "title": "Class" },
            "from": { "id": 5, "is_bot": false, "first_name": "A" },
            "text": text,
            "entities": entities,
        }))
    }

    fn bot() -> BotUser {
        BotUser {
            id: UserId(123456),
            username: "helpbot_test_bot".into(),
        }
    }

    #[test]
    fn a_mention_addresses_the_bot_and_is_removed() {
        let text = "@helpbot_test_bot 怎么找回用户名";
        let found = addressed(
            &group_message(
                text,
                serde_json::json!([{ "type": "mention", "offset": 0, "length": 17 }]),
            ),
            &bot(),
        );
        assert_eq!(found.and_then(|a| a.text), Some("怎么找回用户名".into()));
    }

    #[test]
    fn a_mention_after_chinese_text_is_found_by_utf16_offsets() {
        let text = "请问 @helpbot_test_bot 怎么找回用户名";
        let found = addressed(
            &group_message(
                text,
                serde_json::json!([{ "type": "mention", "offset": 3, "length": 17 }]),
            ),
            &bot(),
        );
        assert_eq!(
            found.and_then(|a| a.text),
            Some("请问 怎么找回用户名".into())
        );
    }

    #[test]
    fn another_mention_or_none_does_not_address_the_bot() {
        let other = group_message(
            "@someone_else hello",
            serde_json::json!([{ "type": "mention", "offset": 0, "length": 13 }]),
        );
        assert_eq!(addressed(&other, &bot()), None);
        let plain = group_message("hello everyone", serde_json::json!([]));
        assert_eq!(addressed(&plain, &bot()), None);
    }

    #[test]
    fn a_command_addressed_to_the_bot_loses_its_username() {
        let text = "/help@helpbot_test_bot";
        let found = addressed(
            &group_message(
                text,
                serde_json::json!([{ "type": "bot_command", "offset": 0, "length": 22 }]),
            ),
            &bot(),
        );
        assert_eq!(found.and_then(|a| a.text), Some("/help".into()));
        let bare = group_message(
            "/help",
            serde_json::json!([{ "type": "bot_command", "offset": 0, "length": 5 }]),
        );
        assert_eq!(addressed(&bare, &bot()), None);
    }

    #[test]
    fn a_reply_to_the_bot_addresses_it() {
        let reply = message(serde_json::json!({
            "message_id": 2,
            "date": 1_700_000_000,
            "chat": { "id": -100, "type": "group", "title": "Class" },
            "from": { "id": 5, "is_bot": false, "first_name": "A" },
            "text": "and then?",
            "reply_to_message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": { "id": -100, "type": "group", "title": "Class" },
                "from": { "id": 123456, "is_bot": true, "first_name": "helpbot" },
                "text": "earlier",
            },
        }));
        assert_eq!(
            addressed(&reply, &bot()).and_then(|a| a.text),
            Some("and then?".into())
        );
    }
}
