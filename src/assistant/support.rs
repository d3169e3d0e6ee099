//! The student's side of a handoff, decided here for every channel: handing a conversation over
//! (into the queue when support works and someone is online, otherwise the hotline, the e-mail
//! and an offer to leave a message), what becomes of the student's input while they wait or a
//! person owns the conversation (it is stored for the agent; the bot stays silent), leaving the
//! queue, leaving a message, and rating the help afterwards. The queue's truth is in the
//! `handoffs` table; the conversation's state only remembers which handoff it is in.

use std::time::Duration;

use chrono::{FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::{Assistant, ConversationState, CoreError, is_human_request};
use crate::accounts::Requester;
use crate::answering::Reply;
use crate::config::HandoffConfig;
use crate::dialog::engine::{DialogState, HUMAN_PAYLOAD};
use crate::handoff::hours::WorkingHours;
use crate::handoff::summary::DialogPosition;
use crate::handoff::{HandoffRecord, Reason, Status, Summary, estimated_minutes, queue, tickets};
use crate::locale::Locale;
use crate::message::{BotMessage, Button, Input, ReplyKind};
use crate::metrics::{Abandonment, HandoffResult};
use crate::store::now_ms;
use crate::text::{Command, command, looks_binary};

/// Button payloads of the handoff. Any channel may offer [`ASK_PAYLOAD`] as a "human" button.
pub const ASK_PAYLOAD: &str = "handoff:ask";
const UNANSWERED_PAYLOAD: &str = "handoff:unanswered";
const CANCEL_PAYLOAD: &str = "handoff:cancel";
const LEAVE_MESSAGE_PAYLOAD: &str = "handoff:leave-message";
const RATE_PREFIX: &str = "handoff:rate:";
const NO_COMMENT_PAYLOAD: &str = "handoff:no-comment";
const PAYLOAD_PREFIX: &str = "handoff:";

/// Knowledge-base questions in a row without an answer before a person is offered.
const UNANSWERED_BEFORE_OFFER: u8 = 2;

/// How the handoff is configured, ready to use.
#[derive(Debug, Clone)]
pub struct HandoffSettings {
    pub hours: WorkingHours,
    pub hotline: String,
    pub email: String,
    pub agent_timeout: Duration,
    pub minutes_per_conversation: u32,
    utc_offset_hours: i32,
}

impl From<&HandoffConfig> for HandoffSettings {
    fn from(config: &HandoffConfig) -> Self {
        let hours = config.utc_offset_hours.clamp(-23, 23);
        Self {
            hours: WorkingHours {
                days: config.days.clone(),
                opens: config.opens,
                closes: config.closes,
                holidays: config.holidays.clone(),
                offset: FixedOffset::east_opt(hours * 3600)
                    .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset")),
            },
            hotline: config.hotline.clone(),
            email: config.email.clone(),
            agent_timeout: Duration::from_secs(config.agent_timeout_seconds),
            minutes_per_conversation: config.minutes_per_conversation,
            utc_offset_hours: hours,
        }
    }
}

/// Where a conversation stands with human support (kept in its state between turns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum Support {
    /// In the queue or with an agent: the handoff's row says which.
    Handed { handoff: String },
    /// Nobody could take it: the student was offered to leave a message.
    Offered { reason: Reason, summary: Summary },
    /// The student is writing the message for support: their next text is the ticket.
    Writing { reason: Reason, summary: Summary },
    /// The agent closed the handoff: a rating (1–5) is welcome.
    Rating { handoff: String },
    /// Rated: the next text may be a comment on it.
    Commenting { handoff: String },
}

fn wants_cancel(input: &Input) -> bool {
    match input {
        Input::Text(text) => command(text) == Some(Command::Cancel),
        Input::Button(payload) => payload == CANCEL_PAYLOAD,
        Input::Photo(_) => false,
    }
}

fn reply(messages: Vec<BotMessage>, outcome: &'static str) -> Reply {
    Reply {
        messages,
        outcome,
        entry_id: None,
    }
}

