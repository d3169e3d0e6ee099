//! The help knowledge base: entries loaded from `knowledge/`, indexed with tantivy, and the search
//! that turns a question into one of three outcomes — a definite answer, "did you mean" suggestions,
//! or an honest "I don't know".

pub mod analyzer;
pub mod edit;
pub mod entry;
pub mod index;
pub mod scope;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use analyzer::{Analyzer, Terms};
pub use entry::{Entry, Link, LocalizedEntry};
use index::{FieldWeights, IndexError, KnowledgeIndex};
pub use scope::{Scope, Verdict};

use crate::locale::Locale;

/// How sure the search is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// One confident answer.
    Definite,
    /// A few candidates for the user to pick from.
    Suggest,
    /// Nothing fits: say so, never a random entry.
    None,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Definite => "definite",
            Outcome::Suggest => "suggest",
            Outcome::None => "none",
        }
    }
}

/// Search tuning. Defaults come from tuning on `tests/eval/questions.tsv` (tune split only).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Confidence at or above which the best entry is answered outright.
    pub definite_threshold: f32,
    /// Confidence at or above which candidates are suggested.
    pub suggest_threshold: f32,
    /// Relative lead the best entry needs over the second for a definite answer.
    pub definite_margin: f32,
    /// Share of word coverage (vs bigram coverage) in the confidence.
    pub word_share: f32,
    /// Share of coverage (vs relative BM25) in the final ranking score.
    pub coverage_share: f32,
    /// Share of "how much of the question the entry covers" (vs "how much of the entry's best
    /// phrasing the question contains") in the confidence.
    pub query_share: f32,
    /// A question that contains this much of one of the best entry's phrasings (weighted by
    /// rarity) is answered definitely as long as its confidence reaches `phrasing_floor`: real
    /// questions wrap a known phrasing in words of their own ("忘记用户名之后会无法登录"), which
    /// lower the confidence without making the topic less clear. Above 1: never.
    #[serde(default = "phrasing_threshold_off")]
    pub phrasing_threshold: f32,
    /// The confidence a question needs for a definite answer through `phrasing_threshold`.
    #[serde(default)]
    pub phrasing_floor: f32,
    pub weights: FieldWeights,
}

fn phrasing_threshold_off() -> f32 {
    1.01
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            definite_threshold: 0.6,
            suggest_threshold: 0.45,
            definite_margin: 0.05,
            word_share: 0.3,
            coverage_share: 0.3,
            query_share: 0.8,
            phrasing_threshold: 0.75,
            phrasing_floor: 0.4,
            weights: FieldWeights::default(),
        }
    }
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// The ranking score in 0..=1: mostly how much of the question the entry covers.
    pub score: f32,
    #[serde(skip)]
    pub entry: usize,
    /// The confidence: how much of the question the entry covers, mixed with how much of its
    /// closest phrasing the question contains (`query_share`).
    #[serde(skip)]
    pub coverage: f32,
    /// How much of the question the entry covers.
    #[serde(skip)]
    pub question_coverage: f32,
    /// How much of the entry's closest phrasing the question contains.
    #[serde(skip)]
    pub phrasing_coverage: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub outcome: Outcome,
    pub hits: Vec<Hit>,
    /// What `_scope.toml` recognised: outside the domain (outcome `None`, no hits), a vague word
    /// to ask back (outcome `Suggest`, the options' entries as hits), or nothing.
    #[serde(skip)]
    pub verdict: Verdict,
}

/// Which terms an entry's phrasings and answer contain, for coverage.
struct EntryVocabulary {
    questions: HashSet<String>,
    answer: HashSet<String>,
    /// Each phrasing's unique words and grams.
    phrasings: Vec<(Vec<String>, Vec<String>)>,
}

/// Inverse document frequencies over the phrasings.
struct TermWeights {
    df: HashMap<String, u32>,
    docs: f32,
    analyzer: Arc<Analyzer>,
}

/// How much a weak word (the site's name) counts, of its rarity weight.
const WEAK_SHARE: f32 = 0.25;

