//! The knowledge entry file format: TOML front matter between `+++` lines, then one answer per
//! locale after a `::: zh-CN` / `::: en` marker line. One file holds a topic in every language, so
//! an editor finds all its text in one place.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use crate::message::Link;

use crate::locale::Locale;
use crate::problem::{Problem, line_at, line_of};

/// The text of an entry in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizedEntry {
    pub title: String,
    pub similar: Vec<String>,
    pub answer: String,
    pub links: Vec<Link>,
}

/// One help topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub category: String,
    pub hot: bool,
    pub related: Vec<String>,
    /// The dialog that solves this entry's problem, offered as a button with the answer.
    pub dialog: Option<String>,
    pub text: BTreeMap<Locale, LocalizedEntry>,
}

impl Entry {
    /// The entry's text in `locale`; every loaded entry has every locale (checked at load).
    pub fn localized(&self, locale: Locale) -> &LocalizedEntry {
        self.text
            .get(&locale)
            .or_else(|| self.text.values().next())
            .expect("entries are validated to have every locale")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    category: String,
    #[serde(default)]
    hot: bool,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    dialog: Option<String>,
    #[serde(rename = "zh-CN")]
    zh_cn: Option<LocaleFront>,
    en: Option<LocaleFront>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleFront {
    title: String,
    #[serde(default)]
    similar: Vec<String>,
    #[serde(default)]
    links: Vec<Link>,
}

const FENCE: &str = "+++";
const SECTION: &str = ":::";

/// Whether `id` is a well-formed entry or category id: lowercase ASCII words joined by hyphens.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parses one entry file. Every problem is returned with its line; an entry is produced only when
/// the file is usable (cross-entry checks such as related ids happen in the caller).
pub fn parse_entry(path: &Path, text: &str) -> Result<Entry, Vec<Problem>> {
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some(FENCE) {
        return Err(vec![Problem::new(
            path,
            1,
            "an entry must start with a `+++` line opening its TOML front matter",
        )]);
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == FENCE)
        .map(|i| i + 1)
    else {
        return Err(vec![Problem::new(
            path,
            1,
            "the front matter is never closed by a second `+++` line",
        )]);
    };
    let front_text = lines[1..close].join("\n");
    let front: FrontMatter = match toml::from_str(&front_text) {
        Ok(front) => front,
        Err(err) => {
            let line = err.span().map_or(1, |s| line_at(&front_text, s.start)) + 1;
            return Err(vec![Problem::new(
                path,
                line,
                format!("front matter: {}", err.message()),
            )]);
        }
    };

    // Answers: `::: <locale>` lines split the body.
    let mut answers: BTreeMap<Locale, (usize, String)> = BTreeMap::new();
    let mut current: Option<(Locale, usize, Vec<&str>)> = None;
    let finish = |current: Option<(Locale, usize, Vec<&str>)>,
                  answers: &mut BTreeMap<Locale, (usize, String)>,
                  problems: &mut Vec<Problem>| {
        if let Some((locale, line, body)) = current {
            let answer = body.join("\n").trim().to_string();
            if answers.insert(locale, (line, answer)).is_some() {
                problems.push(Problem::new(
                    path,
                    line,
                    format!("a second `::: {locale}` answer"),
                ));
            }
        }
    };
    for (index, line) in lines.iter().enumerate().skip(close + 1) {
        let line_no = index + 1;
        if let Some(tag) = line.trim_end().strip_prefix(SECTION) {
            let tag = tag.trim();
            match Locale::ALL.iter().find(|l| l.tag() == tag) {
                Some(locale) => {
                    finish(current.take(), &mut answers, &mut problems);
                    current = Some((*locale, line_no, Vec::new()));
                }
                None => problems.push(Problem::new(
                    path,
                    line_no,
                    format!("unknown answer locale `{tag}` (expected zh-CN or en)"),
                )),
            }
        } else if let Some((_, _, body)) = current.as_mut() {
            body.push(line);
        } else if !line.trim().is_empty() {
            problems.push(Problem::new(
                path,
                line_no,
                "text before the first `::: zh-CN` or `::: en` marker",
            ));
        }
    }
    finish(current.take(), &mut answers, &mut problems);

    if !is_valid_id(&front.id) {
        problems.push(Problem::new(
            path,
            line_of(text, "id"),
            format!(
                "id `{}` must be lowercase letters, digits and single hyphens",
                front.id
            ),
        ));
    }
    if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        && stem != front.id
    {
        problems.push(Problem::new(
            path,
            line_of(text, "id"),
            format!("the file is named `{stem}` but its id is `{}`", front.id),
        ));
    }
    if !is_valid_id(&front.category) {
        problems.push(Problem::new(
            path,
            line_of(text, "category"),
            format!("category `{}` is not a valid id", front.category),
        ));
    }
    if front.related.iter().any(|r| r == &front.id) {
        problems.push(Problem::new(
            path,
            line_of(text, "related"),
            "an entry cannot be related to itself",
        ));
    }

    let mut localized = BTreeMap::new();
    for (locale, front_locale) in [(Locale::ZhCn, front.zh_cn), (Locale::En, front.en)] {
        let section_line = line_of(text, &format!("[{}]", locale.tag()));
        let Some(front_locale) = front_locale else {
            problems.push(Problem::new(
                path,
                1,
                format!("the `[{locale}]` table (title, similar questions) is missing"),
            ));
            continue;
        };
        if front_locale.title.trim().is_empty() {
            problems.push(Problem::new(
                path,
                section_line,
                format!("the {locale} title is empty"),
            ));
        }
        for similar in &front_locale.similar {
            if similar.trim().is_empty() {
                problems.push(Problem::new(
                    path,
                    section_line,
                    format!("an empty {locale} similar question"),
                ));
            }
        }
        for link in &front_locale.links {
            if !(link.url.starts_with("https://") || link.url.starts_with("http://")) {
                problems.push(Problem::new(
                    path,
                    line_of(text, &link.url),
                    format!("link `{}` is not an http(s) URL", link.url),
                ));
            }
        }
        let answer = match answers.remove(&locale) {
            Some((line, answer)) => {
                if answer.is_empty() {
                    problems.push(Problem::new(
                        path,
                        line,
                        format!("the {locale} answer is empty"),
                    ));
                }
                answer
            }
            None => {
                problems.push(Problem::new(
                    path,
                    lines.len(),
                    format!("no `::: {locale}` answer"),
                ));
                String::new()
            }
        };
        localized.insert(
            locale,
            LocalizedEntry {
                title: front_locale.title.trim().to_string(),
                similar: front_locale
                    .similar
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                answer,
                links: front_locale.links,
            },
        );
    }

    if problems.is_empty() {
        Ok(Entry {
            id: front.id,
            category: front.category,
            hot: front.hot,
            related: front.related,
            dialog: front.dialog,
            text: localized,
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"+++
id = "find-username"
category = "find-account"
hot = true
related = ["find-password"]

[zh-CN]
title = "忘记用户名"
similar = ["用户名忘了"]

[en]
title = "Forgot username"
similar = ["forgot my username"]
+++
::: zh-CN
用“找回用户名”。

::: en
Use "Find username".
"#;

    #[test]
    fn a_good_entry_parses() {
        let entry = parse_entry(Path::new("find-username.md"), GOOD).expect("parses");
        assert_eq!(entry.id, "find-username");
        assert!(entry.hot);
        assert_eq!(entry.localized(Locale::ZhCn).answer, "用“找回用户名”。");
        assert_eq!(
            entry.localized(Locale::En).similar,
            vec!["forgot my username"]
        );
    }

    #[test]
    fn toml_errors_carry_the_file_line() {
        let broken = GOOD.replace("hot = true", "hot = tru");
        let problems = parse_entry(Path::new("find-username.md"), &broken).unwrap_err();
        assert_eq!(problems[0].line, 4, "{problems:?}");
    }

    #[test]
    fn a_missing_locale_and_empty_answer_are_reported() {
        let broken = GOOD.replace("Use \"Find username\".", "");
        let problems = parse_entry(Path::new("find-username.md"), &broken).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("en answer is empty") && p.line == 18),
            "{problems:?}"
        );
        let no_en = GOOD.split("::: en").next().unwrap_or_default();
        let problems = parse_entry(Path::new("find-username.md"), no_en).unwrap_err();
        assert!(problems.iter().any(|p| p.message.contains("no `::: en`")));
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("id-pending-review"));
        assert!(!is_valid_id("Id_Pending"));
        assert!(!is_valid_id("a--b"));
        let wrong = GOOD.replace("id = \"find-username\"", "id = \"Find\"");
        let problems = parse_entry(Path::new("find-username.md"), &wrong).unwrap_err();
        assert!(problems.iter().any(|p| p.line == 2), "{problems:?}");
    }
}
