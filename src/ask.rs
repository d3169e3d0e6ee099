//! `helpbot ask`: one question answered for people, or questions answered as JSON lines for
//! evaluation tools, one output line per input line.
//!
//! Input is read as bytes: a line that is not UTF-8 does not end the run. It is reported on stderr
//! with its number and answered in place by an error object (`{"line": N, "error": "..."}`), so a
//! consumer that pairs input and output lines stays aligned; the remaining lines are answered and
//! the command then exits with a failure code.

use std::io::{BufRead, Write};

use crate::answering::{AnswerError, AnswerSettings, Answerer};
use crate::channels::terminal;
use crate::config::Config;
use crate::knowledge::{KnowledgeBase, Outcome};
use crate::locale::Locale;
use crate::message::Input;
use crate::runtime::{self, StartError};
use crate::text::likely_language;

#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error("search failed: {0}")]
    Search(#[from] crate::knowledge::index::IndexError),
    #[error("reading or writing: {0}")]
    Io(#[from] std::io::Error),
}

/// What a run over input lines met.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinesReport {
    /// Lines answered.
    pub answered: usize,
    /// Numbers (from 1) of the lines that could not be read as UTF-8.
    pub unreadable: Vec<usize>,
}

/// Answers every line of `input` with one JSON line on `out`: `{"query", "answered", "outcome",
/// "hits"}`, or `{"line", "error"}` for a line that is not UTF-8 (reported on `errors` as well).
/// `lang` fixes the reply language; otherwise each question's own is used.
pub fn answer_lines(
    knowledge: &KnowledgeBase,
    mut input: impl BufRead,
    lang: Option<Locale>,
    out: &mut impl Write,
    errors: &mut impl Write,
) -> Result<LinesReport, AskError> {
    let mut report = LinesReport::default();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let object = match std::str::from_utf8(&line) {
            Ok(question) => {
                let locale = lang.unwrap_or_else(|| likely_language(question));
                let result = knowledge.search(question, locale)?;
                report.answered += 1;
                serde_json::json!({
                    "query": question,
                    "answered": result.outcome == Outcome::Definite,
                    "outcome": result.outcome,
                    "hits": result.hits,
                })
            }
            Err(e) => {
                let error = format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to());
                writeln!(errors, "helpbot: line {number}: {error}; skipped")?;
                report.unreadable.push(number);
                serde_json::json!({ "line": number, "error": error })
            }
        };
        writeln!(out, "{object}")?;
    }
    out.flush()?;
    Ok(report)
}

/// Answers one question the way the chat would, as text for people: the outcome, then each
/// message with its numbered buttons.
pub async fn answer_for_people(
    config: &Config,
    question: String,
    lang: Option<Locale>,
    out: &mut impl Write,
) -> Result<(), AskError> {
    // `ask` stores nothing and acts on nothing: it answers from the content alone.
    let content = runtime::load_content(config).map_err(StartError::from)?;
    let answerer = Answerer::new(content, AnswerSettings::from(config));
    let locale = lang.unwrap_or_else(|| likely_language(&question));
    let reply = answerer.reply(&Input::Text(question), locale)?;
    writeln!(out, "[{}]", reply.outcome)?;
    for message in &reply.messages {
        writeln!(out, "{}", terminal::render_text(message))?;
        for (n, button) in message.buttons.iter().enumerate() {
            writeln!(out, "  [{}] {}", n + 1, button.label)?;
        }
    }
    Ok(())
}
