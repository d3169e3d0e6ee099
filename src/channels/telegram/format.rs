//! How a reply looks in Telegram: plain text with formatting entities, never a parse mode.
//!
//! Telegram offers two ways to format: a parse mode (MarkdownV2 or HTML), where the text is markup
//! and every character of the answer, a link title or an agent's message must be escaped for it;
//! or `entities`, where the text is sent as it is and the formatting is a list of ranges beside
//! it. We use entities: nothing the knowledge base, a user or an agent writes can be taken for
//! markup whatever its characters (`_*[]()~>#+-=|{}.!`, `<&>` arrive verbatim), there is no
//! escaping to forget, and splitting a long answer is cutting text and moving ranges, not
//! re-balancing tags. Links become `text_link` entities over their titles; an agent's name is
//! bold. Offsets are in UTF-16 code units, as Telegram counts.

use teloxide::types::MessageEntity;

use crate::message::BotMessage;

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const TELEGRAM_LIMIT: usize = 4096;

/// Text to send and its formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct Formatted {
    pub text: String,
    pub entities: Vec<MessageEntity>,
}

impl Formatted {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends `text` covered by an entity made from its UTF-16 offset and length.
    fn push_entity(&mut self, text: &str, entity: impl FnOnce(usize, usize) -> MessageEntity) {
        let length = utf16_len(text);
        if length > 0 {
            self.entities.push(entity(utf16_len(&self.text), length));
        }
        self.push(text);
    }
}

