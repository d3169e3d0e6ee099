//! Translations: one fluent bundle per locale from `locales/<tag>/*.ftl`. Every user-visible text
//! the code produces is a message id looked up here, so editors can change wording without Rust.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use crate::locale::Locale;
use crate::problem::{Problem, line_at, line_of};

/// Message ids the Rust code uses directly; `check` makes sure each locale has them.
pub const REQUIRED_MESSAGES: &[&str] = &[
    "greeting-morning",
    "greeting-afternoon",
    "greeting-evening",
    "greeting-night",
    "smalltalk-greeting",
    "smalltalk-thanks",
    "smalltalk-bye",
    "smalltalk-identity",
    "answer-related",
    "answer-next-steps",
    "answer-links",
    "suggest-intro",
    "none-reply",
    "input-empty",
    "input-too-long",
    "input-not-text",
    "chat-welcome",
    "start-menu-intro",
    "button-unknown",
    "internal-error",
    "service-unavailable",
    "input-photo-unexpected",
    "handoff-queued",
    "handoff-position",
    "handoff-noted",
    "handoff-cancel-button",
    "handoff-cancelled",
    "handoff-nothing-to-cancel",
    "handoff-photo-not-passed",
    "handoff-taken",
    "handoff-transferred",
    "handoff-returned",
    "handoff-closed",
    "handoff-rate-button",
    "handoff-rated",
    "handoff-no-comment-button",
    "handoff-comment-thanks",
    "handoff-rating-done",
    "handoff-out-of-hours",
    "handoff-nobody-online",
    "handoff-leave-message-button",
    "handoff-back",
    "handoff-back-button",
    "handoff-write-message",
    "handoff-ticket-created",
    "handoff-ticket-answered",
    "handoff-offer-unanswered",
    "handoff-ask-button",
    "handoff-days-joiner",
    "handoff-day-mon",
    "handoff-day-tue",
    "handoff-day-wed",
    "handoff-day-thu",
    "handoff-day-fri",
    "handoff-day-sat",
    "handoff-day-sun",
    "dialog-your-turn",
    "dialog-choose-button",
    "dialog-continue",
    "dialog-continue-button",
    "dialog-offer-human",
    "dialog-human-button",
    "dialog-at-start",
    "dialog-restarted",
    "dialog-cancelled",
    "api-malformed",
    "api-too-large",
    "api-unknown-conversation",
    "api-wrong-token",
    "api-rate-limited",
    "api-photo-missing",
    "api-photo-too-large",
    "api-too-many-streams",
    "api-feedback-not-answered",
    "api-not-found",
    "api-method-not-allowed",
    "history-photo",
    "notice-review-approved",
    "notice-review-rejected",
    "notice-assist-confirmed",
    "notice-assist-declined",
    // Feedback that says why (issue 16).
    "feedback-useful",
    "feedback-not-useful",
    "feedback-thanks",
    "feedback-why",
    "feedback-reason-unclear",
    "feedback-reason-did-not-work",
    "feedback-reason-not-what-i-asked",
    "feedback-reason-other",
    "feedback-ask-text",
    "feedback-text-too-long",
    "feedback-thanks-reason",
    "feedback-thanks-not-what-i-asked",
    "feedback-thanks-did-not-work",
    "feedback-not-answered",
];

