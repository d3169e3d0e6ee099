//! The assistant: the only place that decides what happens to a user's input. A channel hands
//! it an [`Input`] for a conversation and renders the [`BotMessage`]s it returns.

mod desk;
mod feedback;
mod support;
mod turn_facts;

use std::sync::Arc;

use chrono::{Datelike, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::accounts::{AccountError, AccountStore, Decision, Requester, StaffDecision};
pub use crate::answering::{AnswerError, Reply, greeting_for_hour};
use crate::answering::{AnswerSettings, Answerer, DIALOG_PAYLOAD};
use crate::config::Config;
use crate::content::{Content, LiveContent};
use crate::delivery::Delivery;
pub use crate::delivery::Pushed;
use crate::dialog::actions::ActionEvent;
use crate::dialog::engine::{DialogState, EngineContext, EngineError};
use crate::handoff::Presence;
use crate::hot::HotTraffic;
use crate::locale::Locale;
pub use crate::message::{BotMessage, Button, Input, Link, ReplyKind};
use crate::metrics::{Abandonment, Metrics, QueueNow, ScrapeFigures};
use crate::pii;
use crate::store::{Database, NewMessage, Sender, StoreError};
use crate::text::written_language;

pub use desk::{AgentAtWork, Desk, DeskError, MAX_AGENT_TEXT, QueueItem, SupportFigures};
pub use feedback::{
    Choice, FEEDBACK_PAYLOAD, FeedbackOutcome, FeedbackPress, FeedbackReply, MAX_REASON_TEXT_CHARS,
    rated_entry, reason_label,
};
pub use support::{ASK_PAYLOAD, HandoffSettings, Support};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("conversation {0} does not exist")]
    UnknownConversation(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error("dialog: {0}")]
    Dialog(#[from] crate::dialog::engine::EngineError),
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// Where a conversation stands between turns (stored as JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationState {
    /// Turns taken so far.
    pub turns: u64,
    /// The dialog in progress, if any.
    pub dialog: Option<DialogState>,
    /// The user asked for (or was handed to) human support.
    pub handoff_requested: bool,
    /// Knowledge-base questions in a row that found no answer (the second offers a person).
    pub unanswered: u8,
    /// Where the conversation stands with human support, if it is with support.
    pub support: Option<Support>,
    /// Others read along (a group chat): dialogs that take personal data or proof do not run.
    pub shared: bool,
}

/// Settings of the assistant taken from the configuration.
#[derive(Debug, Clone)]
pub struct AssistantSettings {
    pub max_message_chars: usize,
    pub utc_offset: FixedOffset,
    pub default_locale: Locale,
    pub handoff: HandoffSettings,
    /// `/metrics` is served somewhere: the assistant records metrics (see [`crate::metrics`]).
    pub metrics: bool,
    /// The hot questions' window and places per category (see [`crate::hot`]).
    pub hot: crate::config::HotConfig,
}

impl From<&Config> for AssistantSettings {
    fn from(config: &Config) -> Self {
        let answering = AnswerSettings::from(config);
        Self {
            max_message_chars: answering.max_message_chars,
            utc_offset: answering.utc_offset,
            default_locale: config.conversation.default_locale,
            handoff: HandoffSettings::from(&config.handoff),
            metrics: config.metrics.exposed(),
            hot: config.hot.clone(),
        }
    }
}

/// The core. Cloned for every request, stream and background task, so a clone is one shared
/// pointer ([`AssistantParts`] behind an `Arc`).
#[derive(Clone)]
pub struct Assistant(Arc<AssistantParts>);

impl std::ops::Deref for Assistant {
    type Target = AssistantParts;

    fn deref(&self) -> &AssistantParts {
        &self.0
    }
}

/// What an [`Assistant`] handle shares.
pub struct AssistantParts {
    content: LiveContent,
    answer_settings: AnswerSettings,
    db: Database,
    accounts: Arc<dyn AccountStore>,
    settings: AssistantSettings,
    delivery: Arc<Delivery>,
    presence: Presence,
    metrics: Metrics,
    /// The latest count of the traffic behind the hot questions (see [`crate::hot`]).
    hot_traffic: HotTraffic,
}

/// How many of an account's recent conversations hear news about it.
const NOTIFIED_CONVERSATIONS: i64 = 3;

impl Assistant {
    pub fn new(
        content: Arc<Content>,
        db: Database,
        accounts: Arc<dyn AccountStore>,
        settings: AssistantSettings,
    ) -> Self {
        let answer_settings = AnswerSettings {
            max_message_chars: settings.max_message_chars,
            utc_offset: settings.utc_offset,
            hot_per_category: settings.hot.per_category,
            hot_in_opening: settings.hot.in_opening,
        };
        Self(Arc::new(AssistantParts {
            answer_settings,
            content: LiveContent::new(content),
            presence: Presence::new(db.clone(), settings.handoff.agent_timeout),
            metrics: Metrics::new(settings.metrics),
            hot_traffic: HotTraffic::default(),
            db,
            accounts,
            settings,
            delivery: Arc::new(Delivery::default()),
        }))
    }

