//! Personal data in free text: ID numbers, mobile numbers and e-mail addresses are masked before
//! any user text reaches a log line or a staff view, and [`loggable`] also escapes what could
//! forge or hide a log line.
//!
//! People write these numbers in many shapes: with spaces or dashes inside (`138 1234 5678`),
//! in full-width digits (`１３８…`, `＠`), right after letters (`ID120104…`), with a country
//! prefix (`+86`, `0086`), the old 15-digit ID format, several in one message. The text is
//! normalised (NFKC) to find them, but only the numbers themselves are replaced: the rest of the
//! text keeps its original characters (full-width Chinese punctuation stays as written).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("static pattern")
});

/// Separator characters between digit groups of one number, at most this many in a row
/// (`138 - 1234 - 5678`).
const MAX_SEPARATORS: usize = 3;
/// Digit groups one number may be written in (`1 2010 4199 1020 5253 0` has six).
const MAX_GROUPS: usize = 9;
/// A run of digits at least this long is masked even when it is no known kind of number.
const LONG_NUMBER: usize = 11;

/// The text with every ID number (first 4 and last 4 digits kept), mobile number (first 3 and
/// last 4 kept) and e-mail address (first character and domain kept) masked. Unknown numbers of
/// 11 digits or more are masked the same way (4/4 from 15 digits, 3/4 below). Text without any
/// is returned as it is.
pub fn mask(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_ascii_digit() || c == '@' || !c.is_ascii())
    {
        return Cow::Borrowed(text);
    }
    let normalized = Normalized::new(text);
    let mut consumed = vec![false; normalized.chars.len()];
    let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
    for found in EMAIL.find_iter(&normalized.text) {
        let chars = normalized.char_range(found.range());
        let address = found.as_str();
        let (local, domain) = address.split_once('@').unwrap_or((address, ""));
        let first = local.chars().next().unwrap_or('*');
        // The domain stays readable, but a number written into it is masked like any other
        // (`a@example.com.120104199102052530.cn` is a well-formed address).
        let domain = mask(domain);
        replacements.push((normalized.original(&chars), format!("{first}***@{domain}")));
        consumed[chars].fill(true);
    }
    numbers(&normalized, &consumed, &mut replacements);
    if replacements.is_empty() {
        return Cow::Borrowed(text);
    }
    replacements.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in replacements {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// User-supplied text as it may appear in a log line: [`mask`]ed, and with line breaks, control
/// characters (ANSI escape sequences among them), bidirectional overrides and invisible format
/// characters written as escapes (`\n`, `\u{1b}`, `\u{202e}`), backslashes doubled, so that one
/// message is always one line that reads as what was sent.
pub fn loggable(text: &str) -> String {
    let masked = mask(text);
    let mut out = String::with_capacity(masked.len());
    for c in masked.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hides_or_breaks(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Characters that end a line, steer a terminal or reorder or hide the text around them.
fn hides_or_breaks(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'              // Arabic letter mark
            | '\u{180E}'            // Mongolian vowel separator
            | '\u{200B}'            // zero width space
            | '\u{200E}'..='\u{200F}' // left-to-right / right-to-left marks
            | '\u{2028}'..='\u{202E}' // line and paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'            // zero width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        )
}

/// One character of the normalised text and the bytes of the original it came from.
#[derive(Debug, Clone)]
struct NormalizedChar {
    c: char,
    from: Range<usize>,
}

/// The NFKC form of a text, character by character, remembering where each character came from.
struct Normalized {
    text: String,
    chars: Vec<NormalizedChar>,
    /// Byte offset in `text` of each of `chars`.
    offsets: Vec<usize>,
}

impl Normalized {
    fn new(original: &str) -> Self {
        let mut chars = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            let from = at..at + c.len_utf8();
            if c.is_ascii() {
                chars.push(NormalizedChar { c, from });
            } else {
                chars.extend(std::iter::once(c).nfkc().map(|c| NormalizedChar {
                    c,
                    from: from.clone(),
                }));
            }
        }
        let mut text = String::with_capacity(chars.len());
        let mut offsets = Vec::with_capacity(chars.len());
        for nc in &chars {
            offsets.push(text.len());
            text.push(nc.c);
        }
        Self {
            text,
            chars,
            offsets,
        }
    }

    /// The characters covering a byte range of the normalised text.
    fn char_range(&self, bytes: Range<usize>) -> Range<usize> {
        let start = self.offsets.partition_point(|&o| o < bytes.start);
        let end = self.offsets.partition_point(|&o| o < bytes.end);
        start..end
    }

    /// The bytes of the original text that normalised characters came from.
    fn original(&self, chars: &Range<usize>) -> Range<usize> {
        match (self.chars.get(chars.start), chars.end.checked_sub(1)) {
            (Some(first), Some(last)) if last >= chars.start => {
                first.from.start..self.chars[last].from.end
            }
            _ => 0..0,
        }
    }
}

/// Dashes and spaces people put inside numbers.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}'
    )
}