impl Assistant {
    fn button(&self, locale: Locale, label_id: &str, payload: &str) -> Button {
        Button {
            label: self.text(locale, label_id, &[]),
            payload: payload.to_string(),
        }
    }

    fn notice_with(&self, locale: Locale, id: &str, buttons: Vec<Button>) -> BotMessage {
        let mut message = BotMessage::notice(ReplyKind::Notice, self.text(locale, id, &[]));
        message.buttons = buttons;
        message
    }

    /// A message stored in the conversation and sent to its listeners, from outside its turns
    /// (at once to those of this process).
    pub(super) async fn push(
        &self,
        conversation_id: &str,
        message: &BotMessage,
    ) -> Result<(), CoreError> {
        let body = serde_json::to_string(message).unwrap_or_default();
        let id = self.db.push_message(conversation_id, &body).await?;
        // This process's listeners hear it now; other processes' at their next poll.
        self.delivery
            .publish_pushed(id, now_ms(), conversation_id, message);
        Ok(())
    }

    /// The place of a waiting handoff and the estimated minutes, `None` when it is not waiting.
    pub(super) async fn place(
        &self,
        handoff: &HandoffRecord,
    ) -> Result<Option<(usize, u64)>, CoreError> {
        let Some(position) = queue::position(&self.db, handoff).await? else {
            return Ok(None);
        };
        let online = self.presence.online_count().await?;
        let minutes = estimated_minutes(
            position,
            online,
            self.settings.handoff.minutes_per_conversation,
        );
        Ok(Some((position, minutes)))
    }

    /// "You are number N, about M minutes", with the button that leaves the queue.
    pub(super) fn place_message(
        &self,
        locale: Locale,
        id: &str,
        (position, minutes): (usize, u64),
    ) -> BotMessage {
        let text = self.text(
            locale,
            id,
            &[("position", position.into()), ("minutes", minutes.into())],
        );
        let mut message = BotMessage::notice(ReplyKind::Notice, text);
        message.buttons = vec![self.button(locale, "handoff-cancel-button", CANCEL_PAYLOAD)];
        message
    }

    /// Tells every waiting student whose place changed their new place (pushed). Two instances
    /// doing it at once tell each student once: the stored "told" place is updated conditionally.
    pub(super) async fn refresh_positions(&self) -> Result<(), CoreError> {
        let waiting = queue::waiting(&self.db).await?;
        let online = self.presence.online_count().await?;
        for (index, handoff) in waiting.iter().enumerate() {
            let position = index + 1;
            let told = handoff.told_position;
            if (told != 0 && told <= position as i64)
                || !queue::tell_position(&self.db, &handoff.id, position).await?
            {
                continue;
            }
            let locale = Locale::negotiate(&handoff.locale).unwrap_or(self.settings.default_locale);
            let minutes = estimated_minutes(
                position,
                online,
                self.settings.handoff.minutes_per_conversation,
            );
            let message = self.place_message(locale, "handoff-position", (position, minutes));
            self.push(&handoff.conversation_id, &message).await?;
        }
        Ok(())
    }

    /// After a change in the queue: the new places are told in the background, so that neither
    /// the agent who took a conversation nor the student who left waits for a long queue to be
    /// told; a failure is logged (the change itself is done and stored, and the next change
    /// tells again).
    pub(super) fn queue_changed(&self) {
        let assistant = self.clone();
        tokio::spawn(async move {
            if let Err(error) = assistant.refresh_positions().await {
                tracing::warn!(%error, "queue positions not told");
            }
        });
    }

