//! Guided dialogs, as data: `dialogs/<name>.toml` files describe steps that say something, ask a
//! question with buttons, ask for typed input checked by a validator, call an account-store
//! action and branch on its outcome, start another dialog, end, or hand over to a human. Every
//! user-visible text is a fluent message id. This module holds the format and its validation;
//! `engine` runs dialogs, `actions` and `validators` are the registries dialog files name.

pub mod actions;
pub mod engine;
pub mod runs;
pub mod validators;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Translations;
use crate::locale::Locale;
use crate::problem::{Problem, line_at, line_of};

/// One dialog file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialog {
    /// Message id of the dialog's name, shown on buttons that start it.
    pub title: String,
    /// The first step.
    pub start: String,
    pub steps: BTreeMap<String, Step>,
    #[serde(skip)]
    pub name: String,
}

/// A step. What it does follows from its keys: `say` speaks; then `buttons` or `input` wait for
/// the user, `action` calls the account store and follows `on.<outcome>`, `next` goes on,
/// `dialog` starts another dialog, `handoff` hands over to support, `end` ends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub say: Option<String>,
    #[serde(default)]
    pub buttons: Vec<ButtonSpec>,
    /// Typed text recognised at a buttons step (a pasted error message).
    #[serde(default, rename = "match")]
    pub matches: Vec<TextMatch>,
    #[serde(default)]
    pub input: Option<String>,
    #[serde(default)]
    pub slot: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub on: BTreeMap<String, String>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub dialog: Option<String>,
    #[serde(default)]
    pub handoff: bool,
    #[serde(default)]
    pub end: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ButtonSpec {
    /// Message id of the label.
    pub label: String,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub dialog: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextMatch {
    /// Any of these (after normalisation) in the typed text selects `next`.
    pub contains: Vec<String>,
    pub next: String,
}

impl Step {
    /// Whether the step stops and waits for the user.
    pub fn waits(&self) -> bool {
        !self.buttons.is_empty() || self.input.is_some()
    }

    /// Whether the step asks for a password: channels hide what the user types.
    pub fn asks_secret(&self) -> bool {
        self.input.as_deref() == Some("password")
    }

    /// Whether what the user types here is a secret (a password or an SMS code): it is never
    /// stored, logged or kept in the conversation after the turn.
    pub fn takes_secret(&self) -> bool {
        matches!(self.input.as_deref(), Some("password" | "code"))
    }

    /// Whether the step asks for a photo: channels offer an upload.
    pub fn asks_photo(&self) -> bool {
        self.input.as_deref() == Some("photo")
    }

    /// Whether the step asks for the student's own mobile number: a channel may offer to share
    /// it. A slot named for someone else (`classmate_mobile`) asks for another person's number.
    pub fn asks_own_mobile(&self) -> bool {
        self.input.as_deref() == Some("mobile")
            && !self
                .slot
                .as_deref()
                .is_some_and(|slot| slot.starts_with("classmate"))
    }

    /// Whether the step takes personal data or proof or acts on an account: every typed input
    /// a dialog asks for is about the student (a name, a school, an ID number, a mobile, a code,
    /// a password, a photo), and every action reaches the account store.
    pub fn is_personal(&self) -> bool {
        self.action.is_some() || self.input.is_some()
    }
}

impl Dialog {
    /// Whether any step of the dialog takes personal data or proof or acts on an account: such
    /// a dialog never runs where others read along (a group chat).
    pub fn is_personal(&self) -> bool {
        self.steps.values().any(Step::is_personal)
    }
}

/// All dialogs by name.
#[derive(Debug, Clone, Default)]
pub struct Dialogs {
    pub by_name: BTreeMap<String, Dialog>,
    /// The slots a password or code step fills, in any dialog (known once the files are read).
    secret_slots: BTreeSet<String>,
}

impl Dialogs {
    /// Whether a slot holds a secret in some dialog (a password or code step fills it): such a
    /// slot is dropped at the end of every turn.
    pub fn is_secret_slot(&self, slot: &str) -> bool {
        self.secret_slots.contains(slot)
    }

    pub fn get(&self, name: &str) -> Option<&Dialog> {
        self.by_name.get(name)
    }

    pub fn names(&self) -> BTreeSet<String> {
        self.by_name.keys().cloned().collect()
    }
}

fn dialog_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|items| {
            items
                .filter_map(|i| i.ok().map(|i| i.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Loads every dialog and checks it: steps that exist, are reachable and lead somewhere; known
/// actions, outcomes, validators and dialogs; messages present in every locale.
pub fn load_dialogs(dir: &Path, translations: Option<&Translations>) -> (Dialogs, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut dialogs = Dialogs::default();
    let mut texts = BTreeMap::new();
    for file in dialog_files(dir) {
        let Some(name) = file.file_stem().and_then(|s| s.to_str()).map(String::from) else {
            continue;
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(err) => {
                problems.push(Problem::new(&file, 1, format!("cannot read: {err}")));
                continue;
            }
        };
        match toml::from_str::<Dialog>(&text) {
            Ok(mut dialog) => {
                dialog.name = name.clone();
                dialogs.by_name.insert(name.clone(), dialog);
                texts.insert(name, (file, text));
            }
            Err(err) => {
                let line = err.span().map_or(1, |s| line_at(&text, s.start));
                problems.push(Problem::new(&file, line, err.message().trim().to_string()));
            }
        }
    }
    for (name, dialog) in &dialogs.by_name {
        let (file, text) = &texts[name];
        check_dialog(dialog, &dialogs, file, text, translations, &mut problems);
        check_slots(dialog, &dialogs, file, text, &mut problems);
    }
    dialogs.secret_slots = dialogs
        .by_name
        .values()
        .flat_map(|dialog| dialog.steps.values())
        .filter(|step| step.takes_secret())
        .filter_map(|step| step.slot.clone())
        .collect();
    (dialogs, problems)
}

/// The slots a dialog fills itself: its input steps' slots and what its actions write.
fn filled_slots(dialog: &Dialog) -> BTreeSet<&str> {
    let mut filled = BTreeSet::new();
    for step in dialog.steps.values() {
        if let Some(slot) = &step.slot {
            filled.insert(slot.as_str());
        }
        if let Some(spec) = step.action.as_deref().and_then(actions::spec) {
            filled.extend(spec.writes.iter().copied());
        }
    }
    filled
}

/// Every action step reads only slots that can be filled before it: by this dialog, or by a
/// dialog that leads into it (its slots are carried over). A misspelt slot in a dialog file
/// would otherwise surface only when a student reaches the step.
fn check_slots(
    dialog: &Dialog,
    all: &Dialogs,
    file: &Path,
    text: &str,
    problems: &mut Vec<Problem>,
) {
    let leads_into = |from: &Dialog, to: &str| {
        from.steps.values().any(|step| {
            step.dialog.as_deref() == Some(to)
                || step.buttons.iter().any(|b| b.dialog.as_deref() == Some(to))
        })
    };
    // This dialog and every dialog that can lead into it, however indirectly.
    let mut sources: BTreeSet<&str> = BTreeSet::from([dialog.name.as_str()]);
    let mut queue: VecDeque<&str> = VecDeque::from([dialog.name.as_str()]);
    while let Some(target) = queue.pop_front() {
        for other in all.by_name.values() {
            if !sources.contains(other.name.as_str()) && leads_into(other, target) {
                sources.insert(other.name.as_str());
                queue.push_back(other.name.as_str());
            }
        }
    }
    let available: BTreeSet<&str> = sources
        .iter()
        .filter_map(|name| all.get(name))
        .flat_map(filled_slots)
        .collect();
    for (name, step) in &dialog.steps {
        let Some(spec) = step.action.as_deref().and_then(actions::spec) else {
            continue;
        };
        for slot in spec.reads {
            if !available.contains(slot) {
                problems.push(Problem::new(
                    file,
                    step_line(text, name, Some("action")),
                    format!(
                        "step `{name}` calls `{}`, which reads slot `{slot}`, but no step of this \
                         dialog (or of a dialog leading to it) fills that slot",
                        spec.name
                    ),
                ));
            }
        }
    }
}

/// The line of a step's table, or of a key inside it.
fn step_line(text: &str, step: &str, needle: Option<&str>) -> usize {
    let header = format!("[steps.{step}]");
    let start = text.find(&header).unwrap_or(0);
    match needle {
        Some(needle) => text[start..].find(needle).map_or_else(
            || line_at(text, start),
            |offset| line_at(text, start + offset),
        ),
        None => line_at(text, start),
    }
}

fn check_dialog(
    dialog: &Dialog,
    all: &Dialogs,
    file: &Path,
    text: &str,
    translations: Option<&Translations>,
    problems: &mut Vec<Problem>,
) {
    let mut report =
        |line: usize, message: String| problems.push(Problem::new(file, line, message));
    let mut messages: Vec<(usize, &str)> = vec![(line_of(text, "title"), dialog.title.as_str())];
    if !dialog.steps.contains_key(&dialog.start) {
        report(
            line_of(text, "start"),
            format!("start step `{}` does not exist", dialog.start),
        );
    }
    for (name, step) in &dialog.steps {
        let line = step_line(text, name, None);
        let mut targets: Vec<(usize, &str)> = Vec::new();
        if let Some(next) = &step.next {
            targets.push((step_line(text, name, Some("next")), next));
        }
        for target in step.on.values() {
            targets.push((
                step_line(text, name, Some(&format!("\"{target}\""))),
                target,
            ));
        }
        for button in &step.buttons {
            let button_line = step_line(text, name, Some(&format!("\"{}\"", button.label)));
            messages.push((button_line, &button.label));
            match (&button.next, &button.dialog) {
                (Some(next), None) => targets.push((button_line, next)),
                (None, Some(other)) => {
                    if all.get(other).is_none() {
                        report(
                            button_line,
                            format!("button starts unknown dialog `{other}`"),
                        );
                    }
                }
                _ => report(
                    button_line,
                    "a button needs exactly one of `next` or `dialog`".into(),
                ),
            }
        }
        for text_match in &step.matches {
            targets.push((
                step_line(text, name, Some(&format!("\"{}\"", text_match.next))),
                &text_match.next,
            ));
        }
        for (target_line, target) in targets {
            if !dialog.steps.contains_key(target) {
                report(
                    target_line,
                    format!("step `{name}` goes to unknown step `{target}`"),
                );
            }
        }
        if let Some(say) = &step.say {
            messages.push((step_line(text, name, Some("say")), say));
        }
        if let Some(validator) = &step.input {
            if !validators::NAMES.contains(&validator.as_str()) {
                report(
                    step_line(text, name, Some("input")),
                    format!(
                        "unknown validator `{validator}` (known: {})",
                        validators::NAMES.join(", ")
                    ),
                );
            }
            if step.slot.is_none() {
                report(
                    line,
                    format!("step `{name}` asks for input but names no `slot`"),
                );
            }
            if step.next.is_none() {
                report(
                    line,
                    format!("step `{name}` asks for input but has no `next`"),
                );
            }
        }
        if let Some(action) = &step.action {
            match actions::outcomes(action) {
                None => report(
                    step_line(text, name, Some("action")),
                    format!(
                        "unknown action `{action}` (known: {})",
                        actions::names().collect::<Vec<_>>().join(", ")
                    ),
                ),
                Some(outcomes) => {
                    for outcome in step.on.keys() {
                        if !outcomes.contains(&outcome.as_str()) {
                            report(
                                step_line(text, name, Some(outcome)),
                                format!(
                                    "action `{action}` has no outcome `{outcome}` (it has: {})",
                                    outcomes.join(", ")
                                ),
                            );
                        }
                    }
                    for outcome in outcomes {
                        if !step.on.contains_key(*outcome) {
                            report(
                                line,
                                format!(
                                    "step `{name}` does not say where outcome `{outcome}` of `{action}` goes"
                                ),
                            );
                        }
                    }
                }
            }
        }
        if let Some(other) = &step.dialog
            && all.get(other).is_none()
        {
            report(
                step_line(text, name, Some("dialog")),
                format!("unknown dialog `{other}`"),
            );
        }
        let leads_on = step.waits()
            || step.action.is_some()
            || step.next.is_some()
            || step.dialog.is_some()
            || step.handoff
            || step.end;
        if !leads_on {
            report(
                line,
                format!(
                    "step `{name}` is a dead end: give it `next`, buttons, input, an action, `end` or `handoff`"
                ),
            );
        }
    }
    // Reachability from the start step.
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([dialog.start.as_str()]);
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name) {
            continue;
        }
        let Some(step) = dialog.steps.get(name) else {
            continue;
        };
        queue.extend(step.next.as_deref());
        queue.extend(step.on.values().map(String::as_str));
        queue.extend(step.buttons.iter().filter_map(|b| b.next.as_deref()));
        queue.extend(step.matches.iter().map(|m| m.next.as_str()));
    }
    for name in dialog.steps.keys() {
        if !seen.contains(name.as_str()) {
            report(
                step_line(text, name, None),
                format!("step `{name}` cannot be reached from `{}`", dialog.start),
            );
        }
    }
    if let Some(translations) = translations {
        for (line, id) in messages {
            for locale in Locale::ALL {
                if !translations.has(locale, id) {
                    report(
                        line,
                        format!("message `{id}` is missing in locales/{locale}/"),
                    );
                }
            }
        }
    }
}
