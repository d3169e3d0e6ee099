//! What every layer shares: the input a user sends and the structured replies the bot gives.
//! Channels render these; the assistant, the dialog engine and delivery produce them. This module
//! imports nothing of ours, so that every other module may depend on it without a cycle.

use serde::{Deserialize, Serialize};

/// What a user sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Input {
    /// A typed message.
    Text(String),
    /// A pressed button: the button's payload.
    Button(String),
    /// An uploaded picture (its bytes; checked by content where it is used).
    Photo(Vec<u8>),
}

/// A button under a bot message; pressing it sends `payload` back as [`Input::Button`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub payload: String,
}

/// What kind of reply a message is, so channels can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    Answer,
    Suggestions,
    NoAnswer,
    SmallTalk,
    Notice,
    /// A step of a guided dialog.
    Dialog,
    /// One category of the hot questions: its name, with the questions as buttons. Consecutive
    /// ones form the start menu, which a channel may show as tabs.
    HotQuestions,
}

/// One structured reply; channels adapt it to their medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotMessage {
    pub kind: ReplyKind,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// A caption for the buttons ("相关问题："), shown between the text and the buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buttons_caption: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// The knowledge entry shown, for feedback and analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// The bot asks for a photo: channels offer an upload.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expects_photo: bool,
    /// The bot asks for a password: channels hide what the user types and do not echo it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expects_secret: bool,
    /// The bot asks for the user's own mobile number: a channel that can share the user's
    /// number (Telegram's contact button) may offer it; what is shared is only typed text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expects_mobile: bool,
    /// What the user asked for is done in a private chat only (it takes personal data or
    /// proof, and this conversation is shared with others): channels offer a way there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private_chat_only: bool,
    /// A person wrote this message (a support agent), not the bot: channels show their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Person>,
}

/// A person who writes in a conversation, as the student sees them: the display name the agent
/// chose, never their account name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
}

impl BotMessage {
    /// A message with text only.
    pub fn notice(kind: ReplyKind, text: String) -> Self {
        Self {
            kind,
            text,
            buttons: Vec::new(),
            buttons_caption: None,
            links: Vec::new(),
            entry_id: None,
            expects_photo: false,
            expects_secret: false,
            expects_mobile: false,
            private_chat_only: false,
            sender: None,
        }
    }

    /// A message a person wrote.
    pub fn from_person(name: &str, text: String) -> Self {
        Self {
            sender: Some(Person {
                name: name.to_string(),
            }),
            ..Self::notice(ReplyKind::Notice, text)
        }
    }
}

/// A link shown under an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// Why an answer did not help, given with a "not useful" (没用) vote: what editors read to
/// improve the entry. Stored by [`FeedbackReason::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackReason {
    /// The answer was hard to understand.
    Unclear,
    /// The steps were followed and did not solve it.
    DidNotWork,
    /// The answer is about something else.
    NotWhatIAsked,
    /// Something else, said in the reason's text.
    Other,
}

impl FeedbackReason {
    pub const ALL: [FeedbackReason; 4] = [
        FeedbackReason::Unclear,
        FeedbackReason::DidNotWork,
        FeedbackReason::NotWhatIAsked,
        FeedbackReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackReason::Unclear => "unclear",
            FeedbackReason::DidNotWork => "did-not-work",
            FeedbackReason::NotWhatIAsked => "not-what-i-asked",
            FeedbackReason::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == code)
    }
}
