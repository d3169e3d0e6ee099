//! Hot questions: what a new conversation opens with, per category. The editors pin entries with
//! `hot = true` in their knowledge files; the rest of each category's places go to the entries
//! students asked most over a recent window (`[hot]`). The traffic is counted by a background
//! task (`helpbot serve` spawns [`refresh_in_background`]) into a snapshot swapped atomically, so
//! no request ever runs the query; merging that snapshot with the content in use is cheap and
//! done when the list is shown, so an entry removed by a content reload disappears at once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::config::HotConfig;
use crate::knowledge::Entry;
use crate::store::{AskedEntry, Database, StoreError, now_ms};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What the last count of traffic found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Entries by distinct conversations answered definitely, most asked first.
    pub asked: Vec<AskedEntry>,
    /// The days counted.
    pub window_days: u32,
    /// When it was counted (ms since the epoch); `None` before the first count.
    pub counted_at: Option<i64>,
}

/// The latest [`Traffic`], shared by the assistant (reads) and the background task (writes).
#[derive(Debug, Clone, Default)]
pub struct HotTraffic(Arc<ArcSwap<Traffic>>);

impl HotTraffic {
    pub fn current(&self) -> Arc<Traffic> {
        self.0.load_full()
    }

    pub fn replace(&self, traffic: Traffic) {
        self.0.store(Arc::new(traffic));
    }
}

/// One category's hot questions: the editors' pins, then the most asked of the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotCategory {
    /// The category id (its name is the locale message `category-<id>`).
    pub category: String,
    /// Entries pinned with `hot = true`, in the knowledge base's order.
    pub pinned: Vec<String>,
    /// Entries from traffic with their number of conversations, most asked first.
    pub asked: Vec<(String, i64)>,
}

impl HotCategory {
    /// The entry ids in the order they are shown.
    pub fn entry_ids(&self) -> impl Iterator<Item = &str> {
        self.pinned
            .iter()
            .map(String::as_str)
            .chain(self.asked.iter().map(|(id, _)| id.as_str()))
    }
}

/// The hot questions of every category that has any, in the knowledge base's category order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HotQuestions {
    pub categories: Vec<HotCategory>,
    /// The traffic's window, in days.
    pub window_days: u32,
    /// When the traffic was counted; `None` before the first count (pins only).
    pub counted_at: Option<i64>,
}

/// Merges the editors' pins with the traffic: per category the pinned entries first (all of
/// them: pinning is the editors' decision), then the most asked unpinned entries of that
/// category until `per_category` are shown. Entries the content no longer has are dropped; a
/// category with nothing to show is left out.
pub fn merge(entries: &[Entry], traffic: &Traffic, per_category: usize) -> HotQuestions {
    let mut categories: Vec<HotCategory> = Vec::new();
    let mut category_of: HashMap<&str, &str> = HashMap::new();
    for entry in entries {
        category_of.insert(&entry.id, &entry.category);
        let index = match categories.iter().position(|c| c.category == entry.category) {
            Some(index) => index,
            None => {
                categories.push(HotCategory {
                    category: entry.category.clone(),
                    pinned: Vec::new(),
                    asked: Vec::new(),
                });
                categories.len() - 1
            }
        };
        if entry.hot {
            categories[index].pinned.push(entry.id.clone());
        }
    }
    for asked in &traffic.asked {
        let Some(category) = category_of.get(asked.entry_id.as_str()) else {
            continue;
        };
        let Some(hot) = categories.iter_mut().find(|c| c.category == *category) else {
            continue;
        };
        if hot.pinned.contains(&asked.entry_id)
            || hot.asked.iter().any(|(id, _)| *id == asked.entry_id)
        {
            continue;
        }
        if hot.pinned.len() + hot.asked.len() < per_category {
            hot.asked
                .push((asked.entry_id.clone(), asked.conversations));
        }
    }
    categories.retain(|c| !c.pinned.is_empty() || !c.asked.is_empty());
    HotQuestions {
        categories,
        window_days: traffic.window_days,
        counted_at: traffic.counted_at,
    }
}

/// The time between two counts of `helpbot serve` (at least a minute).
pub fn refresh_interval(config: &HotConfig) -> Duration {
    Duration::from_secs(60 * u64::from(config.refresh_minutes.max(1)))
}

