//! What is outside this assistant's domain, and which words are too vague to answer: read from
//! the editors' `knowledge/_scope.toml`. A question naming another service (12306, a bank, the
//! tax app) and not this one, or about a neighbouring subject that is not account help (学历认证
//! reports, 四六级 scores, 考研报名), is recognised before any entry is searched, so it never gets
//! an account entry's steps. A vague word ("验证码") with nothing saying which thing is meant is
//! asked back with the editors' options instead of guessed.
//!
//! Matching is plain substring search over the question normalised like the entries (the
//! analyzer's normalisation and spelling variants): a few dozen short phrases against a short
//! question, far below the search's own cost.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::analyzer::Analyzer;
use crate::problem::{Problem, line_of};

/// The scope file inside the knowledge folder.
pub const SCOPE_FILE: &str = "_scope.toml";

/// `_scope.toml` as editors write it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeFile {
    /// Names of this service and of the platforms that use its account (研招网, 征兵网): a
    /// question naming one of them is not about another service.
    #[serde(default)]
    pub this_service: Vec<String>,
    /// Words that make a question account help even when it also names an outside subject
    /// ("考研网上报名:学信网账号作用是什么?").
    #[serde(default)]
    pub account_words: Vec<String>,
    #[serde(default, rename = "service")]
    pub services: Vec<OtherService>,
    #[serde(default, rename = "subject")]
    pub subjects: Vec<OutsideSubject>,
    #[serde(default, rename = "vague")]
    pub vague: Vec<VagueWord>,
}

/// Another service; its name is the message `scope-service-<id>` in locales/.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherService {
    pub id: String,
    /// How people name it.
    pub aliases: Vec<String>,
    /// Words with which a mention is about this service after all ("支付宝扫码登录").
    #[serde(default)]
    pub unless: Vec<String>,
}

/// A subject next to the account that is not account help; its name is the message
/// `scope-subject-<id>` in locales/.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutsideSubject {
    pub id: String,
    pub words: Vec<String>,
}

/// A word that means different things; asked back with the message `vague-<id>` and one button
/// per option (label `vague-<id>-<option id>`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VagueWord {
    pub id: String,
    /// The vague words themselves.
    pub words: Vec<String>,
    #[serde(rename = "option")]
    pub options: Vec<VagueOption>,
}

/// One meaning of a vague word: an entry, or an outside subject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VagueOption {
    pub id: String,
    #[serde(default)]
    pub entry: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Words that tell this meaning is the one asked about: then there is nothing to ask.
    #[serde(default)]
    pub hints: Vec<String>,
}

/// Where a question stands with the domain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Verdict {
    /// Nothing recognised: the search decides.
    #[default]
    Domain,
    /// About another service (its id), not this one.
    OtherService(String),
    /// About a neighbouring subject (its id) that is not account help.
    OutsideSubject(String),
    /// A vague word (its id) with nothing telling which meaning: ask back.
    Vague(String),
    /// A vague word whose meaning the question tells: that entry (its id) is what is asked
    /// about, whatever else the search finds less sure.
    Meant(String),
}

impl Verdict {
    /// Whether the question is recognised as outside the domain.
    pub fn is_outside(&self) -> bool {
        matches!(self, Verdict::OtherService(_) | Verdict::OutsideSubject(_))
    }
}

/// The phrases of `_scope.toml`, normalised, ready to match.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    file: ScopeFile,
    this_service: Vec<String>,
    account_words: Vec<String>,
    /// (normalised alias, service index), longest first: "学分银行" wins over "银行".
    aliases: Vec<(String, usize)>,
    unless: Vec<Vec<String>>,
    /// (normalised word, subject index), longest first.
    subject_words: Vec<(String, usize)>,
    vague_words: Vec<Vec<String>>,
    /// Per vague word, per option: its normalised hints.
    hints: Vec<Vec<Vec<String>>>,
    /// Per vague word: the analyzer's words of the word itself and of this service's names, what
    /// a question may hold and still say nothing more ("学信网的验证码是什么").
    vague_only: Vec<HashSet<String>>,
}

