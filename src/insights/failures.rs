//! Low-confidence questions grouped by similarity: each question becomes the analyzer's terms
//! (words and character bigrams, as search sees it, after masking personal data), and a greedy
//! pass puts it into the first group whose seed shares enough terms (Dice coefficient), the most
//! frequent phrasings seeding groups first. Cheap (a few thousand questions in milliseconds) and
//! stable: the same questions give the same groups.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::answering::ENTRY_PAYLOAD;
use crate::knowledge::analyzer::Analyzer;
use crate::message::BotMessage;
use crate::pii;
use crate::store::LowConfidenceAnswer;

/// Share of terms two questions have in common (Dice) from which they are one group.
const SAME_GROUP: f64 = 0.5;
/// Examples shown per group.
const EXAMPLES: usize = 5;
/// Suggested entries shown per group.
const SUGGESTED: usize = 3;

/// Similar questions the assistant was unsure about.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureGroup {
    /// Questions in the group (each time it was asked).
    pub count: usize,
    /// Answered "I don't know" / with suggestions.
    pub none: usize,
    pub suggest: usize,
    /// Distinct phrasings, masked, the most asked first.
    pub examples: Vec<String>,
    /// Entries the search suggested for them, with how often, the most often first.
    pub suggested: Vec<(String, usize)>,
    pub latest_at: i64,
}

/// One distinct (masked, normalised) phrasing and how it was answered.
struct Phrasing {
    shown: String,
    terms: HashSet<String>,
    answers: Vec<usize>,
}

/// Groups low-confidence answers; the largest groups first.
pub fn group_failures(analyzer: &Analyzer, answers: &[LowConfidenceAnswer]) -> Vec<FailureGroup> {
    let mut phrasings: Vec<Phrasing> = Vec::new();
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for (index, answer) in answers.iter().enumerate() {
        let shown = pii::mask(answer.question.trim()).into_owned();
        let key = analyzer.normalize(&shown);
        let slot = *by_text.entry(key.clone()).or_insert_with(|| {
            let analyzed = analyzer.analyze(&shown);
            let mut terms: HashSet<String> = analyzed.words.into_iter().collect();
            terms.extend(analyzed.grams);
            if terms.is_empty() {
                terms.insert(key);
            }
            phrasings.push(Phrasing {
                shown,
                terms,
                answers: Vec::new(),
            });
            phrasings.len() - 1
        });
        phrasings[slot].answers.push(index);
    }
    // The most asked phrasings seed groups; ties keep the order questions came in.
    let mut order: Vec<usize> = (0..phrasings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(phrasings[i].answers.len()));
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for index in order {
        let terms = &phrasings[index].terms;
        let best = groups
            .iter_mut()
            .map(|group| (dice(&phrasings[group.0].terms, terms), group))
            .filter(|(score, _)| *score >= SAME_GROUP)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, group)) => group.1.push(index),
            None => groups.push((index, vec![index])),
        }
    }
    let mut result: Vec<FailureGroup> = groups
        .into_iter()
        .map(|(_, members)| summarise(&phrasings, &members, answers))
        .collect();
    result.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.latest_at.cmp(&a.latest_at))
    });
    result
}

fn dice(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / total as f64
}

fn summarise(
    phrasings: &[Phrasing],
    members: &[usize],
    answers: &[LowConfidenceAnswer],
) -> FailureGroup {
    let mut group = FailureGroup {
        count: 0,
        none: 0,
        suggest: 0,
        examples: Vec::new(),
        suggested: Vec::new(),
        latest_at: 0,
    };
    let mut suggested: BTreeMap<String, usize> = BTreeMap::new();
    for &member in members {
        let phrasing = &phrasings[member];
        if group.examples.len() < EXAMPLES {
            group.examples.push(phrasing.shown.clone());
        }
        for &index in &phrasing.answers {
            let answer = &answers[index];
            group.count += 1;
            match answer.outcome.as_str() {
                "none" => group.none += 1,
                _ => group.suggest += 1,
            }
            group.latest_at = group.latest_at.max(answer.asked_at);
            for entry in suggested_entries(&answer.reply) {
                *suggested.entry(entry).or_default() += 1;
            }
        }
    }
    let mut suggested: Vec<(String, usize)> = suggested.into_iter().collect();
    suggested.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    suggested.truncate(SUGGESTED);
    group.suggested = suggested;
    group
}

/// The entries a stored "您是不是想问" reply offered (its buttons).
fn suggested_entries(reply: &str) -> Vec<String> {
    serde_json::from_str::<BotMessage>(reply)
        .map(|message| {
            message
                .buttons
                .iter()
                .filter_map(|button| button.payload.strip_prefix(ENTRY_PAYLOAD))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::analyzer::AnalysisSettings;

    fn asked(id: i64, question: &str, outcome: &str, suggested: &[&str]) -> LowConfidenceAnswer {
        let buttons: Vec<serde_json::Value> = suggested
            .iter()
            .map(|entry| serde_json::json!({ "label": entry, "payload": format!("entry:{entry}") }))
            .collect();
        LowConfidenceAnswer {
            question_id: id,
            question: question.to_string(),
            outcome: outcome.to_string(),
            reply: serde_json::json!({ "kind": "suggestions", "text": "?", "buttons": buttons })
                .to_string(),
            asked_at: 1_000 + id,
        }
    }

    #[test]
    fn similar_questions_are_one_group_with_counts_examples_and_suggestions() {
        let analyzer = Analyzer::new(&AnalysisSettings::default());
        let answers = vec![
            asked(1, "学信网怎么注销账号", "none", &[]),
            asked(2, "学信网账号怎么注销", "suggest", &["account-scope"]),
            asked(3, "学信网怎么注销账号", "none", &[]),
            asked(4, "how do I change my photo", "none", &[]),
            asked(
                5,
                "我的手机号13812345678换了怎么注销账号",
                "suggest",
                &["account-scope", "change-mobile"],
            ),
        ];
        let groups = group_failures(&analyzer, &answers);
        let sizes: Vec<usize> = groups.iter().map(|g| g.count).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 5);
        let first = &groups[0];
        assert!(first.count >= 3, "{groups:?}");
        assert_eq!(first.examples[0], "学信网怎么注销账号");
        assert_eq!(first.none + first.suggest, first.count);
        assert_eq!(
            first.suggested[0],
            ("account-scope".to_string(), first.suggest)
        );
        let english = groups
            .iter()
            .find(|g| g.examples.iter().any(|e| e.contains("photo")))
            .expect("its own group");
        assert_eq!(english.count, 1);
        assert!(
            groups
                .iter()
                .flat_map(|g| &g.examples)
                .all(|example| !example.contains("13812345678")),
            "phones are masked"
        );
    }
}
