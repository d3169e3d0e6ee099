//! Answering from the help content, with no database: small talk, the knowledge search and how
//! its outcome is worded. It keeps no state, so `helpbot ask`, the typing suggestions and the
//! answering benchmark use it without opening anything, the assistant answers with it, and the
//! dialog engine asks it about questions typed on the side of a dialog.

use std::sync::Arc;

use chrono::{FixedOffset, Timelike, Utc};

use crate::config::Config;
use crate::content::Content;
use crate::dialog::engine::Asides;
use crate::hot::{HotQuestions, Traffic};
use crate::i18n::Args;
use crate::knowledge::{Entry, Outcome, SearchResult, Verdict};
use crate::locale::Locale;
use crate::message::{BotMessage, Button, Input, ReplyKind};
use crate::smalltalk::SmallTalk;
use crate::text::looks_binary;

pub const ENTRY_PAYLOAD: &str = "entry:";
pub const DIALOG_PAYLOAD: &str = "dialog:";
/// A button for a meaning outside the domain (a vague word's option): `outside:<subject id>`.
pub const OUTSIDE_PAYLOAD: &str = "outside:";
/// The "common questions" button: the start menu again (the hot questions by category).
pub const MENU_PAYLOAD: &str = "menu:hot";
/// The small talk intent (`knowledge/_smalltalk.toml`) whose phrases ask for the start menu.
pub const MENU_INTENT: &str = "menu";

/// What the assistant answered to one input, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub messages: Vec<BotMessage>,
    /// `definite`, `suggest`, `none`, `outside` (recognised as another service or subject),
    /// `smalltalk`, `picked`, `menu` (the hot questions asked for) or `invalid`, stored for analytics.
    pub outcome: &'static str,
    pub entry_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("search failed: {0}")]
    Search(#[from] crate::knowledge::index::IndexError),
}

/// What answering takes from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct AnswerSettings {
    /// Longer messages are refused politely.
    pub max_message_chars: usize,
    /// The users' clock, for greetings.
    pub utc_offset: FixedOffset,
    /// Hot questions shown per category (`[hot] per_category`).
    pub hot_per_category: usize,
    /// New conversations open with the hot questions (`[hot] in_opening`).
    pub hot_in_opening: bool,
}

impl From<&Config> for AnswerSettings {
    fn from(config: &Config) -> Self {
        Self {
            max_message_chars: config.conversation.max_message_chars,
            utc_offset: FixedOffset::east_opt(
                config.conversation.utc_offset_hours.clamp(-23, 23) * 3600,
            )
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset")),
            hot_per_category: config.hot.per_category,
            hot_in_opening: config.hot.in_opening,
        }
    }
}

/// Answers from one content set.
#[derive(Clone)]
pub struct Answerer {
    content: Arc<Content>,
    settings: AnswerSettings,
    /// The traffic behind the hot questions (none: the editors' pins alone).
    traffic: Arc<Traffic>,
}

impl Answerer {
    pub fn new(content: Arc<Content>, settings: AnswerSettings) -> Self {
        Self {
            content,
            settings,
            traffic: Arc::default(),
        }
    }

    /// The same answerer, showing hot questions from this count of the traffic.
    pub fn with_traffic(mut self, traffic: Arc<Traffic>) -> Self {
        self.traffic = traffic;
        self
    }

    pub fn content(&self) -> &Arc<Content> {
        &self.content
    }

