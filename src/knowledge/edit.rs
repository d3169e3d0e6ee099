//! Knowledge changes prepared for an editor to review, never written: "add this question as a
//! similar question of entry X" turns an entry file's text into the changed text (the question
//! appended to that language's `similar` array, the rest of the file byte for byte as it was,
//! through `toml_edit`) and a unified diff of the two (`similar`). The files in `knowledge/`
//! stay the source of truth: an editor applies the change there and publishes it.

use toml_edit::{Array, DocumentMut, Item, Value};

use crate::knowledge::analyzer::basic_normalize;
use crate::locale::Locale;

const FENCE: &str = "+++";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the file has no `+++` front matter")]
    NoFrontMatter,
    #[error("the front matter is not valid TOML: {0}")]
    Toml(String),
    #[error("the front matter has no [{0}] table")]
    NoLocale(&'static str),
    #[error("`similar` in [{0}] is not an array of strings")]
    NotAnArray(&'static str),
    #[error("the question is empty or spans several lines")]
    BadQuestion,
    #[error("the entry already has this question")]
    AlreadyPresent,
}

/// A prepared change: the whole changed file and its diff against the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedChange {
    pub changed: String,
    pub diff: String,
}

/// Appends `question` to the `similar` array of `locale` in an entry file's front matter.
/// Refused when the entry already has the question (as a title or a similar question, in any
/// language, compared the way search normalises text).
pub fn add_similar_question(
    file_text: &str,
    locale: Locale,
    question: &str,
) -> Result<String, EditError> {
    let question = question.trim();
    if question.is_empty() || question.contains(['\n', '\r']) {
        return Err(EditError::BadQuestion);
    }
    let (front_start, front_end) = front_matter_span(file_text).ok_or(EditError::NoFrontMatter)?;
    let front = &file_text[front_start..front_end];
    let mut document: DocumentMut = front
        .parse()
        .map_err(|err: toml_edit::TomlError| EditError::Toml(err.message().to_string()))?;
    if already_present(&document, question) {
        return Err(EditError::AlreadyPresent);
    }
    let tag = locale.tag();
    let table = document
        .get_mut(tag)
        .and_then(Item::as_table_like_mut)
        .ok_or(EditError::NoLocale(tag))?;
    match table.get_mut("similar") {
        Some(item) => {
            let array = item.as_array_mut().ok_or(EditError::NotAnArray(tag))?;
            append_like_the_others(array, question);
        }
        None => {
            let mut array = Array::new();
            array.push(question);
            table.insert("similar", Item::Value(Value::Array(array)));
        }
    }
    let mut changed = String::with_capacity(file_text.len() + question.len() + 8);
    changed.push_str(&file_text[..front_start]);
    changed.push_str(&document.to_string());
    changed.push_str(&file_text[front_end..]);
    Ok(changed)
}

/// A unified diff (3 lines of context) from `old` to `new`, both named `name`.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// [`add_similar_question`] with its diff.
pub fn prepare_similar_question(
    name: &str,
    file_text: &str,
    locale: Locale,
    question: &str,
) -> Result<PreparedChange, EditError> {
    let changed = add_similar_question(file_text, locale, question)?;
    let diff = unified_diff(name, file_text, &changed);
    Ok(PreparedChange { changed, diff })
}

/// Byte range of the front matter's text: after the first `+++` line, up to the start of the
/// second one.
fn front_matter_span(text: &str) -> Option<(usize, usize)> {
    let start = text
        .strip_prefix('\u{feff}')
        .map_or(0, |_| '\u{feff}'.len_utf8());
    let mut offset = start;
    let mut front_start = None;
    for line in text[start..].split_inclusive('\n') {
        let bare = line.trim_end();
        match front_start {
            None if bare == FENCE => front_start = Some(offset + line.len()),
            None => return None,
            Some(begin) if bare == FENCE => return Some((begin, offset)),
            Some(_) => {}
        }
        offset += line.len();
    }
    None
}

