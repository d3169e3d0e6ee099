//! Text analysis shared by indexing and querying: normalisation (full-width, case, traditional
//! characters, editor-defined spelling variants), Chinese word segmentation with jieba, character
//! bigrams of Chinese runs, and English stemming. Indexing and querying call the same function, so a
//! question and an entry can only match on terms produced the same way.

use crate::text::is_cjk;
use std::collections::HashSet;
use std::sync::Arc;

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;

/// Editor-maintained analysis settings (`knowledge/_analysis.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSettings {
    /// Domain words jieba must keep whole (学信网, 证件号码, 重复待审核 …).
    #[serde(default)]
    pub words: Vec<String>,
    /// Spelling variants rewritten before segmentation: `[replace]` "帐号" = "账号".
    #[serde(default)]
    pub replace: std::collections::BTreeMap<String, String>,
    /// Words that carry no meaning in a help question (的, 怎么办, please …).
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Words that say little about the topic (the site's and platforms' names): they and their
    /// bigrams count for less when judging how well an entry fits.
    #[serde(default)]
    pub weak: Vec<String>,
}

/// The terms of one text: whole words (Chinese words and English stems) and Chinese bigrams.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terms {
    pub words: Vec<String>,
    pub grams: Vec<String>,
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.grams.is_empty()
    }
}

/// Turns text into index terms. Cheap to share: clone the `Arc`.
pub struct Analyzer {
    jieba: Jieba,
    stemmer: Stemmer,
    replacements: Vec<(String, String)>,
    stopwords: HashSet<String>,
    weak: HashSet<String>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("replacements", &self.replacements.len())
            .field("stopwords", &self.stopwords.len())
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Cjk,
    Latin,
    Other,
}

fn script_of(c: char) -> Script {
    if is_cjk(c) {
        Script::Cjk
    } else if c.is_ascii_alphanumeric() {
        Script::Latin
    } else {
        Script::Other
    }
}

impl Analyzer {
    pub fn new(settings: &AnalysisSettings) -> Arc<Self> {
        let mut jieba = Jieba::new();
        for word in &settings.words {
            let word = word.trim();
            if !word.is_empty() {
                jieba.add_word(word, None, None);
            }
        }
        let mut replacements: Vec<(String, String)> = settings
            .replace
            .iter()
            .map(|(from, to)| (basic_normalize(from), basic_normalize(to)))
            .filter(|(from, _)| !from.is_empty())
            .collect();
        // Longest first, so "帐号密码" wins over "帐号" when both are listed.
        replacements.sort_by_key(|(from, _)| std::cmp::Reverse(from.chars().count()));
        let stopwords = settings
            .stopwords
            .iter()
            .map(|w| basic_normalize(w))
            .filter(|w| !w.is_empty())
            .collect();
        let stemmer = Stemmer::create(Algorithm::English);
        let mut weak = HashSet::new();
        for word in &settings.weak {
            let word = basic_normalize(word);
            let chars: Vec<char> = word.chars().collect();
            if chars.iter().all(|c| is_cjk(*c)) {
                weak.extend(chars.windows(2).map(|pair| pair.iter().collect::<String>()));
                weak.insert(word);
            } else {
                weak.insert(stemmer.stem(&word).into_owned());
            }
        }
        Arc::new(Self {
            jieba,
            stemmer,
            replacements,
            stopwords,
            weak,
        })
    }

    /// Full-width to half-width, lower case, traditional to simplified, then the editors' variants.
    pub fn normalize(&self, text: &str) -> String {
        let mut text = basic_normalize(text);
        for (from, to) in &self.replacements {
            if text.contains(from.as_str()) {
                text = text.replace(from.as_str(), to);
            }
        }
        text
    }

    pub fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// A term (word, stem or bigram) of the editors' weak words.
    pub fn is_weak(&self, term: &str) -> bool {
        self.weak.contains(term)
    }

    /// The terms of `text`, in order of appearance (duplicates kept: they count in BM25).
    pub fn analyze(&self, text: &str) -> Terms {
        let text = self.normalize(text);
        let mut terms = Terms::default();
        let mut run_start = 0;
        let mut run_script = Script::Other;
        for (pos, c) in text.char_indices() {
            let script = script_of(c);
            if script != run_script {
                self.analyze_run(&text[run_start..pos], run_script, &mut terms);
                run_start = pos;
                run_script = script;
            }
        }
        self.analyze_run(&text[run_start..], run_script, &mut terms);
        terms
    }

