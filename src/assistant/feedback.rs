//! Feedback that says why, decided once for every channel: the 有用 / 没用 buttons under an
//! answer (payloads `feedback:<choice>:<entry>`), what each press answers (thanks; after 没用 the
//! question why, with the reasons as buttons; after 其他 a request for a short text), and what a
//! vote stores besides the entry: the question the answer replied to, as the student typed it
//! (masked), and how it was answered.
//!
//! A reason's text is never taken from the conversation's next message: a channel sends it with
//! [`Assistant::feedback_text`] only when the student clearly answered the request (Telegram: a
//! reply to the ForceReply prompt; the widget: its own text field; the terminal: the prompt line).
//! Feedback is not a turn: it is stored in the votes, not in the transcript, so the history and
//! the analytics of questions stay as they were.

use tracing::Instrument;

use super::{
    Assistant, BUTTON_MARK, CoreError, PHOTO_MARK, SECRET_PLACEHOLDER, TurnReply, looks_like_secret,
};
use crate::answering::ENTRY_PAYLOAD;
use crate::locale::Locale;
use crate::message::{BotMessage, Button, FeedbackReason, ReplyKind};
use crate::pii;
use crate::store::{GivenReason, RatedAnswer, Sender, StoredMessage};

/// The prefix of every feedback button's payload.
pub const FEEDBACK_PAYLOAD: &str = "feedback:";

/// The longest reason text kept (characters), on every channel.
pub const MAX_REASON_TEXT_CHARS: usize = 500;

/// What a feedback button says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Useful,
    NotUseful,
    /// 没用, and why.
    Reason(FeedbackReason),
}

/// A press on a feedback button: which answer (its entry) and what was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackPress {
    pub entry_id: String,
    pub choice: Choice,
}

impl FeedbackPress {
    pub fn new(entry_id: &str, choice: Choice) -> Self {
        Self {
            entry_id: entry_id.to_string(),
            choice,
        }
    }

    /// The button payload: `feedback:useful:<entry>`, `feedback:not-useful:<entry>` or
    /// `feedback:<reason>:<entry>` (short enough for Telegram's 64 bytes with the entry ids the
    /// knowledge base uses).
    pub fn payload(&self) -> String {
        let choice = match self.choice {
            Choice::Useful => "useful",
            Choice::NotUseful => "not-useful",
            Choice::Reason(reason) => reason.as_str(),
        };
        format!("{FEEDBACK_PAYLOAD}{choice}:{}", self.entry_id)
    }

    /// The press a payload stands for (`None`: not a well-formed feedback payload).
    pub fn parse(payload: &str) -> Option<Self> {
        let (choice, entry_id) = payload.strip_prefix(FEEDBACK_PAYLOAD)?.split_once(':')?;
        let choice = match choice {
            "useful" => Choice::Useful,
            "not-useful" => Choice::NotUseful,
            code => Choice::Reason(FeedbackReason::parse(code)?),
        };
        (!entry_id.is_empty()).then(|| Self::new(entry_id, choice))
    }
}

/// The entry a message may be rated for: an answer from the knowledge base (not a person's
/// message). Channels put 有用 / 没用 under these.
pub fn rated_entry(message: &BotMessage) -> Option<&str> {
    match (message.kind, &message.sender) {
        (ReplyKind::Answer, None) => message.entry_id.as_deref(),
        _ => None,
    }
}

/// What the assistant answers to feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackReply {
    pub messages: Vec<BotMessage>,
    /// The reply asks why the answer with this entry did not help, in the student's words: a
    /// channel takes only a clear answer to it (see the module documentation).
    pub asks_text_for: Option<String>,
    /// The language it is in (the conversation's).
    pub locale: Locale,
}

/// What became of a vote on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Recorded; it replaces an earlier vote on the same answer.
    Recorded,
    /// The conversation was never answered with that entry: nothing to rate.
    NotAnswered,
}

/// Why a reason's text cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRefused {
    TooLong { length: usize },
}

/// A reason's text as kept: trimmed, `None` when empty, a placeholder for what looks like a
/// password or a code (it never reaches the database); refused when too long.
pub fn reason_text(text: &str) -> Result<Option<String>, TextRefused> {
    let text = text.trim();
    let length = text.chars().count();
    if length > MAX_REASON_TEXT_CHARS {
        return Err(TextRefused::TooLong { length });
    }
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(if looks_like_secret(text) {
        SECRET_PLACEHOLDER.to_string()
    } else {
        text.to_string()
    }))
}

