//! The agents' side of a handoff: the one way staff act on a handed-over conversation, for the
//! console and the staff commands alike. List the queue, take a conversation (of any number of
//! agents racing, exactly one wins and the others are told who did), reply (pushed to the
//! student at once), keep internal notes (never shown to the student), transfer to another agent
//! online, hand back to the bot (optionally straight into a dialog), close (the student is asked
//! for a rating), and answer the messages students left as tickets; supervisors read support's
//! figures here (`figures`, counted from the tables). Agents' presence is a
//! heartbeat here too. Whoever calls this has proved who the agent is: the console's sign-in.

use super::support::Support;
use super::{Assistant, ConversationState, CoreError};
use crate::accounts::Requester;
use crate::dialog::engine::EngineError;
use crate::handoff::queue::{self, Note};
use crate::handoff::{Agent, HandoffRecord, OnlineAgent, Status, Ticket, figures, tickets};
use crate::locale::Locale;
use crate::message::{BotMessage, ReplyKind};
use crate::store::{StoreError, StoredMessage, now_ms};

/// Longest reply or note an agent may send, in characters.
pub const MAX_AGENT_TEXT: usize = 4000;
/// Tickets listed at most.
const TICKETS_LISTED: i64 = 500;
/// Characters of a student's message quoted back with the answer to it.
const QUOTED_CHARS: usize = 60;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("there is no handoff {0}")]
    UnknownHandoff(String),
    #[error("{by} took this conversation first")]
    AlreadyTaken { by: String },
    #[error("this conversation is no longer waiting (it is {0})")]
    NotWaiting(&'static str),
    #[error("this conversation is not yours")]
    NotYours,
    #[error("the text is empty")]
    EmptyText,
    #[error("the text is longer than {MAX_AGENT_TEXT} characters")]
    TooLong,
    #[error("there is no dialog `{0}`")]
    UnknownDialog(String),
    #[error("{0} is not online")]
    AgentOffline(String),
    #[error("there is no ticket {0}")]
    UnknownTicket(String),
    #[error("ticket {0} was answered already")]
    TicketAnswered(String),
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<StoreError> for DeskError {
    fn from(error: StoreError) -> Self {
        DeskError::Core(error.into())
    }
}

/// A waiting conversation as the queue shows it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub handoff: HandoffRecord,
    /// 1 is next.
    pub position: usize,
    /// How long it has waited, in milliseconds.
    pub waited_ms: i64,
}

/// The agents' desk: see [`Assistant::desk`].
pub struct Desk<'a> {
    assistant: &'a Assistant,
}

impl Assistant {
    /// Where agents act on handed-over conversations and tickets.
    pub fn desk(&self) -> Desk<'_> {
        Desk { assistant: self }
    }
}

fn checked_text(text: &str) -> Result<&str, DeskError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DeskError::EmptyText);
    }
    if text.chars().count() > MAX_AGENT_TEXT {
        return Err(DeskError::TooLong);
    }
    Ok(text)
}

