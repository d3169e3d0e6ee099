//! `helpbot eval`: scores the search on a labelled question set (top-1, top-3, MRR, out-of-domain
//! rejection, wrong definite answers), or with `--tune` searches thresholds on the tune split and reports the holdout.
//! With `--compare OLD_KNOWLEDGE_DIR` it scores the set on the configured knowledge and on an
//! older version of it (loaded and validated the same way, with the same dialogs, locales and
//! search settings), and lists the questions that got better and worse: an editor's change seen
//! before it is published.

use std::path::Path;
use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
use crate::content::{Content, ContentPaths};
use crate::{eval, runtime};

pub fn run(config: &Config, file: &Path, split: &str, tune: bool, verbose: bool) -> CommandResult {
    let content = runtime::load_content(config)?;
    let cases = eval::load_cases(file).map_err(|p| p.to_string())?;
    let knowledge = &content.knowledge;
    if tune {
        let tuning: Vec<&eval::Case> = cases
            .iter()
            .filter(|c| c.split == eval::Split::Tune)
            .collect();
        let (settings, report) = eval::tune(knowledge, &tuning);
        println!(
            "best settings on the tune split ({} questions):",
            tuning.len()
        );
        println!("{}", toml::to_string(&settings)?);
        print_report("tune", &report, false);
        let holdout: Vec<&eval::Case> = cases
            .iter()
            .filter(|c| c.split == eval::Split::Holdout)
            .collect();
        print_report(
            "holdout",
            &eval::evaluate(knowledge, &holdout, &settings),
            verbose,
        );
        return Ok(ExitCode::SUCCESS);
    }
    let selected = select(&cases, split);
    let report = eval::evaluate(knowledge, &selected, knowledge.settings());
    print_report(split, &report, verbose);
    Ok(ExitCode::SUCCESS)
}

fn select<'a>(cases: &'a [eval::Case], split: &str) -> Vec<&'a eval::Case> {
    cases
        .iter()
        .filter(|c| match split {
            "tune" => c.split == eval::Split::Tune,
            "holdout" => c.split == eval::Split::Holdout,
            _ => true,
        })
        .collect()
}

/// `helpbot eval FILE --compare OLD_KNOWLEDGE_DIR`: both reports, then what changed.
pub fn compare(
    config: &Config,
    file: &Path,
    split: &str,
    old_dir: &Path,
    verbose: bool,
) -> CommandResult {
    let current = runtime::load_content(config)?;
    let old_paths = ContentPaths {
        knowledge: old_dir.to_path_buf(),
        ..ContentPaths::from(config)
    };
    let old = Content::load(&old_paths, config.search)?;
    let cases = eval::load_cases(file).map_err(|p| p.to_string())?;
    let selected = select(&cases, split);
    let (before, after) = (&old.knowledge, &current.knowledge);
    println!("old: {}", old_dir.display());
    print_report(
        split,
        &eval::evaluate(before, &selected, before.settings()),
        verbose,
    );
    println!("current: {}", config.content.knowledge_dir.display());
    print_report(
        split,
        &eval::evaluate(after, &selected, after.settings()),
        verbose,
    );
    let comparison = eval::compare(before, after, &selected);
    for (heading, changed) in [("better", &comparison.better), ("worse", &comparison.worse)] {
        println!("{heading}: {} questions", changed.len());
        for change in changed {
            println!(
                "  {}  [{}] {} -> [{}] {}  (expected {})",
                change.question,
                change.before.outcome.as_str(),
                change.before.top.as_deref().unwrap_or("-"),
                change.after.outcome.as_str(),
                change.after.top.as_deref().unwrap_or("-"),
                change.expected.as_deref().unwrap_or("none"),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(name: &str, report: &eval::Report, verbose: bool) {
    println!(
        "{name}: {} questions ({} in domain, {} out of domain)",
        report.questions, report.in_domain, report.out_of_domain
    );
    println!(
        "  top-1 {:.3}  top-3 {:.3}  MRR {:.3}  out-of-domain rejection {:.3}",
        report.top1, report.top3, report.mrr, report.rejection
    );
    println!(
        "  in domain: definite right {:.3}, definite wrong {:.3}, suggestions with the answer {:.3}, \"don't know\" {:.3}",
        report.definite_right, report.definite_wrong, report.suggest_right, report.false_none
    );
    println!(
        "  wrong definite answers {:.3} of all questions (out of domain answered definitely {:.3})",
        report.wrong_definite, report.out_of_domain_definite
    );
    if verbose {
        for miss in &report.misses {
            println!(
                "  miss [{}] {} -> {} (expected {})",
                miss.outcome, miss.question, miss.got, miss.expected
            );
        }
    }
}
