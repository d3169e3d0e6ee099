//! WAL checkpoints on SQLite, done in the background instead of by the commit that happens to
//! fill the log. SQLite's own automatic checkpoint runs inside a commit, copying the log into the
//! database file and syncing both; every turn waiting behind that commit waits for it too, and
//! under load that wait was the slowest one per cent of answers.
//!
//! Here a task checkpoints (PASSIVE: it never blocks a writer) a few times a second when turns were
//! written. SQLite's automatic checkpoint stays on, at a larger log size, as the bound on the log:
//! a passive checkpoint cannot finish while commits keep arriving, and only a finished one lets
//! the next commit start the log from the beginning again. By then the background has already
//! copied nearly all of it, so that commit has little to do.

use std::sync::Weak;
use std::time::Duration;

use sqlx::AnyPool;

use super::remembered::RememberedConversations;

/// Log size, in pages, at which a commit checkpoints by itself (SQLite's default is 1,000).
pub(super) const AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 8000";
/// How often the background looks for new commits to copy.
const EVERY: Duration = Duration::from_millis(250);

/// Runs until the database is closed or every handle on it is gone. Commits are counted by what
/// is remembered (see `remembered.rs`), which only exists on SQLite.
pub(super) async fn checkpoint_in_background(
    pool: AnyPool,
    remembered: Weak<RememberedConversations>,
) {
    let mut ticker = tokio::time::interval(EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut copied_up_to = 0;
    loop {
        ticker.tick().await;
        let Some(commits) = remembered.upgrade().map(|r| r.commits()) else {
            break;
        };
        if pool.is_closed() {
            break;
        }
        if commits == copied_up_to {
            continue;
        }
        match sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            Ok(_) => copied_up_to = commits,
            // The commit's own checkpoint still bounds the log; try again on the next tick.
            Err(e) => tracing::debug!(error = %e, "background checkpoint"),
        }
    }
}
