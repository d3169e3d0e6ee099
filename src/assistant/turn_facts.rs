//! What a turn adds to the editors' dashboard (issue 16): its outcome on its day, and what
//! happened to dialog runs — the engine's notes, plus the end of a run the assistant left on
//! its own (a button that starts another dialog, a handoff asked for with a button, a content
//! change or failure that dropped the position), which the engine never sees end.

use crate::dialog::engine::DialogState;
use crate::dialog::runs::{RunEnd, RunNote};
use crate::metrics::Abandonment;
use crate::store::{RunChange, TurnFacts};

/// Where a turn found a conversation's dialog run: its id, dialog and step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RunBefore {
    run: String,
    dialog: String,
    step: String,
}

impl RunBefore {
    pub(super) fn of(position: Option<&DialogState>) -> Option<Self> {
        let position = position?;
        Some(Self {
            run: position.run.clone()?,
            dialog: position.dialog.clone(),
            step: position.step.clone(),
        })
    }
}

/// The facts of a turn on `day` with `outcome`: the engine's `notes`, and the run the turn began
/// in (`before`) ended if it is no longer the conversation's (`after`) and nothing ended it.
pub(super) fn turn_facts(
    day: i64,
    outcome: &str,
    before: Option<RunBefore>,
    after: Option<&DialogState>,
    notes: Vec<RunNote>,
) -> TurnFacts {
    let mut runs = Vec::with_capacity(notes.len() + 1);
    if let Some(before) = before {
        let ended_by_engine = notes
            .iter()
            .any(|note| matches!(note, RunNote::Ended { run, .. } if *run == before.run));
        let still_on = after.and_then(|a| a.run.as_deref()) == Some(before.run.as_str());
        if !ended_by_engine && !still_on {
            let restarted = notes.iter().any(
                |note| matches!(note, RunNote::Started { dialog, .. } if *dialog == before.dialog),
            );
            let reason = match outcome {
                "dialog-changed" => Abandonment::ContentChanged,
                "dialog-failed" => Abandonment::Failed,
                _ if outcome.starts_with("handoff") => Abandonment::Handoff,
                _ if restarted => Abandonment::Restarted,
                _ => Abandonment::OtherDialog,
            };
            // Ended before anything the turn started.
            runs.push(ended(before.run, before.step, RunEnd::Abandoned(reason)));
        }
    }
    runs.extend(notes.into_iter().map(|note| match note {
        RunNote::Started { run, dialog } => RunChange::Started { run, dialog },
        RunNote::Reached { run, step } => RunChange::Reached { run, step },
        RunNote::Ended { run, step, end } => ended(run, step, end),
    }));
    TurnFacts {
        day,
        outcome: outcome.to_string(),
        runs,
    }
}

fn ended(run: String, step: String, end: RunEnd) -> RunChange {
    let (result, detail) = end.stored();
    RunChange::Ended {
        run,
        step,
        result: result.to_string(),
        detail: detail.map(String::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DialogEnding;

    fn at(run: &str, dialog: &str, step: &str) -> DialogState {
        DialogState {
            dialog: dialog.into(),
            step: step.into(),
            run: Some(run.into()),
            ..DialogState::default()
        }
    }

    #[test]
    fn a_run_left_for_another_dialog_ends_before_the_new_one_starts() {
        let before = RunBefore::of(Some(&at("r1", "find-username", "ask-id")));
        let after = at("r2", "reset-password", "ask-username");
        let notes = vec![
            RunNote::Started {
                run: "r2".into(),
                dialog: "reset-password".into(),
            },
            RunNote::Reached {
                run: "r2".into(),
                step: "ask-username".into(),
            },
        ];
        let facts = turn_facts(7, "dialog", before, Some(&after), notes);
        assert_eq!(facts.outcome, "dialog");
        assert_eq!(
            facts.runs[0],
            RunChange::Ended {
                run: "r1".into(),
                step: "ask-id".into(),
                result: "abandoned".into(),
                detail: Some("other-dialog".into()),
            }
        );
        assert_eq!(facts.runs.len(), 3);
    }

    #[test]
    fn a_run_the_engine_ended_or_that_goes_on_is_not_ended_again() {
        let position = at("r1", "find-username", "ask-id");
        let going_on = turn_facts(
            1,
            "dialog",
            RunBefore::of(Some(&position)),
            Some(&position),
            vec![],
        );
        assert!(going_on.runs.is_empty());
        let notes = vec![RunNote::Ended {
            run: "r1".into(),
            step: "done".into(),
            end: RunEnd::Completed(DialogEnding::End),
        }];
        let done = turn_facts(1, "dialog", RunBefore::of(Some(&position)), None, notes);
        assert_eq!(done.runs.len(), 1);
    }

    #[test]
    fn a_handoff_button_mid_dialog_ends_the_run_as_handed_over() {
        let position = at("r1", "find-username", "ask-id");
        let facts = turn_facts(
            1,
            "handoff-queued",
            RunBefore::of(Some(&position)),
            None,
            vec![],
        );
        assert!(matches!(
            &facts.runs[0],
            RunChange::Ended { detail: Some(reason), .. } if reason == "handoff"
        ));
    }
}
