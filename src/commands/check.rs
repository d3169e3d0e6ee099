//! `helpbot check`: validates knowledge, dialogs and locales as one set and prints every problem
//! as `file:line: message` (exit status 1 on any).

use std::process::ExitCode;

use super::CommandResult;
use crate::config::Config;
use crate::content::{Content, ContentPaths};
use crate::locale::Locale;

pub fn run(config: &Config) -> CommandResult {
    match Content::load(&ContentPaths::from(config), config.search) {
        Ok(content) => {
            println!(
                "ok: {} knowledge entries, {} small-talk intents, locales {}",
                content.knowledge.entries().len(),
                content.smalltalk.intents().len(),
                Locale::ALL.map(|l| l.tag()).join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            for problem in &err.0 {
                println!("{problem}");
            }
            eprintln!("{} problem(s) found", err.0.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