impl Desk<'_> {
    /// The agent is at the console now (call it every few seconds while they are signed in).
    pub async fn heartbeat(&self, agent: &Agent) -> Result<(), DeskError> {
        Ok(self
            .assistant
            .presence
            .heartbeat(&agent.staff_id, &agent.display_name)
            .await?)
    }

    /// The agent signed out: offline at once.
    pub async fn sign_off(&self, staff_id: &str) -> Result<(), DeskError> {
        Ok(self.assistant.presence.leave(staff_id).await?)
    }

    /// The agents online now.
    pub async fn online(&self) -> Result<Vec<OnlineAgent>, DeskError> {
        Ok(self.assistant.presence.online().await?)
    }

    /// The queue, first come first served, with each conversation's place and wait.
    pub async fn queue(&self) -> Result<Vec<QueueItem>, DeskError> {
        let now = now_ms();
        Ok(queue::waiting(&self.assistant.db)
            .await?
            .into_iter()
            .enumerate()
            .map(|(index, handoff)| QueueItem {
                position: index + 1,
                waited_ms: (now - handoff.created_at).max(0),
                handoff,
            })
            .collect())
    }

    /// One handoff, whatever its state (with its summary).
    pub async fn handoff(&self, id: &str) -> Result<HandoffRecord, DeskError> {
        queue::get(&self.assistant.db, id)
            .await?
            .ok_or_else(|| DeskError::UnknownHandoff(id.to_string()))
    }

    /// The conversations this agent owns now.
    pub async fn owned_by(&self, staff_id: &str) -> Result<Vec<HandoffRecord>, DeskError> {
        Ok(queue::owned_by(&self.assistant.db, staff_id).await?)
    }

    /// The whole conversation of a handoff, the bot's part included, oldest first. Secrets were
    /// never stored; personal data is the console's to mask when it shows them.
    pub async fn history(&self, id: &str) -> Result<Vec<StoredMessage>, DeskError> {
        let handoff = self.handoff(id).await?;
        Ok(self.assistant.db.messages(&handoff.conversation_id).await?)
    }

    /// The language the conversation speaks now (for the student's messages).
    async fn locale_of(&self, handoff: &HandoffRecord) -> Locale {
        let default = self.assistant.settings.default_locale;
        match self
            .assistant
            .conversation_locale(&handoff.conversation_id)
            .await
        {
            Ok(Some(locale)) => locale,
            _ => Locale::negotiate(&handoff.locale).unwrap_or(default),
        }
    }

    async fn tell(&self, handoff: &HandoffRecord, id: &str, name: &str) -> Result<(), DeskError> {
        let locale = self.locale_of(handoff).await;
        let text = self.assistant.text(locale, id, &[("name", name.into())]);
        self.assistant
            .push(
                &handoff.conversation_id,
                &BotMessage::notice(ReplyKind::Notice, text),
            )
            .await?;
        Ok(())
    }

    /// Takes a waiting conversation. Exactly one of several agents (or instances) taking the
    /// same one at once wins; the others get [`DeskError::AlreadyTaken`] naming the winner.
    pub async fn take(&self, id: &str, agent: &Agent) -> Result<HandoffRecord, DeskError> {
        let db = &self.assistant.db;
        self.handoff(id).await?;
        if !queue::take(db, id, agent).await? {
            let now = self.handoff(id).await?;
            return Err(match (now.status, now.owner_name) {
                (Status::Owned, Some(by)) => DeskError::AlreadyTaken { by },
                (status, _) => DeskError::NotWaiting(status.as_str()),
            });
        }
        let taken = self.handoff(id).await?;
        tracing::info!(handoff = %id, staff = %agent.staff_id, "handoff taken");
        self.tell(&taken, "handoff-taken", &agent.display_name)
            .await?;
        self.assistant.queue_changed();
        Ok(taken)
    }

    /// The handoff, if this agent owns it.
    async fn owned(&self, id: &str, agent: &Agent) -> Result<HandoffRecord, DeskError> {
        let handoff = self.handoff(id).await?;
        if !handoff.owned_by(&agent.staff_id) {
            return Err(DeskError::NotYours);
        }
        Ok(handoff)
    }

    /// The agent's reply, pushed to the student at once under the agent's display name.
    pub async fn reply(&self, id: &str, agent: &Agent, text: &str) -> Result<(), DeskError> {
        let text = checked_text(text)?;
        let handoff = self.owned(id, agent).await?;
        let name = handoff
            .owner_name
            .clone()
            .unwrap_or_else(|| agent.display_name.clone());
        self.assistant
            .push(
                &handoff.conversation_id,
                &BotMessage::from_person(&name, text.to_string()),
            )
            .await?;
        Ok(())
    }

    /// An internal note on a handoff the agent owns: for staff only, never shown to the student.
    pub async fn note(&self, id: &str, agent: &Agent, text: &str) -> Result<(), DeskError> {
        let text = checked_text(text)?;
        self.owned(id, agent).await?;
        Ok(queue::add_note(&self.assistant.db, id, &agent.staff_id, text).await?)
    }

    /// The notes on a handoff, oldest first.
    pub async fn notes(&self, id: &str) -> Result<Vec<Note>, DeskError> {
        Ok(queue::notes(&self.assistant.db, id).await?)
    }

    /// Passes a conversation the agent owns to another agent who is online.
    pub async fn transfer(&self, id: &str, from: &Agent, to: &Agent) -> Result<(), DeskError> {
        let handoff = self.owned(id, from).await?;
        if !self.assistant.presence.is_online(&to.staff_id).await? {
            return Err(DeskError::AgentOffline(to.display_name.clone()));
        }
        if !queue::transfer(&self.assistant.db, id, &from.staff_id, to).await? {
            return Err(DeskError::NotYours);
        }
        tracing::info!(handoff = %id, from = %from.staff_id, to = %to.staff_id, "handoff transferred");
        self.tell(&handoff, "handoff-transferred", &to.display_name)
            .await
    }

    /// Hands the conversation back to the bot, optionally straight into a dialog (its first
    /// step is pushed to the student).
    pub async fn hand_back(
        &self,
        id: &str,
        agent: &Agent,
        dialog: Option<&str>,
    ) -> Result<(), DeskError> {
        if let Some(name) = dialog
            && self.assistant.content().dialogs.get(name).is_none()
        {
            return Err(DeskError::UnknownDialog(name.to_string()));
        }
        self.end(id, agent, Status::Returned, dialog).await
    }

    /// Ends the conversation with support; the student is asked to rate the help.
    pub async fn close(&self, id: &str, agent: &Agent) -> Result<(), DeskError> {
        self.end(id, agent, Status::Closed, None).await
    }

    /// Ends an owned handoff and changes the conversation's state to match, within the
    /// conversation's turn (so that a student's message in flight is not lost or answered twice).
    async fn end(
        &self,
        id: &str,
        agent: &Agent,
        status: Status,
        dialog: Option<&str>,
    ) -> Result<(), DeskError> {
        let handoff = self.owned(id, agent).await?;
        let db = &self.assistant.db;
        let lock = db.lock_turn(&handoff.conversation_id).await?;
        let ended = self.end_locked(&handoff, agent, status, dialog).await;
        lock.release().await;
        let (messages, events) = ended?;
        tracing::info!(handoff = %id, staff = %agent.staff_id, status = status.as_str(), "handoff ended");
        for message in &messages {
            self.assistant
                .push(&handoff.conversation_id, message)
                .await?;
        }
        if let Err(error) = self
            .assistant
            .after_turn(&handoff.conversation_id, events)
            .await
        {
            tracing::warn!(%error, "after handing back");
        }
        Ok(())
    }

    async fn end_locked(
        &self,
        handoff: &HandoffRecord,
        agent: &Agent,
        status: Status,
        dialog: Option<&str>,
    ) -> Result<(Vec<BotMessage>, Vec<crate::dialog::actions::ActionEvent>), DeskError> {
        let assistant = self.assistant;
        let db = &assistant.db;
        if !queue::end_owned(db, &handoff.id, &agent.staff_id, status).await? {
            return Err(DeskError::NotYours);
        }
        let record = db
            .conversation(&handoff.conversation_id)
            .await?
            .ok_or_else(|| CoreError::UnknownConversation(handoff.conversation_id.clone()))?;
        let locale = Locale::negotiate(&record.locale).unwrap_or(assistant.settings.default_locale);
        let mut state: ConversationState = serde_json::from_str(&record.state).unwrap_or_default();
        let mut messages = Vec::new();
        let mut events = Vec::new();
        if status == Status::Closed {
            state.support = Some(Support::Rating {
                handoff: handoff.id.clone(),
            });
            messages.push(assistant.rating_message(locale));
        } else {
            state.support = None;
            messages.push(BotMessage::notice(
                ReplyKind::Notice,
                assistant.text(locale, "handoff-returned", &[]),
            ));
            if let Some(name) = dialog {
                let requester = Requester::new(record.channel.clone(), record.id.clone());
                let answerer = assistant.answerer();
                let engine = assistant.engine(&answerer, locale, &requester, state.shared);
                match engine.start(name, Default::default()).await {
                    Ok(mut turn) => {
                        messages.append(&mut turn.messages);
                        events.append(&mut turn.events);
                        state.dialog = if turn.handoff { None } else { turn.state };
                    }
                    Err(EngineError::Accounts(error)) => {
                        return Err(CoreError::from(error).into());
                    }
                    Err(error) => {
                        tracing::error!(%error, "dialog failed");
                        messages.push(BotMessage::notice(
                            ReplyKind::Notice,
                            assistant.text(locale, "dialog-failed", &[]),
                        ));
                    }
                }
            }
        }
        let state_json = serde_json::to_string(&state).unwrap_or_default();
        db.record_turn(&record.id, &record.locale, &state_json, &[])
            .await?;
        Ok((messages, events))
    }

    /// Tickets oldest first: the open ones, or all.
    pub async fn tickets(&self, open_only: bool) -> Result<Vec<Ticket>, DeskError> {
        Ok(tickets::list(&self.assistant.db, open_only, TICKETS_LISTED).await?)
    }

    /// Answers a ticket (once): the answer reaches the student's conversation, under the agent's
    /// display name, after a line quoting what they asked.
    pub async fn answer_ticket(
        &self,
        id: &str,
        agent: &Agent,
        text: &str,
    ) -> Result<(), DeskError> {
        let text = checked_text(text)?;
        let db = &self.assistant.db;
        let ticket = tickets::get(db, id)
            .await?
            .ok_or_else(|| DeskError::UnknownTicket(id.to_string()))?;
        if !tickets::answer(db, id, agent, text).await? {
            return Err(DeskError::TicketAnswered(id.to_string()));
        }
        tracing::info!(ticket = %id, staff = %agent.staff_id, "ticket answered");
        let locale = match self
            .assistant
            .conversation_locale(&ticket.conversation_id)
            .await
        {
            Ok(Some(locale)) => locale,
            _ => {
                Locale::negotiate(&ticket.locale).unwrap_or(self.assistant.settings.default_locale)
            }
        };
        let mut quoted: String = ticket.message.chars().take(QUOTED_CHARS).collect();
        if ticket.message.chars().count() > QUOTED_CHARS {
            quoted.push('…');
        }
        let intro = self.assistant.text(
            locale,
            "handoff-ticket-answered",
            &[("message", quoted.as_str().into())],
        );
        self.assistant
            .push(
                &ticket.conversation_id,
                &BotMessage::notice(ReplyKind::Notice, intro),
            )
            .await?;
        self.assistant
            .push(
                &ticket.conversation_id,
                &BotMessage::from_person(&agent.display_name, text.to_string()),
            )
            .await?;
        Ok(())
    }
}

