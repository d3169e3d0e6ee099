//! Answering benchmark: start-up time, per-question latency (p50/p99), search quality on the
//! shipped evaluation set, and the resident memory of an idle `helpbot chat`.
//! Run with `cargo bench --bench answering`; it prints numbers, it asserts nothing.

mod common;
use common::{idle_chat, micros, percentile, repo};

use std::time::Instant;

use helpbot::answering::{AnswerSettings, Answerer};
use helpbot::config::Config;
use helpbot::content::{Content, ContentPaths};
use helpbot::eval::{Split, evaluate, load_cases};
use helpbot::message::Input;
use helpbot::text::likely_language;

fn config() -> Config {
    Config {
        content: helpbot::config::ContentConfig::under(&repo()),
        ..Config::default()
    }
}

fn main() {
    let config = config();
    let paths = ContentPaths::from(&config);

    // Start-up: load and validate content, build the jieba dictionary and the tantivy index.
    let mut startups = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let content = Content::load(&paths, config.search).expect("content loads");
        startups.push(started.elapsed());
        drop(content);
    }
    startups.sort();
    println!(
        "start-up (content + jieba + index), 5 runs: min {:.0} ms, median {:.0} ms, max {:.0} ms",
        startups[0].as_secs_f64() * 1e3,
        startups[2].as_secs_f64() * 1e3,
        startups[4].as_secs_f64() * 1e3
    );

    let content = Content::load(&paths, config.search)
        .expect("content")
        .shared();
    // Answering needs no database: the answerer works from the content alone.
    let answerer = Answerer::new(content.clone(), AnswerSettings::from(&config));
    let cases = load_cases(&repo().join("tests/eval/questions.tsv")).expect("eval set");

    // Latency of one answer on this thread (one core): small talk check + search + wording.
    let rounds = 50;
    let mut latencies = Vec::with_capacity(cases.len() * rounds);
    for _ in 0..rounds {
        for case in &cases {
            let input = Input::Text(case.question.clone());
            let locale = likely_language(&case.question);
            let started = Instant::now();
            let reply = answerer.reply(&input, locale).expect("reply");
            latencies.push(started.elapsed());
            std::hint::black_box(reply);
        }
    }
    latencies.sort();
    println!(
        "answer latency over {} answers ({} questions x {rounds}), one thread: p50 {}, p99 {}, max {}",
        latencies.len(),
        cases.len(),
        micros(percentile(&latencies, 0.5)),
        micros(percentile(&latencies, 0.99)),
        micros(*latencies.last().expect("some"))
    );

    // Search quality on the shipped set (thresholds were tuned on the tune split only).
    let knowledge = &content.knowledge;
    for (name, filter) in [
        ("tune", Some(Split::Tune)),
        ("holdout", Some(Split::Holdout)),
        ("all", None),
    ] {
        let selected: Vec<_> = cases
            .iter()
            .filter(|c| filter.is_none_or(|s| c.split == s))
            .collect();
        let r = evaluate(knowledge, &selected, knowledge.settings());
        println!(
            "eval {name:7} ({:3} questions): top-1 {:.3}  top-3 {:.3}  MRR {:.3}  rejection {:.3}  definite right {:.3} wrong {:.3}",
            r.questions, r.top1, r.top3, r.mrr, r.rejection, r.definite_right, r.definite_wrong
        );
    }

    // Resident memory of `helpbot chat` waiting for input.
    let chat = idle_chat(&repo());
    println!(
        "helpbot chat: welcome after {:.0} ms (process start to first message); idle {}",
        chat.ready.as_secs_f64() * 1e3,
        chat.rss
    );
}