/// What a vote on `entry_id` rates, from the conversation's stored messages: the latest answer
/// with that entry, the question it replied to and how. `None` when the conversation was never
/// answered with the entry.
///
/// The question is the user's typed message just before the answer (outcome `definite`). When
/// the answer came from a button pressed on a list of suggestions, it is the question those
/// suggestions replied to (outcome `suggest`); a hot or related question pressed has no typed
/// question (outcome `picked`); an answer on the side of a dialog has outcome `dialog`.
pub fn rated_answer(messages: &[StoredMessage], entry_id: &str) -> Option<RatedAnswer> {
    let answer = messages
        .iter()
        .rposition(|m| m.outcome.as_deref() != Some("pushed") && answers_with(m, entry_id))?;
    let outcome = messages[answer].outcome.clone();
    let before = &messages[..answer];
    let Some(asked) = before.iter().rposition(|m| m.sender == Sender::User) else {
        return Some(RatedAnswer {
            question: None,
            outcome,
        });
    };
    let body = &before[asked].body;
    if !body.starts_with(BUTTON_MARK) {
        return Some(RatedAnswer {
            question: typed(body),
            outcome,
        });
    }
    // A button: picked from suggestions, the question is the one they replied to.
    let pressed_entry = body
        .strip_prefix(BUTTON_MARK)
        .is_some_and(|payload| payload.starts_with(ENTRY_PAYLOAD));
    let earlier = &before[..asked];
    let suggested = earlier
        .iter()
        .rposition(|m| m.sender == Sender::Bot)
        .filter(|&reply| earlier[reply].outcome.as_deref() == Some("suggest"));
    let question = suggested.and_then(|reply| {
        let asked = earlier[..reply]
            .iter()
            .rposition(|m| m.sender == Sender::User)?;
        typed(&earlier[asked].body)
    });
    match question {
        Some(question) if pressed_entry => Some(RatedAnswer {
            question: Some(question),
            outcome: Some("suggest".to_string()),
        }),
        _ => Some(RatedAnswer {
            question: None,
            outcome,
        }),
    }
}

/// Whether a stored message is an answer with the entry: stored with it, or (an answer given on
/// the side of a dialog, stored as the dialog's turn) carrying it in the message itself.
fn answers_with(message: &StoredMessage, entry_id: &str) -> bool {
    if message.sender != Sender::Bot {
        return false;
    }
    if message.entry_id.is_some() {
        return message.entry_id.as_deref() == Some(entry_id);
    }
    serde_json::from_str::<BotMessage>(&message.body)
        .is_ok_and(|shown| rated_entry(&shown) == Some(entry_id))
}

/// A stored user message as a question: typed text only (not a button, a photo or a secret's
/// placeholder), masked.
fn typed(body: &str) -> Option<String> {
    let text = body.trim();
    if text.is_empty()
        || text.starts_with(BUTTON_MARK)
        || text.starts_with(PHOTO_MARK)
        || text == SECRET_PLACEHOLDER
    {
        return None;
    }
    Some(pii::mask(text).into_owned())
}

impl Assistant {
    /// 有用 / 没用 for an answer with this entry, as buttons (channels that draw their own, like
    /// the widget, send the same choices through [`Assistant::record_feedback`]).
    pub fn feedback_buttons(&self, entry_id: &str, locale: Locale) -> Vec<Button> {
        [
            (Choice::Useful, "feedback-useful"),
            (Choice::NotUseful, "feedback-not-useful"),
        ]
        .into_iter()
        .map(|(choice, label)| Button {
            label: self.text(locale, label, &[]),
            payload: FeedbackPress::new(entry_id, choice).payload(),
        })
        .collect()
    }