    /// Listens to the messages pushed to the conversation from now on, by any process, once
    /// [`Assistant::follow_pushed_messages`] runs in this one. Replies to turns are not repeated
    /// here: the channel that sent the input has them already.
    pub fn subscribe(
        &self,
        conversation_id: &str,
    ) -> Option<tokio::sync::broadcast::Receiver<BotMessage>> {
        self.delivery.subscribe(conversation_id)
    }

    /// Like [`Assistant::subscribe`], each pushed message with its stored id: a channel that
    /// several instances serve claims the id so that one of them sends it.
    pub fn subscribe_pushed(
        &self,
        conversation_id: &str,
    ) -> Option<tokio::sync::broadcast::Receiver<crate::delivery::Pushed>> {
        self.delivery.subscribe_pushed(conversation_id)
    }

    /// Starts feeding messages pushed by any process to this process's listeners.
    pub fn follow_pushed_messages(
        &self,
        every: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(crate::delivery::follow_pushed(
            self.db.clone(),
            self.delivery.clone(),
            every,
        ))
    }

    /// Records a staff decision on a photo review and tells the student in the conversations
    /// that signed in to the account.
    pub async fn decide_review(
        &self,
        review_id: &str,
        staff: &str,
        decision: StaffDecision,
    ) -> Result<Decision, CoreError> {
        let reason = match &decision {
            StaffDecision::Reject { reason } => Some(reason.trim().to_string()),
            StaffDecision::Approve => None,
        };
        let decided = self
            .accounts
            .decide_review(review_id, staff, decision)
            .await;
        let (outcome, refusal) = match (&decided, &reason) {
            (Ok(_), None) => ("approved", None),
            (Ok(_), Some(_)) => ("rejected", None),
            (Err(AccountError::Store(_)), _) => ("error", None),
            (Err(refused), _) => ("refused", Some(refused.message_id())),
        };
        self.metrics
            .account_action("decide-review", outcome, refusal);
        let decided = decided?;
        match reason {
            None => {
                self.notify_account(&decided.account_id, "notice-review-approved", &[], None)
                    .await?
            }
            Some(reason) => {
                self.notify_account(
                    &decided.account_id,
                    "notice-review-rejected",
                    &[("reason", reason)],
                    Some("verify-by-photo"),
                )
                .await?
            }
        };
        Ok(decided)
    }

