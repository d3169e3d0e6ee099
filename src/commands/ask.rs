//! `helpbot ask`: one question answered for people, or with `--json` one JSON line per question
//! for tools (a line that is not UTF-8 is answered in place and makes the exit status 1).

use std::process::ExitCode;

use super::{CommandResult, with_runtime};
use crate::config::Config;
use crate::locale::Locale;
use crate::runtime;

pub fn run(
    config: &Config,
    question: Option<String>,
    json: bool,
    lang: Option<Locale>,
) -> CommandResult {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !json {
        let Some(question) = question else {
            return Err("give a question, or use --json to read questions from stdin".into());
        };
        return with_runtime(async {
            crate::ask::answer_for_people(config, question, lang, &mut out).await?;
            Ok(ExitCode::SUCCESS)
        });
    }
    let content = runtime::load_content(config)?;
    let mut errors = std::io::stderr();
    let report = match question {
        Some(question) => crate::ask::answer_lines(
            &content.knowledge,
            question.as_bytes(),
            lang,
            &mut out,
            &mut errors,
        )?,
        None => crate::ask::answer_lines(
            &content.knowledge,
            std::io::stdin().lock(),
            lang,
            &mut out,
            &mut errors,
        )?,
    };
    if report.unreadable.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "helpbot: {} of {} lines were not UTF-8 and were skipped",
            report.unreadable.len(),
            report.unreadable.len() + report.answered
        );
        Ok(ExitCode::FAILURE)
    }
}