    /// Records "useful / not useful" under an answer the conversation was given, with the
    /// question it replied to and how: one vote per answer and conversation, a later one
    /// replacing the earlier (a change of mind).
    pub async fn record_feedback(
        &self,
        conversation_id: &str,
        entry_id: &str,
        useful: bool,
        reason: Option<&GivenReason>,
    ) -> Result<FeedbackOutcome, CoreError> {
        let messages = self.db.messages(conversation_id).await?;
        let Some(answer) = rated_answer(&messages, entry_id) else {
            return Ok(FeedbackOutcome::NotAnswered);
        };
        let reason = reason.map(|given| GivenReason {
            reason: given.reason,
            // Checked for length by the caller; a secret never reaches the database.
            text: given
                .text
                .as_deref()
                .and_then(|text| reason_text(text).ok().flatten()),
        });
        self.db
            .record_vote(conversation_id, entry_id, useful, reason.as_ref(), &answer)
            .await?;
        tracing::info!(
            entry = entry_id,
            useful,
            reason = reason.as_ref().map_or("-", |given| given.reason.as_str()),
            "feedback recorded"
        );
        Ok(FeedbackOutcome::Recorded)
    }

    /// A press on a feedback button: the vote recorded (or refused politely), and what the
    /// student is told next. Every reply leaves a way forward: asking on.
    pub async fn feedback(
        &self,
        conversation_id: &str,
        press: &FeedbackPress,
    ) -> Result<FeedbackReply, CoreError> {
        let span = tracing::info_span!("feedback", conversation = %conversation_id);
        async move {
            let locale = self.feedback_locale(conversation_id).await?;
            let (useful, reason) = match press.choice {
                Choice::Useful => (true, None),
                Choice::NotUseful => (false, None),
                Choice::Reason(reason) => (false, Some(GivenReason { reason, text: None })),
            };
            let outcome = self
                .record_feedback(conversation_id, &press.entry_id, useful, reason.as_ref())
                .await?;
            if outcome == FeedbackOutcome::NotAnswered {
                return Ok(self.feedback_notice(locale, "feedback-not-answered"));
            }
            Ok(match press.choice {
                Choice::Useful => self.feedback_notice(locale, "feedback-thanks"),
                Choice::NotUseful => self.why(&press.entry_id, locale),
                Choice::Reason(FeedbackReason::Other) => FeedbackReply {
                    asks_text_for: Some(press.entry_id.clone()),
                    ..self.feedback_notice(locale, "feedback-ask-text")
                },
                Choice::Reason(reason) => self.thanks_for_reason(reason, locale),
            })
        }
        .instrument(span)
        .await
    }

    /// The student's words on why the answer with `entry_id` did not help, given in answer to
    /// the request [`Assistant::feedback`] made after 其他 (empty: skipped; the vote stays).
    /// Too long a text is refused and asked for again; nothing changes.
    pub async fn feedback_text(
        &self,
        conversation_id: &str,
        entry_id: &str,
        text: &str,
    ) -> Result<FeedbackReply, CoreError> {
        let span = tracing::info_span!("feedback", conversation = %conversation_id);
        async move {
            let locale = self.feedback_locale(conversation_id).await?;
            let kept = match reason_text(text) {
                Ok(kept) => kept,
                Err(TextRefused::TooLong { length }) => {
                    let text = self.text(
                        locale,
                        "feedback-text-too-long",
                        &[
                            ("length", length.into()),
                            ("max", MAX_REASON_TEXT_CHARS.into()),
                        ],
                    );
                    return Ok(FeedbackReply {
                        messages: vec![BotMessage::notice(ReplyKind::Notice, text)],
                        asks_text_for: Some(entry_id.to_string()),
                        locale,
                    });
                }
            };
            let reason = GivenReason {
                reason: FeedbackReason::Other,
                text: kept,
            };
            let outcome = self
                .record_feedback(conversation_id, entry_id, false, Some(&reason))
                .await?;
            Ok(match outcome {
                FeedbackOutcome::NotAnswered => {
                    self.feedback_notice(locale, "feedback-not-answered")
                }
                FeedbackOutcome::Recorded => self.thanks_for_reason(FeedbackReason::Other, locale),
            })
        }
        .instrument(span)
        .await
    }