    /// Pushes a message about an account to the conversations that signed in to it (the newest
    /// few), each in its own language, optionally with a button that starts a dialog. Returns
    /// how many conversations were told.
    pub async fn notify_account(
        &self,
        account_id: &str,
        message_id: &str,
        args: &[(&str, String)],
        dialog: Option<&str>,
    ) -> Result<usize, CoreError> {
        let conversations = self
            .db
            .conversations_of_account(account_id, NOTIFIED_CONVERSATIONS)
            .await?;
        for (conversation, locale) in &conversations {
            let locale = Locale::negotiate(locale).unwrap_or(self.settings.default_locale);
            let text = {
                // Built here, not across an await: fluent values are not `Sync`.
                let values: Vec<(&str, fluent_bundle::FluentValue<'_>)> = args
                    .iter()
                    .map(|(name, value)| (*name, value.as_str().into()))
                    .collect();
                self.text(locale, message_id, &values)
            };
            let mut message = BotMessage::notice(ReplyKind::Notice, text);
            message
                .buttons
                .extend(dialog.and_then(|name| self.answerer().dialog_button(name, locale)));
            let body = serde_json::to_string(&message).unwrap_or_default();
            self.db.push_message(conversation, &body).await?;
        }
        tracing::info!(
            message = message_id,
            told = conversations.len(),
            "account news pushed"
        );
        Ok(conversations.len())
    }

    /// Acts on what the turn's actions reported.
    async fn after_turn(
        &self,
        conversation_id: &str,
        events: Vec<ActionEvent>,
    ) -> Result<(), CoreError> {
        for event in events {
            match event {
                ActionEvent::SignedIn { account_id } => {
                    self.db.link_account(conversation_id, &account_id).await?;
                }
                ActionEvent::AssistAnswered {
                    account_id,
                    confirmed,
                } => {
                    let (message, dialog) = if confirmed {
                        ("notice-assist-confirmed", None)
                    } else {
                        ("notice-assist-declined", Some("verify-by-classmate"))
                    };
                    self.notify_account(&account_id, message, &[], dialog)
                        .await?;
                }
            }
        }
        Ok(())
    }

    pub fn accounts(&self) -> &Arc<dyn AccountStore> {
        &self.accounts
    }

    /// The content in use now: one snapshot, kept for what the caller is doing (see
    /// [`LiveContent`]).
    pub fn content(&self) -> Arc<Content> {
        self.content.current()
    }

    /// The content that reloads replace (the `reload` module).
    pub fn live_content(&self) -> &LiveContent {
        &self.content
    }

    /// Answering from the content in use now alone (no database): for typing suggestions and the
    /// like. One answerer is one content snapshot.
    pub fn answerer(&self) -> Answerer {
        Answerer::new(self.content(), self.answer_settings).with_traffic(self.hot_traffic.current())
    }

    /// Where the background count of the traffic puts the hot questions' numbers
    /// ([`crate::hot::refresh_in_background`], spawned by `helpbot serve`).
    pub fn hot_traffic(&self) -> &HotTraffic {
        &self.hot_traffic
    }

    /// The hot questions now, per category: the entries pinned by the editors and those from
    /// traffic with their number of conversations, and the window counted (for the editors'
    /// pages). In memory: the count itself runs in the background.
    pub fn hot_questions(&self) -> crate::hot::HotQuestions {
        self.answerer().hot_questions()
    }

    /// Counts the traffic behind the hot questions now (the background task does it on its
    /// interval; tests and tools call this to see a change at once).
    pub async fn refresh_hot_questions(&self) -> Result<(), CoreError> {
        Ok(
            crate::hot::refresh_once(&self.db, &self.hot_traffic, self.settings.hot.window_days)
                .await?,
        )
    }

    fn text(&self, locale: Locale, id: &str, args: crate::i18n::Args<'_>) -> String {
        self.content().translations.text(locale, id, args)
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Where this assistant records its metrics (off unless `/metrics` is configured).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The metrics scrape in Prometheus text format, `None` when metrics are off. The queue is
    /// read from the database now, so every instance shows the same; when the database cannot
    /// say, the rest is served without it (and the failure logged).
    pub async fn metrics_text(&self) -> Option<String> {
        if !self.metrics.is_enabled() {
            return None;
        }
        let queue = match crate::handoff::figures::queue(&self.db).await {
            Ok(figures) => Some(QueueNow {
                waiting: figures.waiting,
                longest_wait_seconds: figures.oldest_since.map_or(0.0, |since| {
                    (crate::store::now_ms() - since).max(0) as f64 / 1000.0
                }),
            }),
            Err(error) => {
                tracing::warn!(%error, "metrics: the handoff queue could not be read");
                None
            }
        };
        self.metrics.render(&ScrapeFigures {
            queue,
            pools: self.db.pool_use(),
            content_version: self.content().version.clone(),
        })
    }

    /// The agents' heartbeats (the console beats; see also [`Assistant::desk`]).
    pub fn presence(&self) -> &Presence {
        &self.presence
    }

    /// The dialog engine for one turn of a conversation.
    fn engine<'a>(
        &'a self,
        answerer: &'a Answerer,
        locale: Locale,
        requester: &'a Requester,
        shared: bool,
    ) -> EngineContext<'a> {
        EngineContext {
            dialogs: &answerer.content().dialogs,
            translations: &answerer.content().translations,
            store: self.accounts.as_ref(),
            requester,
            uploads: &self.db,
            locale,
            this_year: Utc::now().with_timezone(&self.settings.utc_offset).year(),
            asides: answerer,
            shared,
            metrics: &self.metrics,
            runs: Default::default(),
        }
    }

    /// The language of conversations that have not chosen one.
    pub fn default_locale(&self) -> Locale {
        self.settings.default_locale
    }

    /// Opens a conversation and returns its id and what it opens with: the welcome, then the
    /// hot questions by category (see [`Answerer::opening`]).
    pub async fn start_conversation(
        &self,
        channel: &str,
        locale: Locale,
    ) -> Result<(String, Vec<BotMessage>), CoreError> {
        self.open_conversation(channel, locale, false).await
    }

    /// Opens a conversation that several people share (a group chat): it answers questions,
    /// but asks for a private chat instead of running a dialog that takes personal data or
    /// proof. Returns its id and what it opens with, as [`Assistant::start_conversation`].
    pub async fn start_shared_conversation(
        &self,
        channel: &str,
        locale: Locale,
    ) -> Result<(String, Vec<BotMessage>), CoreError> {
        self.open_conversation(channel, locale, true).await
    }

