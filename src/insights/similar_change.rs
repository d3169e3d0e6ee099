//! "Add as a similar question to entry X", prepared for review: the entry's file as it would be
//! (`knowledge::edit`), its diff, and what the search answers the question before and after the
//! change (the knowledge base rebuilt in memory with the question added: a few milliseconds for
//! the shipped entries). Nothing is written: the editor applies the change to `knowledge/`.

use std::path::Path;

use crate::content::{Content, entry_file};
use crate::knowledge::edit::{EditError, PreparedChange, prepare_similar_question};
use crate::knowledge::index::IndexError;
use crate::knowledge::{KnowledgeBase, Outcome};
use crate::locale::Locale;

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no entry `{0}` in the knowledge folder")]
    UnknownEntry(String),
    #[error("cannot read the knowledge folder: {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("the search could not be re-run: {0}")]
    Index(#[from] IndexError),
}

/// What the search answers a question: how sure, and its best entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSummary {
    pub outcome: Outcome,
    pub top: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SimilarChange {
    /// The file's name inside the knowledge folder (`register/account-scope.md`).
    pub file_name: String,
    pub prepared: PreparedChange,
    pub before: SearchSummary,
    pub after: SearchSummary,
}

/// Prepares adding `question` to entry `entry_id`'s similar questions in `locale`.
pub fn prepare_similar_question_change(
    content: &Content,
    knowledge_dir: &Path,
    entry_id: &str,
    locale: Locale,
    question: &str,
) -> Result<SimilarChange, ChangeError> {
    let knowledge = &content.knowledge;
    let entry = knowledge
        .entry(entry_id)
        .ok_or_else(|| ChangeError::UnknownEntry(entry_id.to_string()))?;
    let (path, text) = entry_file(knowledge_dir, entry_id)?
        .ok_or_else(|| ChangeError::UnknownEntry(entry_id.to_string()))?;
    let file_name = path
        .strip_prefix(knowledge_dir)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    let prepared = prepare_similar_question(&file_name, &text, locale, question)?;
    let before = summary(knowledge, question, locale)?;
    let mut changed = entry.clone();
    if let Some(localized) = changed.text.get_mut(&locale) {
        localized.similar.push(question.trim().to_string());
    }
    let entries: Vec<_> = knowledge
        .entries()
        .iter()
        .map(|e| {
            if e.id == entry_id {
                changed.clone()
            } else {
                e.clone()
            }
        })
        .collect();
    let rebuilt =
        KnowledgeBase::build(entries, knowledge.analyzer().clone(), *knowledge.settings())?;
    let after = summary(&rebuilt, question, locale)?;
    Ok(SimilarChange {
        file_name,
        prepared,
        before,
        after,
    })
}

fn summary(
    knowledge: &KnowledgeBase,
    question: &str,
    locale: Locale,
) -> Result<SearchSummary, IndexError> {
    let result = knowledge.search(question, locale)?;
    Ok(SearchSummary {
        outcome: result.outcome,
        top: result.hits.first().map(|hit| hit.id.clone()),
    })
}