    /// A feedback payload pressed as an ordinary button (any channel that passes buttons on):
    /// answered without a turn; `None` when the payload is not feedback.
    pub(super) async fn feedback_button(
        &self,
        conversation_id: &str,
        payload: &str,
    ) -> Result<Option<TurnReply>, CoreError> {
        if !payload.starts_with(FEEDBACK_PAYLOAD) {
            return Ok(None);
        }
        let Some(press) = FeedbackPress::parse(payload) else {
            let locale = self.feedback_locale(conversation_id).await?;
            let unknown = self.text(locale, "button-unknown", &[]);
            return Ok(Some(TurnReply {
                messages: vec![BotMessage::notice(ReplyKind::Notice, unknown)],
                locale,
            }));
        };
        // The reply says its language: the conversation is read once.
        let reply = self.feedback(conversation_id, &press).await?;
        Ok(Some(TurnReply {
            messages: reply.messages,
            locale: reply.locale,
        }))
    }

    /// The conversation's language; an unknown conversation is an error, as for a turn.
    async fn feedback_locale(&self, conversation_id: &str) -> Result<Locale, CoreError> {
        let record = self
            .db
            .conversation(conversation_id)
            .await?
            .ok_or_else(|| CoreError::UnknownConversation(conversation_id.to_string()))?;
        Ok(Locale::negotiate(&record.locale).unwrap_or(self.settings.default_locale))
    }

    /// "Why did it not help?" with the reasons as buttons.
    fn why(&self, entry_id: &str, locale: Locale) -> FeedbackReply {
        let buttons = FeedbackReason::ALL
            .into_iter()
            .map(|reason| Button {
                label: self.text(locale, reason_label(reason), &[]),
                payload: FeedbackPress::new(entry_id, Choice::Reason(reason)).payload(),
            })
            .collect();
        FeedbackReply {
            messages: vec![BotMessage {
                buttons,
                ..BotMessage::notice(ReplyKind::Notice, self.text(locale, "feedback-why", &[]))
            }],
            asks_text_for: None,
            locale,
        }
    }

    /// Thanks for a reason, with the way forward that fits it: asking in other words, or a
    /// person when the steps did not work.
    fn thanks_for_reason(&self, reason: FeedbackReason, locale: Locale) -> FeedbackReply {
        let next = match reason {
            FeedbackReason::DidNotWork => "feedback-thanks-did-not-work",
            FeedbackReason::NotWhatIAsked => "feedback-thanks-not-what-i-asked",
            FeedbackReason::Unclear | FeedbackReason::Other => "feedback-thanks-reason",
        };
        let mut reply = self.feedback_notice(locale, next);
        if reason == FeedbackReason::DidNotWork
            && let Some(message) = reply.messages.first_mut()
        {
            message.buttons.push(Button {
                label: self.text(locale, "dialog-human-button", &[]),
                payload: super::ASK_PAYLOAD.to_string(),
            });
        }
        reply
    }

    fn feedback_notice(&self, locale: Locale, id: &str) -> FeedbackReply {
        FeedbackReply {
            messages: vec![BotMessage::notice(
                ReplyKind::Notice,
                self.text(locale, id, &[]),
            )],
            asks_text_for: None,
            locale,
        }
    }
}

