//! Evaluation of the FAQ search on a labelled question set (`question<TAB>expected[<TAB>split]`,
//! further columns such as the source ignored):
//! ranking quality (top-1, top-3, MRR), out-of-domain rejection, and a threshold search that looks
//! only at the tuning split.

use std::path::Path;

use serde::Serialize;

use crate::knowledge::{KnowledgeBase, Outcome, Ranking, SearchSettings};
use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Tune,
    Holdout,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub question: String,
    /// `None` for questions no entry answers.
    pub expected: Option<String>,
    pub split: Split,
}

/// Reads an evaluation file; a line without a split column belongs to the tuning split.
pub fn load_cases(path: &Path) -> Result<Vec<Case>, Problem> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Problem::new(path, 1, format!("cannot read: {err}")))?;
    let mut cases = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        // A comment is a `#` line without columns: real questions may start with `#` ("#1388，…").
        if line.trim().is_empty()
            || (line.starts_with('#') && !line.contains('\t'))
            || (index == 0 && line.starts_with("question\t"))
        {
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 2 || columns[0].trim().is_empty() {
            return Err(Problem::new(
                path,
                line_no,
                "expected `question<TAB>expected-id[<TAB>split]`",
            ));
        }
        let split = match columns.get(2).map(|s| s.trim()) {
            None | Some("") | Some("tune") => Split::Tune,
            Some("holdout") => Split::Holdout,
            Some(other) => {
                return Err(Problem::new(
                    path,
                    line_no,
                    format!("unknown split `{other}`"),
                ));
            }
        };
        let expected = columns[1].trim();
        cases.push(Case {
            question: columns[0].trim().to_string(),
            expected: (expected != "none").then(|| expected.to_string()),
            split,
        });
    }
    Ok(cases)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub questions: usize,
    pub in_domain: usize,
    pub out_of_domain: usize,
    pub top1: f64,
    pub top3: f64,
    pub mrr: f64,
    pub rejection: f64,
    /// In-domain questions answered definitely and correctly / wrongly.
    pub definite_right: f64,
    pub definite_wrong: f64,
    /// In-domain questions that got suggestions containing the right entry.
    pub suggest_right: f64,
    /// Out-of-domain questions answered definitely (with some entry's steps).
    pub out_of_domain_definite: f64,
    /// Wrong confident answers, of all questions: in-domain answered definitely with the wrong
    /// entry, and out-of-domain answered definitely. For a help desk these are worse than
    /// "您是不是想问", so they are a figure of their own.
    pub wrong_definite: f64,
    /// In-domain questions answered with "I don't know".
    pub false_none: f64,
    #[serde(skip)]
    pub misses: Vec<Miss>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub question: String,
    pub expected: String,
    pub got: String,
    pub outcome: &'static str,
}

pub fn evaluate(knowledge: &KnowledgeBase, cases: &[&Case], settings: &SearchSettings) -> Report {
    score(knowledge, &rank_all(knowledge, cases, settings), settings)
}

/// Every case with its ranking (cases the search fails on are left out).
fn rank_all<'a>(
    knowledge: &KnowledgeBase,
    cases: &[&'a Case],
    settings: &SearchSettings,
) -> Vec<(&'a Case, Ranking)> {
    cases
        .iter()
        .filter_map(|case| {
            let locale = crate::text::likely_language(&case.question);
            let ranking = knowledge.rank(&case.question, locale, settings).ok()?;
            Some((*case, ranking))
        })
        .collect()
}

