//! Dialog runs as the dashboard's funnels count them: the engine notes, during a turn, each run
//! it starts, each step a run reaches and how a run ends; the assistant takes the notes after the
//! turn and stores them with it. A run is one start of a dialog, named by a random id kept in the
//! conversation's [`super::engine::DialogState`]: nothing personal. Also the order a funnel lists
//! a dialog's steps in.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Mutex;

use super::Dialog;
use crate::metrics::{Abandonment, DialogEnding};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    Completed(DialogEnding),
    Abandoned(Abandonment),
}

impl RunEnd {
    /// The result stored (completed / handoff / next-dialog / abandoned) and, for an
    /// abandonment, its reason.
    pub fn stored(self) -> (&'static str, Option<&'static str>) {
        match self {
            RunEnd::Completed(DialogEnding::End) => ("completed", None),
            RunEnd::Completed(DialogEnding::Handoff) => ("handoff", None),
            RunEnd::Completed(DialogEnding::NextDialog) => ("next-dialog", None),
            RunEnd::Abandoned(reason) => ("abandoned", Some(reason.as_str())),
        }
    }
}

/// What happened to a run during a turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunNote {
    Started {
        run: String,
        dialog: String,
    },
    Reached {
        run: String,
        step: String,
    },
    Ended {
        run: String,
        step: String,
        end: RunEnd,
    },
}

/// The notes of one turn (the engine is made for one turn).
#[derive(Debug, Default)]
pub struct RunJournal(Mutex<Vec<RunNote>>);

impl RunJournal {
    pub fn note(&self, note: RunNote) {
        // A poisoned lock only means another note panicked: the notes are still a list.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(note);
    }

    /// The notes so far, oldest first; the journal is empty afterwards.
    pub fn take(&self) -> Vec<RunNote> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// A new run's id.
pub fn new_run_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The dialog's steps in the order a student meets them: breadth first from the start, following
/// buttons, matches, action outcomes and `next` in the order the file gives them, then the steps
/// nothing leads to, by name; the steps that end the dialog (`end`, `handoff`) last of all.
pub fn step_order(dialog: &Dialog) -> Vec<String> {
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([dialog.start.clone()]);
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(step) = dialog.steps.get(&name) else {
            continue;
        };
        order.push(name);
        let following = step
            .buttons
            .iter()
            .filter_map(|button| button.next.clone())
            .chain(step.matches.iter().map(|m| m.next.clone()))
            .chain(step.on.values().cloned())
            .chain(step.next.clone());
        queue.extend(following.filter(|next| !seen.contains(next)));
    }
    order.extend(
        dialog
            .steps
            .keys()
            .filter(|name| !seen.contains(*name))
            .cloned(),
    );
    // The ways a dialog ends come after the steps on the way, so that the main path reads first.
    let ends = |name: &String| {
        dialog
            .steps
            .get(name)
            .is_some_and(|step| step.end || step.handoff)
    };
    let (mut on_the_way, endings): (Vec<String>, Vec<String>) =
        order.into_iter().partition(|name| !ends(name));
    on_the_way.extend(endings);
    on_the_way
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_listed_from_the_start_along_the_ways_out() {
        let dialog: Dialog = toml::from_str(
            r#"
            title = "t"
            start = "ask"
            [steps.ask]
            buttons = [{ label = "a", next = "yes" }, { label = "b", next = "no" }]
            [steps.no]
            end = true
            [steps.yes]
            next = "done"
            [steps.done]
            end = true
            [steps.orphan]
            end = true
            "#,
        )
        .expect("a valid dialog");
        assert_eq!(step_order(&dialog), ["ask", "yes", "no", "done", "orphan"]);
        let with_an_early_end: Dialog = toml::from_str(
            r#"
            title = "t"
            start = "ask"
            [steps.ask]
            buttons = [{ label = "a", next = "stop" }, { label = "b", next = "more" }]
            [steps.more]
            input = "name"
            slot = "name"
            next = "stop"
            [steps.stop]
            end = true
            "#,
        )
        .expect("a valid dialog");
        assert_eq!(step_order(&with_an_early_end), ["ask", "more", "stop"]);
    }

    #[test]
    fn an_ending_is_stored_with_its_reason() {
        assert_eq!(
            RunEnd::Completed(DialogEnding::End).stored(),
            ("completed", None)
        );
        assert_eq!(
            RunEnd::Abandoned(Abandonment::Cancelled).stored(),
            ("abandoned", Some("cancelled"))
        );
    }
}