    /// Hands the conversation over: into the queue when support works and an agent is online,
    /// otherwise the student is told so at once, with the hotline and e-mail, and offered to
    /// leave a message.
    pub(super) async fn hand_over(
        &self,
        requester: &Requester,
        state: &mut ConversationState,
        reason: Reason,
        position: Option<&DialogState>,
        locale: Locale,
    ) -> Result<Reply, CoreError> {
        state.handoff_requested = true;
        state.dialog = None;
        state.unanswered = 0;
        let conversation = requester.conversation.as_str();
        // Already waiting or with an agent (asked again, from another tab): the same place.
        if let Some(open) = queue::open_of(&self.db, conversation).await? {
            state.support = Some(Support::Handed {
                handoff: open.id.clone(),
            });
            return Ok(match self.place(&open).await? {
                Some(place) => reply(
                    vec![self.place_message(locale, "handoff-noted", place)],
                    "handoff",
                ),
                None => reply(Vec::new(), "handoff"),
            });
        }
        let history = self.db.messages(conversation).await?;
        let dialogs = &self.content().dialogs;
        let summary = Summary::build(
            position.map(|p| DialogPosition {
                dialog: &p.dialog,
                step: &p.step,
                slots: &p.slots,
            }),
            |slot| dialogs.is_secret_slot(slot),
            &history,
        );
        let working = self.settings.handoff.hours.open_at(Utc::now());
        if working && self.presence.online_count().await? > 0 {
            let id = queue::enqueue(
                &self.db,
                queue::NewHandoff {
                    conversation_id: conversation,
                    channel: &requester.channel,
                    locale: locale.tag(),
                    reason,
                    summary: &summary,
                },
            )
            .await?;
            state.support = Some(Support::Handed {
                handoff: id.clone(),
            });
            tracing::info!(handoff = %id, reason = reason.as_str(), "handed over to the queue");
            self.metrics.handoff(reason.as_str(), HandoffResult::Queued);
            let record = queue::get(&self.db, &id).await?;
            let place = match &record {
                Some(record) => self.place(record).await?,
                None => None,
            };
            let Some(place) = place else {
                // Taken already in the blink of an eye: the agent's greeting is on its way.
                return Ok(reply(Vec::new(), "handoff"));
            };
            queue::tell_position(&self.db, &id, place.0).await?;
            return Ok(reply(
                vec![self.place_message(locale, "handoff-queued", place)],
                "handoff",
            ));
        }
        tracing::info!(
            reason = reason.as_str(),
            working,
            "handoff: nobody can take it now"
        );
        let result = if working {
            HandoffResult::NobodyOnline
        } else {
            HandoffResult::OutOfHours
        };
        self.metrics.handoff(reason.as_str(), result);
        let text = self.unavailable_text(locale, working);
        let mut message = BotMessage::notice(ReplyKind::Notice, text);
        message.buttons = vec![
            self.button(
                locale,
                "handoff-leave-message-button",
                LEAVE_MESSAGE_PAYLOAD,
            ),
            self.button(locale, "handoff-back-button", CANCEL_PAYLOAD),
        ];
        state.support = Some(Support::Offered { reason, summary });
        Ok(reply(vec![message], "handoff-unavailable"))
    }

    /// Out of hours (with the hours) or nobody online, with the hotline and the e-mail.
    fn unavailable_text(&self, locale: Locale, working: bool) -> String {
        let settings = &self.settings.handoff;
        let contacts = [
            ("hotline", settings.hotline.as_str().into()),
            ("email", settings.email.as_str().into()),
        ];
        if working {
            return self.text(locale, "handoff-nobody-online", &contacts);
        }
        let joiner = self.text(locale, "handoff-days-joiner", &[]);
        let days = settings
            .hours
            .days
            .iter()
            .map(|day| self.text(locale, day.message_id(), &[]))
            .collect::<Vec<_>>()
            .join(&joiner);
        let opens = String::from(settings.hours.opens);
        let closes = String::from(settings.hours.closes);
        let zone = format!("UTC{:+}", settings.utc_offset_hours);
        let mut args = contacts.to_vec();
        args.extend([
            ("days", days.as_str().into()),
            ("opens", opens.as_str().into()),
            ("closes", closes.as_str().into()),
            ("zone", zone.as_str().into()),
        ]);
        self.text(locale, "handoff-out-of-hours", &args)
    }

