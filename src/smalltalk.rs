//! Greetings, thanks, goodbyes and "who are you": recognised from editor-maintained phrases in
//! `knowledge/_smalltalk.toml`, answered briefly from `locales/`. A greeting followed by a real
//! question ("你好，忘记用户名了") is split off so the question is still answered.

use serde::Deserialize;

use crate::text::normalize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallTalkFile {
    #[serde(rename = "intent", default)]
    pub intents: Vec<Intent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    /// What kind of small talk this is; `greeting` replies with a greeting by time of day.
    pub name: String,
    /// The fluent message id of the reply.
    pub reply: String,
    /// Phrases that mean this intent on their own, in any supported language.
    pub phrases: Vec<String>,
}

/// What small talk recognition found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmallTalk<'a> {
    /// The whole message is small talk.
    Only(&'a Intent),
    /// The message starts with a greeting and goes on with something else (returned).
    GreetingThen(String),
    /// Not small talk.
    No,
}

impl PartialEq for Intent {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Intent {}

/// Characters that do not change what a short message means: punctuation, spaces and the
/// particles that only soften it.
fn is_filler(c: char) -> bool {
    crate::text::is_punctuation_or_space(c)
        || matches!(c, '啊' | '呀' | '哈' | '呢' | '吧' | '哦' | '噢' | '嘛')
}

fn squeeze(text: &str) -> String {
    normalize(text).chars().filter(|c| !is_filler(*c)).collect()
}

pub struct SmallTalkMatcher {
    intents: Vec<Intent>,
    /// (squeezed phrase, intent index), longest first.
    phrases: Vec<(String, usize)>,
}

impl SmallTalkMatcher {
    pub fn new(file: SmallTalkFile) -> Self {
        let mut phrases: Vec<(String, usize)> = file
            .intents
            .iter()
            .enumerate()
            .flat_map(|(i, intent)| intent.phrases.iter().map(move |p| (squeeze(p), i)))
            .filter(|(p, _)| !p.is_empty())
            .collect();
        phrases.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.chars().count()));
        Self {
            intents: file.intents,
            phrases,
        }
    }

    pub fn intents(&self) -> &[Intent] {
        &self.intents
    }

    pub fn recognise(&self, message: &str) -> SmallTalk<'_> {
        let squeezed = squeeze(message);
        if squeezed.is_empty() {
            return SmallTalk::No;
        }
        // Also accept a phrase repeated or two intents together ("谢谢再见"): all of it small talk.
        let mut rest = squeezed.as_str();
        let mut last = None;
        while !rest.is_empty() {
            let Some((phrase, intent)) = self
                .phrases
                .iter()
                .find(|(p, _)| rest.starts_with(p.as_str()))
            else {
                break;
            };
            last = Some(*intent);
            rest = &rest[phrase.len()..];
        }
        match last {
            Some(intent) if rest.is_empty() => SmallTalk::Only(&self.intents[intent]),
            _ => self.greeting_prefix(message),
        }
    }

    /// "你好，我忘记用户名了" → the part after the greeting, taken from the original text.
    fn greeting_prefix(&self, message: &str) -> SmallTalk<'_> {
        let normalized = normalize(message);
        let trimmed = normalized.trim_start_matches(is_filler);
        for (phrase, intent) in &self.phrases {
            if self.intents[*intent].name != "greeting" {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix(phrase.as_str()) {
                // "hi" must not eat the start of "his…": an English greeting ends at a non-letter.
                if phrase.chars().all(|c| c.is_ascii_alphabetic())
                    && rest
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    continue;
                }
                let rest = rest.trim_start_matches(is_filler);
                if !rest.is_empty() {
                    return SmallTalk::GreetingThen(rest.to_string());
                }
            }
        }
        SmallTalk::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> SmallTalkMatcher {
        let file: SmallTalkFile = toml::from_str(
            r#"
[[intent]]
name = "greeting"
reply = "smalltalk-greeting"
phrases = ["你好", "您好", "hi", "hello", "在吗"]
[[intent]]
name = "thanks"
reply = "smalltalk-thanks"
phrases = ["谢谢", "thanks", "thank you"]
"#,
        )
        .expect("valid");
        SmallTalkMatcher::new(file)
    }

    #[test]
    fn whole_messages_are_recognised() {
        let m = matcher();
        assert!(matches!(m.recognise("你好！"), SmallTalk::Only(i) if i.name == "greeting"));
        assert!(matches!(m.recognise("Thank you!!"), SmallTalk::Only(i) if i.name == "thanks"));
        assert!(matches!(m.recognise("您好，在吗？"), SmallTalk::Only(i) if i.name == "greeting"));
    }

    #[test]
    fn a_greeting_before_a_question_leaves_the_question() {
        let m = matcher();
        assert_eq!(
            m.recognise("你好，我忘记用户名了"),
            SmallTalk::GreetingThen("我忘记用户名了".into())
        );
        assert_eq!(m.recognise("history of chsi"), SmallTalk::No);
        assert_eq!(m.recognise("忘记用户名"), SmallTalk::No);
    }
}
