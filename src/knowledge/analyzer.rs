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
        Arc::new(Self {
            jieba,
            stemmer: Stemmer::create(Algorithm::English),
            replacements,
            stopwords,
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
                if self.is_stopword(run) {
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
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    let single = run.to_string();
                    if !self.is_stopword(&single) {
                        terms.grams.push(single);
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
            ],
        };
        Analyzer::new(&settings)
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