    /// A fresh conversation in place of `old` (a channel's "restart"), on `old`'s channel and in
    /// its language. A request for a person still open in `old` (waiting, or with an agent) is
    /// cancelled first, exactly as the student's cancel button does, so that no agent takes a
    /// conversation nobody reads any more. Returns the new conversation's id and what the
    /// student is told: that they left support, if they were with it, then the opening.
    pub async fn restart_conversation(
        &self,
        old: &str,
    ) -> Result<(String, Vec<BotMessage>), CoreError> {
        let record = self
            .db
            .conversation(old)
            .await?
            .ok_or_else(|| CoreError::UnknownConversation(old.to_string()))?;
        let locale = Locale::negotiate(&record.locale).unwrap_or(self.settings.default_locale);
        let state: ConversationState = serde_json::from_str(&record.state).unwrap_or_default();
        if let Some(left) = &state.dialog {
            self.metrics
                .dialog_abandoned(&left.dialog, Abandonment::Restarted);
        }
        let mut messages = Vec::new();
        if let Some(Support::Handed { handoff }) = &state.support
            && queue::get(&self.db, handoff)
                .await?
                .is_some_and(|handoff| handoff.status.is_open())
        {
            messages = self
                .handle(old, Input::Button(CANCEL_PAYLOAD.to_string()))
                .await?;
        }
        let (id, opening) = self.start_conversation(&record.channel, locale).await?;
        messages.extend(opening);
        Ok((id, messages))
    }

    /// The reason a dialog handed over, from the input that made it.
    pub(super) fn dialog_handoff_reason(input: &Input) -> Reason {
        match input {
            Input::Button(payload) if payload == HUMAN_PAYLOAD => Reason::FailedInputs,
            Input::Text(text) if is_human_request(text) => Reason::Asked,
            _ => Reason::DialogStep,
        }
    }

    /// The handoff buttons pressed outside any handoff: asking for a person, or a stale one.
    pub(super) async fn handoff_button(
        &self,
        requester: &Requester,
        state: &mut ConversationState,
        payload: &str,
        locale: Locale,
    ) -> Result<Option<Reply>, CoreError> {
        if !payload.starts_with(PAYLOAD_PREFIX) {
            return Ok(None);
        }
        let reason = match payload {
            ASK_PAYLOAD => Reason::Asked,
            UNANSWERED_PAYLOAD => Reason::Unanswered,
            CANCEL_PAYLOAD => {
                return Ok(Some(reply(
                    vec![self.notice_with(locale, "handoff-nothing-to-cancel", Vec::new())],
                    "handoff-stale",
                )));
            }
            // A rating or a message button of a handoff long gone: nothing to do.
            _ => {
                return Ok(Some(self.answerer().invalid(locale, "button-unknown", &[])));
            }
        };
        // Asked in the middle of a dialog: the agent sees where it stood, as when the student
        // types "转人工" there.
        let position = state.dialog.clone();
        if let Some(left) = &position {
            self.metrics
                .dialog_abandoned(&left.dialog, Abandonment::Handoff);
        }
        self.hand_over(requester, state, reason, position.as_ref(), locale)
            .await
            .map(Some)
    }

    /// The second knowledge-base question in a row without an answer offers a person (a
    /// button; nothing is forced).
    pub(super) fn count_unanswered(
        &self,
        state: &mut ConversationState,
        reply: &mut Reply,
        locale: Locale,
    ) {
        if reply.outcome != "none" {
            state.unanswered = 0;
            return;
        }
        state.unanswered = state.unanswered.saturating_add(1);
        if state.unanswered >= UNANSWERED_BEFORE_OFFER {
            state.unanswered = 0;
            reply.messages.push(self.notice_with(
                locale,
                "handoff-offer-unanswered",
                vec![self.button(locale, "handoff-ask-button", UNANSWERED_PAYLOAD)],
            ));
        }
    }

