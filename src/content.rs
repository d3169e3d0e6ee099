//! All editor-maintained content — knowledge entries, analysis settings, small talk and
//! translations — loaded and validated as ONE immutable set. `helpbot check` runs exactly this
//! load; the service starts only from a set without problems.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::config::Config;
use crate::dialog::{Dialogs, load_dialogs};
use crate::i18n::Translations;
use crate::knowledge::analyzer::{AnalysisSettings, Analyzer};
use crate::knowledge::entry::parse_entry;
use crate::knowledge::scope::{self, SCOPE_FILE, Scope, ScopeFile};
use crate::knowledge::{Entry, KnowledgeBase, SearchSettings};
use crate::locale::Locale;
use crate::problem::{Problem, line_at, line_of};
use crate::smalltalk::{SmallTalkFile, SmallTalkMatcher};

/// Analysis settings file inside the knowledge folder.
pub const ANALYSIS_FILE: &str = "_analysis.toml";
/// Small talk phrases file inside the knowledge folder.
pub const SMALLTALK_FILE: &str = "_smalltalk.toml";

/// The validated content the assistant runs on.
pub struct Content {
    pub knowledge: KnowledgeBase,
    pub dialogs: Dialogs,
    pub smalltalk: SmallTalkMatcher,
    pub translations: Translations,
    /// A digest of the files this set was loaded from: which content a process serves.
    pub version: String,
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("version", &self.version)
            .field("knowledge", &self.knowledge)
            .finish()
    }
}

/// Where content lives.
#[derive(Debug, Clone)]
pub struct ContentPaths {
    pub knowledge: PathBuf,
    pub dialogs: PathBuf,
    pub locales: PathBuf,
}

impl From<&Config> for ContentPaths {
    fn from(config: &Config) -> Self {
        Self {
            knowledge: config.content.knowledge_dir.clone(),
            dialogs: config.content.dialogs_dir.clone(),
            locales: config.content.locales_dir.clone(),
        }
    }
}

/// Why content could not be loaded: every problem found, each with its file and line.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the content:\n{}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ContentError(pub Vec<Problem>);

/// A settings file and its text (kept to point later problems at a line).
fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, String), Problem> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Problem::new(path, 1, format!("cannot read: {err}")))?;
    match toml::from_str(&text) {
        Ok(value) => Ok((value, text)),
        Err(err) => {
            let line = err.span().map_or(1, |s| line_at(&text, s.start));
            Err(Problem::new(path, line, err.message().to_string()))
        }
    }
}

/// A parsed entry with the file it came from and that file's text.
struct LoadedEntry {
    path: PathBuf,
    text: String,
    entry: Entry,
}

