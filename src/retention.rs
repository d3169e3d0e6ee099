//! Data retention: transcripts and photos are kept for a configured time (`[retention]`) and then
//! deleted, by `helpbot serve` on an interval and by `helpbot purge` once. What counts as a
//! transcript or a photo, and what is kept however old because an open handoff, ticket or review
//! still needs it, is decided in `store::retention`.
//!
//! Defaults: transcripts 180 days, long enough for a student's case (a review, a ticket, a
//! complaint about an answer) to be over and for editors to learn from what failed; photos 30
//! days, because they are pictures of identity documents: kept only as long as a decision and a
//! question about it take. A log line says how many rows of each kind went, never what they held.

use std::time::{Duration, Instant};

use crate::config::RetentionConfig;
use crate::store::{Database, PurgeCounts, RetentionPolicy, StoreError, now_ms};

/// Rows one statement deletes at most.
pub const PURGE_BATCH: u32 = 500;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl From<&RetentionConfig> for RetentionPolicy {
    fn from(config: &RetentionConfig) -> Self {
        let days = |n: u32| (n > 0).then(|| DAY * n);
        Self {
            transcripts: days(config.transcript_days),
            photos: days(config.photo_days),
            batch: PURGE_BATCH,
        }
    }
}

/// The time between two purges of `helpbot serve` (`None`: it does not purge).
pub fn purge_interval(config: &RetentionConfig) -> Option<Duration> {
    (config.purge_interval_minutes > 0)
        .then(|| Duration::from_secs(60 * u64::from(config.purge_interval_minutes)))
}

/// Purges once, now, and logs what went.
#[tracing::instrument(name = "retention_purge", skip_all)]
pub async fn purge_once(
    db: &Database,
    policy: &RetentionPolicy,
) -> Result<PurgeCounts, StoreError> {
    let started = Instant::now();
    let counts = db.purge_expired(policy, now_ms()).await?;
    tracing::info!(
        messages = counts.messages,
        handoffs = counts.handoffs,
        tickets = counts.tickets,
        feedback_texts = counts.feedback_texts,
        uploads = counts.uploads,
        review_photos = counts.review_photos,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "retention purge done"
    );
    Ok(counts)
}

/// Purges at once and then every `interval`, until the runtime stops. A purge that fails (the
/// database is down) is logged and tried again at the next interval; nothing is lost by waiting.
pub fn purge_in_background(
    db: Database,
    policy: RetentionPolicy,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        // After a long pause (a suspended machine) one purge is enough.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = purge_once(&db, &policy).await {
                tracing::warn!(%error, "retention purge failed; tried again at the next interval");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_durations_and_zero_keeps_for_ever() {
        let policy = RetentionPolicy::from(&RetentionConfig {
            transcript_days: 180,
            photo_days: 0,
            purge_interval_minutes: 60,
        });
        assert_eq!(policy.transcripts, Some(DAY * 180));
        assert_eq!(policy.photos, None);
        assert_eq!(policy.batch, PURGE_BATCH);
    }

    #[test]
    fn the_interval_is_in_minutes_and_zero_means_no_background_purge() {
        let mut config = RetentionConfig::default();
        assert_eq!(purge_interval(&config), Some(Duration::from_secs(3600)));
        config.purge_interval_minutes = 0;
        assert_eq!(purge_interval(&config), None);
    }
}