    /// Help titles matching what the user is typing (at most 5; nothing under 2 characters).
    pub fn suggest_titles(&self, typed: &str, locale: Locale) -> Vec<(String, String)> {
        let typed = typed.trim();
        if typed.chars().count() < 2 || typed.chars().count() > self.settings.max_message_chars {
            return Vec::new();
        }
        let floor = self.content.knowledge.settings().suggest_threshold * 0.5;
        self.content
            .knowledge
            .search(typed, locale)
            .map(|result| {
                result
                    .hits
                    .into_iter()
                    .filter(|hit| hit.coverage >= floor)
                    .map(|hit| (hit.id, hit.title))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The reply to an input from the knowledge base and small talk, without storing anything
    /// and without dialogs.
    /// An answer, a list of suggestions, an "I don't know" or "not this service" ends with the
    /// "common questions" button, a way on for a student who has read it or found nothing.
    pub fn reply(&self, input: &Input, locale: Locale) -> Result<Reply, AnswerError> {
        let mut reply = match input {
            Input::Text(text) => self.reply_to_text(text, locale)?,
            Input::Button(payload) => self.reply_to_button(payload, locale),
            Input::Photo(_) => self.invalid(locale, "input-photo-unexpected", &[]),
        };
        if matches!(
            reply.outcome,
            "definite" | "picked" | "suggest" | "none" | "outside"
        ) && let Some(last) = reply.messages.last_mut()
        {
            last.buttons.push(self.menu_button(locale));
        }
        Ok(reply)
    }

    /// The button that shows the hot questions again.
    pub fn menu_button(&self, locale: Locale) -> Button {
        Button {
            label: self.text(locale, "hot-menu-button", &[]),
            payload: MENU_PAYLOAD.to_string(),
        }
    }

    pub fn text(&self, locale: Locale, id: &str, args: Args<'_>) -> String {
        self.content.translations.text(locale, id, args)
    }

    pub fn reply_to_text(&self, text: &str, locale: Locale) -> Result<Reply, AnswerError> {
        let trimmed = text.trim();
        if looks_binary(trimmed) {
            return Ok(self.invalid(locale, "input-not-text", &[]));
        }
        if trimmed.is_empty() {
            return Ok(self.invalid(locale, "input-empty", &[]));
        }
        let length = trimmed.chars().count();
        if length > self.settings.max_message_chars {
            return Ok(self.invalid(
                locale,
                "input-too-long",
                &[
                    ("length", length.into()),
                    ("max", self.settings.max_message_chars.into()),
                ],
            ));
        }
        let question = match self.content.smalltalk.recognise(trimmed) {
            // "常见问题", "menu" …: the start menu again (the phrases are content).
            SmallTalk::Only(intent) if intent.name == MENU_INTENT => {
                return Ok(self.menu_reply(locale));
            }
            SmallTalk::Only(intent) => {
                let greeting = self.text(locale, self.greeting_id(), &[]);
                let message = BotMessage::notice(
                    ReplyKind::SmallTalk,
                    self.text(locale, &intent.reply, &[("greeting", greeting.into())]),
                );
                return Ok(Reply {
                    messages: vec![message],
                    outcome: "smalltalk",
                    entry_id: None,
                });
            }
            SmallTalk::GreetingThen(rest) => rest,
            SmallTalk::No => trimmed.to_string(),
        };
        self.answer(&question, locale)
    }

    /// Searches the knowledge base and words the outcome.
    pub fn answer(&self, question: &str, locale: Locale) -> Result<Reply, AnswerError> {
        let knowledge = &self.content.knowledge;
        let result = knowledge.search(question, locale)?;
        if let Some(reply) = self.scope_reply(&result, locale) {
            return Ok(reply);
        }
        let reply = match result.outcome {
            Outcome::Definite => {
                let best = &result.hits[0];
                let entry = &knowledge.entries()[best.entry];
                Reply {
                    messages: vec![self.entry_message(entry, locale)],
                    outcome: "definite",
                    entry_id: Some(entry.id.clone()),
                }
            }
            Outcome::Suggest => {
                let floor = knowledge.settings().suggest_threshold * 0.5;
                let buttons = result
                    .hits
                    .iter()
                    .enumerate()
                    .filter(|(rank, hit)| *rank == 0 || hit.coverage >= floor)
                    .map(|(_, hit)| entry_button(&knowledge.entries()[hit.entry], locale))
                    .collect();
                Reply {
                    messages: vec![BotMessage {
                        kind: ReplyKind::Suggestions,
                        text: self.text(locale, "suggest-intro", &[]),
                        buttons,
                        buttons_caption: None,
                        links: Vec::new(),
                        entry_id: None,
                        expects_photo: false,
                        expects_secret: false,
                        expects_mobile: false,
                        private_chat_only: false,
                        sender: None,
                    }],
                    outcome: "suggest",
                    entry_id: None,
                }
            }
            Outcome::None => Reply {
                messages: vec![BotMessage::notice(
                    ReplyKind::NoAnswer,
                    self.text(locale, "none-reply", &[]),
                )],
                outcome: "none",
                entry_id: None,
            },
        };
        Ok(reply)
    }

    /// The reply to what `_scope.toml` recognised: another service or an outside subject said
    /// so by name, a vague word asked back with its meanings as buttons.
    fn scope_reply(&self, result: &SearchResult, locale: Locale) -> Option<Reply> {
        match &result.verdict {
            Verdict::Domain | Verdict::Meant(_) => None,
            Verdict::OtherService(id) => {
                let service = self.text(locale, &format!("scope-service-{id}"), &[]);
                Some(self.outside_reply(
                    locale,
                    "scope-other-service",
                    &[("service", service.into())],
                ))
            }
            Verdict::OutsideSubject(id) => Some(self.outside_subject(id, locale)),
            Verdict::Vague(id) => {
                // The search was sure of an entry that is none of the meanings: it answers.
                if result.outcome != Outcome::Suggest {
                    return None;
                }
                let vague = self.content.knowledge.scope().vague(id)?;
                let buttons = vague
                    .options
                    .iter()
                    .map(|option| Button {
                        label: self.text(locale, &format!("vague-{id}-{}", option.id), &[]),
                        payload: match (&option.entry, &option.subject) {
                            (Some(entry), _) => format!("{ENTRY_PAYLOAD}{entry}"),
                            (None, subject) => {
                                format!("{OUTSIDE_PAYLOAD}{}", subject.as_deref().unwrap_or(""))
                            }
                        },
                    })
                    .collect();
                Some(Reply {
                    messages: vec![BotMessage {
                        buttons,
                        ..BotMessage::notice(
                            ReplyKind::Suggestions,
                            self.text(locale, &format!("vague-{id}"), &[]),
                        )
                    }],
                    outcome: "suggest",
                    entry_id: None,
                })
            }
        }
    }

    /// "This assistant helps with the account only": for a subject next to it (its id).
    fn outside_subject(&self, id: &str, locale: Locale) -> Reply {
        let subject = self.text(locale, &format!("scope-subject-{id}"), &[]);
        self.outside_reply(
            locale,
            "scope-outside-subject",
            &[("subject", subject.into())],
        )
    }

    fn outside_reply(&self, locale: Locale, id: &str, args: Args<'_>) -> Reply {
        self.notice_reply(ReplyKind::NoAnswer, "outside", self.text(locale, id, args))
    }

    /// A reply of one message with text only.
    fn notice_reply(&self, kind: ReplyKind, outcome: &'static str, text: String) -> Reply {
        Reply {
            messages: vec![BotMessage::notice(kind, text)],
            outcome,
            entry_id: None,
        }
    }

    fn reply_to_button(&self, payload: &str, locale: Locale) -> Reply {
        if payload == MENU_PAYLOAD {
            return self.menu_reply(locale);
        }
        if let Some(subject) = payload.strip_prefix(OUTSIDE_PAYLOAD)
            && self
                .content
                .knowledge
                .scope()
                .file()
                .subjects
                .iter()
                .any(|known| known.id == subject)
        {
            return self.outside_subject(subject, locale);
        }
        let entry = payload
            .strip_prefix(ENTRY_PAYLOAD)
            .and_then(|id| self.content.knowledge.entry(id));
        match entry {
            Some(entry) => Reply {
                messages: vec![self.entry_message(entry, locale)],
                outcome: "picked",
                entry_id: Some(entry.id.clone()),
            },
            None => self.invalid(locale, "button-unknown", &[]),
        }
    }

    /// A button that starts the dialog `name`, labelled with its title; `None` when the content
    /// has no such dialog.
    pub fn dialog_button(&self, name: &str, locale: Locale) -> Option<Button> {
        let dialog = self.content.dialogs.get(name)?;
        Some(Button {
            label: self.text(locale, &dialog.title, &[]),
            payload: format!("{DIALOG_PAYLOAD}{}", dialog.name),
        })
    }

    /// An entry as an answer: title, text, links, and its related entries as buttons.
    pub fn entry_message(&self, entry: &Entry, locale: Locale) -> BotMessage {
        let text = entry.localized(locale);
        let dialog_button = entry
            .dialog
            .as_deref()
            .and_then(|name| self.dialog_button(name, locale));
        // With a dialog offered first, the buttons are not all "related questions".
        let caption_id = if dialog_button.is_some() {
            "answer-next-steps"
        } else {
            "answer-related"
        };
        let buttons: Vec<Button> = dialog_button
            .into_iter()
            .chain(
                entry
                    .related
                    .iter()
                    .filter_map(|id| self.content.knowledge.entry(id))
                    .map(|related| entry_button(related, locale)),
            )
            .collect();
        let buttons_caption = (!buttons.is_empty()).then(|| self.text(locale, caption_id, &[]));
        BotMessage {
            kind: ReplyKind::Answer,
            text: format!("{}\n\n{}", text.title, text.answer),
            buttons_caption,
            buttons,
            links: text.links.clone(),
            entry_id: Some(entry.id.clone()),
            expects_photo: false,
            expects_secret: false,
            expects_mobile: false,
            private_chat_only: false,
            sender: None,
        }
    }

    /// The hot questions now: the editors' pins merged with the latest count of the traffic
    /// (see [`crate::hot::merge`]), for the content this answerer uses.
    pub fn hot_questions(&self) -> HotQuestions {
        crate::hot::merge(
            self.content.knowledge.entries(),
            &self.traffic,
            self.settings.hot_per_category,
        )
    }

    /// The hot questions by category: one message per category (in the knowledge base's order),
    /// its name with its hot questions as buttons. A button answers its entry as if it had been
    /// picked from a list ([`ENTRY_PAYLOAD`]).
    pub fn hot_categories(&self, locale: Locale) -> Vec<BotMessage> {
        let knowledge = &self.content.knowledge;
        self.hot_questions()
            .categories
            .iter()
            .filter_map(|hot| {
                let buttons: Vec<Button> = hot
                    .entry_ids()
                    .filter_map(|id| knowledge.entry(id))
                    .map(|entry| entry_button(entry, locale))
                    .collect();
                (!buttons.is_empty()).then(|| BotMessage {
                    buttons,
                    ..BotMessage::notice(
                        ReplyKind::HotQuestions,
                        self.text(locale, &format!("category-{}", hot.category), &[]),
                    )
                })
            })
            .collect()
    }

    /// What a user is offered on request (the "common questions" button, "还有什么问题", a
    /// channel's start command): an intro, then the hot questions by category.
    pub fn start_menu(&self, locale: Locale) -> Vec<BotMessage> {
        let categories = self.hot_categories(locale);
        let intro_id = if categories.is_empty() {
            "start-menu-empty"
        } else {
            "start-menu-intro"
        };
        let mut messages = vec![BotMessage::notice(
            ReplyKind::Suggestions,
            self.text(locale, intro_id, &[]),
        )];
        messages.extend(categories);
        messages
    }

    /// What a new conversation opens with: the welcome (with the intro to the hot questions when
    /// there are any), then the hot questions by category (unless `[hot] in_opening` is off).
    pub fn opening(&self, locale: Locale) -> Vec<BotMessage> {
        let categories = if self.settings.hot_in_opening {
            self.hot_categories(locale)
        } else {
            Vec::new()
        };
        let mut welcome = self.text(locale, "chat-welcome", &[]);
        if !categories.is_empty() {
            welcome.push('\n');
            welcome.push_str(&self.text(locale, "start-menu-intro", &[]));
        }
        let mut messages = vec![BotMessage::notice(ReplyKind::SmallTalk, welcome)];
        messages.extend(categories);
        messages
    }

    /// The start menu as the reply to a turn.
    fn menu_reply(&self, locale: Locale) -> Reply {
        Reply {
            messages: self.start_menu(locale),
            outcome: "menu",
            entry_id: None,
        }
    }

    pub fn invalid(&self, locale: Locale, id: &str, args: Args<'_>) -> Reply {
        self.notice_reply(ReplyKind::Notice, "invalid", self.text(locale, id, args))
    }

    fn greeting_id(&self) -> &'static str {
        greeting_for_hour(Utc::now().with_timezone(&self.settings.utc_offset).hour())
    }
}

/// Mid-dialog, a question with a definite answer, or small talk, is answered on the side.
impl Asides for Answerer {
    fn aside(&self, text: &str, locale: Locale) -> Option<BotMessage> {
        let reply = self.reply_to_text(text, locale).ok()?;
        matches!(reply.outcome, "definite" | "smalltalk")
            .then(|| reply.messages.into_iter().next())?
    }
}

/// A button that answers an entry as if it had been picked from a list (suggestions, related
/// questions, hot questions), labelled with its title.
fn entry_button(entry: &Entry, locale: Locale) -> Button {
    Button {
        label: entry.localized(locale).title.clone(),
        payload: format!("{ENTRY_PAYLOAD}{}", entry.id),
    }
}

/// The greeting message id for an hour of the users' day.
pub fn greeting_for_hour(hour: u32) -> &'static str {
    match hour {
        5..=10 => "greeting-morning",
        11..=17 => "greeting-afternoon",
        18..=22 => "greeting-evening",
        _ => "greeting-night",
    }
}
