//! Runs dialogs: enters steps (saying, acting, branching) until one waits for the user, and
//! interprets the user's next input at that step. The whole position — dialog, step, slots,
//! the way back — is a [`DialogState`] value the core stores after every turn, so a restart or
//! another instance continues the same dialog.

use serde::{Deserialize, Serialize};

use super::actions::{self, ActionError, ActionEvent, Say, Slots};
use super::runs::{RunEnd, RunJournal, RunNote, new_run_id};
use super::validators;
use super::{Dialog, Dialogs, Step};
use crate::accounts::{AccountError, PhotoSide, Requester, StudentAccounts};
use crate::i18n::Translations;
use crate::locale::Locale;
use crate::message::{BotMessage, Button, Input, ReplyKind};
use crate::metrics::{Abandonment, DialogEnding, Metrics};
use crate::text::{Command, command, normalize};

/// Where a conversation stands in a dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogState {
    pub dialog: String,
    pub step: String,
    #[serde(default)]
    pub slots: Slots,
    /// Waiting steps passed, for "back".
    #[serde(default)]
    pub history: Vec<String>,
    /// Invalid inputs in a row at this step.
    #[serde(default)]
    pub invalid: u8,
    /// The run this is (see [`super::runs`]); none for a run begun before runs were counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

/// What a turn of a dialog produced.
#[derive(Debug)]
pub struct DialogTurn {
    pub messages: Vec<BotMessage>,
    /// `None` once the dialog ended. On a handoff, where it handed over (the dialog is over;
    /// the position and the slots gathered, secrets gone, are for the agent's summary).
    pub state: Option<DialogState>,
    /// The dialog hands the conversation over to a person: the assistant says what happens.
    pub handoff: bool,
    /// What the turn's actions reported, for the assistant to act on after the turn.
    pub events: Vec<ActionEvent>,
}

/// A definite answer (or small talk) to an unrelated question typed mid-dialog, if there is
/// one: the engine answers it on the side and offers to go on.
pub trait Asides: Sync {
    fn aside(&self, text: &str, locale: Locale) -> Option<BotMessage>;
}

/// What the engine needs from the rest of the assistant.
pub struct EngineContext<'a> {
    pub dialogs: &'a Dialogs,
    pub translations: &'a Translations,
    /// The students' side of the account store: a dialog cannot reach a staff decision.
    pub store: &'a dyn StudentAccounts,
    /// The conversation (and address) the turn is for: the store binds proof to it.
    pub requester: &'a Requester,
    /// Where uploaded photos are kept while the dialog collects them.
    pub uploads: &'a crate::store::Database,
    pub locale: Locale,
    pub this_year: i32,
    /// Answers for questions typed on the side of the dialog.
    pub asides: &'a dyn Asides,
    /// The conversation is shared with others (a group chat): no dialog that takes personal
    /// data or proof runs in it.
    pub shared: bool,
    /// Where dialog starts, ends and account store actions are counted.
    pub metrics: &'a Metrics,
    /// What happened to dialog runs this turn, for the dashboard's funnels.
    pub runs: RunJournal,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("dialog `{0}` does not exist")]
    UnknownDialog(String),
    #[error("dialog `{0}` has no step `{1}`")]
    UnknownStep(String, String),
    #[error("dialog `{0}` loops without waiting for the user")]
    Loop(String),
    #[error(transparent)]
    Accounts(#[from] AccountError),
}

/// The most steps one turn may pass through: a dialog that loops is an error, not a hang.
const MAX_HOPS: usize = 64;
/// Invalid inputs in a row before human help is offered.
const INVALID_BEFORE_HELP: u8 = 3;

const BUTTON_PREFIX: &str = "dlg:";
/// Validators that accept almost any text.
const FREE_TEXT_VALIDATORS: &[&str] = &["name", "school", "level", "text", "username"];
/// The "human help" button offered after invalid inputs.
pub const HUMAN_PAYLOAD: &str = "dlg:human";
const CONTINUE_PAYLOAD: &str = "dlg:continue";