    /// An input of a conversation that is with support, or just was: `None` when the bot takes
    /// it as usual (and the conversation is no longer with support).
    pub(super) async fn support_turn(
        &self,
        requester: &Requester,
        state: &mut ConversationState,
        input: &Input,
        locale: Locale,
    ) -> Result<Option<Reply>, CoreError> {
        let Some(support) = state.support.clone() else {
            return Ok(None);
        };
        match support {
            Support::Handed { handoff } => self.handed_turn(state, &handoff, input, locale).await,
            Support::Offered { reason, summary } => Ok(match input {
                Input::Button(payload) if payload == LEAVE_MESSAGE_PAYLOAD => {
                    state.support = Some(Support::Writing { reason, summary });
                    Some(reply(
                        vec![self.notice_with(
                            locale,
                            "handoff-write-message",
                            vec![self.button(locale, "handoff-back-button", CANCEL_PAYLOAD)],
                        )],
                        "handoff-message",
                    ))
                }
                _ => self.back_to_bot(state, input, locale),
            }),
            Support::Writing { reason, summary } => {
                self.writing_turn(requester, state, reason, &summary, input, locale)
                    .await
            }
            Support::Rating { handoff } | Support::Commenting { handoff } => {
                self.rating_turn(state, &handoff, input, locale).await
            }
        }
    }

    /// Leaving an offer or a message half written: the cancel word or button is answered, and
    /// anything else goes to the bot.
    fn back_to_bot(
        &self,
        state: &mut ConversationState,
        input: &Input,
        locale: Locale,
    ) -> Option<Reply> {
        state.support = None;
        wants_cancel(input).then(|| {
            reply(
                vec![self.notice_with(locale, "handoff-back", Vec::new())],
                "handoff-left",
            )
        })
    }

    /// Pictures are not passed on to a person; the student is asked for words instead.
    fn photo_not_passed(&self, locale: Locale) -> Reply {
        reply(
            vec![self.notice_with(locale, "handoff-photo-not-passed", Vec::new())],
            "handoff-photo",
        )
    }

    async fn handed_turn(
        &self,
        state: &mut ConversationState,
        handoff: &str,
        input: &Input,
        locale: Locale,
    ) -> Result<Option<Reply>, CoreError> {
        let record = queue::get(&self.db, handoff).await?;
        let Some(record) = record.filter(|r| r.status.is_open()) else {
            // Ended meanwhile: the bot has the conversation again.
            state.support = None;
            return Ok(None);
        };
        if wants_cancel(input) {
            state.support = None;
            if !queue::cancel(&self.db, &record.id).await? {
                return Ok(None);
            }
            tracing::info!(handoff = %record.id, "the student left support");
            self.queue_changed();
            return Ok(Some(reply(
                vec![self.notice_with(locale, "handoff-cancelled", Vec::new())],
                "handoff-cancelled",
            )));
        }
        if let Input::Photo(_) = input {
            return Ok(Some(self.photo_not_passed(locale)));
        }
        // The input is stored with the turn, for the agent; the bot says nothing over a person.
        if record.status == Status::Owned {
            return Ok(Some(reply(Vec::new(), "handoff-owned")));
        }
        let messages = match self.place(&record).await? {
            Some(place) => vec![self.place_message(locale, "handoff-noted", place)],
            None => Vec::new(),
        };
        Ok(Some(reply(messages, "handoff-waiting")))
    }

    async fn writing_turn(
        &self,
        requester: &Requester,
        state: &mut ConversationState,
        reason: Reason,
        summary: &Summary,
        input: &Input,
        locale: Locale,
    ) -> Result<Option<Reply>, CoreError> {
        if wants_cancel(input) {
            return Ok(self.back_to_bot(state, input, locale));
        }
        let text = match input {
            Input::Text(text) => text.trim(),
            Input::Photo(_) => {
                return Ok(Some(self.photo_not_passed(locale)));
            }
            Input::Button(_) => return Ok(self.back_to_bot(state, input, locale)),
        };
        let length = text.chars().count();
        if text.is_empty() {
            return Ok(Some(self.answerer().invalid(locale, "input-empty", &[])));
        }
        if looks_binary(text) {
            return Ok(Some(self.answerer().invalid(locale, "input-not-text", &[])));
        }
        let max = self.settings.max_message_chars;
        if length > max {
            return Ok(Some(self.answerer().invalid(
                locale,
                "input-too-long",
                &[("length", length.into()), ("max", max.into())],
            )));
        }
        let id = tickets::open(
            &self.db,
            tickets::NewTicket {
                conversation_id: &requester.conversation,
                channel: &requester.channel,
                locale: locale.tag(),
                reason,
                summary,
                message: text,
            },
        )
        .await?;
        tracing::info!(ticket = %id, "message left for support");
        state.support = None;
        Ok(Some(reply(
            vec![self.notice_with(locale, "handoff-ticket-created", Vec::new())],
            "handoff-ticket",
        )))
    }