fn already_present(document: &DocumentMut, question: &str) -> bool {
    let wanted = basic_normalize(question);
    Locale::ALL.into_iter().any(|locale| {
        let Some(table) = document.get(locale.tag()).and_then(Item::as_table_like) else {
            return false;
        };
        let title = table.get("title").and_then(Item::as_str);
        let similar = table
            .get("similar")
            .and_then(Item::as_array)
            .into_iter()
            .flat_map(Array::iter)
            .filter_map(Value::as_str);
        title
            .into_iter()
            .chain(similar)
            .any(|known| basic_normalize(known) == wanted)
    })
}

/// Pushes `question` laid out like the array's last value (one per line stays one per line).
fn append_like_the_others(array: &mut Array, question: &str) {
    let layout = array.iter().last().map(|last| {
        let decor = last.decor();
        (
            decor.prefix().and_then(|p| p.as_str()).map(String::from),
            decor.suffix().and_then(|s| s.as_str()).map(String::from),
        )
    });
    array.push(question);
    if let (Some((prefix, suffix)), Some(added)) = (layout, array.iter_mut().last()) {
        let decor = added.decor_mut();
        // The first value of an inline array has no space before it; the others do (the
        // default of a pushed value).
        if let Some(prefix) = prefix.filter(|prefix| !prefix.is_empty()) {
            decor.set_prefix(prefix);
        }
        if let Some(suffix) = suffix {
            decor.set_suffix(suffix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "+++\nid = \"x\"\ncategory = \"register\"\n\n[zh-CN]\ntitle = \"忘记用户名怎么办\"\nsimilar = [\n  \"用户名忘了\",\n  \"找回用户名\",\n]\n# kept\n\n[en]\ntitle = \"Forgot my username\"\nsimilar = [\"lost username\"]\n+++\n::: zh-CN\n答案\n\n::: en\nAnswer\n";

    #[test]
    fn a_question_is_appended_on_its_own_line_and_nothing_else_changes() {
        let changed =
            add_similar_question(ENTRY, Locale::ZhCn, " 用户名想不起来了 ").expect("added");
        let expected = ENTRY.replace(
            "  \"找回用户名\",\n]",
            "  \"找回用户名\",\n  \"用户名想不起来了\",\n]",
        );
        assert_eq!(changed, expected);
        let diff = unified_diff("x.md", ENTRY, &changed);
        let added: Vec<&str> = diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .collect();
        assert_eq!(added, ["+  \"用户名想不起来了\","]);
        assert!(
            !diff
                .lines()
                .any(|l| l.starts_with('-') && !l.starts_with("---"))
        );
    }

    #[test]
    fn an_inline_array_stays_inline_and_a_missing_one_is_made() {
        let changed = add_similar_question(ENTRY, Locale::En, "username gone").expect("added");
        assert!(
            changed.contains("similar = [\"lost username\", \"username gone\"]"),
            "{changed}"
        );
        let without = ENTRY.replace("similar = [\"lost username\"]\n", "");
        let changed = add_similar_question(&without, Locale::En, "username gone").expect("added");
        assert!(
            changed.contains("similar = [\"username gone\"]"),
            "{changed}"
        );
    }

    #[test]
    fn a_question_the_entry_has_in_any_language_or_title_is_refused() {
        for (locale, question) in [
            (Locale::En, "找回用户名"),
            (Locale::ZhCn, "Forgot my username"),
            (Locale::ZhCn, "LOST USERNAME"),
        ] {
            assert_eq!(
                add_similar_question(ENTRY, locale, question),
                Err(EditError::AlreadyPresent),
                "{question}"
            );
        }
        assert_eq!(
            add_similar_question(ENTRY, Locale::En, "two\nlines"),
            Err(EditError::BadQuestion)
        );
        assert_eq!(
            add_similar_question("no front matter", Locale::En, "q"),
            Err(EditError::NoFrontMatter)
        );
    }

    #[test]
    fn quotes_and_backslashes_in_a_question_are_escaped() {
        let changed =
            add_similar_question(ENTRY, Locale::En, r#"what is "C:\path""#).expect("added");
        let front = &changed[4..changed[4..].find("+++").map_or(0, |i| i + 4)];
        let parsed: toml::Table = toml::from_str(front).expect("still TOML");
        let similar = parsed["en"]["similar"].as_array().expect("array");
        assert_eq!(similar[1].as_str(), Some(r#"what is "C:\path""#));
    }
}