impl TermWeights {
    fn weight(&self, term: &str) -> f32 {
        let df = self.df.get(term).copied().unwrap_or(0) as f32;
        let rarity = ((self.docs + 1.0) / (df + 0.5)).ln().max(0.05);
        if self.analyzer.is_weak(term) {
            rarity * WEAK_SHARE
        } else {
            rarity
        }
    }
}

pub struct KnowledgeBase {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    analyzer: Arc<Analyzer>,
    index: KnowledgeIndex,
    vocabulary: Vec<EntryVocabulary>,
    word_weights: TermWeights,
    gram_weights: TermWeights,
    settings: SearchSettings,
    scope: Scope,
}

impl std::fmt::Debug for KnowledgeBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeBase")
            .field("entries", &self.entries.len())
            .field("settings", &self.settings)
            .finish()
    }
}

/// Coverage difference under which two entries fit a question equally well.
const COVERAGE_TIE: f32 = 0.01;

/// A question holding this much of an entry's closest phrasing holds all of it (rounding).
const PHRASING_WHOLE: f32 = 0.99;
/// How much less of the runner-up's closest phrasing such a question must hold to be the best
/// entry's whatever the score lead.
const PHRASING_LEAD: f32 = 0.3;

/// How much of the best entry's closest phrasing a question must contain for that to break a
/// tie on coverage: a bare "邮箱" holds a little of many phrasings and stays a question to ask
/// back (chosen on the tune splits: 0.85 kept real questions needlessly vague, 0.5 let wrong
/// entries through).
const TIE_BREAK_PHRASING: f32 = 0.7;

/// The most candidates a result lists.
pub const MAX_HITS: usize = 5;

impl KnowledgeBase {
    pub fn build(
        entries: Vec<Entry>,
        analyzer: Arc<Analyzer>,
        settings: SearchSettings,
    ) -> Result<Self, IndexError> {
        let index = KnowledgeIndex::build(&entries, &analyzer, settings.weights)?;
        let mut word_df: HashMap<String, u32> = HashMap::new();
        let mut gram_df: HashMap<String, u32> = HashMap::new();
        let mut phrasings = 0u32;
        let mut vocabulary = Vec::with_capacity(entries.len());
        for entry in &entries {
            let mut questions = HashSet::new();
            let mut answer = HashSet::new();
            let mut phrasing_terms = Vec::new();
            for locale in Locale::ALL {
                let text = entry.localized(locale);
                for phrasing in std::iter::once(&text.title).chain(&text.similar) {
                    phrasings += 1;
                    let terms = analyzer.analyze(phrasing);
                    for word in terms.words.iter().collect::<HashSet<_>>() {
                        *word_df.entry(word.clone()).or_default() += 1;
                    }
                    for gram in terms.grams.iter().collect::<HashSet<_>>() {
                        *gram_df.entry(gram.clone()).or_default() += 1;
                    }
                    let unique = |list: &[String]| {
                        let mut list = list.to_vec();
                        list.sort();
                        list.dedup();
                        list
                    };
                    phrasing_terms.push((unique(&terms.words), unique(&terms.grams)));
                    questions.extend(terms.words);
                    questions.extend(terms.grams);
                }
                let terms = analyzer.analyze(&text.answer);
                answer.extend(terms.words);
                answer.extend(terms.grams);
            }
            vocabulary.push(EntryVocabulary {
                questions,
                answer,
                phrasings: phrasing_terms,
            });
        }
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Ok(Self {
            entries,
            by_id,
            analyzer: analyzer.clone(),
            index,
            vocabulary,
            word_weights: TermWeights {
                df: word_df,
                docs: phrasings as f32,
                analyzer: analyzer.clone(),
            },
            gram_weights: TermWeights {
                df: gram_df,
                docs: phrasings as f32,
                analyzer,
            },
            settings,
            scope: Scope::default(),
        })
    }

