//! Staff work from the terminal: the photo review queue (the console, `channels/console/`, has it
//! in a browser), the tickets students left and the handoff queue (the console has both too).
//! Everything goes through the core, so the student hears about decisions and answers in the chat
//! (live in the widget).

use std::io::Write;
use std::path::Path;

use crate::accounts::{Decision, StaffAccounts, StaffDecision};
use crate::assistant::{Assistant, CoreError};

/// Reviews listed at most.
const QUEUE_LIMIT: i64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Desk(#[from] crate::assistant::DeskError),
    #[error("{0}")]
    Account(#[from] crate::accounts::AccountError),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// Prints the waiting photo reviews, oldest first: id, masked username, submitted at.
pub async fn list_reviews(
    assistant: &Assistant,
    out: &mut impl Write,
) -> Result<usize, StaffError> {
    let store = assistant.accounts();
    let reviews = store.pending_reviews(QUEUE_LIMIT).await?;
    if reviews.is_empty() {
        let _ = writeln!(out, "no photo reviews are waiting");
    }
    for review in &reviews {
        let username = store
            .account(&review.account_id)
            .await
            .map(|a| a.masked_username)
            .unwrap_or_else(|_| "?".into());
        let at = when(review.created_at);
        let _ = writeln!(out, "{}  {username:12}  submitted {at}", review.id);
    }
    Ok(reviews.len())
}

/// Saves a review's photos as `<dir>/<review>-<side>.<format>`; returns the paths.
pub async fn save_photos(
    store: &dyn StaffAccounts,
    review_id: &str,
    dir: &Path,
) -> Result<Vec<String>, StaffError> {
    let photos = store.review_photos(review_id).await?;
    std::fs::create_dir_all(dir).map_err(|e| StaffError::Write(dir.display().to_string(), e))?;
    let mut saved = Vec::new();
    for photo in photos {
        let extension = if photo.format == "jpeg" {
            "jpg"
        } else {
            photo.format.as_str()
        };
        let path = dir.join(format!("{review_id}-{}.{extension}", photo.side));
        std::fs::write(&path, &photo.content)
            .map_err(|e| StaffError::Write(path.display().to_string(), e))?;
        saved.push(path.display().to_string());
    }
    Ok(saved)
}

/// Approves or rejects a review (a rejection needs a reason the student can act on).
pub async fn decide(
    assistant: &Assistant,
    review_id: &str,
    staff: &str,
    decision: StaffDecision,
) -> Result<Decision, StaffError> {
    Ok(assistant.decide_review(review_id, staff, decision).await?)
}

/// Prints the tickets, oldest first: id, when, language, reason, the message (masked) and the
/// answer when there is one.
pub async fn list_tickets(
    assistant: &Assistant,
    open_only: bool,
    out: &mut impl Write,
) -> Result<usize, StaffError> {
    let tickets = assistant.desk().tickets(open_only).await?;
    if tickets.is_empty() {
        let _ = writeln!(out, "no tickets");
    }
    for ticket in &tickets {
        let _ = writeln!(
            out,
            "{}  {}  {}  {}  {}",
            ticket.id,
            when(ticket.created_at),
            ticket.locale,
            ticket.reason.as_str(),
            crate::pii::loggable(&ticket.message)
        );
        if let (Some(answer), Some(by)) = (&ticket.answer, &ticket.answered_by_name) {
            let _ = writeln!(
                out,
                "    answered by {by}: {}",
                crate::pii::loggable(answer)
            );
        }
    }
    Ok(tickets.len())
}

/// Answers a ticket as `staff`, shown to the student as `name`.
pub async fn answer_ticket(
    assistant: &Assistant,
    ticket: &str,
    staff: &str,
    name: &str,
    text: &str,
) -> Result<(), StaffError> {
    let agent = crate::handoff::Agent::new(staff, name);
    Ok(assistant.desk().answer_ticket(ticket, &agent, text).await?)
}

/// Prints the queue: place, handoff id, waiting for, channel, language, reason, dialog reached.
pub async fn list_queue(assistant: &Assistant, out: &mut impl Write) -> Result<usize, StaffError> {
    let queue = assistant.desk().queue().await?;
    if queue.is_empty() {
        let _ = writeln!(out, "nobody is waiting");
    }
    for item in &queue {
        let handoff = &item.handoff;
        let _ = writeln!(
            out,
            "{:>3}. {}  waiting {} min  {}  {}  {}  {}",
            item.position,
            handoff.id,
            item.waited_ms / 60_000,
            handoff.channel,
            handoff.locale,
            handoff.reason.as_str(),
            handoff.summary.dialog.as_deref().unwrap_or("-"),
        );
    }
    Ok(queue.len())
}

fn when(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}
