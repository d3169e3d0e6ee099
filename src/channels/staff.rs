//! Staff work from the terminal: the photo review queue (the console, `channels/console/`, has it
//! in a browser). Decisions go through the core, so the student hears about them in the chat
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
        let at = chrono::DateTime::from_timestamp_millis(review.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
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