/// Whether free text reads as a question rather than a value ("本科" is a value, "收不到校验码怎么办"
/// a question): asked in words, or longer than a value usually is.
fn looks_like_question(text: &str) -> bool {
    let text = normalize(text);
    const MARKERS: &[&str] = &[
        "?",
        "？",
        "吗",
        "怎么",
        "如何",
        "什么",
        "为什么",
        "为啥",
        "咋",
        "收不到",
        "忘记",
        "忘了",
        "how",
        "what",
        "why",
        "can't",
        "cannot",
    ];
    MARKERS.iter().any(|m| text.contains(m)) || text.chars().count() > 15
}

/// Slots that never appear in a message, besides every slot a secret step fills and the photos.
const UNSPOKEN_SLOTS: &[&str] = &["account_id"];

impl EngineContext<'_> {
    fn dialog(&self, name: &str) -> Result<&Dialog, EngineError> {
        self.dialogs
            .get(name)
            .ok_or_else(|| EngineError::UnknownDialog(name.to_string()))
    }

    fn step<'d>(&self, dialog: &'d Dialog, name: &str) -> Result<&'d Step, EngineError> {
        dialog
            .steps
            .get(name)
            .ok_or_else(|| EngineError::UnknownStep(dialog.name.clone(), name.to_string()))
    }

    /// A message with the conversation's slots as its variables (ID numbers masked).
    fn say(
        &self,
        id: &str,
        slots: &Slots,
        extra: Vec<(&'static str, fluent_bundle::FluentValue<'static>)>,
    ) -> String {
        let mut args: Vec<(&str, fluent_bundle::FluentValue<'_>)> = Vec::new();
        let masked: Vec<(String, String)> = slots
            .iter()
            .filter(|(name, _)| {
                !UNSPOKEN_SLOTS.contains(&name.as_str())
                    && !self.dialogs.is_secret_slot(name)
                    && !name.starts_with("photo")
            })
            .map(|(name, value)| (name.clone(), crate::pii::mask(value).into_owned()))
            .collect();
        for (name, value) in &masked {
            args.push((name.as_str(), value.as_str().into()));
        }
        for (name, value) in extra {
            args.push((name, value));
        }
        self.translations.text(self.locale, id, &args)
    }

    fn notice(&self, id: &str, slots: &Slots) -> BotMessage {
        self.spoken((id.to_string(), Vec::new()), slots)
    }

    fn spoken(&self, said: Say, slots: &Slots) -> BotMessage {
        BotMessage {
            kind: ReplyKind::Dialog,
            text: self.say(&said.0, slots, said.1),
            links: Vec::new(),
            buttons_caption: None,
            buttons: Vec::new(),
            entry_id: None,
            expects_photo: false,
            expects_secret: false,
            expects_mobile: false,
            private_chat_only: false,
            sender: None,
        }
    }

    /// Counts a run of the dialog starting, and notes it; returns the run's id.
    fn started(&self, dialog: &str) -> String {
        self.metrics.dialog_started(dialog);
        let run = new_run_id();
        self.runs.note(RunNote::Started {
            run: run.clone(),
            dialog: dialog.to_string(),
        });
        run
    }

    /// Counts the run ending at the step it stands at, and notes it.
    fn ended(&self, state: &DialogState, end: RunEnd) {
        match end {
            RunEnd::Completed(ending) => self.metrics.dialog_completed(&state.dialog, ending),
            RunEnd::Abandoned(reason) => self.metrics.dialog_abandoned(&state.dialog, reason),
        }
        if let Some(run) = &state.run {
            self.runs.note(RunNote::Ended {
                run: run.clone(),
                step: state.step.clone(),
                end,
            });
        }
    }

    /// Starts a dialog.
    pub async fn start(&self, name: &str, slots: Slots) -> Result<DialogTurn, EngineError> {
        self.begin(name, slots)
            .await
            .map(|turn| self.forget_secrets(turn))
    }

    /// What the turn leaves behind keeps no secret: a password or code typed this turn was
    /// used by the action it was asked for, and is gone before the state is stored.
    fn forget_secrets(&self, mut turn: DialogTurn) -> DialogTurn {
        if let Some(state) = &mut turn.state {
            state
                .slots
                .retain(|name, _| !self.dialogs.is_secret_slot(name));
        }
        turn
    }

    /// Whether the dialog may not run in this conversation (see [`EngineContext::shared`]).
    fn private_only(&self, dialog: &Dialog) -> bool {
        self.shared && dialog.is_personal()
    }

    /// What is said instead of a dialog that may not run here: to go on in a private chat.
    fn private_chat_notice(&self) -> BotMessage {
        BotMessage {
            private_chat_only: true,
            ..self.notice("dialog-private-chat-only", &Slots::new())
        }
    }

    /// The turn that ends a dialog which may not run here.
    fn private_chat_turn(&self, mut messages: Vec<BotMessage>) -> DialogTurn {
        messages.push(self.private_chat_notice());
        DialogTurn {
            messages,
            state: None,
            handoff: false,
            events: Vec::new(),
        }
    }

    async fn begin(&self, name: &str, slots: Slots) -> Result<DialogTurn, EngineError> {
        let dialog = self.dialog(name)?;
        if self.private_only(dialog) {
            return Ok(self.private_chat_turn(Vec::new()));
        }
        let state = DialogState {
            dialog: name.to_string(),
            step: dialog.start.clone(),
            slots,
            history: Vec::new(),
            invalid: 0,
            run: Some(self.started(name)),
        };
        let mut messages = Vec::new();
        let mut events = Vec::new();
        let start = dialog.start.clone();
        self.enter(state, &start, &mut messages, &mut events)
            .await
            .map(|(state, handoff)| DialogTurn {
                messages,
                state,
                handoff,
                events,
            })
    }

    /// Enters `step` and goes on until a step waits, the dialog ends or hands over.
    async fn enter(
        &self,
        mut state: DialogState,
        step_name: &str,
        messages: &mut Vec<BotMessage>,
        events: &mut Vec<ActionEvent>,
    ) -> Result<(Option<DialogState>, bool), EngineError> {
        let mut step_name = step_name.to_string();
        let mut restarted = false;
        for _ in 0..MAX_HOPS {
            let dialog = self.dialog(&state.dialog)?;
            let step = self.step(dialog, &step_name)?.clone();
            state.step = step_name.clone();
            if let Some(run) = &state.run {
                self.runs.note(RunNote::Reached {
                    run: run.clone(),
                    step: step_name.clone(),
                });
            }
            if let Some(say) = &step.say {
                messages.push(self.notice(say, &state.slots));
            }
            if step.handoff {
                self.ended(&state, RunEnd::Completed(DialogEnding::Handoff));
                return Ok((Some(state), true));
            }
            if step.end {
                self.ended(&state, RunEnd::Completed(DialogEnding::End));
                return Ok((None, false));
            }
            if let Some(other) = &step.dialog {
                let other_dialog = self.dialog(other)?;
                self.ended(&state, RunEnd::Completed(DialogEnding::NextDialog));
                if self.private_only(other_dialog) {
                    messages.push(self.private_chat_notice());
                    return Ok((None, false));
                }
                state.run = Some(self.started(other));
                state.dialog = other.clone();
                state.history.clear();
                step_name = other_dialog.start.clone();
                continue;
            }
            if let Some(action) = &step.action {
                let result = match actions::run(
                    action,
                    self.store,
                    self.uploads,
                    &mut state.slots,
                    self.requester,
                )
                .await
                {
                    Ok(result) => {
                        self.metrics
                            .account_action(action, result.outcome, result.refusal);
                        result
                    }
                    Err(ActionError::Account(error)) => {
                        self.metrics.account_action(action, "error", None);
                        return Err(error.into());
                    }
                    // Reached without what the step needs (another tab, an expired
                    // sign-in, a stale button): back to the start of this dialog, once.
                    Err(missing) => {
                        tracing::info!(
                            dialog = %state.dialog,
                            step = %step_name,
                            reason = %missing,
                            "dialog restarted: step reached without its inputs"
                        );
                        messages.push(self.notice("dialog-lost-place", &Slots::new()));
                        if restarted {
                            self.ended(&state, RunEnd::Abandoned(Abandonment::Failed));
                            return Ok((None, false));
                        }
                        restarted = true;
                        state.slots.clear();
                        state.history.clear();
                        step_name = dialog.start.clone();
                        continue;
                    }
                };
                events.extend(result.event);
                if let Some(said) = result.say {
                    messages.push(self.spoken(said, &state.slots));
                }
                step_name = step.on.get(result.outcome).cloned().ok_or_else(|| {
                    EngineError::UnknownStep(dialog.name.clone(), result.outcome.to_string())
                })?;
                continue;
            }
            if step.waits() {
                self.attach_waiting(&step, &state.slots, messages);
                state.invalid = 0;
                return Ok((Some(state), false));
            }
            match &step.next {
                Some(next) => step_name = next.clone(),
                None => {
                    self.ended(&state, RunEnd::Completed(DialogEnding::End));
                    return Ok((None, false));
                }
            }
        }
        Err(EngineError::Loop(state.dialog))
    }

    /// Puts a waiting step's buttons (or photo request) on the last message.
    fn attach_waiting(&self, step: &Step, slots: &Slots, messages: &mut Vec<BotMessage>) {
        if messages.is_empty() || step.say.is_none() {
            messages.push(self.notice("dialog-your-turn", slots));
        }
        if let Some(last) = messages.last_mut() {
            last.buttons = step
                .buttons
                .iter()
                .enumerate()
                .map(|(index, button)| Button {
                    label: self.say(&button.label, slots, Vec::new()),
                    payload: format!("{BUTTON_PREFIX}{index}"),
                })
                .collect();
            last.expects_photo = step.asks_photo();
            last.expects_secret = step.asks_secret();
            last.expects_mobile = step.asks_own_mobile();
        }
    }

    /// Repeats the current step's question (after an aside or an invalid input).
    fn repeat(
        &self,
        state: &DialogState,
        messages: &mut Vec<BotMessage>,
    ) -> Result<(), EngineError> {
        let dialog = self.dialog(&state.dialog)?;
        let step = self.step(dialog, &state.step)?;
        if let Some(say) = &step.say {
            messages.push(self.notice(say, &state.slots));
        }
        self.attach_waiting(step, &state.slots, messages);
        Ok(())
    }

    /// Handles the user's input at the waiting step.
    pub async fn handle(
        &self,
        state: DialogState,
        input: &Input,
    ) -> Result<DialogTurn, EngineError> {
        self.interpret(state, input)
            .await
            .map(|turn| self.forget_secrets(turn))
    }

    async fn interpret(
        &self,
        mut state: DialogState,
        input: &Input,
    ) -> Result<DialogTurn, EngineError> {
        let mut messages = Vec::new();
        let mut events = Vec::new();
        let dialog = self.dialog(&state.dialog)?;
        if self.private_only(dialog) {
            self.ended(&state, RunEnd::Abandoned(Abandonment::PrivateChatOnly));
            return Ok(self.private_chat_turn(messages));
        }
        let step = self.step(dialog, &state.step)?.clone();

        if let Input::Text(text) = input
            && let Some(command) = command(text)
        {
            return self.steer(state, command, messages).await;
        }
        if let Input::Button(payload) = input {
            if payload == HUMAN_PAYLOAD {
                return self.steer(state, Command::Human, messages).await;
            }
            if payload == CONTINUE_PAYLOAD {
                state.invalid = 0;
                self.repeat(&state, &mut messages)?;
                return Ok(DialogTurn {
                    messages,
                    state: Some(state),
                    handoff: false,
                    events,
                });
            }
        }

        // Buttons (and text recognised at a buttons step).
        if !step.buttons.is_empty() {
            let chosen = match input {
                Input::Button(payload) => payload
                    .strip_prefix(BUTTON_PREFIX)
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| step.buttons.get(i)),
                Input::Text(text) => {
                    let typed = text.trim();
                    step.buttons.iter().enumerate().find_map(|(index, button)| {
                        let label = self.say(&button.label, &state.slots, Vec::new());
                        (typed == label || typed.parse::<usize>().ok() == Some(index + 1))
                            .then_some(button)
                    })
                }
                Input::Photo(_) => None,
            };
            if let Some(button) = chosen {
                state.history.push(state.step.clone());
                if let Some(other) = &button.dialog {
                    self.ended(&state, RunEnd::Completed(DialogEnding::NextDialog));
                    let turn = self.begin(other, std::mem::take(&mut state.slots)).await?;
                    return Ok(turn);
                }
                let next = button.next.clone().unwrap_or_default();
                let (state, handoff) = self.enter(state, &next, &mut messages, &mut events).await?;
                return Ok(DialogTurn {
                    messages,
                    state,
                    handoff,
                    events,
                });
            }
            if let Input::Text(text) = input {
                let normalized = normalize(text);
                if let Some(found) = step.matches.iter().find(|m| {
                    m.contains
                        .iter()
                        .any(|needle| normalized.contains(&normalize(needle)))
                }) {
                    state.history.push(state.step.clone());
                    let next = found.next.clone();
                    let (state, handoff) =
                        self.enter(state, &next, &mut messages, &mut events).await?;
                    return Ok(DialogTurn {
                        messages,
                        state,
                        handoff,
                        events,
                    });
                }
            }
            // A question the content cannot answer, typed where buttons wait: said honestly,
            // with the way back to the step, rather than "choose a button".
            if let Input::Text(text) = input
                && looks_like_question(text)
                && self.asides.aside(text, self.locale).is_none()
            {
                let unknown = self.notice("none-reply", &state.slots);
                return Ok(self.aside(state, unknown, messages));
            }
            return self.invalid(state, input, "dialog-choose-button", Vec::new(), messages);
        }

        // Typed input (or a photo).
        let (Some(validator), Some(slot)) = (step.input.as_deref(), step.slot.as_deref()) else {
            let (state, handoff) = self
                .enter(state.clone(), &state.step, &mut messages, &mut events)
                .await?;
            return Ok(DialogTurn {
                messages,
                state,
                handoff,
                events,
            });
        };
        // Free text would take any question as a value: a question the knowledge base answers
        // outright is treated as an aside instead.
        if FREE_TEXT_VALIDATORS.contains(&validator)
            && let Input::Text(text) = input
            && looks_like_question(text)
            && let Some(answer) = self.asides.aside(text, self.locale)
        {
            return Ok(self.aside(state, answer, messages));
        }
        let value = match (input, validator) {
            // Each photo is checked as it arrives, so a bad one is asked for again at once.
            // Kept once in the uploads table; the slot holds its id.
            (Input::Photo(bytes), "photo") => match crate::accounts::photo::check_photo(bytes) {
                Ok(_) => Ok(self
                    .uploads
                    .save_upload(&self.requester.conversation, bytes)
                    .await
                    .map_err(AccountError::from)?),
                Err(error) => {
                    let side = if slot.contains("back") {
                        PhotoSide::Back
                    } else {
                        PhotoSide::Front
                    };
                    let refusal = AccountError::Photo { side, error };
                    Err(validators::Invalid {
                        message_id: refusal.message_id(),
                        args: refusal.message_args(),
                    })
                }
            },
            (Input::Photo(_), _) => Err(validators::Invalid {
                message_id: "input-not-text",
                args: Vec::new(),
            }),
            (Input::Text(text), _) => validators::validate(validator, text, self.this_year),
            (Input::Button(_), _) => Err(validators::Invalid {
                message_id: "button-unknown",
                args: Vec::new(),
            }),
        };
        match value {
            Ok(value) => {
                state.slots.insert(slot.to_string(), value);
                state.history.push(state.step.clone());
                let next = step.next.clone().unwrap_or_default();
                let (state, handoff) = self.enter(state, &next, &mut messages, &mut events).await?;
                Ok(DialogTurn {
                    messages,
                    state,
                    handoff,
                    events,
                })
            }
            Err(invalid) => {
                let id = invalid.message_id;
                self.invalid(state, input, id, invalid.args, messages)
            }
        }
    }

    /// An input that does not fit: an unrelated question is answered from the knowledge base;
    /// anything else is explained, and the third in a row offers human help.
    fn invalid(
        &self,
        mut state: DialogState,
        input: &Input,
        message_id: &str,
        args: Vec<(&'static str, fluent_bundle::FluentValue<'static>)>,
        mut messages: Vec<BotMessage>,
    ) -> Result<DialogTurn, EngineError> {
        let events = Vec::new();
        if let Input::Text(text) = input
            && let Some(answer) = self.asides.aside(text, self.locale)
        {
            return Ok(self.aside(state, answer, messages));
        }
        state.invalid = state.invalid.saturating_add(1);
        messages.push(self.spoken((message_id.to_string(), args), &state.slots));
        if state.invalid >= INVALID_BEFORE_HELP {
            let mut offer = self.notice("dialog-offer-human", &state.slots);
            offer.buttons = vec![
                Button {
                    label: self.say("dialog-human-button", &state.slots, Vec::new()),
                    payload: HUMAN_PAYLOAD.into(),
                },
                Button {
                    label: self.say("dialog-continue-button", &state.slots, Vec::new()),
                    payload: CONTINUE_PAYLOAD.into(),
                },
            ];
            messages.push(offer);
            state.invalid = 0;
        } else {
            self.repeat(&state, &mut messages)?;
        }
        Ok(DialogTurn {
            messages,
            state: Some(state),
            handoff: false,
            events,
        })
    }

    /// An answer on the side, then the offer to go on with the dialog.
    fn aside(
        &self,
        state: DialogState,
        answer: BotMessage,
        mut messages: Vec<BotMessage>,
    ) -> DialogTurn {
        let events = Vec::new();
        messages.push(answer);
        let mut offer = self.notice("dialog-continue", &state.slots);
        offer.buttons = vec![Button {
            label: self.say("dialog-continue-button", &state.slots, Vec::new()),
            payload: CONTINUE_PAYLOAD.into(),
        }];
        messages.push(offer);
        DialogTurn {
            messages,
            state: Some(state),
            handoff: false,
            events,
        }
    }

    async fn steer(
        &self,
        mut state: DialogState,
        command: Command,
        mut messages: Vec<BotMessage>,
    ) -> Result<DialogTurn, EngineError> {
        let mut events = Vec::new();
        match command {
            Command::Back => match state.history.pop() {
                Some(previous) => {
                    let (state, handoff) = self
                        .enter(state, &previous, &mut messages, &mut events)
                        .await?;
                    Ok(DialogTurn {
                        messages,
                        state,
                        handoff,
                        events,
                    })
                }
                None => {
                    messages.push(self.notice("dialog-at-start", &state.slots));
                    self.repeat(&state, &mut messages)?;
                    Ok(DialogTurn {
                        messages,
                        state: Some(state),
                        handoff: false,
                        events,
                    })
                }
            },
            Command::Restart => {
                self.ended(&state, RunEnd::Abandoned(Abandonment::Restarted));
                messages.push(self.notice("dialog-restarted", &state.slots));
                let name = state.dialog.clone();
                let mut turn = self.begin(&name, Slots::new()).await?;
                messages.append(&mut turn.messages);
                Ok(DialogTurn {
                    messages,
                    state: turn.state,
                    handoff: turn.handoff,
                    events: turn.events,
                })
            }
            Command::Human => {
                self.ended(&state, RunEnd::Abandoned(Abandonment::Handoff));
                Ok(DialogTurn {
                    messages,
                    state: Some(state),
                    handoff: true,
                    events,
                })
            }
            Command::Cancel => {
                self.ended(&state, RunEnd::Abandoned(Abandonment::Cancelled));
                messages.push(self.notice("dialog-cancelled", &state.slots));
                Ok(DialogTurn {
                    messages,
                    state: None,
                    handoff: false,
                    events,
                })
            }
        }
    }
}