    async fn rating_turn(
        &self,
        state: &mut ConversationState,
        handoff: &str,
        input: &Input,
        locale: Locale,
    ) -> Result<Option<Reply>, CoreError> {
        let rating = match input {
            Input::Button(payload) => payload
                .strip_prefix(RATE_PREFIX)
                .and_then(|stars| stars.parse::<u8>().ok())
                .filter(|stars| (1..=5).contains(stars)),
            _ => None,
        };
        if let Some(stars) = rating {
            // A change of mind replaces the rating.
            queue::rate(&self.db, handoff, stars).await?;
            state.support = Some(Support::Commenting {
                handoff: handoff.to_string(),
            });
            return Ok(Some(reply(
                vec![self.notice_with(
                    locale,
                    "handoff-rated",
                    vec![self.button(locale, "handoff-no-comment-button", NO_COMMENT_PAYLOAD)],
                )],
                "handoff-rated",
            )));
        }
        let commenting = matches!(state.support, Some(Support::Commenting { .. }));
        state.support = None;
        match input {
            Input::Button(payload) if commenting && payload == NO_COMMENT_PAYLOAD => {
                Ok(Some(reply(
                    vec![self.notice_with(locale, "handoff-rating-done", Vec::new())],
                    "handoff-rated",
                )))
            }
            Input::Text(text)
                if commenting
                    && command(text).is_none()
                    && !text.trim().is_empty()
                    && !looks_binary(text) =>
            {
                let comment: String = text
                    .trim()
                    .chars()
                    .take(self.settings.max_message_chars)
                    .collect();
                queue::comment(&self.db, handoff, &comment).await?;
                Ok(Some(reply(
                    vec![self.notice_with(locale, "handoff-comment-thanks", Vec::new())],
                    "handoff-comment",
                )))
            }
            // Not a rating: the offer lapses and the bot answers.
            _ => Ok(None),
        }
    }

    /// The rating buttons shown when an agent closes a handoff.
    pub(super) fn rating_message(&self, locale: Locale) -> BotMessage {
        let mut message =
            BotMessage::notice(ReplyKind::Notice, self.text(locale, "handoff-closed", &[]));
        message.buttons = (1..=5u8)
            .map(|stars| Button {
                label: self.text(locale, "handoff-rate-button", &[("stars", stars.into())]),
                payload: format!("{RATE_PREFIX}{stars}"),
            })
            .collect();
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cancel_word_and_button_leave_support() {
        assert!(wants_cancel(&Input::Text("取消".into())));
        assert!(wants_cancel(&Input::Text("cancel".into())));
        assert!(wants_cancel(&Input::Button(CANCEL_PAYLOAD.into())));
        assert!(!wants_cancel(&Input::Text("怎么取消注册".into())));
        assert!(!wants_cancel(&Input::Button("handoff:rate:5".into())));
    }

    #[test]
    fn the_reason_follows_the_input_that_handed_over() {
        assert_eq!(
            Assistant::dialog_handoff_reason(&Input::Button(HUMAN_PAYLOAD.into())),
            Reason::FailedInputs
        );
        assert_eq!(
            Assistant::dialog_handoff_reason(&Input::Text("转人工".into())),
            Reason::Asked
        );
        assert_eq!(
            Assistant::dialog_handoff_reason(&Input::Button("dlg:2".into())),
            Reason::DialogStep
        );
    }
}
