//! The shipped evaluation set must keep the search above the agreed floor.

use crate::common;

use helpbot::eval::{evaluate, load_cases};

#[test]
fn top1_on_the_shipped_evaluation_set_stays_above_0_9() {
    let config = common::config("sqlite::memory:");
    let content = helpbot::runtime::load_content(&config).expect("content loads");
    let cases = load_cases(&common::repo().join("tests/eval/questions.tsv")).expect("eval set");
    assert!(cases.len() >= 150, "the set has {} questions", cases.len());
    let all: Vec<_> = cases.iter().collect();
    let report = evaluate(&content.knowledge, &all, content.knowledge.settings());
    println!(
        "top-1 {:.3} top-3 {:.3} MRR {:.3} rejection {:.3}",
        report.top1, report.top3, report.mrr, report.rejection
    );
    assert!(report.top1 >= 0.9, "top-1 fell to {:.3}", report.top1);
    assert!(
        report.rejection >= 0.85,
        "rejection fell to {:.3}",
        report.rejection
    );
    assert!(
        report.definite_wrong <= 0.05,
        "wrong answers rose to {:.3}",
        report.definite_wrong
    );
    // Wrong confident answers are their own figure: every definite answer among the misses
    // (a wrong entry, or an answer to an out-of-domain question), of all questions.
    let confident_misses = report
        .misses
        .iter()
        .filter(|miss| miss.outcome == "definite")
        .count();
    let expected = confident_misses as f64 / report.questions as f64;
    assert!(
        (report.wrong_definite - expected).abs() < 1e-9,
        "wrong definite {:.3}, misses say {expected:.3}",
        report.wrong_definite
    );
    assert!(
        report.wrong_definite <= 0.05,
        "wrong definite answers rose to {:.3}",
        report.wrong_definite
    );
}