    /// The same knowledge base recognising what `_scope.toml` lists.
    pub fn with_scope(self, scope: Scope) -> Self {
        Self { scope, ..self }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|i| &self.entries[*i])
    }

    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    pub fn settings(&self) -> &SearchSettings {
        &self.settings
    }

    /// How much of the question (weighted by rarity) the entry's phrasings contain; terms found
    /// only in the answer count half.
    fn coverage(&self, terms: &Terms, entry: usize, word_share: f32) -> f32 {
        let vocabulary = &self.vocabulary[entry];
        let credit = |term: &str| {
            if vocabulary.questions.contains(term) {
                1.0
            } else if vocabulary.answer.contains(term) {
                0.5
            } else {
                0.0
            }
        };
        let words: HashSet<&str> = terms.words.iter().map(String::as_str).collect();
        let grams: HashSet<&str> = terms.grams.iter().map(String::as_str).collect();
        mix(
            word_share,
            weighted_share(words, &self.word_weights, credit),
            weighted_share(grams, &self.gram_weights, credit),
        )
    }

    /// How much of the entry's best-matching phrasing (weighted by rarity) the question contains.
    fn phrasing_coverage(&self, terms: &Terms, entry: usize, word_share: f32) -> f32 {
        let words: HashSet<&str> = terms.words.iter().map(String::as_str).collect();
        let grams: HashSet<&str> = terms.grams.iter().map(String::as_str).collect();
        self.vocabulary[entry]
            .phrasings
            .iter()
            .map(|(phrase_words, phrase_grams)| {
                let word_part = weighted_share(
                    phrase_words.iter().map(String::as_str),
                    &self.word_weights,
                    |term| in_set(&words, term),
                );
                // An English question is not judged by a Chinese phrasing's bigrams.
                let gram_part = if grams.is_empty() {
                    None
                } else {
                    weighted_share(
                        phrase_grams.iter().map(String::as_str),
                        &self.gram_weights,
                        |term| in_set(&grams, term),
                    )
                };
                mix(word_share, word_part, gram_part)
            })
            .fold(0.0, f32::max)
    }

    /// Ranks entries for a question and decides the outcome.
    pub fn search(&self, question: &str, locale: Locale) -> Result<SearchResult, IndexError> {
        self.search_with(question, locale, &self.settings)
    }

    /// [`Self::search`] with other thresholds and score mixing (the field weights stay the
    /// index's): how tuning tries settings without rebuilding anything.
    pub fn search_with(
        &self,
        question: &str,
        locale: Locale,
        settings: &SearchSettings,
    ) -> Result<SearchResult, IndexError> {
        let ranking = self.rank(question, locale, settings)?;
        Ok(self.answer(ranking, settings))
    }

    /// The result for a ranked question under the thresholds of `settings`, with what the scope
    /// says applied: another service's question gets no entry, a vague word is asked back.
    pub fn answer(&self, ranking: Ranking, settings: &SearchSettings) -> SearchResult {
        if ranking.verdict.is_outside() {
            // Never an account entry's steps for another service's question.
            return SearchResult {
                outcome: Outcome::None,
                hits: Vec::new(),
                verdict: ranking.verdict,
            };
        }
        let found = SearchResult {
            outcome: ranking.outcome(settings),
            hits: ranking.hits,
            verdict: Verdict::Domain,
        };
        match ranking.verdict {
            Verdict::Vague(id) => self.ask_back(found, id, ranking.bare, ranking.locale),
            Verdict::Meant(id) => self.meant_first(found, id, ranking.locale),
            _ => found,
        }
    }

    /// A question that tells which meaning of a vague word it asks about: the search's definite
    /// answer stands; otherwise that meaning's entry is suggested first, before the others.
    fn meant_first(&self, found: SearchResult, id: String, locale: Locale) -> SearchResult {
        let Some(&entry) = self.by_id.get(&id) else {
            return found;
        };
        if found.outcome == Outcome::Definite {
            return found;
        }
        let mut meant = found
            .hits
            .iter()
            .find(|hit| hit.entry == entry)
            .cloned()
            .unwrap_or_else(|| self.unranked_hit(entry, locale));
        // Ranked first by what the question says, so it scores as the best (hits stay best
        // first for `helpbot ask --json`).
        meant.score = found
            .hits
            .first()
            .map_or(meant.score, |best| best.score.max(meant.score));
        let mut hits = vec![meant];
        hits.extend(found.hits.into_iter().filter(|hit| hit.entry != entry));
        hits.truncate(MAX_HITS);
        SearchResult {
            outcome: Outcome::Suggest,
            hits,
            verdict: Verdict::Meant(id),
        }
    }

    /// An entry as a candidate the ranking did not score.
    fn unranked_hit(&self, entry: usize, locale: Locale) -> Hit {
        Hit {
            id: self.entries[entry].id.clone(),
            title: self.entries[entry].localized(locale).title.clone(),
            score: 0.0,
            entry,
            coverage: 0.0,
            question_coverage: 0.0,
            phrasing_coverage: 0.0,
        }
    }

    /// A vague question's result: the meanings' entries as suggestions to ask back with,
    /// unless the question says more than the vague word and the search is sure of an entry
    /// that is none of its meanings ("验证码发送太频繁" → too many attempts): that entry answers.
    fn ask_back(
        &self,
        found: SearchResult,
        id: String,
        bare: bool,
        locale: Locale,
    ) -> SearchResult {
        let Some(vague) = self.scope.vague(&id) else {
            return found;
        };
        let meanings: Vec<usize> = vague
            .options
            .iter()
            .filter_map(|option| self.by_id.get(option.entry.as_deref()?).copied())
            .collect();
        if !bare
            && found.outcome == Outcome::Definite
            && found
                .hits
                .first()
                .is_some_and(|best| !meanings.contains(&best.entry))
        {
            return found;
        }
        let mut hits: Vec<Hit> = meanings
            .into_iter()
            .map(|entry| {
                found
                    .hits
                    .iter()
                    .find(|hit| hit.entry == entry)
                    .cloned()
                    .unwrap_or_else(|| self.unranked_hit(entry, locale))
            })
            .collect();
        // Best first, like every result; the buttons keep the editors' order of the meanings.
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        SearchResult {
            outcome: Outcome::Suggest,
            hits,
            verdict: Verdict::Vague(id),
        }
    }

    /// The candidates for a question, best first, and what the scope says of it, before any
    /// threshold is applied: what the score mixing settings decide. Tuning ranks once per
    /// mixing and tries every threshold on the same ranking.
    pub fn rank(
        &self,
        question: &str,
        locale: Locale,
        settings: &SearchSettings,
    ) -> Result<Ranking, IndexError> {
        let verdict = self.scope.judge(&self.analyzer.normalize(question));
        if verdict.is_outside() {
            return Ok(Ranking {
                hits: Vec::new(),
                lead: 0.0,
                tied: false,
                verdict,
                bare: false,
                locale,
            });
        }
        let terms = self.analyzer.analyze(question);
        let bare = match &verdict {
            Verdict::Vague(id) => self.scope.says_only_vague(id, &terms.words),
            _ => false,
        };
        // A question of weak words alone ("学信网是什么") names no topic at all.
        let names_a_topic = terms
            .words
            .iter()
            .chain(&terms.grams)
            .any(|term| !self.analyzer.is_weak(term));
        let index_hits = if names_a_topic {
            self.index.search(&terms, 12)?
        } else {
            Vec::new()
        };
        let top_score = index_hits.first().map_or(0.0, |h| h.score);
        let share = settings.coverage_share;
        let mut hits: Vec<Hit> = index_hits
            .iter()
            .map(|hit| {
                let question_coverage = self.coverage(&terms, hit.entry, settings.word_share);
                let phrasing_coverage =
                    self.phrasing_coverage(&terms, hit.entry, settings.word_share);
                let coverage = settings.query_share * question_coverage
                    + (1.0 - settings.query_share) * phrasing_coverage;
                let relative = if top_score > 0.0 {
                    hit.score / top_score
                } else {
                    0.0
                };
                let entry = &self.entries[hit.entry];
                Hit {
                    id: entry.id.clone(),
                    title: entry.localized(locale).title.clone(),
                    score: share * coverage + (1.0 - share) * relative,
                    entry: hit.entry,
                    coverage,
                    question_coverage,
                    phrasing_coverage,
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits.truncate(MAX_HITS);

        let best_phrasing = hits.first().map_or(0.0, |best| best.phrasing_coverage);
        let (lead, tied) = match hits.as_slice() {
            [] => (0.0, false),
            [best, rest @ ..] => {
                let lead = rest.first().map_or(1.0, |second| {
                    let by_score = (best.score - second.score) / best.score.max(1e-6);
                    // A question holding the whole of one entry's phrasing and much less of the
                    // other's is that entry's, however close their scores ("身份证号被注册了"
                    // against the conscription office's "身份证号被征兵部门注册了").
                    let by_phrasing = best.phrasing_coverage - second.phrasing_coverage;
                    if best.phrasing_coverage >= PHRASING_WHOLE && by_phrasing >= PHRASING_LEAD {
                        by_score.max(1.0)
                    } else {
                        by_score
                    }
                });
                // Another entry covering the question just as well ("邮箱" alone) means the
                // question is too vague to pick one: offer the candidates instead. Ties are
                // judged on question coverage alone (the confidence mixes in the phrasing
                // coverage, which would tell apart entries the question fits equally), and
                // broken only when the question contains most of the best entry's closest
                // phrasing (`TIE_BREAK_PHRASING`), and more of it than of the other's.
                let tied = rest
                    .iter()
                    .filter(|other| {
                        other.question_coverage >= best.question_coverage - COVERAGE_TIE
                    })
                    .any(|other| {
                        best_phrasing < TIE_BREAK_PHRASING
                            || other.phrasing_coverage >= best_phrasing - COVERAGE_TIE
                    });
                (lead, tied)
            }
        };
        Ok(Ranking {
            hits,
            lead,
            tied,
            verdict,
            bare,
            locale,
        })
    }
}

/// A question's candidates, best first, with what the outcome depends on besides thresholds.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub hits: Vec<Hit>,
    /// The best entry's relative lead in score over the second.
    lead: f32,
    /// Another entry fits the question just as well.
    tied: bool,
    /// What the scope says of the question (another service, a vague word …).
    verdict: Verdict,
    /// The question says nothing but the vague word of its verdict.
    bare: bool,
    locale: Locale,
}

impl Ranking {
    /// Definite, suggestions or nothing, by the thresholds of `settings`.
    pub fn outcome(&self, settings: &SearchSettings) -> Outcome {
        let Some(best) = self.hits.first() else {
            return Outcome::None;
        };
        let confident = best.coverage >= settings.definite_threshold
            || (best.phrasing_coverage >= settings.phrasing_threshold
                && best.coverage >= settings.phrasing_floor);
        if confident && self.lead >= settings.definite_margin && !self.tied {
            Outcome::Definite
        } else if best.coverage >= settings.suggest_threshold
            || (confident && best.coverage >= settings.phrasing_floor)
        {
            Outcome::Suggest
        } else {
            Outcome::None
        }
    }
}

/// The rarity-weighted share of `terms` that `credit` (0..=1 per term) gives credit for; `None`
/// when there are no terms.
fn weighted_share<'a>(
    terms: impl IntoIterator<Item = &'a str>,
    weights: &TermWeights,
    credit: impl Fn(&str) -> f32,
) -> Option<f32> {
    let (mut found, mut total) = (0.0, 0.0);
    for term in terms {
        let weight = weights.weight(term);
        total += weight;
        found += credit(term) * weight;
    }
    (total > 0.0).then(|| found / total)
}

fn in_set(set: &HashSet<&str>, term: &str) -> f32 {
    if set.contains(term) { 1.0 } else { 0.0 }
}

/// Word and bigram shares mixed into one; either alone when the other has no terms.
fn mix(word_share: f32, words: Option<f32>, grams: Option<f32>) -> f32 {
    match (words, grams) {
        (Some(words), Some(grams)) => word_share * words + (1.0 - word_share) * grams,
        (Some(share), None) | (None, Some(share)) => share,
        (None, None) => 0.0,
    }
}