/// The figures of ranked cases under the thresholds of `settings`.
fn score(
    knowledge: &KnowledgeBase,
    ranked: &[(&Case, Ranking)],
    settings: &SearchSettings,
) -> Report {
    let mut report = Report {
        questions: ranked.len(),
        ..Report::default()
    };
    let (mut top1, mut top3, mut mrr, mut rejected) = (0usize, 0usize, 0.0f64, 0usize);
    let mut out_of_domain_definite = 0usize;
    let (mut definite_right, mut definite_wrong, mut suggest_right, mut false_none) = (0, 0, 0, 0);
    for (case, ranking) in ranked {
        let result = knowledge.answer(ranking.clone(), settings);
        let got = result
            .hits
            .first()
            .map(|h| h.id.clone())
            .unwrap_or_else(|| "-".into());
        match &case.expected {
            None => {
                report.out_of_domain += 1;
                if result.outcome == Outcome::Definite {
                    out_of_domain_definite += 1;
                }
                if result.outcome == Outcome::None {
                    rejected += 1;
                } else {
                    report.misses.push(Miss {
                        question: case.question.clone(),
                        expected: "none".into(),
                        got,
                        outcome: result.outcome.as_str(),
                    });
                }
            }
            Some(expected) => {
                report.in_domain += 1;
                let rank = result.hits.iter().position(|h| &h.id == expected);
                if rank == Some(0) {
                    top1 += 1;
                }
                if rank.is_some_and(|r| r < 3) {
                    top3 += 1;
                }
                if let Some(r) = rank {
                    mrr += 1.0 / (r as f64 + 1.0);
                }
                match result.outcome {
                    Outcome::Definite if rank == Some(0) => definite_right += 1,
                    Outcome::Definite => definite_wrong += 1,
                    Outcome::Suggest if rank.is_some() => suggest_right += 1,
                    Outcome::None => false_none += 1,
                    Outcome::Suggest => {}
                }
                if rank != Some(0) || result.outcome != Outcome::Definite {
                    report.misses.push(Miss {
                        question: case.question.clone(),
                        expected: expected.clone(),
                        got,
                        outcome: result.outcome.as_str(),
                    });
                }
            }
        }
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    report.top1 = share(top1, report.in_domain);
    report.top3 = share(top3, report.in_domain);
    report.mrr = if report.in_domain == 0 {
        0.0
    } else {
        mrr / report.in_domain as f64
    };
    report.rejection = share(rejected, report.out_of_domain);
    report.definite_right = share(definite_right, report.in_domain);
    report.definite_wrong = share(definite_wrong, report.in_domain);
    report.suggest_right = share(suggest_right, report.in_domain);
    report.false_none = share(false_none, report.in_domain);
    report.out_of_domain_definite = share(out_of_domain_definite, report.out_of_domain);
    report.wrong_definite = share(definite_wrong + out_of_domain_definite, report.questions);
    report
}

/// How one question was answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub outcome: Outcome,
    /// The best entry, if any.
    pub top: Option<String>,
    /// Where the expected entry ranks (0 = first), for in-domain questions.
    pub rank: Option<usize>,
}

/// A question answered differently by two versions of the content.
#[derive(Debug, Clone)]
pub struct Changed {
    pub question: String,
    pub expected: Option<String>,
    pub before: Answered,
    pub after: Answered,
}

/// Which questions a content change answers better and which worse.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub better: Vec<Changed>,
    pub worse: Vec<Changed>,
}

/// How good an answer is for a help desk, comparable between versions: for an in-domain
/// question the right definite answer, then the right entry among suggestions (higher is
/// better), then "I don't know" or suggestions without it, a wrong definite answer last; for an
/// out-of-domain question "I don't know", then suggestions, a definite answer last.
fn grade(expected: Option<&str>, answered: &Answered) -> (u8, i64) {
    match expected {
        Some(_) => match (answered.outcome, answered.rank) {
            (Outcome::Definite, Some(0)) => (4, 0),
            (Outcome::Suggest, Some(rank)) => (3, -(rank as i64)),
            (Outcome::Definite, _) => (0, 0),
            _ => (1, 0),
        },
        None => match answered.outcome {
            Outcome::None => (2, 0),
            Outcome::Suggest => (1, 0),
            Outcome::Definite => (0, 0),
        },
    }
}

fn answer(knowledge: &KnowledgeBase, case: &Case) -> Option<Answered> {
    let locale = crate::text::likely_language(&case.question);
    let result = knowledge.search(&case.question, locale).ok()?;
    Some(Answered {
        outcome: result.outcome,
        top: result.hits.first().map(|hit| hit.id.clone()),
        rank: case
            .expected
            .as_ref()
            .and_then(|expected| result.hits.iter().position(|hit| &hit.id == expected)),
    })
}