    async fn open_conversation(
        &self,
        channel: &str,
        locale: Locale,
        shared: bool,
    ) -> Result<(String, Vec<BotMessage>), CoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.db
            .create_conversation(&id, channel, locale.tag())
            .await?;
        let opening = self.answerer().opening(locale);
        let bodies: Vec<String> = opening
            .iter()
            .map(|message| serde_json::to_string(message).unwrap_or_default())
            .collect();
        let state = serde_json::to_string(&ConversationState {
            shared,
            ..ConversationState::default()
        })
        .unwrap_or_default();
        self.db
            .record_turn(
                &id,
                locale.tag(),
                &state,
                &bodies
                    .iter()
                    .map(|body| NewMessage {
                        sender: Sender::Bot,
                        body,
                        outcome: None,
                        entry_id: None,
                    })
                    .collect::<Vec<_>>(),
            )
            .await?;
        tracing::info!(conversation = %id, channel, %locale, shared, "conversation started");
        Ok((id, opening))
    }

    /// What a user is told when their turn could not be handled (it was not stored): to come
    /// back later, with the hotline, while the database cannot serve; otherwise that something
    /// went wrong. In the language the turn would have been answered in.
    pub async fn apology(
        &self,
        conversation_id: &str,
        input: &Input,
        error: &CoreError,
    ) -> BotMessage {
        let id = match self.db.failure(error) {
            crate::store::Failure::Unavailable => "service-unavailable",
            crate::store::Failure::Internal => "internal-error",
        };
        let locale = self.reply_language(conversation_id, input).await;
        BotMessage::notice(ReplyKind::Notice, self.text(locale, id, &[]))
    }

    /// The language a turn of this conversation is answered in, by [`reply_language`]; also when
    /// the turn failed, for the message that says so. From the stored conversation when it can
    /// be read (while the database cannot serve, that costs the same short wait once more),
    /// else from the input alone, else the default language.
    pub async fn reply_language(&self, conversation_id: &str, input: &Input) -> Locale {
        match self.db.conversation(conversation_id).await {
            Ok(Some(record)) => {
                let state: ConversationState =
                    serde_json::from_str(&record.state).unwrap_or_default();
                reply_language(
                    Locale::negotiate(&record.locale).unwrap_or(self.settings.default_locale),
                    input,
                    state.dialog.is_some(),
                )
            }
            _ => match input {
                Input::Text(text) => written_language(text),
                _ => None,
            }
            .unwrap_or(self.settings.default_locale),
        }
    }

    /// The menu a channel shows on its "start": the hot questions by category, as buttons (see
    /// [`Answerer::start_menu`]). It changes nothing in any conversation.
    pub fn start_menu(&self, locale: Locale) -> Vec<BotMessage> {
        self.answerer().start_menu(locale)
    }

    /// Switches a conversation's language (the next replies use it).
    pub async fn set_locale(&self, conversation_id: &str, locale: Locale) -> Result<(), CoreError> {
        // It writes the state back: like a turn, it waits for the conversation's turn in flight.
        let lock = self.db.lock_turn(conversation_id).await?;
        let record = self
            .db
            .conversation(conversation_id)
            .await?
            .ok_or_else(|| CoreError::UnknownConversation(conversation_id.to_string()))?;
        self.db
            .record_turn(conversation_id, locale.tag(), &record.state, &[])
            .await?;
        lock.release().await;
        Ok(())
    }

    /// The last thing the bot said in a stored conversation, to show when it is resumed: every
    /// bot message since the user's last input (the opening's categories all come back), `None`
    /// when the conversation does not exist.
    pub async fn resume(
        &self,
        conversation_id: &str,
    ) -> Result<Option<Vec<BotMessage>>, CoreError> {
        if self.db.conversation(conversation_id).await?.is_none() {
            return Ok(None);
        }
        let messages = self.db.messages(conversation_id).await?;
        let mut last: Vec<BotMessage> = messages
            .iter()
            .rev()
            .take_while(|m| m.sender == Sender::Bot)
            .filter_map(|m| serde_json::from_str(&m.body).ok())
            .collect();
        last.reverse();
        Ok(Some(last))
    }

    /// Handles one input of a conversation: decides the reply and stores the turn.
    pub async fn handle(
        &self,
        conversation_id: &str,
        input: Input,
    ) -> Result<Vec<BotMessage>, CoreError> {
        self.handle_from(conversation_id, input, None).await
    }

    /// Like [`Assistant::handle`], for a client at a known address (an IP), which limits that
    /// protect account owners count as well as the conversation.
    pub async fn handle_from(
        &self,
        conversation_id: &str,
        input: Input,
        origin: Option<String>,
    ) -> Result<Vec<BotMessage>, CoreError> {
        Ok(self.turn_of(conversation_id, input, origin).await?.messages)
    }

    /// Like [`Assistant::handle_from`], also telling the language the conversation speaks after
    /// the turn (a channel that remembers it stays in step with the language rule).
    pub async fn turn_of(
        &self,
        conversation_id: &str,
        input: Input,
        origin: Option<String>,
    ) -> Result<TurnReply, CoreError> {
        let span = tracing::info_span!("turn", conversation = %conversation_id);
        let started = std::time::Instant::now();
        async move {
            // Feedback on an answer is no turn: recorded with the votes, not in the transcript.
            if let Input::Button(payload) = &input
                && let Some(reply) = self.feedback_button(conversation_id, payload).await?
            {
                return Ok(reply);
            }
            // Turns of one conversation run one after another, in any process: each starts
            // from the state the previous one stored.
            let lock = self.db.lock_turn(conversation_id).await?;
            let (reply, events) = self
                .locked_turn(conversation_id, input, origin, started)
                .await?;
            lock.release().await;
            // The turn itself is done and stored; news that could not be passed on is logged.
            if let Err(e) = self.after_turn(conversation_id, events).await {
                tracing::warn!(error = %e, "after the turn");
            }
            Ok(reply)
        }
        .instrument(span)
        .await
    }

    /// The turn once its conversation's lock is held, counted in the metrics (by channel and
    /// outcome, with its time since `started`).
    async fn locked_turn(
        &self,
        conversation_id: &str,
        input: Input,
        origin: Option<String>,
        started: std::time::Instant,
    ) -> Result<(TurnReply, Vec<ActionEvent>), CoreError> {
        let record = self
            .db
            .conversation(conversation_id)
            .await?
            .ok_or_else(|| CoreError::UnknownConversation(conversation_id.to_string()))?;
        let channel = record.channel.clone();
        let handled = self
            .answer_and_store(record, conversation_id, input, origin)
            .await;
        let outcome = match &handled {
            Ok((_, _, outcome)) => outcome,
            Err(_) => "error",
        };
        self.metrics.message(&channel, outcome, started.elapsed());
        handled.map(|(reply, events, _)| (reply, events))
    }

    /// Decides the reply to the input and stores the turn; also says the reply's outcome.
    async fn answer_and_store(
        &self,
        record: crate::store::ConversationRecord,
        conversation_id: &str,
        input: Input,
        origin: Option<String>,
    ) -> Result<(TurnReply, Vec<ActionEvent>, &'static str), CoreError> {
        let requester = Requester::new(record.channel.clone(), conversation_id).from_origin(origin);
        let mut locale = Locale::negotiate(&record.locale).unwrap_or(self.settings.default_locale);
        let mut state: ConversationState = serde_json::from_str(&record.state).unwrap_or_default();
        state.turns += 1;
        // What the history keeps of the input, and the log shows (a secret as a placeholder).
        let user_body = match &input {
            Input::Text(text) if self.is_secret(text, state.dialog.as_ref()) => {
                SECRET_PLACEHOLDER.to_string()
            }
            Input::Text(text) => text.clone(),
            Input::Button(payload) => format!("{BUTTON_MARK}{payload}"),
            Input::Photo(bytes) => format!("{PHOTO_MARK}{} bytes", bytes.len()),
        };
        let mut events = Vec::new();
        let run_before = turn_facts::RunBefore::of(state.dialog.as_ref());
        let mut run_notes = Vec::new();
        let reply = self
            .turn(
                &mut state,
                &input,
                &mut locale,
                &requester,
                &mut events,
                &mut run_notes,
            )
            .await?;
        tracing::info!(
            input = %pii::loggable(&user_body.chars().take(LOGGED_INPUT_CHARS).collect::<String>()),
            outcome = reply.outcome,
            entry = reply.entry_id.as_deref().unwrap_or("-"),
            "turn"
        );
        let bodies: Vec<String> = reply
            .messages
            .iter()
            .map(|m| serde_json::to_string(m).unwrap_or_default())
            .collect();
        let mut stored = vec![NewMessage {
            sender: Sender::User,
            body: &user_body,
            outcome: None,
            entry_id: None,
        }];
        stored.extend(bodies.iter().map(|body| NewMessage {
            sender: Sender::Bot,
            body,
            outcome: Some(reply.outcome),
            entry_id: reply.entry_id.as_deref(),
        }));
        let state_json = serde_json::to_string(&state).unwrap_or_default();
        let offset_ms = i64::from(self.settings.utc_offset.local_minus_utc()) * 1000;
        let facts = turn_facts::turn_facts(
            crate::store::day_number(crate::store::now_ms(), offset_ms),
            reply.outcome,
            run_before,
            state.dialog.as_ref(),
            run_notes,
        );
        self.db
            .record_turn_with_facts(
                conversation_id,
                locale.tag(),
                &state_json,
                &stored,
                Some(facts),
            )
            .await?;
        let outcome = reply.outcome;
        let reply = TurnReply {
            messages: reply.messages,
            locale,
        };
        Ok((reply, events, outcome))
    }

    /// Whether the conversation waits for a secret (a password or a code): a channel whose
    /// messages stay visible (Telegram) removes what the user types next.
    pub async fn awaits_secret(&self, conversation_id: &str) -> Result<bool, CoreError> {
        Ok(self
            .waiting_step(conversation_id)
            .await?
            .is_some_and(|step| step.takes_secret()))
    }

    /// Whether the conversation waits for a photo: a channel that must fetch a picture before
    /// handing it over (Telegram) fetches it only then.
    pub async fn awaits_photo(&self, conversation_id: &str) -> Result<bool, CoreError> {
        Ok(self
            .waiting_step(conversation_id)
            .await?
            .is_some_and(|step| step.asks_photo()))
    }

    /// The dialog step the conversation waits at, if any.
    async fn waiting_step(
        &self,
        conversation_id: &str,
    ) -> Result<Option<crate::dialog::Step>, CoreError> {
        let Some(record) = self.db.conversation(conversation_id).await? else {
            return Ok(None);
        };
        let state: ConversationState = serde_json::from_str(&record.state).unwrap_or_default();
        let dialogs = &self.content().dialogs;
        Ok(state
            .dialog
            .as_ref()
            .and_then(|p| dialogs.get(&p.dialog)?.steps.get(&p.step))
            .cloned())
    }

    /// Whether typed text is a secret that is neither stored nor logged as typed: anything at a
    /// password or code step, and text that looks like a password or a code where none was
    /// asked for (unless it is the value the waiting step asks for, such as a username).
    fn is_secret(&self, text: &str, position: Option<&DialogState>) -> bool {
        let dialogs = &self.content().dialogs;
        let waiting = position.and_then(|p| dialogs.get(&p.dialog)?.steps.get(&p.step));
        if waiting.is_some_and(crate::dialog::Step::takes_secret) {
            return true;
        }
        if !looks_like_secret(text) {
            return false;
        }
        let this_year = Utc::now().with_timezone(&self.settings.utc_offset).year();
        !waiting
            .and_then(|step| step.input.as_deref())
            .is_some_and(|validator| {
                crate::dialog::validators::validate(validator, text, this_year).is_ok()
            })
    }

    /// The reply when the step a conversation waited at no longer exists: the dialog starts
    /// again from a button when it is still there; otherwise the student just asks.
    fn dialog_changed(&self, answerer: &Answerer, dialog: Option<&str>, locale: Locale) -> Reply {
        let restart = dialog.and_then(|name| answerer.dialog_button(name, locale));
        let text_id = if restart.is_some() {
            "dialog-changed-restart"
        } else {
            "dialog-changed-gone"
        };
        let mut message =
            BotMessage::notice(ReplyKind::Notice, answerer.text(locale, text_id, &[]));
        message.buttons.extend(restart);
        Reply {
            messages: vec![message],
            outcome: "dialog-changed",
            entry_id: None,
        }
    }

    /// One turn: a dialog in progress or started by a button takes the input; otherwise the
    /// knowledge base and small talk answer it.
    async fn turn(
        &self,
        state: &mut ConversationState,
        input: &Input,
        locale: &mut Locale,
        requester: &Requester,
        events: &mut Vec<ActionEvent>,
        runs: &mut Vec<crate::dialog::runs::RunNote>,
    ) -> Result<Reply, CoreError> {
        *locale = reply_language(*locale, input, state.dialog.is_some());
        let locale = *locale;
        // With support (or just back from it): a person may own the conversation.
        if let Some(reply) = self.support_turn(requester, state, input, locale).await? {
            return Ok(reply);
        }
        if let Input::Button(payload) = input
            && let Some(reply) = self
                .handoff_button(requester, state, payload, locale)
                .await?
        {
            return Ok(reply);
        }
        // One content snapshot for the whole turn, even when a reload swaps the content meanwhile.
        let answerer = self.answerer();
        let engine = self.engine(&answerer, locale, requester, state.shared);
        let started = match input {
            Input::Button(payload) => payload.strip_prefix(DIALOG_PAYLOAD),
            _ => None,
        };
        // The dialog a conversation is inside, if the turn continues it (for a content change that
        // removed its step).
        let continued = match started {
            Some(_) => None,
            None => state
                .dialog
                .as_ref()
                .map(|position| position.dialog.clone()),
        };
        let turn = if let Some(name) = started {
            if answerer.content().dialogs.get(name).is_none() {
                return Ok(answerer.invalid(locale, "button-unknown", &[]));
            }
            // A dialog's button under an answer given on the side: the dialog in progress is left.
            if let Some(left) = &state.dialog {
                let reason = if left.dialog == name {
                    Abandonment::Restarted
                } else {
                    Abandonment::OtherDialog
                };
                self.metrics.dialog_abandoned(&left.dialog, reason);
            }
            Some(engine.start(name, Default::default()).await)
        } else if let Some(dialog) = state.dialog.take() {
            Some(engine.handle(dialog, input).await)
        } else {
            None
        };
        runs.extend(engine.runs.take());
        let turn = match turn.transpose() {
            Ok(turn) => turn,
            // The account store failed: the caller tells the user the service is unavailable.
            Err(EngineError::Accounts(error)) => return Err(error.into()),
            // Content reloaded under a conversation removed its dialog or step: a safe point
            // (the dialog's start, or the open chat) with a message, never an error.
            Err(error @ (EngineError::UnknownDialog(_) | EngineError::UnknownStep(..)))
                if continued.is_some() =>
            {
                tracing::info!(%error, version = %answerer.content().version, "dialog position gone after a content change");
                if let Some(left) = &continued {
                    self.metrics
                        .dialog_abandoned(left, Abandonment::ContentChanged);
                }
                return Ok(self.dialog_changed(&answerer, continued.as_deref(), locale));
            }
            // A dialog that cannot go on (it passed `check`, so this is a bug): the dialog ends
            // with a message, the chat goes on.
            Err(error) => {
                tracing::error!(%error, "dialog failed");
                if let Some(failed) = continued.as_deref().or(started) {
                    self.metrics.dialog_abandoned(failed, Abandonment::Failed);
                }
                return Ok(Reply {
                    messages: vec![BotMessage::notice(
                        ReplyKind::Notice,
                        self.text(locale, "dialog-failed", &[]),
                    )],
                    outcome: "dialog-failed",
                    entry_id: None,
                });
            }
        };
        if let Some(mut turn) = turn {
            events.append(&mut turn.events);
            if turn.handoff {
                let reason = Self::dialog_handoff_reason(input);
                let mut handed = self
                    .hand_over(requester, state, reason, turn.state.as_ref(), locale)
                    .await?;
                turn.messages.append(&mut handed.messages);
                handed.messages = turn.messages;
                return Ok(handed);
            }
            state.dialog = turn.state;
            return Ok(Reply {
                messages: turn.messages,
                outcome: "dialog",
                entry_id: None,
            });
        }
        if let Input::Text(text) = input
            && is_human_request(text)
        {
            return self
                .hand_over(
                    requester,
                    state,
                    crate::handoff::Reason::Asked,
                    None,
                    locale,
                )
                .await;
        }
        let mut reply = answerer.reply(input, locale)?;
        self.count_unanswered(state, &mut reply, locale);
        Ok(reply)
    }
}