/// Counts the traffic of the last `window_days` now and swaps it in.
#[tracing::instrument(name = "hot_questions_refresh", skip_all)]
pub async fn refresh_once(
    db: &Database,
    traffic: &HotTraffic,
    window_days: u32,
) -> Result<(), StoreError> {
    let now = now_ms();
    let since = now - i64::from(window_days) * DAY_MS;
    let asked = db.definite_answers_by_entry(since).await?;
    tracing::debug!(entries = asked.len(), window_days, "hot questions counted");
    traffic.replace(Traffic {
        asked,
        window_days,
        counted_at: Some(now),
    });
    Ok(())
}

/// Counts at once and then every `interval`, until the runtime stops. A count that fails (the
/// database is down) is logged and the previous list keeps serving until the next one.
pub fn refresh_in_background(
    db: Database,
    traffic: HotTraffic,
    window_days: u32,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = refresh_once(&db, &traffic, window_days).await {
                tracing::warn!(%error, "hot questions not counted; the previous list stays");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, category: &str, hot: bool) -> Entry {
        Entry {
            id: id.into(),
            category: category.into(),
            hot,
            related: Vec::new(),
            dialog: None,
            text: Default::default(),
        }
    }

    fn asked(pairs: &[(&str, i64)]) -> Traffic {
        Traffic {
            asked: pairs
                .iter()
                .map(|(id, n)| AskedEntry {
                    entry_id: (*id).into(),
                    conversations: *n,
                })
                .collect(),
            window_days: 14,
            counted_at: Some(1),
        }
    }

    fn entries() -> Vec<Entry> {
        vec![
            entry("a1", "a", true),
            entry("a2", "a", false),
            entry("a3", "a", false),
            entry("a4", "a", false),
            entry("b1", "b", false),
            entry("b2", "b", false),
            entry("c1", "c", false),
        ]
    }

    fn shown(hot: &HotQuestions) -> Vec<(String, Vec<String>)> {
        hot.categories
            .iter()
            .map(|c| {
                (
                    c.category.clone(),
                    c.entry_ids().map(String::from).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn without_traffic_the_pins_are_shown_and_empty_categories_left_out() {
        let hot = merge(&entries(), &Traffic::default(), 4);
        assert_eq!(shown(&hot), [("a".to_string(), vec!["a1".to_string()])]);
        assert_eq!(hot.counted_at, None);
    }

    #[test]
    fn pins_come_first_then_the_most_asked_up_to_the_limit() {
        let traffic = asked(&[
            ("a3", 9),
            ("b2", 7),
            ("a1", 5),
            ("a2", 3),
            ("b1", 2),
            ("a4", 1),
        ]);
        let hot = merge(&entries(), &traffic, 3);
        assert_eq!(
            shown(&hot),
            [
                ("a".to_string(), vec!["a1".into(), "a3".into(), "a2".into()]),
                ("b".to_string(), vec!["b2".into(), "b1".into()]),
            ]
        );
        // A pinned entry is shown once, as a pin, however much it is asked.
        assert_eq!(hot.categories[0].pinned, ["a1"]);
        assert_eq!(
            hot.categories[0].asked,
            [("a3".to_string(), 9), ("a2".to_string(), 3)]
        );
        // The traffic's order decides: a4 overtaking a2 takes its place.
        let traffic = asked(&[("a4", 4), ("a2", 3), ("a3", 1)]);
        let hot = merge(&entries(), &traffic, 3);
        assert_eq!(
            hot.categories[0].entry_ids().collect::<Vec<_>>(),
            ["a1", "a4", "a2"]
        );
    }

    #[test]
    fn pins_beyond_the_limit_are_all_kept_and_leave_no_room() {
        let mut entries = entries();
        entries.push(entry("a5", "a", true));
        let hot = merge(&entries, &asked(&[("a2", 10)]), 2);
        assert_eq!(
            hot.categories[0].entry_ids().collect::<Vec<_>>(),
            ["a1", "a5"]
        );
        let hot = merge(&entries, &asked(&[("a2", 10)]), 1);
        assert_eq!(
            hot.categories[0].entry_ids().collect::<Vec<_>>(),
            ["a1", "a5"]
        );
    }

    #[test]
    fn entries_gone_from_the_content_are_dropped() {
        let traffic = asked(&[("removed", 50), ("c1", 2)]);
        let hot = merge(&entries(), &traffic, 4);
        assert_eq!(
            shown(&hot),
            [
                ("a".to_string(), vec!["a1".to_string()]),
                ("c".to_string(), vec!["c1".to_string()]),
            ]
        );
    }
}