/// The label of a reason's button (the same words on every channel).
pub fn reason_label(reason: FeedbackReason) -> &'static str {
    match reason {
        FeedbackReason::Unclear => "feedback-reason-unclear",
        FeedbackReason::DidNotWork => "feedback-reason-did-not-work",
        FeedbackReason::NotWhatIAsked => "feedback-reason-not-what-i-asked",
        FeedbackReason::Other => "feedback-reason-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(
        id: i64,
        sender: Sender,
        body: &str,
        outcome: Option<&str>,
        entry: Option<&str>,
    ) -> StoredMessage {
        StoredMessage {
            id,
            sender,
            body: body.to_string(),
            outcome: outcome.map(String::from),
            entry_id: entry.map(String::from),
            created_at: id,
        }
    }

    #[test]
    fn payloads_go_and_come_back_and_fit_telegram() {
        for choice in [
            Choice::Useful,
            Choice::NotUseful,
            Choice::Reason(FeedbackReason::Unclear),
            Choice::Reason(FeedbackReason::DidNotWork),
            Choice::Reason(FeedbackReason::NotWhatIAsked),
            Choice::Reason(FeedbackReason::Other),
        ] {
            let press = FeedbackPress::new("forgot-username-and-password", choice);
            assert!(press.payload().len() <= 64, "{}", press.payload());
            assert_eq!(FeedbackPress::parse(&press.payload()), Some(press));
        }
        assert_eq!(FeedbackPress::parse("feedback:maybe:x"), None);
        assert_eq!(FeedbackPress::parse("feedback:useful:"), None);
        assert_eq!(FeedbackPress::parse("entry:x"), None);
    }

    #[test]
    fn the_question_is_the_typed_one_masked_and_the_outcome_how_it_was_answered() {
        let direct = [
            message(1, Sender::Bot, "{}", None, None),
            message(
                2,
                Sender::User,
                "身份证 120104199102052530 被注册了",
                None,
                None,
            ),
            message(3, Sender::Bot, "{}", Some("definite"), Some("duplicate-id")),
        ];
        let rated = rated_answer(&direct, "duplicate-id").expect("answered");
        assert_eq!(rated.outcome.as_deref(), Some("definite"));
        let question = rated.question.expect("question");
        assert!(!question.contains("120104199102052530"), "{question}");
        assert!(question.starts_with("身份证 1201"), "{question}");
        assert_eq!(rated_answer(&direct, "other-entry"), None);

        let picked_from_suggestions = [
            message(1, Sender::User, "账号的事", None, None),
            message(2, Sender::Bot, "{}", Some("suggest"), None),
            message(3, Sender::User, "[button] entry:find-username", None, None),
            message(4, Sender::Bot, "{}", Some("picked"), Some("find-username")),
        ];
        assert_eq!(
            rated_answer(&picked_from_suggestions, "find-username"),
            Some(RatedAnswer {
                question: Some("账号的事".into()),
                outcome: Some("suggest".into()),
            })
        );

        let hot_question = [
            message(1, Sender::Bot, "{}", None, None),
            message(2, Sender::User, "[button] entry:find-username", None, None),
            message(3, Sender::Bot, "{}", Some("picked"), Some("find-username")),
        ];
        assert_eq!(
            rated_answer(&hot_question, "find-username"),
            Some(RatedAnswer {
                question: None,
                outcome: Some("picked".into()),
            })
        );

        // The latest answer with the entry counts, and a secret's placeholder is no question.
        let secret = [
            message(1, Sender::User, "忘记用户名", None, None),
            message(
                2,
                Sender::Bot,
                "{}",
                Some("definite"),
                Some("find-username"),
            ),
            message(3, Sender::User, SECRET_PLACEHOLDER, None, None),
            message(
                4,
                Sender::Bot,
                "{}",
                Some("definite"),
                Some("find-username"),
            ),
        ];
        assert_eq!(
            rated_answer(&secret, "find-username").and_then(|r| r.question),
            None
        );

        // An answer given on the side of a dialog is stored as the dialog's turn: it counts.
        let aside = serde_json::to_string(&BotMessage {
            entry_id: Some("find-password".into()),
            ..BotMessage::notice(ReplyKind::Answer, "忘记密码怎么办？".into())
        })
        .expect("json");
        let in_a_dialog = [
            message(1, Sender::User, "忘记密码怎么办", None, None),
            message(2, Sender::Bot, &aside, Some("dialog"), None),
            message(3, Sender::Bot, "{}", Some("dialog"), None),
        ];
        assert_eq!(
            rated_answer(&in_a_dialog, "find-password"),
            Some(RatedAnswer {
                question: Some("忘记密码怎么办".into()),
                outcome: Some("dialog".into()),
            })
        );
        assert_eq!(rated_answer(&in_a_dialog, "find-username"), None);
    }

    #[test]
    fn a_reason_text_is_trimmed_limited_and_never_a_secret() {
        assert_eq!(reason_text("  "), Ok(None));
        assert_eq!(reason_text(" 链接打不开 "), Ok(Some("链接打不开".into())));
        assert_eq!(
            reason_text("Demo-pass-2024"),
            Ok(Some(SECRET_PLACEHOLDER.into()))
        );
        let long = "字".repeat(MAX_REASON_TEXT_CHARS + 1);
        assert_eq!(
            reason_text(&long),
            Err(TextRefused::TooLong {
                length: MAX_REASON_TEXT_CHARS + 1
            })
        );
        assert!(reason_text(&"字".repeat(MAX_REASON_TEXT_CHARS)).is_ok());
    }
}