    fn analyze_run(&self, run: &str, script: Script, terms: &mut Terms) {
        match script {
            Script::Other => {}
            Script::Latin => {
                // Short numbers are counts, hours and years ("2 小时", "2022 年"): no topic. Long
                // ones (12306) may name a service, which the scope reads from the text itself.
                if self.is_stopword(run)
                    || (run.len() < 5 && run.bytes().all(|b| b.is_ascii_digit()))
                {
                    return;
                }
                let stem = self.stemmer.stem(run);
                terms.words.push(stem.into_owned());
            }
            Script::Cjk => {
                for token in self.jieba.cut_for_search(run, true) {
                    if !self.is_stopword(token.word) {
                        terms.words.push(token.word.to_string());
                    }
                }
                // Bigrams are taken within the stretches between stopwords, never across one:
                // "忘记用户名之后会无法登录" gives no "后会" or "会无", pairs no entry contains that
                // would only make a question look unlike every entry.
                let mut stretch = String::new();
                for token in self.jieba.cut(run, true) {
                    if self.is_stopword(token.word) {
                        self.push_grams(&stretch, terms);
                        stretch.clear();
                    } else {
                        stretch.push_str(token.word);
                    }
                }
                self.push_grams(&stretch, terms);
            }
        }
    }

    /// The character bigrams of a stretch of Chinese, or the character itself when it is alone.
    fn push_grams(&self, stretch: &str, terms: &mut Terms) {
        let chars: Vec<char> = stretch.chars().collect();
        if chars.len() == 1 {
            if !self.is_stop_char(chars[0]) {
                terms.grams.push(stretch.to_string());
            }
            return;
        }
        for pair in chars.windows(2) {
            let gram: String = pair.iter().collect();
            if !self.is_stopword(&gram) && !pair.iter().all(|c| self.is_stop_char(*c)) {
                terms.grams.push(gram);
            }
        }
    }

    fn is_stop_char(&self, c: char) -> bool {
        let mut buf = [0u8; 4];
        self.stopwords.contains(c.encode_utf8(&mut buf) as &str)
    }
}

/// Normalisation that needs no settings: NFKC (full-width letters and digits), lower case,
/// traditional to simplified characters.
pub fn basic_normalize(text: &str) -> String {
    crate::text::normalize(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Arc<Analyzer> {
        let settings = AnalysisSettings {
            words: vec!["学信网".into(), "证件号码".into()],
            replace: [("帐号".to_string(), "账号".to_string())]
                .into_iter()
                .collect(),
            stopwords: vec![
                "的".into(),
                "了".into(),
                "怎么办".into(),
                "the".into(),
                "my".into(),
                "之后".into(),
            ],
            weak: vec!["学信网".into(), "chsi".into()],
        };
        Analyzer::new(&settings)
    }

    #[test]
    fn bigrams_never_span_a_stopword() {
        let terms = analyzer().analyze("忘记证件号码之后登录");
        assert!(terms.grams.contains(&"证件".to_string()));
        assert!(terms.grams.contains(&"登录".to_string()));
        for spanning in ["码之", "之后", "后登"] {
            assert!(!terms.grams.contains(&spanning.to_string()), "{spanning}");
        }
    }

    #[test]
    fn short_numbers_are_no_terms_but_long_ones_are() {
        let terms = analyzer().analyze("what's 2+2, 等了 2 小时, 2022 年, 12306");
        for number in ["2", "2022"] {
            assert!(!terms.words.contains(&number.to_string()), "{number}");
        }
        assert!(terms.words.contains(&"12306".to_string()));
    }

    #[test]
    fn weak_words_cover_their_bigrams_and_stems() {
        let analyzer = analyzer();
        for term in ["学信网", "学信", "信网", "chsi"] {
            assert!(analyzer.is_weak(term), "{term}");
        }
        assert!(!analyzer.is_weak("证件号码"));
    }

    #[test]
    fn full_width_and_case_are_folded() {
        assert_eq!(basic_normalize("ＡＰＰ１２３"), "app123");
    }

    #[test]
    fn traditional_characters_become_simplified() {
        let a = analyzer();
        assert_eq!(a.normalize("註冊帳號"), "注册账号");
    }

    #[test]
    fn domain_words_stay_whole_and_stopwords_go() {
        let terms = analyzer().analyze("学信网的证件号码怎么办");
        assert!(terms.words.contains(&"学信网".to_string()), "{terms:?}");
        assert!(terms.words.contains(&"证件号码".to_string()), "{terms:?}");
        assert!(!terms.words.iter().any(|w| w == "的" || w == "怎么办"));
        assert!(terms.grams.contains(&"学信".to_string()));
    }

    #[test]
    fn english_is_stemmed_and_mixed_runs_split() {
        let terms = analyzer().analyze("I forgot my Username 学信网APP");
        assert!(terms.words.contains(&"usernam".to_string()), "{terms:?}");
        assert!(terms.words.contains(&"app".to_string()));
        assert!(terms.words.contains(&"学信网".to_string()));
        assert!(!terms.words.contains(&"my".to_string()));
    }

    #[test]
    fn spelling_variants_are_rewritten() {
        let terms = analyzer().analyze("帐号");
        assert_eq!(terms.words, vec!["账号".to_string()]);
    }
}
