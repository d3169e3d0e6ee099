//! Long texts split into messages Telegram accepts (4096 characters each), at line breaks when
//! one is near, never inside a character.

/// Telegram's limit on a message's text, in characters (UTF-16 code units count the same for
/// the text we send in practice; we count chars and leave room below).
pub const TELEGRAM_LIMIT: usize = 4096;

/// The text in parts of at most `limit` characters (UTF-16 units, as Telegram counts).
pub fn split(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while utf16_len(rest) > limit {
        // The longest prefix within the limit, ending at a character boundary.
        let mut end = 0;
        let mut units = 0;
        for (index, ch) in rest.char_indices() {
            if units + ch.len_utf16() > limit {
                break;
            }
            units += ch.len_utf16();
            end = index + ch.len_utf8();
        }
        // Prefer the last line break in the second half of the part.
        let cut = rest[..end]
            .rfind('\n')
            .filter(|&at| at > end / 2)
            .map_or(end, |at| at + 1);
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(rest.to_string());
    }
    parts
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_stay_whole() {
        assert_eq!(split("你好", TELEGRAM_LIMIT), vec!["你好".to_string()]);
    }

    #[test]
    fn long_texts_split_within_the_limit_without_losing_a_character() {
        let text = "学信网😀".repeat(2000);
        let parts = split(&text, TELEGRAM_LIMIT);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| utf16_len(p) <= TELEGRAM_LIMIT));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn a_line_break_near_the_limit_is_preferred() {
        let text = format!("{}\n{}", "a".repeat(3000), "b".repeat(3000));
        let parts = split(&text, TELEGRAM_LIMIT);
        assert_eq!(parts[0], format!("{}\n", "a".repeat(3000)));
        assert_eq!(parts.concat(), text);
    }
}
