//! Human handoff: who owns a conversation when it is not the bot. The queue of conversations
//! waiting for a person and the handoffs agents own (`queue.rs`: taking one is a conditional
//! UPDATE, so that of two agents or two instances exactly one wins), support's working hours
//! (`hours.rs`), the agents online (`presence.rs`, a heartbeat the console sends), the messages
//! students leave when nobody can take them (`tickets.rs`), the summary an agent reads first
//! (`summary.rs`) and the figures supervisors read (`figures.rs`). The truth is in tables, so
//! every instance sees the same queue. What the student and the agent are told, and when the bot
//! stays silent, is the assistant's to decide (`assistant/support.rs` and `assistant/desk.rs`):
//! this layer only stores and answers.

pub mod figures;
pub mod hours;
pub mod presence;
pub mod queue;
pub mod summary;
pub mod tickets;

use serde::{Deserialize, Serialize};

use crate::store::StoreError;

pub use hours::WorkingHours;
pub use presence::{OnlineAgent, Presence};
pub use queue::{HandoffRecord, Status};
pub use summary::Summary;
pub use tickets::Ticket;

/// A support agent as this layer knows them: the staff id (their account, kept with every action)
/// and the display name students see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub staff_id: String,
    pub display_name: String,
}

impl Agent {
    pub fn new(staff_id: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            staff_id: staff_id.into(),
            display_name: display_name.into(),
        }
    }
}

/// Why a conversation was handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The student asked for a person (转人工, a button).
    Asked,
    /// A dialog reached a step that hands over.
    DialogStep,
    /// The student accepted help after three inputs a dialog could not take.
    FailedInputs,
    /// The student accepted help after the knowledge base could not answer twice in a row.
    Unanswered,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Asked => "asked",
            Reason::DialogStep => "dialog-step",
            Reason::FailedInputs => "failed-inputs",
            Reason::Unanswered => "unanswered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Reason::Asked,
            Reason::DialogStep,
            Reason::FailedInputs,
            Reason::Unanswered,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// The reason and the summary of a handoff or ticket row.
fn reason_and_summary(row: &sqlx::any::AnyRow) -> Result<(Reason, Summary), StoreError> {
    use sqlx::Row;
    let reason: String = row.try_get("reason")?;
    let summary: String = row.try_get("summary")?;
    Ok((
        Reason::parse(&reason)
            .ok_or_else(|| StoreError::Malformed(format!("handoff reason `{reason}`")))?,
        serde_json::from_str(&summary)
            .map_err(|e| StoreError::Malformed(format!("handoff summary: {e}")))?,
    ))
}

/// A summary as stored.
fn summary_json(summary: &Summary) -> Result<String, StoreError> {
    serde_json::to_string(summary)
        .map_err(|e| StoreError::Malformed(format!("handoff summary: {e}")))
}

/// The estimated wait, in whole minutes (at least one), of the student at `position` in the queue
/// when `online` agents each spend `minutes_per_conversation` on a student.
pub fn estimated_minutes(position: usize, online: usize, minutes_per_conversation: u32) -> u64 {
    let total = position as u64 * u64::from(minutes_per_conversation.max(1));
    total.div_ceil(online.max(1) as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_with_the_place_and_shrinks_with_agents() {
        assert_eq!(estimated_minutes(1, 1, 5), 5);
        assert_eq!(estimated_minutes(3, 1, 5), 15);
        assert_eq!(estimated_minutes(3, 2, 5), 8);
        // Nobody online yet (the student waits for the first agent): as if one.
        assert_eq!(estimated_minutes(2, 0, 5), 10);
        assert_eq!(estimated_minutes(1, 10, 1), 1);
    }

    #[test]
    fn reasons_are_stored_by_name() {
        for reason in [
            Reason::Asked,
            Reason::DialogStep,
            Reason::FailedInputs,
            Reason::Unanswered,
        ] {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::parse("bored"), None);
    }
}
