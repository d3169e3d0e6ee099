//! `helpbot eval`: scores the search on a labelled question set (top-1, top-3, MRR, out-of-domain
//! rejection, wrong definite answers), or with `--tune` searches thresholds on the tune split and reports the holdout.

use std::path::Path;
use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
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
    let selected: Vec<&eval::Case> = cases
        .iter()
        .filter(|c| match split {
            "tune" => c.split == eval::Split::Tune,
            "holdout" => c.split == eval::Split::Holdout,
            _ => true,
        })
        .collect();
    let report = eval::evaluate(knowledge, &selected, knowledge.settings());
    print_report(split, &report, verbose);
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
