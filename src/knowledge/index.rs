//! The tantivy index over the knowledge entries, built in memory at start-up.
//!
//! Every title and every similar question is its own small document (questions are matched against
//! questions, and BM25's length normalisation favours a phrasing that is mostly the user's words);
//! each answer is one more document in separate fields with a lower weight. Words (jieba, English
//! stems) and Chinese bigrams are separate fields: words are precise, bigrams catch what segmentation
//! splits differently in a short colloquial question.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexReader, TantivyDocument, Term};

use super::analyzer::{Analyzer, Terms};
use super::entry::Entry;
use crate::locale::Locale;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// Which of the analyzer's term lists a tantivy field receives.
#[derive(Clone, Copy)]
enum TermKind {
    Words,
    Grams,
}

/// tantivy tokenizer adapter around our [`Analyzer`]: the same analysis for index and query.
#[derive(Clone)]
struct AnalyzerTokenizer {
    analyzer: Arc<Analyzer>,
    kind: TermKind,
}

struct VecTokenStream {
    tokens: Vec<Token>,
    current: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.current < self.tokens.len() {
            self.current += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.current - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.current - 1]
    }
}

impl Tokenizer for AnalyzerTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let terms = self.analyzer.analyze(text);
        let list = match self.kind {
            TermKind::Words => terms.words,
            TermKind::Grams => terms.grams,
        };
        let tokens = list
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, current: 0 }
    }
}

/// Field weights of the query. Tuned on the evaluation set's tuning split.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldWeights {
    pub question_words: f32,
    pub question_grams: f32,
    pub answer_words: f32,
    pub answer_grams: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        Self {
            question_words: 2.0,
            question_grams: 1.0,
            answer_words: 0.3,
            answer_grams: 0.15,
        }
    }
}

struct Fields {
    doc_ref: Field,
    question_words: Field,
    question_grams: Field,
    answer_words: Field,
    answer_grams: Field,
}

/// What an indexed document is: which entry, and whether it is a phrasing or the answer.
#[derive(Debug, Clone, Copy)]
struct DocInfo {
    entry: usize,
    is_question: bool,
}

/// A scored entry from the index: `score` is the entry's best phrasing plus its answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexHit {
    pub entry: usize,
    pub score: f32,
}

pub struct KnowledgeIndex {
    reader: IndexReader,
    fields: Fields,
    docs: HashMap<DocAddress, DocInfo>,
    weights: FieldWeights,
}

const WORDS_TOKENIZER: &str = "helpbot_words";
const GRAMS_TOKENIZER: &str = "helpbot_grams";

impl KnowledgeIndex {
    pub fn build(
        entries: &[Entry],
        analyzer: &Arc<Analyzer>,
        weights: FieldWeights,
    ) -> Result<Self, IndexError> {
        let mut schema = Schema::builder();
        let text_options = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fields = Fields {
            doc_ref: schema.add_u64_field("doc_ref", STORED),
            question_words: schema.add_text_field("question_words", text_options(WORDS_TOKENIZER)),
            question_grams: schema.add_text_field("question_grams", text_options(GRAMS_TOKENIZER)),
            answer_words: schema.add_text_field("answer_words", text_options(WORDS_TOKENIZER)),
            answer_grams: schema.add_text_field("answer_grams", text_options(GRAMS_TOKENIZER)),
        };
        let index = Index::create_in_ram(schema.build());
        for (name, kind) in [
            (WORDS_TOKENIZER, TermKind::Words),
            (GRAMS_TOKENIZER, TermKind::Grams),
        ] {
            index.tokenizers().register(
                name,
                AnalyzerTokenizer {
                    analyzer: Arc::clone(analyzer),
                    kind,
                },
            );
        }

        let mut infos = Vec::new();
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (entry_index, entry) in entries.iter().enumerate() {
            for locale in Locale::ALL {
                let text = entry.localized(locale);
                for phrasing in std::iter::once(&text.title).chain(&text.similar) {
                    let mut doc = TantivyDocument::default();
                    doc.add_u64(fields.doc_ref, infos.len() as u64);
                    doc.add_text(fields.question_words, phrasing);
                    doc.add_text(fields.question_grams, phrasing);
                    writer.add_document(doc)?;
                    infos.push(DocInfo {
                        entry: entry_index,
                        is_question: true,
                    });
                }
                let mut doc = TantivyDocument::default();
                doc.add_u64(fields.doc_ref, infos.len() as u64);
                doc.add_text(fields.answer_words, &text.answer);
                doc.add_text(fields.answer_grams, &text.answer);
                writer.add_document(doc)?;
                infos.push(DocInfo {
                    entry: entry_index,
                    is_question: false,
                });
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let mut docs = HashMap::with_capacity(infos.len());
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..segment.max_doc() {
                let address = DocAddress::new(segment_ord as u32, doc_id);
                let doc: TantivyDocument = searcher.doc(address)?;
                let info = doc
                    .get_first(fields.doc_ref)
                    .and_then(|v| v.as_u64())
                    .and_then(|i| infos.get(i as usize));
                if let Some(info) = info {
                    docs.insert(address, *info);
                }
            }
        }
        Ok(Self {
            reader,
            fields,
            docs,
            weights,
        })
    }

    /// Entries ranked by BM25 over their best phrasing plus their answer, best first.
    pub fn search(&self, terms: &Terms, limit: usize) -> Result<Vec<IndexHit>, IndexError> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let w = self.weights;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, list: &[String], boost: f32| {
            if boost <= 0.0 {
                return;
            }
            let mut seen = std::collections::HashSet::new();
            for text in list {
                if seen.insert(text.as_str()) {
                    let query = TermQuery::new(
                        Term::from_field_text(field, text),
                        IndexRecordOption::WithFreqs,
                    );
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(query), boost)),
                    ));
                }
            }
        };
        add(self.fields.question_words, &terms.words, w.question_words);
        add(self.fields.question_grams, &terms.grams, w.question_grams);
        add(self.fields.answer_words, &terms.words, w.answer_words);
        add(self.fields.answer_grams, &terms.grams, w.answer_grams);
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(400).order_by_score())?;

        let mut best_question: HashMap<usize, f32> = HashMap::new();
        let mut answer: HashMap<usize, f32> = HashMap::new();
        for (score, address) in top {
            let Some(info) = self.docs.get(&address) else {
                continue;
            };
            let slot = if info.is_question {
                best_question.entry(info.entry).or_insert(0.0)
            } else {
                answer.entry(info.entry).or_insert(0.0)
            };
            // Answers exist once per locale: keep the better one, like the best phrasing.
            *slot = slot.max(score);
        }
        let mut hits: Vec<IndexHit> = best_question
            .keys()
            .chain(answer.keys())
            .copied()
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .map(|entry| IndexHit {
                entry,
                score: best_question.get(&entry).copied().unwrap_or(0.0)
                    + answer.get(&entry).copied().unwrap_or(0.0),
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(limit);
        Ok(hits)
    }
}