impl Scope {
    pub fn new(file: ScopeFile, analyzer: &Analyzer) -> Self {
        let normal = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|phrase| analyzer.normalize(phrase.trim()))
                .filter(|phrase| !phrase.is_empty())
                .collect()
        };
        let longest_first = |mut list: Vec<(String, usize)>| {
            list.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.chars().count()));
            list
        };
        let aliases = longest_first(
            file.services
                .iter()
                .enumerate()
                .flat_map(|(i, s)| normal(&s.aliases).into_iter().map(move |a| (a, i)))
                .collect(),
        );
        let subject_words = longest_first(
            file.subjects
                .iter()
                .enumerate()
                .flat_map(|(i, s)| normal(&s.words).into_iter().map(move |w| (w, i)))
                .collect(),
        );
        Self {
            this_service: normal(&file.this_service),
            account_words: normal(&file.account_words),
            aliases,
            unless: file.services.iter().map(|s| normal(&s.unless)).collect(),
            subject_words,
            vague_words: file.vague.iter().map(|v| normal(&v.words)).collect(),
            hints: file
                .vague
                .iter()
                .map(|v| v.options.iter().map(|o| normal(&o.hints)).collect())
                .collect(),
            vague_only: file
                .vague
                .iter()
                .map(|v| {
                    v.words
                        .iter()
                        .chain(&file.this_service)
                        .flat_map(|phrase| analyzer.analyze(phrase).words)
                        .collect()
                })
                .collect(),
            file,
        }
    }

    pub fn file(&self) -> &ScopeFile {
        &self.file
    }

    /// The vague word with this id.
    pub fn vague(&self, id: &str) -> Option<&VagueWord> {
        self.file.vague.iter().find(|v| v.id == id)
    }

    /// Whether a question's words (the analyzer's) say nothing but the vague word `id` and this
    /// service's name: "验证码", "学信网的验证码是什么", "what is the verification code".
    pub fn says_only_vague(&self, id: &str, words: &[String]) -> bool {
        let Some(index) = self.file.vague.iter().position(|v| v.id == id) else {
            return false;
        };
        words
            .iter()
            .all(|word| self.vague_only[index].contains(word))
    }

    /// Judges a question already normalised by the analyzer.
    pub fn judge(&self, normalized: &str) -> Verdict {
        let names_this_service = contains_any(normalized, &self.this_service);
        if !names_this_service
            && let Some(service) = self
                .aliases
                .iter()
                .find(|(alias, _)| contains_phrase(normalized, alias))
                .map(|(_, service)| *service)
            && !contains_any(normalized, &self.unless[service])
        {
            return Verdict::OtherService(self.file.services[service].id.clone());
        }
        let about_account = contains_any(normalized, &self.account_words);
        if !about_account
            && let Some((_, subject)) = self
                .subject_words
                .iter()
                .find(|(word, _)| contains_phrase(normalized, word))
        {
            return Verdict::OutsideSubject(self.file.subjects[*subject].id.clone());
        }
        for (index, vague) in self.file.vague.iter().enumerate() {
            if !contains_any(normalized, &self.vague_words[index]) {
                continue;
            }
            let hinted = vague
                .options
                .iter()
                .zip(&self.hints[index])
                .find(|(_, hints)| contains_any(normalized, hints));
            return match hinted {
                // The question says which: an outside meaning is said so at once; an entry is
                // put first unless the search is sure of another.
                Some((option, _)) => match (&option.subject, &option.entry) {
                    (Some(subject), _) => Verdict::OutsideSubject(subject.clone()),
                    (None, Some(entry)) => Verdict::Meant(entry.clone()),
                    (None, None) => Verdict::Domain,
                },
                None => Verdict::Vague(vague.id.clone()),
            };
        }
        Verdict::Domain
    }
}

fn contains_any(text: &str, phrases: &[String]) -> bool {
    phrases.iter().any(|phrase| contains_phrase(text, phrase))
}

/// Whether `text` contains `phrase`; a phrase of ASCII letters and digits ("12306", "etax")
/// only as a whole word, so that a number or a word that merely contains it does not count.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    if !phrase.chars().all(|c| c.is_ascii_alphanumeric()) {
        return text.contains(phrase);
    }
    text.match_indices(phrase).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + phrase.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// What `helpbot check` finds wrong in a scope file: ids, empty lists, options that lead
