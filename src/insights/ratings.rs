//! Answers ranked by their 没用 rate: the share of "not useful" votes, for entries with enough
//! votes for the share to mean something; the others are listed after them, by their count of
//! "not useful" votes.

use crate::knowledge::KnowledgeBase;
use crate::locale::Locale;
use crate::store::EntryVotes;

/// Votes an entry needs before its rate is ranked (one unhappy vote of one is not 100 %).
pub const MIN_VOTES_TO_RANK: i64 = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct EntryRating {
    pub votes: EntryVotes,
    /// The entry's title in the editor's language; `None` for an entry no longer in knowledge/.
    pub title: Option<String>,
    /// "Not useful" votes of all votes, 0..=1.
    pub not_useful_rate: f64,
    /// Whether it has [`MIN_VOTES_TO_RANK`] votes.
    pub ranked: bool,
}

/// Ranked entries first (highest 没用 rate, then most 没用 votes), then the rest.
pub fn rank_by_not_useful(
    knowledge: &KnowledgeBase,
    locale: Locale,
    votes: Vec<EntryVotes>,
) -> Vec<EntryRating> {
    let mut ratings: Vec<EntryRating> = votes
        .into_iter()
        .map(|votes| {
            let total = votes.useful + votes.not_useful;
            let not_useful_rate = if total > 0 {
                votes.not_useful as f64 / total as f64
            } else {
                0.0
            };
            EntryRating {
                title: knowledge
                    .entry(&votes.entry_id)
                    .map(|entry| entry.localized(locale).title.clone()),
                ranked: total >= MIN_VOTES_TO_RANK,
                not_useful_rate,
                votes,
            }
        })
        .collect();
    ratings.sort_by(|a, b| {
        b.ranked
            .cmp(&a.ranked)
            .then_with(|| {
                if a.ranked {
                    b.not_useful_rate.total_cmp(&a.not_useful_rate)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| b.votes.not_useful.cmp(&a.votes.not_useful))
            .then_with(|| a.votes.entry_id.cmp(&b.votes.entry_id))
    });
    ratings
}