/// A conversation as a channel that hands out access tokens sees it: the hash of its token (none
/// before one is set) and its language (none when the stored tag is not one we speak).
#[derive(Debug, Clone)]
pub struct ConversationAccess {
    pub token_hash: Option<String>,
    pub locale: Option<Locale>,
}

/// What a channel needs of a stored conversation besides its turns (access tokens, the history,
/// feedback) and of the service's health, so that channels talk to the assistant only.
impl Assistant {
    /// Stores the hash of a conversation's access token (never the token).
    pub async fn set_access_token_hash(
        &self,
        conversation_id: &str,
        hash: &str,
    ) -> Result<(), CoreError> {
        Ok(self.db.set_access_token_hash(conversation_id, hash).await?)
    }

    /// The conversation's token hash and language, `None` when there is no such conversation.
    pub async fn conversation_access(
        &self,
        conversation_id: &str,
    ) -> Result<Option<ConversationAccess>, CoreError> {
        let stored = self.db.access_token_hash(conversation_id).await?;
        Ok(stored.map(|(token_hash, locale)| ConversationAccess {
            token_hash,
            locale: Locale::negotiate(&locale),
        }))
    }

    /// The language the conversation speaks now (a question in the other language may have
    /// switched it), `None` when there is no such conversation or its tag is unknown.
    pub async fn conversation_locale(
        &self,
        conversation_id: &str,
    ) -> Result<Option<Locale>, CoreError> {
        let record = self.db.conversation(conversation_id).await?;
        Ok(record.and_then(|record| Locale::negotiate(&record.locale)))
    }