/// A group of digits, possibly followed by an `X` (the check character of an ID number).
#[derive(Debug, Clone)]
struct Group {
    digits: Range<usize>,
    x: bool,
}

/// What a sequence of digit groups is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An ID number; `x`: it ends in the check character X.
    Id { x: bool },
    /// A mobile number after a country prefix of this many digits (0, 2 for 86, 4 for 0086).
    Mobile { prefix: usize },
}

/// Finds the numbers among the characters not yet consumed and adds their masked forms.
fn numbers(
    normalized: &Normalized,
    consumed: &[bool],
    replacements: &mut Vec<(Range<usize>, String)>,
) {
    let chars = &normalized.chars;
    let digit = |i: usize| i < chars.len() && !consumed[i] && chars[i].c.is_ascii_digit();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        // The chain of groups joined by separators that starts here.
        let mut groups = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while digit(j) {
                j += 1;
            }
            let x = j < chars.len() && !consumed[j] && matches!(chars[j].c, 'x' | 'X');
            groups.push(Group {
                digits: start..j,
                x,
            });
            if x {
                break;
            }
            let mut k = j;
            while k < chars.len() && k - j < MAX_SEPARATORS && is_separator(chars[k].c) {
                k += 1;
            }
            if k == j || !digit(k) {
                break;
            }
            j = k;
        }
        let end = groups
            .last()
            .map_or(i + 1, |g| g.digits.end + usize::from(g.x));
        for (range, kind) in segment(normalized, &groups) {
            replacements.push(masked(normalized, &groups[range], kind));
        }
        i = end.max(i + 1);
    }
}