/// Answers every case with both versions of the knowledge (each with its own settings) and
/// lists the questions answered better and worse by `after` than by `before`.
pub fn compare(before: &KnowledgeBase, after: &KnowledgeBase, cases: &[&Case]) -> Comparison {
    let mut comparison = Comparison::default();
    for case in cases {
        let (Some(old), Some(new)) = (answer(before, case), answer(after, case)) else {
            continue;
        };
        let expected = case.expected.as_deref();
        let changed = || Changed {
            question: case.question.clone(),
            expected: case.expected.clone(),
            before: old.clone(),
            after: new.clone(),
        };
        match grade(expected, &new).cmp(&grade(expected, &old)) {
            std::cmp::Ordering::Greater => comparison.better.push(changed()),
            std::cmp::Ordering::Less => comparison.worse.push(changed()),
            std::cmp::Ordering::Equal => {}
        }
    }
    comparison
}

/// A single number to maximise while tuning: right answers first; a wrong confident answer (a
/// wrong entry, or steps for an out-of-domain question) costs more than a suggestion list.
pub fn objective(report: &Report) -> f64 {
    report.top1 * 2.0 + report.top3 + report.definite_right
        - 3.0 * report.definite_wrong
        - 3.0 * report.wrong_definite
        + 2.0 * report.rejection
        + 0.5 * report.suggest_right
}

/// Grid search over thresholds and score mixing, on the given (tuning) cases only.
pub fn tune(knowledge: &KnowledgeBase, cases: &[&Case]) -> (SearchSettings, Report) {
    let base = *knowledge.settings();
    let mut best: Option<(f64, SearchSettings, Report)> = None;
    for (word_share, coverage_share, query_share) in
        grid3([0.3, 0.4, 0.6], [0.3, 0.5, 0.7], [1.0, 0.8, 0.6, 0.4])
    {
        {
            let mixed = SearchSettings {
                word_share,
                coverage_share,
                query_share,
                ..base
            };
            // Thresholds do not change the ranking: rank once per mixing.
            let ranked = rank_all(knowledge, cases, &mixed);
            for definite in [0.4f32, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75] {
                for suggest in [0.2f32, 0.25, 0.3, 0.35, 0.4, 0.45] {
                    if suggest >= definite {
                        continue;
                    }
                    for (margin, phrasing, floor) in grid3(
                        [0.0f32, 0.02, 0.05, 0.1],
                        [0.75f32, 0.85, 0.95, 1.01],
                        [0.2f32, 0.3, 0.4],
                    ) {
                        let settings = SearchSettings {
                            definite_threshold: definite,
                            suggest_threshold: suggest,
                            definite_margin: margin,
                            phrasing_threshold: phrasing,
                            phrasing_floor: floor,
                            ..mixed
                        };
                        let report = score(knowledge, &ranked, &settings);
                        let value = objective(&report);
                        if best.as_ref().is_none_or(|(s, _, _)| value > *s) {
                            best = Some((value, settings, report));
                        }
                    }
                }
            }
        }
    }
    best.map(|(_, settings, report)| (settings, report))
        .unwrap_or_else(|| (base, evaluate(knowledge, cases, &base)))
}

fn grid3<const A: usize, const B: usize, const C: usize>(
    a: [f32; A],
    b: [f32; B],
    c: [f32; C],
) -> impl Iterator<Item = (f32, f32, f32)> {
    a.into_iter().flat_map(move |x| {
        b.into_iter()
            .flat_map(move |y| c.into_iter().map(move |z| (x, y, z)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_starting_with_hash_is_a_case_and_a_bare_hash_line_a_comment() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("set.tsv");
        let text = "question\texpected\tsplit\tsource\n# collected 2026-11\n#1388，请问什么时候可以审核通过呀\treview-progress\tholdout\thttps://example.org\n忘记密码\tfind-password\n";
        std::fs::write(&path, text).expect("write");
        let cases = load_cases(&path).expect("cases");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].question, "#1388，请问什么时候可以审核通过呀");
        assert_eq!(cases[0].split, Split::Holdout);
        assert_eq!(cases[1].expected.as_deref(), Some("find-password"));
        assert_eq!(cases[1].split, Split::Tune);
    }
}