    /// Every stored message of the conversation, oldest first.
    pub async fn history(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<crate::store::StoredMessage>, CoreError> {
        Ok(self.db.messages(conversation_id).await?)
    }

    /// How a failed operation is to be told to its user (see [`Database::failure`], which also
    /// has stale pooled connections reopened).
    pub fn failure(&self, err: &(dyn std::error::Error + 'static)) -> crate::store::Failure {
        self.db.failure(err)
    }

    /// Whether the service can write to its database now (see [`Database::check_writable`]).
    pub async fn check_writable(&self) -> Result<(), CoreError> {
        Ok(self.db.check_writable().await?)
    }
}

/// What a turn answered, and the language the conversation speaks after it.
#[derive(Debug, Clone)]
pub struct TurnReply {
    pub messages: Vec<BotMessage>,
    pub locale: Locale,
}

/// How much of an input a log line shows.
const LOGGED_INPUT_CHARS: usize = 200;

/// How the history keeps a pressed button: this mark, then its payload.
pub const BUTTON_MARK: &str = "[button] ";

/// How the history keeps an uploaded photo: this mark, then its size (never the picture).
pub const PHOTO_MARK: &str = "[photo] ";

/// Stands for a password in the history and the logs.
pub const SECRET_PLACEHOLDER: &str = "••••••";

/// The language rule, the same on every channel. A question typed outside a dialog and clearly
/// written in one language ([`written_language`]) is answered in that language, and the
/// conversation goes on in it: a browser's or a command line's language is only a first guess.
/// Anything else is answered in the conversation's language: a number, a code, "APP", a button,
/// a photo, and whatever is typed inside a dialog, where text is a value the step asks for (a
/// name, a username) or a pasted error message, not a choice of language.
fn reply_language(conversation: Locale, input: &Input, in_dialog: bool) -> Locale {
    match input {
        Input::Text(text) if !in_dialog => written_language(text).unwrap_or(conversation),
        _ => conversation,
    }
}

/// "转人工" and the like outside a dialog (the same words as inside one).
fn is_human_request(text: &str) -> bool {
    crate::text::command(text) == Some(crate::text::Command::Human)
}

/// Text that is probably a password or an SMS code: 4–8 digits alone, or one word of 6–64
/// ASCII characters mixing letters with digits or symbols (not an e-mail address or a link).
fn looks_like_secret(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.chars().any(char::is_whitespace) || !text.is_ascii() {
        return false;
    }
    let length = text.len();
    if text.chars().all(|c| c.is_ascii_digit()) {
        return (4..=8).contains(&length);
    }
    if !(6..=64).contains(&length)
        || crate::accounts::identity::Email::parse(text).is_ok()
        || text.contains("://")
        || text.starts_with("www.")
        || crate::accounts::identity::IdNumber::parse(text).is_ok()
    {
        return false;
    }
    let letters = text.chars().any(|c| c.is_ascii_alphabetic());
    let digits = text.chars().any(|c| c.is_ascii_digit());
    let symbols = text.chars().any(|c| c.is_ascii_punctuation());
    letters && (digits || symbols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_question_outside_a_dialog_decides_the_language() {
        let question = |text: &str| Input::Text(text.into());
        let rule = reply_language;
        assert_eq!(
            rule(Locale::ZhCn, &question("forgot my password"), false),
            Locale::En
        );
        assert_eq!(
            rule(Locale::En, &question("忘记用户名"), false),
            Locale::ZhCn
        );
        // No clear language: the conversation's.
        assert_eq!(rule(Locale::En, &question("APP"), false), Locale::En);
        assert_eq!(
            rule(Locale::ZhCn, &question("13812345678"), false),
            Locale::ZhCn
        );
        assert_eq!(
            rule(Locale::En, &Input::Button("x".into()), false),
            Locale::En
        );
        // Inside a dialog text is a value: a Chinese name keeps an English conversation English.
        assert_eq!(rule(Locale::En, &question("张三"), true), Locale::En);
    }

    #[test]
    fn greetings_follow_the_clock() {
        assert_eq!(greeting_for_hour(7), "greeting-morning");
        assert_eq!(greeting_for_hour(14), "greeting-afternoon");
        assert_eq!(greeting_for_hour(20), "greeting-evening");
        assert_eq!(greeting_for_hour(2), "greeting-night");
    }

    #[test]
    fn passwords_and_codes_are_recognised_and_words_are_not() {
        for secret in [
            "Demo-pass-2024",
            "abc12345",
            "720693",
            "P@ssw0rd!",
            "lisi2024",
        ] {
            assert!(looks_like_secret(secret), "{secret}");
        }
        for text in [
            "忘记用户名",
            "forgot my password",
            "12",
            "13800000001",
            "120104199102052530",
            "11010519491231002X",
            "zhang@example.com",
            "help",
            "APP",
        ] {
            assert!(!looks_like_secret(text), "{text}");
        }
    }
}