/// A reply as Telegram shows it: the sender's name in bold, the text, each link as its title
/// linked, then the caption of the buttons (the buttons themselves become a keyboard).
pub fn format(message: &BotMessage) -> Formatted {
    let mut out = Formatted {
        text: String::new(),
        entities: Vec::new(),
    };
    if let Some(person) = &message.sender {
        out.push_entity(&format!("[{}]", person.name), MessageEntity::bold);
        out.push(" ");
    }
    out.push(&message.text);
    for link in &message.links {
        out.push("\n🔗 ");
        // Telegram refuses a message whose link it cannot open: such a link is shown as text.
        let url = reqwest::Url::parse(&link.url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"));
        match url {
            Some(url) if !link.title.trim().is_empty() => {
                out.push_entity(&link.title, |offset, length| {
                    MessageEntity::text_link(url, offset, length)
                });
            }
            _ if link.title.trim().is_empty() => out.push(&link.url),
            _ => out.push(&format!("{}: {}", link.title, link.url)),
        }
    }
    if let Some(caption) = &message.buttons_caption {
        out.push("\n\n");
        out.push(caption);
    }
    out
}

/// The text in parts of at most `limit` UTF-16 units, each with its own entities (offsets from
/// the part's start). A part ends at a line break in its second half when there is one, and
/// never inside an entity, unless the entity alone is longer than a part (then it is cut in two,
/// each half keeping the formatting).
pub fn split(formatted: &Formatted, limit: usize) -> Vec<Formatted> {
    let limit = limit.max(1);
    // Every character boundary: its byte index and UTF-16 offset.
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(formatted.text.len() + 1);
    let mut units = 0;
    for (index, ch) in formatted.text.char_indices() {
        bounds.push((index, units));
        units += ch.len_utf16();
    }
    bounds.push((formatted.text.len(), units));
    let total = units;
    let inside_entity = |at: usize| {
        formatted
            .entities
            .iter()
            .find(|e| e.offset < at && at < e.offset + e.length)
    };
    let mut parts = Vec::new();
    // Indexes into `bounds` of the current part's start.
    let mut start = 0;
    while total - bounds[start].1 > limit {
        let from = bounds[start].1;
        // The last boundary within the limit (there is one past `start`: a char is ≤ 2 units).
        let max = bounds
            .iter()
            .rposition(|&(_, u)| u <= from + limit)
            .filter(|&at| at > start)
            .unwrap_or(start + 1);
        let newline = (start + 1..=max).rev().find(|&at| {
            let (byte, u) = bounds[at];
            u > from + limit / 2
                && formatted.text[..byte].ends_with('\n')
                && inside_entity(u).is_none()
        });
        let end = newline.unwrap_or_else(|| match inside_entity(bounds[max].1) {
            // Cut before the entity when it starts inside this part.
            Some(entity) if entity.offset > from => bounds
                .iter()
                .position(|&(_, u)| u == entity.offset)
                .unwrap_or(max),
            _ => max,
        });
        parts.push(part(formatted, bounds[start], bounds[end]));
        start = end;
    }
    if bounds[start].0 < formatted.text.len() || parts.is_empty() {
        parts.push(part(formatted, bounds[start], bounds[bounds.len() - 1]));
    }
    parts
}

/// The part between two boundaries `(byte, utf16)`, its entities clipped and moved.
fn part(
    formatted: &Formatted,
    (from_byte, from): (usize, usize),
    (to_byte, to): (usize, usize),
) -> Formatted {
    let entities = formatted
        .entities
        .iter()
        .filter_map(|entity| {
            let start = entity.offset.max(from);
            let end = (entity.offset + entity.length).min(to);
            (start < end).then(|| MessageEntity {
                kind: entity.kind.clone(),
                offset: start - from,
                length: end - start,
            })
        })
        .collect();
    Formatted {
        text: formatted.text[from_byte..to_byte].to_string(),
        entities,
    }
}

/// The length of a text as Telegram counts it.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Link, ReplyKind};
    use teloxide::types::MessageEntityKind;

    fn answer(text: &str, links: Vec<Link>) -> BotMessage {
        BotMessage {
            links,
            ..BotMessage::notice(ReplyKind::Answer, text.into())
        }
    }

    /// The text an entity covers.
    fn covered(formatted: &Formatted, entity: &MessageEntity) -> String {
        let units: Vec<u16> = formatted.text.encode_utf16().collect();
        String::from_utf16_lossy(&units[entity.offset..entity.offset + entity.length])
    }

    #[test]
    fn markup_characters_stay_text_and_a_link_title_becomes_a_link() {
        let hostile = "_*[]()~>#+-=|{}.! <&> 😀";
        let formatted = format(&answer(
            hostile,
            vec![Link {
                title: "帮助 <中心> *1*".into(),
                url: "https://account.chsi.com.cn/help?a=1&b=2".into(),
            }],
        ));
        assert!(formatted.text.starts_with(hostile));
        assert_eq!(formatted.entities.len(), 1);
        assert_eq!(
            covered(&formatted, &formatted.entities[0]),
            "帮助 <中心> *1*"
        );
        assert!(matches!(
            &formatted.entities[0].kind,
            MessageEntityKind::TextLink { url } if url.as_str() == "https://account.chsi.com.cn/help?a=1&b=2"
        ));
        // After an emoji (two UTF-16 units) and "\n🔗 " (four).
        assert_eq!(formatted.entities[0].offset, utf16_len(hostile) + 4);
    }

    #[test]
    fn a_link_telegram_would_refuse_is_shown_as_text() {
        let formatted = format(&answer(
            "见",
            vec![Link {
                title: "本地".into(),
                url: "javascript:alert(1)".into(),
            }],
        ));
        assert!(formatted.entities.is_empty());
        assert!(formatted.text.ends_with("本地: javascript:alert(1)"));
    }

    #[test]
    fn an_agents_name_is_bold() {
        let message = BotMessage::from_person("小王", "你好".into());
        let formatted = format(&message);
        assert_eq!(formatted.text, "[小王] 你好");
        assert_eq!(covered(&formatted, &formatted.entities[0]), "[小王]");
    }

    #[test]
    fn long_texts_split_within_the_limit_and_never_inside_an_entity() {
        let text = "学信网😀".repeat(1000);
        let formatted = format(&answer(
            &text,
            (0..40)
                .map(|n| Link {
                    title: format!("链接 {n} 😀 title"),
                    url: format!("https://example.edu/{n}"),
                })
                .collect(),
        ));
        for limit in [4096, 100, 37] {
            let parts = split(&formatted, limit);
            assert!(parts.len() > 1);
            assert_eq!(
                parts.iter().map(|p| p.text.as_str()).collect::<String>(),
                formatted.text
            );
            let mut links = 0;
            for part in &parts {
                assert!(utf16_len(&part.text) <= limit);
                for entity in &part.entities {
                    assert!(covered(part, entity).starts_with("链接 "), "{part:?}");
                    assert!(covered(part, entity).ends_with(" title"), "{part:?}");
                    links += 1;
                }
            }
            assert_eq!(links, 40);
        }
    }

    #[test]
    fn an_entity_longer_than_a_part_is_cut_but_keeps_its_formatting() {
        let title = "长".repeat(50);
        let formatted = format(&answer(
            "x",
            vec![Link {
                title: title.clone(),
                url: "https://example.edu".into(),
            }],
        ));
        let parts = split(&formatted, 20);
        let covered: String = parts
            .iter()
            .flat_map(|p| p.entities.iter().map(|e| covered(p, e)))
            .collect();
        assert_eq!(covered, title);
        assert!(parts.iter().all(|p| utf16_len(&p.text) <= 20));
    }

    #[test]
    fn without_a_line_break_the_part_ends_before_the_entity() {
        let formatted = Formatted {
            text: "a".repeat(30),
            entities: vec![MessageEntity::bold(15, 10)],
        };
        let parts = split(&formatted, 20);
        assert_eq!(parts[0].text, "a".repeat(15));
        assert!(parts[0].entities.is_empty());
        assert_eq!(parts[1].entities, vec![MessageEntity::bold(0, 10)]);
    }

    #[test]
    fn a_line_break_in_the_second_half_is_preferred() {
        let text = format!("{}\n{}", "a".repeat(3000), "b".repeat(3000));
        let parts = split(&format(&answer(&text, Vec::new())), TELEGRAM_LIMIT);
        assert_eq!(parts[0].text, format!("{}\n", "a".repeat(3000)));
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn a_short_or_empty_text_is_one_part() {
        let formatted = format(&answer("", Vec::new()));
        assert_eq!(split(&formatted, 4096), vec![formatted]);
    }
}