/// Entry files: every `.md` file below the knowledge folder, in a stable order.
fn entry_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for item in std::fs::read_dir(&folder)? {
            let path = item?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The file of the entry with this id below the knowledge folder, and its text (`None` when no
/// file there is that entry): where an editor's change to the entry goes.
pub fn entry_file(knowledge_dir: &Path, id: &str) -> std::io::Result<Option<(PathBuf, String)>> {
    for path in entry_files(knowledge_dir)? {
        let text = std::fs::read_to_string(&path)?;
        if parse_entry(&path, &text).is_ok_and(|entry| entry.id == id) {
            return Ok(Some((path, text)));
        }
    }
    Ok(None)
}

/// Names of the dialogs that exist (file stems in the dialogs folder).
fn dialog_names(dir: &Path) -> HashSet<String> {
    std::fs::read_dir(dir)
        .map(|items| {
            items
                .filter_map(|i| i.ok().map(|i| i.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl Content {
    pub fn load(paths: &ContentPaths, search: SearchSettings) -> Result<Self, ContentError> {
        Self::load_as(paths, search, fingerprint(paths))
    }

    /// [`Content::load`] when the files' [`fingerprint`] is already known (a reload computes it
    /// first, to skip files that did not change).
    pub fn load_as(
        paths: &ContentPaths,
        search: SearchSettings,
        version: String,
    ) -> Result<Self, ContentError> {
        let mut problems = Vec::new();

        let translations = match Translations::load(&paths.locales) {
            Ok(t) => Some(t),
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        };

        let analysis_path = paths.knowledge.join(ANALYSIS_FILE);
        let analysis: AnalysisSettings = if analysis_path.exists() {
            read_toml(&analysis_path).map_or_else(
                |p| {
                    problems.push(p);
                    AnalysisSettings::default()
                },
                |(settings, _)| settings,
            )
        } else {
            AnalysisSettings::default()
        };
        let smalltalk_path = paths.knowledge.join(SMALLTALK_FILE);
        let (smalltalk, smalltalk_text) = if smalltalk_path.exists() {
            read_toml(&smalltalk_path).unwrap_or_else(|p| {
                problems.push(p);
                (SmallTalkFile { intents: vec![] }, String::new())
            })
        } else {
            (SmallTalkFile { intents: vec![] }, String::new())
        };

        let (entries, mut entry_problems) = load_entries(&paths.knowledge, &paths.dialogs);
        problems.append(&mut entry_problems);
        let scope_path = paths.knowledge.join(SCOPE_FILE);
        let scope_file = load_scope(&scope_path, &entries, translations.as_ref(), &mut problems);
        let (dialogs, mut dialog_problems) = load_dialogs(&paths.dialogs, translations.as_ref());
        problems.append(&mut dialog_problems);

        if let Some(translations) = &translations {
            for loaded in &entries {
                let id = format!("category-{}", loaded.entry.category);
                for locale in Locale::ALL {
                    if !translations.has(locale, &id) {
                        problems.push(Problem::new(
                            &loaded.path,
                            line_of(&loaded.text, "category"),
                            format!(
                                "category `{}` has no name: add `{id} = …` to locales/{locale}/",
                                loaded.entry.category
                            ),
                        ));
                    }
                }
            }
            for intent in &smalltalk.intents {
                for locale in Locale::ALL {
                    if !translations.has(locale, &intent.reply) {
                        problems.push(Problem::new(
                            &smalltalk_path,
                            line_of(&smalltalk_text, &intent.reply),
                            format!("reply `{}` is missing in locales/{locale}/", intent.reply),
                        ));
                    }
                }
            }
        }

        let (Some(translations), true) = (translations, problems.is_empty()) else {
            return Err(ContentError(problems));
        };
        let analyzer = Analyzer::new(&analysis);
        let entries = entries.into_iter().map(|loaded| loaded.entry).collect();
        let scope = Scope::new(scope_file, &analyzer);
        let knowledge = KnowledgeBase::build(entries, analyzer, search)
            .map_err(|err| ContentError(vec![Problem::new(&paths.knowledge, 1, err.to_string())]))?
            .with_scope(scope);
        Ok(Self {
            knowledge,
            dialogs,
            smalltalk: SmallTalkMatcher::new(smalltalk),
            translations,
            version,
        })
    }

    pub fn shared(self) -> Arc<Self> {
        Arc::new(self)
    }
}

/// The content a process serves now, replaced as a whole when editors' changes are reloaded
/// (the `reload` module). A reader takes one [`LiveContent::current`] snapshot and keeps it for what
/// it is doing, so a request never mixes two versions.
#[derive(Clone)]
pub struct LiveContent(Arc<ArcSwap<Content>>);

impl LiveContent {
    pub fn new(content: Arc<Content>) -> Self {
        Self(Arc::new(ArcSwap::new(content)))
    }

    /// The set in use now.
    pub fn current(&self) -> Arc<Content> {
        self.0.load_full()
    }

    /// Puts `content` in place of the current set for every later reader; readers holding the
    /// old set finish with it.
    pub fn replace(&self, content: Arc<Content>) {
        self.0.store(content);
    }
}

impl std::fmt::Debug for LiveContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LiveContent")
            .field(&self.current().version)
            .finish()
    }
}

/// A digest (12 hex digits) of every file under the content folders, by relative path and bytes:
/// equal for equal content whatever the files' times, different after any edit.
pub fn fingerprint(paths: &ContentPaths) -> String {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    for (name, root) in [
        ("knowledge", &paths.knowledge),
        ("dialogs", &paths.dialogs),
        ("locales", &paths.locales),
    ] {
        collect_files(root, Path::new(name), &mut files);
    }
    files.sort();
    let mut digest = Sha256::new();
    for (relative, path) in files {
        digest.update(relative.to_string_lossy().as_bytes());
        digest.update([0]);
        // An unreadable file is reported by the load itself; here it only changes the digest.
        digest.update(std::fs::read(&path).unwrap_or_default());
        digest.update([0]);
    }
    crate::text::hex(&digest.finalize()[..6])
}

fn collect_files(dir: &Path, relative: &Path, into: &mut Vec<(PathBuf, PathBuf)>) {
    let Ok(items) = std::fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let path = item.path();
        let name = relative.join(item.file_name());
        if path.is_dir() {
            collect_files(&path, &name, into);
        } else {
            into.push((name, path));
        }
    }
}

/// `_scope.toml` when there is one, checked against the entries and the translations (when
/// they loaded); its problems are added to `problems`.
fn load_scope(
    path: &Path,
    entries: &[LoadedEntry],
    translations: Option<&Translations>,
    problems: &mut Vec<Problem>,
) -> ScopeFile {
    if !path.exists() {
        return ScopeFile::default();
    }
    let (file, text) = match read_toml(path) {
        Ok(loaded) => loaded,
        Err(problem) => {
            problems.push(problem);
            return ScopeFile::default();
        }
    };
    if let Some(translations) = translations {
        let ids: HashSet<&str> = entries.iter().map(|l| l.entry.id.as_str()).collect();
        problems.append(&mut scope::check(
            &file,
            path,
            &text,
            |id| ids.contains(id),
            |id| {
                Locale::ALL
                    .into_iter()
                    .filter(|locale| !translations.has(*locale, id))
                    .map(|locale| locale.to_string())
                    .collect()
            },
        ));
    }
    file
}

/// Parses every entry and checks what spans entries: unique ids, related ids and dialogs exist.
fn load_entries(knowledge: &Path, dialogs: &Path) -> (Vec<LoadedEntry>, Vec<Problem>) {
    let mut problems = Vec::new();
    let files = match entry_files(knowledge) {
        Ok(files) => files,
        Err(err) => {
            return (
                Vec::new(),
                vec![Problem::new(
                    knowledge,
                    1,
                    format!("cannot read the knowledge folder: {err}"),
                )],
            );
        }
    };
    if files.is_empty() {
        problems.push(Problem::new(
            knowledge,
            1,
            "no knowledge entries (*.md) found",
        ));
    }
    let mut entries: Vec<LoadedEntry> = Vec::new();
    // Ids of files that failed to parse still count as existing, so one broken file is reported
    // once and not again by every entry that relates to it.
    let mut unparsed_ids: HashSet<String> = HashSet::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(err) => {
                problems.push(Problem::new(&file, 1, format!("cannot read: {err}")));
                continue;
            }
        };
        match parse_entry(&file, &text) {
            Ok(entry) => entries.push(LoadedEntry {
                path: file,
                text,
                entry,
            }),
            Err(mut found) => {
                problems.append(&mut found);
                if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
                    unparsed_ids.insert(stem.to_string());
                }
            }
        }
    }

    let mut first_by_id: BTreeMap<&str, &Path> = BTreeMap::new();
    for LoadedEntry {
        path: file,
        text,
        entry,
    } in &entries
    {
        if let Some(first) = first_by_id.insert(&entry.id, file) {
            problems.push(Problem::new(
                file,
                line_of(text, "id"),
                format!("id `{}` is already used by {}", entry.id, first.display()),
            ));
        }
    }
    let known_dialogs = dialog_names(dialogs);
    for LoadedEntry {
        path: file,
        text,
        entry,
    } in &entries
    {
        for related in &entry.related {
            if !first_by_id.contains_key(related.as_str()) && !unparsed_ids.contains(related) {
                problems.push(Problem::new(
                    file,
                    line_of(text, &format!("\"{related}\"")),
                    format!("related entry `{related}` does not exist"),
                ));
            }
        }
        if let Some(dialog) = &entry.dialog
            && !known_dialogs.contains(dialog)
        {
            problems.push(Problem::new(
                file,
                line_of(text, "dialog"),
                format!("dialog `{dialog}` does not exist in {}", dialogs.display()),
            ));
        }
        if let Some(folder) = file
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            && file.parent() != Some(knowledge)
            && folder != entry.category
        {
            problems.push(Problem::new(
                file,
                line_of(text, "category"),
                format!(
                    "category `{}` does not match the folder `{folder}`",
                    entry.category
                ),
            ));
        }
    }
    (entries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths_under(root: &Path) -> ContentPaths {
        ContentPaths {
            knowledge: root.join("knowledge"),
            dialogs: root.join("dialogs"),
            locales: root.join("locales"),
        }
    }

    #[test]
    fn the_fingerprint_follows_the_files_not_their_times_or_place() -> std::io::Result<()> {
        let (one, two) = (tempfile::tempdir()?, tempfile::tempdir()?);
        for root in [one.path(), two.path()] {
            std::fs::create_dir_all(root.join("knowledge/register"))?;
            std::fs::create_dir_all(root.join("locales/en"))?;
            std::fs::write(root.join("knowledge/register/a.md"), "entry")?;
            std::fs::write(root.join("locales/en/main.ftl"), "hello = Hello")?;
        }
        let first = fingerprint(&paths_under(one.path()));
        assert_eq!(first.len(), 12);
        assert_eq!(first, fingerprint(&paths_under(two.path())));
        std::fs::write(two.path().join("locales/en/main.ftl"), "hello = Hi")?;
        assert_ne!(first, fingerprint(&paths_under(two.path())));
        // The same bytes under another name are another set.
        std::fs::rename(
            one.path().join("knowledge/register/a.md"),
            one.path().join("knowledge/register/b.md"),
        )?;
        assert_ne!(first, fingerprint(&paths_under(one.path())));
        Ok(())
    }

    #[test]
    fn a_replaced_set_is_seen_by_later_readers_while_earlier_ones_keep_theirs() {
        let load = || {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            Content::load(&paths_under(root), SearchSettings::default()).map(Content::shared)
        };
        let (Ok(first), Ok(second)) = (load(), load()) else {
            panic!("the shipped content loads");
        };
        let live = LiveContent::new(first.clone());
        let held = live.current();
        live.replace(second.clone());
        assert!(Arc::ptr_eq(&held, &first));
        assert!(Arc::ptr_eq(&live.current(), &second));
    }
}
