//! What editors read to improve the help content (issue 14), channel-agnostic: the questions the
//! assistant could not answer or answered with low confidence, grouped the way search sees text
//! (`failures.rs`); the answers ranked by their 没用 rate with the reasons given (`ratings.rs`);
//! and "add this question as a similar question of entry X" prepared as a reviewed change to the
//! entry's file, with the search re-run on the changed content (`similar_change.rs`). Nothing
//! here writes to `knowledge/`: the files stay the source of truth.

mod failures;
mod ratings;
mod similar_change;

pub use failures::{FailureGroup, group_failures};
pub use ratings::{EntryRating, MIN_VOTES_TO_RANK, rank_by_not_useful};
pub use similar_change::{
    ChangeError, SearchSummary, SimilarChange, prepare_similar_question_change,
};