/// nowhere, names missing from a locale (`has_message`), each at its line in `text`.
pub fn check(
    file: &ScopeFile,
    path: &Path,
    text: &str,
    entry_exists: impl Fn(&str) -> bool,
    has_message: impl Fn(&str) -> Vec<String>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut at = |needle: &str, message: String| {
        problems.push(Problem::new(path, line_of(text, needle), message));
    };
    let quoted = |value: &str| format!("\"{value}\"");
    let missing_messages = |needle: &str, id: &str, at: &mut dyn FnMut(&str, String)| {
        for locale in has_message(id) {
            at(
                needle,
                format!("message `{id}` is missing in locales/{locale}/"),
            );
        }
    };
    let mut seen = HashSet::new();
    for service in &file.services {
        let needle = quoted(&service.id);
        if !seen.insert(("service", service.id.as_str())) {
            at(&needle, format!("service `{}` is listed twice", service.id));
        }
        if service.aliases.iter().all(|a| a.trim().is_empty()) {
            at(&needle, format!("service `{}` has no aliases", service.id));
        }
        missing_messages(&needle, &format!("scope-service-{}", service.id), &mut at);
    }
    let subjects: HashSet<&str> = file.subjects.iter().map(|s| s.id.as_str()).collect();
    for subject in &file.subjects {
        let needle = quoted(&subject.id);
        if !seen.insert(("subject", subject.id.as_str())) {
            at(&needle, format!("subject `{}` is listed twice", subject.id));
        }
        if subject.words.iter().all(|w| w.trim().is_empty()) {
            at(&needle, format!("subject `{}` has no words", subject.id));
        }
        missing_messages(&needle, &format!("scope-subject-{}", subject.id), &mut at);
    }
    for vague in &file.vague {
        let needle = quoted(&vague.id);
        if vague.words.iter().all(|w| w.trim().is_empty()) {
            at(&needle, format!("vague word `{}` has no words", vague.id));
        }
        if vague.options.len() < 2 {
            at(
                &needle,
                format!("vague word `{}` needs at least two options", vague.id),
            );
        }
        missing_messages(&needle, &format!("vague-{}", vague.id), &mut at);
        for option in &vague.options {
            let needle = quoted(&option.id);
            match (&option.entry, &option.subject) {
                (Some(entry), None) if !entry_exists(entry) => {
                    at(&quoted(entry), format!("entry `{entry}` does not exist"))
                }
                (None, Some(subject)) if !subjects.contains(subject.as_str()) => at(
                    &quoted(subject),
                    format!("subject `{subject}` is not a [[subject]] of this file"),
                ),
                (Some(_), None) | (None, Some(_)) => {}
                _ => at(
                    &needle,
                    format!(
                        "option `{}` needs exactly one of `entry` and `subject`",
                        option.id
                    ),
                ),
            }
            missing_messages(
                &needle,
                &format!("vague-{}-{}", vague.id, option.id),
                &mut at,
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::analyzer::AnalysisSettings;

    const FILE: &str = r#"
this_service = ["学信网", "学信", "研招网"]
account_words = ["账号", "用户名"]

[[service]]
id = "railway"
aliases = ["12306", "铁路"]

[[service]]
id = "bank"
aliases = ["银行", "网银"]

[[service]]
id = "credit-bank"
aliases = ["学分银行"]

[[service]]
id = "alipay"
aliases = ["支付宝"]
unless = ["扫码", "登录"]

[[subject]]
id = "report"
words = ["学历认证", "认证报告", "在线验证码", "学籍验证码"]

[[subject]]
id = "exam"
words = ["考研报名", "考研网上报名", "四六级", "准考证"]

[[vague]]
id = "code"
words = ["验证码"]

[[vague.option]]
id = "picture"
entry = "captcha"
hints = ["图片", "看不清"]

[[vague.option]]
id = "sms"
entry = "sms-code-not-received"
hints = ["短信", "收不到"]

[[vague.option]]
id = "report"
subject = "report"
hints = ["报告"]
"#;

    fn scope() -> Scope {
        let file: ScopeFile = toml::from_str(FILE).expect("valid scope file");
        let analyzer = Analyzer::new(&AnalysisSettings {
            replace: [("帐号".to_string(), "账号".to_string())].into(),
            ..AnalysisSettings::default()
        });
        Scope::new(file, &analyzer)
    }

    fn judge(question: &str) -> Verdict {
        let analyzer = Analyzer::new(&AnalysisSettings {
            replace: [("帐号".to_string(), "账号".to_string())].into(),
            ..AnalysisSettings::default()
        });
        scope().judge(&analyzer.normalize(question))
    }

    fn service(id: &str) -> Verdict {
        Verdict::OtherService(id.into())
    }

    fn subject(id: &str) -> Verdict {
        Verdict::OutsideSubject(id.into())
    }

    #[test]
    fn another_service_named_without_this_one_is_outside() {
        assert_eq!(judge("12306身份证被注册怎么办"), service("railway"));
        assert_eq!(judge("中国银行网银密码忘了"), service("bank"));
        // The longest alias names the service.
        assert_eq!(judge("学分银行怎么实名认证"), service("credit-bank"));
        // Named together with this service: the search decides.
        assert_eq!(judge("12306和学信网的账号是一个吗"), Verdict::Domain);
        // A number that merely contains the alias is not the alias.
        assert_eq!(judge("手机号13812306789收不到"), Verdict::Domain);
    }

    #[test]
    fn a_service_mention_with_its_unless_words_stays_in_the_domain() {
        assert_eq!(judge("支付宝短信验证频繁怎么解除"), service("alipay"));
        assert_eq!(judge("能否支付宝扫码登录"), Verdict::Domain);
    }

    #[test]
    fn an_outside_subject_is_outside_unless_the_account_is_asked_about() {
        assert_eq!(judge("学信网学历认证报告怎么弄"), subject("report"));
        assert_eq!(judge("四六级成绩查询时准考证号忘了"), subject("exam"));
        assert_eq!(
            judge("2022考研网上报名:学信网账号作用是什么?"),
            Verdict::Domain
        );
        // Spelling variants are folded first: 帐号 is 账号.
        assert_eq!(judge("考研报名时帐号登录不了"), Verdict::Domain);
    }

    #[test]
    fn a_vague_word_is_asked_back_unless_the_question_says_which() {
        assert_eq!(judge("验证码"), Verdict::Vague("code".into()));
        assert_eq!(judge("学信网的验证码是什么"), Verdict::Vague("code".into()));
        assert_eq!(
            judge("验证码收不到怎么办"),
            Verdict::Meant("sms-code-not-received".into())
        );
        assert_eq!(judge("图片验证码看不清"), Verdict::Meant("captcha".into()));
        assert_eq!(judge("学历报告的验证码在哪看"), subject("report"));
        // The outside subject's own words win over the vague word.
        assert_eq!(judge("如何获取学籍验证码?"), subject("report"));
        assert_eq!(judge("忘记用户名"), Verdict::Domain);
    }

    #[test]
    fn check_names_each_problem_at_its_line() {
        let text = "[[service]]\nid = \"bank\"\naliases = []\n\n[[vague]]\nid = \"code\"\nwords = [\"验证码\"]\n[[vague.option]]\nid = \"picture\"\nentry = \"no-such-entry\"\n";
        let file: ScopeFile = toml::from_str(text).expect("parses");
        let problems = check(
            &file,
            Path::new("knowledge/_scope.toml"),
            text,
            |id| id == "captcha",
            |id| {
                if id == "scope-service-bank" {
                    vec!["en".into()]
                } else {
                    vec![]
                }
            },
        );
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
        assert!(
            has("_scope.toml:2: service `bank` has no aliases"),
            "{lines:?}"
        );
        assert!(
            has("_scope.toml:2: message `scope-service-bank` is missing in locales/en/"),
            "{lines:?}"
        );
        assert!(
            has("_scope.toml:6: vague word `code` needs at least two options"),
            "{lines:?}"
        );
        assert!(
            has("_scope.toml:10: entry `no-such-entry` does not exist"),
            "{lines:?}"
        );
    }
}