/// An agent on the supervisor view: online or not, and the conversations they own now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentAtWork {
    pub staff_id: String,
    pub display_name: String,
    pub online: bool,
    pub owned: i64,
}

/// What supervisors see of support now and today (see [`Desk::figures`]).
#[derive(Debug, Clone)]
pub struct SupportFigures {
    /// Agents online, and agents offline who still own conversations; busiest first.
    pub agents: Vec<AgentAtWork>,
    pub queue: figures::QueueFigures,
    /// Today on support's clock, from `day_start` (unix ms).
    pub today: figures::DayFigures,
    pub day_start: i64,
    /// The latest comments students left with their ratings, newest first.
    pub comments: Vec<figures::RatingComment>,
}

impl Desk<'_> {
    /// The supervisors' figures, all counted from the tables: agents and their load, the queue,
    /// today's handoffs, tickets and ratings ("today" on support's clock), the latest comments.
    pub async fn figures(&self) -> Result<SupportFigures, DeskError> {
        let db = &self.assistant.db;
        let offset = self.assistant.settings.handoff.hours.offset;
        let (day_start, day_end) = figures::day_bounds(now_ms(), offset);
        let online = self.assistant.presence.online().await?;
        let loads = figures::loads(db).await?;
        let mut agents: Vec<AgentAtWork> = online
            .iter()
            .map(|agent| AgentAtWork {
                staff_id: agent.staff_id.clone(),
                display_name: agent.display_name.clone(),
                online: true,
                owned: loads
                    .iter()
                    .find(|load| load.staff_id == agent.staff_id)
                    .map_or(0, |load| load.owned),
            })
            .collect();
        agents.extend(
            loads
                .iter()
                .filter(|load| !online.iter().any(|agent| agent.staff_id == load.staff_id))
                .map(|load| AgentAtWork {
                    staff_id: load.staff_id.clone(),
                    display_name: load.display_name.clone(),
                    online: false,
                    owned: load.owned,
                }),
        );
        agents.sort_by(|a, b| {
            b.owned
                .cmp(&a.owned)
                .then_with(|| a.display_name.cmp(&b.display_name))
        });
        Ok(SupportFigures {
            agents,
            queue: figures::queue(db).await?,
            today: figures::day(db, day_start, day_end).await?,
            day_start,
            comments: figures::recent_comments(db, figures::COMMENTS_SHOWN).await?,
        })
    }

    /// One ticket, answered or not.
    pub async fn ticket(&self, id: &str) -> Result<Ticket, DeskError> {
        tickets::get(&self.assistant.db, id)
            .await?
            .ok_or_else(|| DeskError::UnknownTicket(id.to_string()))
    }
}