pub struct Translations {
    bundles: BTreeMap<Locale, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Translations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translations")
            .field("locales", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Arguments for a message: `&[("max", 500.into())]`.
pub type Args<'a> = &'a [(&'a str, FluentValue<'a>)];

impl Translations {
    /// Loads every locale's `.ftl` files. Syntax errors, duplicate ids, messages missing in one
    /// locale and required messages missing anywhere are all reported with file and line.
    pub fn load(dir: &Path) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut bundles = BTreeMap::new();
        let mut ids: BTreeMap<Locale, BTreeMap<String, (PathBuf, usize)>> = BTreeMap::new();
        for locale in Locale::ALL {
            let locale_dir = dir.join(locale.tag());
            let mut bundle =
                FluentBundle::new_concurrent(vec![locale.tag().parse().unwrap_or_default()]);
            bundle.set_use_isolating(false);
            let files = match ftl_files(&locale_dir) {
                Ok(files) if !files.is_empty() => files,
                Ok(_) => {
                    problems.push(Problem::new(
                        &locale_dir,
                        1,
                        "no .ftl files for this locale",
                    ));
                    Vec::new()
                }
                Err(err) => {
                    problems.push(Problem::new(&locale_dir, 1, format!("cannot read: {err}")));
                    Vec::new()
                }
            };
            let locale_ids = ids.entry(locale).or_default();
            for file in files {
                let text = match std::fs::read_to_string(&file) {
                    Ok(text) => text,
                    Err(err) => {
                        problems.push(Problem::new(&file, 1, format!("cannot read: {err}")));
                        continue;
                    }
                };
                let resource = match FluentResource::try_new(text.clone()) {
                    Ok(resource) => resource,
                    Err((resource, errors)) => {
                        for error in errors {
                            problems.push(Problem::new(
                                &file,
                                line_at(&text, error.pos.start),
                                format!("fluent syntax: {}", error.kind),
                            ));
                        }
                        resource
                    }
                };
                for entry in resource.entries() {
                    if let ast::Entry::Message(message) = entry {
                        let id = message.id.name.to_string();
                        let line = line_of(&text, &format!("{id} ="));
                        if let Some((first_file, first_line)) =
                            locale_ids.insert(id.clone(), (file.clone(), line))
                        {
                            problems.push(Problem::new(
                                &file,
                                line,
                                format!(
                                    "message `{id}` is defined twice (first at {}:{first_line})",
                                    first_file.display()
                                ),
                            ));
                        }
                    }
                }
                // Duplicates are reported above, so overriding only matters for a file that fails `check`.
                bundle.add_resource_overriding(resource);
            }
            bundles.insert(locale, bundle);
        }

        let all_ids: BTreeSet<&String> = ids.values().flat_map(|m| m.keys()).collect();
        for locale in Locale::ALL {
            let Some(locale_ids) = ids.get(&locale) else {
                continue;
            };
            for id in &all_ids {
                if !locale_ids.contains_key(*id) {
                    let (file, line) = ids
                        .values()
                        .find_map(|m| m.get(*id))
                        .cloned()
                        .unwrap_or_default();
                    problems.push(Problem::new(
                        &file,
                        line,
                        format!("message `{id}` has no {locale} translation"),
                    ));
                }
            }
            for id in REQUIRED_MESSAGES {
                if !locale_ids.contains_key(*id) && !all_ids.contains(&id.to_string()) {
                    problems.push(Problem::new(
                        &dir.join(locale.tag()),
                        1,
                        format!("message `{id}`, used by helpbot itself, is missing"),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(Self { bundles })
        } else {
            Err(problems)
        }
    }

    pub fn has(&self, locale: Locale, id: &str) -> bool {
        self.bundles.get(&locale).is_some_and(|b| b.has_message(id))
    }

    /// The text of message `id`. A missing id yields the id itself (and a warning) rather than
    /// failing a conversation; `check` keeps that from shipping.
    pub fn text(&self, locale: Locale, id: &str, args: Args<'_>) -> String {
        let Some(bundle) = self.bundles.get(&locale) else {
            return id.to_string();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(%locale, id, "missing translation");
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(%locale, id, ?errors, "translation formatting");
        }
        text.into_owned()
    }
}

fn ftl_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, locale: &str, text: &str) {
        let path = dir.join(locale);
        std::fs::create_dir_all(&path).expect("temp dir");
        std::fs::write(path.join("main.ftl"), text).expect("temp file");
    }

    fn required(extra: &str) -> String {
        let mut text: String = REQUIRED_MESSAGES
            .iter()
            .map(|id| format!("{id} = x\n"))
            .collect();
        text.push_str(extra);
        text
    }

    #[test]
    fn formats_with_arguments_and_no_isolation_marks() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), "zh-CN", &required("hello = 你好 { $name }\n"));
        write(dir.path(), "en", &required("hello = Hello { $name }\n"));
        let t = Translations::load(dir.path()).expect("loads");
        assert_eq!(
            t.text(Locale::En, "hello", &[("name", "Li".into())]),
            "Hello Li"
        );
    }

    #[test]
    fn problems_name_file_and_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            "zh-CN",
            &required("only-zh = 中\nbroken = { $\n"),
        );
        write(dir.path(), "en", &required(""));
        let problems = Translations::load(dir.path()).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        let n = REQUIRED_MESSAGES.len();
        assert!(
            text.iter()
                .any(|p| p.contains(&format!("zh-CN/main.ftl:{}: fluent syntax", n + 2))),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("`only-zh` has no en translation")),
            "{text:?}"
        );
    }
}