/// Splits a chain of groups into numbers: the split that covers the most digits with known kinds
/// of numbers; leftover single groups of [`LONG_NUMBER`] digits or more are masked as unknown.
fn segment(normalized: &Normalized, groups: &[Group]) -> Vec<(Range<usize>, Option<Kind>)> {
    let n = groups.len();
    // best[i]: digits covered from group i on, and the number that starts at group i (its
    // length in groups and kind) when that split is the best.
    let mut best: Vec<(usize, Option<(usize, Kind)>)> = vec![(0, None); n + 1];
    for i in (0..n).rev() {
        best[i] = (best[i + 1].0, None);
        for len in 1..=MAX_GROUPS.min(n - i) {
            let part = &groups[i..i + len];
            if let Some(kind) = classify(&digits_of(normalized, part), part[len - 1].x) {
                let covered = part.iter().map(|g| g.digits.len()).sum::<usize>() + best[i + len].0;
                if covered > best[i].0 {
                    best[i] = (covered, Some((len, kind)));
                }
            }
        }
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < n {
        match best[i].1 {
            Some((len, kind)) => {
                found.push((i..i + len, Some(kind)));
                i += len;
            }
            None => {
                if groups[i].digits.len() >= LONG_NUMBER {
                    found.push((i..i + 1, None));
                }
                i += 1;
            }
        }
    }
    found
}

fn digits_of(normalized: &Normalized, groups: &[Group]) -> String {
    groups
        .iter()
        .flat_map(|g| normalized.chars[g.digits.clone()].iter().map(|nc| nc.c))
        .collect()
}

/// The kind of number these digits are, if any (`x`: an X follows them).
fn classify(digits: &str, x: bool) -> Option<Kind> {
    let d = digits.as_bytes();
    if x && d.len() == 17 && id_number_18(d) {
        return Some(Kind::Id { x: true });
    }
    match d.len() {
        18 if id_number_18(d) => Some(Kind::Id { x: false }),
        15 if id_number_15(d) => Some(Kind::Id { x: false }),
        11 if mobile(d) => Some(Kind::Mobile { prefix: 0 }),
        13 if d.starts_with(b"86") && mobile(&d[2..]) => Some(Kind::Mobile { prefix: 2 }),
        15 if d.starts_with(b"0086") && mobile(&d[4..]) => Some(Kind::Mobile { prefix: 4 }),
        _ => None,
    }
}

fn number(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

fn month_and_day(d: &[u8]) -> bool {
    (1..=12).contains(&number(&d[..2])) && (1..=31).contains(&number(&d[2..4]))
}

/// 6 digits of region (1–8 first), a birth date YYYYMMDD, 3 of sequence (and the check
/// character, digit here). The checksum is not required: a mistyped ID number is still personal.
fn id_number_18(d: &[u8]) -> bool {
    (b'1'..=b'8').contains(&d[0])
        && (1900..=2099).contains(&number(&d[6..10]))
        && month_and_day(&d[10..14])
}

/// The old format: 6 digits of region, a birth date YYMMDD, 3 of sequence.
fn id_number_15(d: &[u8]) -> bool {
    (b'1'..=b'8').contains(&d[0]) && month_and_day(&d[8..12])
}

fn mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

/// The original bytes a number covers and its masked form.
fn masked(normalized: &Normalized, groups: &[Group], kind: Option<Kind>) -> (Range<usize>, String) {
    let chars = &normalized.chars;
    let digits = digits_of(normalized, groups);
    let first = groups.first().map_or(0, |g| g.digits.start);
    let last = groups.last().map_or(0, |g| g.digits.end);
    let stars = |n: usize| "*".repeat(n);
    let (start, end, text) = match kind {
        Some(Kind::Id { x }) => {
            let check = if x {
                chars[last].c.to_string()
            } else {
                String::new()
            };
            let shown = digits.len() + usize::from(x);
            let tail = &digits[digits.len() + usize::from(x) - 4..];
            (
                first,
                last + usize::from(x),
                format!("{}{}{tail}{check}", &digits[..4], stars(shown - 8)),
            )
        }
        Some(Kind::Mobile { prefix }) => {
            let plus = first > 0 && chars[first - 1].c == '+';
            let country = match prefix {
                0 => String::new(),
                _ if plus => format!("+{} ", &digits[..prefix]),
                _ => format!("{} ", &digits[..prefix]),
            };
            let number = &digits[prefix..];
            (
                if plus && prefix > 0 { first - 1 } else { first },
                last,
                format!("{country}{}****{}", &number[..3], &number[7..]),
            )
        }
        None => {
            let kept = if digits.len() >= 15 { 4 } else { 3 };
            let tail = &digits[digits.len() - 4..];
            (
                first,
                last,
                format!(
                    "{}{}{tail}",
                    &digits[..kept],
                    stars(digits.len() - kept - 4)
                ),
            )
        }
    };
    (normalized.original(&(start..end)), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_phones_and_emails_are_masked() {
        let text = "我的身份证120104199102052530，手机13812345678，邮箱zhang.san@example.com";
        let masked = mask(text);
        assert!(!masked.contains("120104199102052530"));
        assert!(masked.contains("1201**********2530"), "{masked}");
        assert!(masked.contains("138****5678"), "{masked}");
        assert!(masked.contains("z***@example.com"), "{masked}");
        assert!(!masked.contains("zhang.san"));
        // The rest of the text, full-width punctuation included, is untouched.
        assert_eq!(
            masked,
            "我的身份证1201**********2530，手机138****5678，邮箱z***@example.com"
        );
    }

    #[test]
    fn lowercase_x_and_plain_text_are_handled() {
        assert!(mask("11010519491231002x").contains("1101**********002x"));
        assert!(matches!(mask("忘记用户名了"), Cow::Borrowed(_)));
        assert_eq!(mask("邮箱IP受限 300KB"), "邮箱IP受限 300KB");
        assert_eq!(
            mask("2024-01-15 10:30 学号2023310001"),
            "2024-01-15 10:30 学号2023310001"
        );
    }

    #[test]
    fn every_number_of_a_message_is_masked() {
        assert_eq!(mask("13812345678 13987654321"), "138****5678 139****4321");
        assert_eq!(
            mask("120104199102052530,110105194912310021"),
            "1201**********2530,1101**********0021"
        );
        assert_eq!(
            mask("手机13812345678或13987654321都行"),
            "手机138****5678或139****4321都行"
        );
    }

    #[test]
    fn letters_right_before_a_number_do_not_hide_it() {
        assert_eq!(mask("ID120104199102052530"), "ID1201**********2530");
        assert_eq!(mask("tel13812345678"), "tel138****5678");
    }

    #[test]
    fn spaces_and_dashes_inside_numbers_are_seen_through() {
        assert_eq!(mask("138 1234 5678"), "138****5678");
        assert_eq!(mask("138-1234-5678"), "138****5678");
        assert_eq!(mask("120104 19910205 2530"), "1201**********2530");
        assert_eq!(
            mask("身份证 1201 0419 9102 0525 30 谢谢"),
            "身份证 1201**********2530 谢谢"
        );
        assert_eq!(
            mask("138 1234 5678 120104 19910205 253X"),
            "138****5678 1201**********253X"
        );
    }

    #[test]
    fn full_width_digits_and_at_signs_are_normalised() {
        assert_eq!(mask("手机１３８１２３４５６７８。"), "手机138****5678。");
        assert_eq!(
            mask("邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            "邮箱z***@example.com"
        );
        assert_eq!(
            mask("１２０１０４１９９１０２０５２５３Ｘ"),
            "1201**********253X"
        );
    }

    #[test]
    fn old_fifteen_digit_id_numbers_are_masked() {
        assert_eq!(mask("老身份证120104910205253"), "老身份证1201*******5253");
    }

    #[test]
    fn country_prefixes_of_mobiles_are_kept_and_the_number_masked() {
        assert_eq!(mask("+8613812345678"), "+86 138****5678");
        assert_eq!(mask("+86 138 1234 5678"), "+86 138****5678");
        assert_eq!(mask("0086-13812345678"), "0086 138****5678");
        assert_eq!(mask("＋８６　１３８１２３４５６７８"), "+86 138****5678");
    }

    #[test]
    fn a_number_inside_an_email_domain_is_masked_too() {
        let masked = mask("a._a0_a@example.com.100000193001010000.aa");
        assert_eq!(masked, "a***@example.com.1000**********0000.aa");
    }

    #[test]
    fn an_email_made_of_a_number_is_masked_as_an_email() {
        assert_eq!(mask("13812345678@163.com"), "1***@163.com");
    }

    #[test]
    fn unknown_long_numbers_are_masked_too() {
        assert_eq!(
            mask("12010419910205253013812345678"),
            "1201*********************5678"
        );
    }

    #[test]
    fn loggable_text_is_one_line_and_escaped() {
        assert_eq!(
            loggable("hi\n2026-01-01T00:00:00Z  INFO forged\x1b[31m\u{202e}x\\"),
            "hi\\n2026-01-01T00:00:00Z  INFO forged\\u{1b}[31m\\u{202e}x\\\\"
        );
        assert_eq!(loggable("手机13812345678\r\n"), "手机138****5678\\r\\n");
        assert_eq!(loggable("普通的问题"), "普通的问题");
    }
}
