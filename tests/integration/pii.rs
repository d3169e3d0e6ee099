//! Masking of personal data in the shapes people really type, generated: ID numbers (18 digits,
//! with X, and the old 15), mobiles (with +86 / 0086), e-mails; with spaces or dashes inside, in
//! full-width characters, right after letters, several in one message, inside random Chinese and
//! English text. What is masked must never survive; what the contract keeps must be there.

use helpbot::pii::{loggable, mask};
use proptest::prelude::*;

/// One piece of personal data as generated, and what must (not) be seen after masking.
#[derive(Debug, Clone)]
struct Secret {
    /// As written in the message.
    written: String,
    /// Its digits (and X) without separators, in ASCII: must not appear in the output.
    plain: String,
    /// The masked form the contract promises.
    masked: String,
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Writes the characters in groups split by separators (`None`: as one run).
fn grouped(text: &str, cuts: &[usize], separator: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && cuts.contains(&i) {
            out.push_str(separator);
        }
        out.push(*c);
    }
    out
}

fn shape() -> impl Strategy<Value = (Vec<usize>, &'static str, bool, &'static str)> {
    (
        proptest::collection::vec(1usize..17, 0..4),
        prop_oneof![Just(" "), Just("-"), Just(" - "), Just("  ")],
        any::<bool>(),
        prop_oneof![
            Just(""),
            Just("ID"),
            Just("No."),
            Just("tel"),
            Just("身份证号")
        ],
    )
}

fn written(
    digits: &str,
    (cuts, separator, wide, before): (Vec<usize>, &str, bool, &str),
) -> String {
    let text = grouped(digits, &cuts, separator);
    let text = if wide { full_width(&text) } else { text };
    format!("{before}{text}")
}

fn date() -> impl Strategy<Value = (u32, u32, u32)> {
    (1930u32..2020, 1u32..=12, 1u32..=28)
}

fn id_number() -> impl Strategy<Value = Secret> {
    (
        1u32..=8,
        0u32..100_000,
        date(),
        0u32..1000,
        prop_oneof![Just(None), Just(Some('X')), Just(Some('x'))],
        any::<bool>(),
        shape(),
    )
        .prop_map(|(first, region, (y, m, d), sequence, x, old, shape)| {
            let region = format!("{first}{region:05}");
            let plain = if old {
                format!("{region}{:02}{m:02}{d:02}{sequence:03}", y % 100)
            } else {
                let check = x.map_or_else(|| (sequence % 10).to_string(), String::from);
                format!("{region}{y}{m:02}{d:02}{sequence:03}{check}")
            };
            let len = plain.chars().count();
            let masked = format!(
                "{}{}{}",
                &plain[..4],
                "*".repeat(len - 8),
                &plain[len - 4..]
            );
            Secret {
                written: written(&plain, shape),
                plain,
                masked,
            }
        })
}

fn mobile() -> impl Strategy<Value = Secret> {
    (
        3u32..=9,
        0u32..1_000_000_000,
        prop_oneof![
            Just(""),
            Just("+86"),
            Just("+86 "),
            Just("0086"),
            Just("0086-")
        ],
        shape(),
    )
        .prop_map(|(second, rest, prefix, shape)| {
            let plain = format!("1{second}{rest:09}");
            let masked = format!("{}****{}", &plain[..3], &plain[7..]);
            let number = written(&plain, shape);
            Secret {
                written: format!("{prefix}{number}"),
                plain,
                masked,
            }
        })
}

fn email() -> impl Strategy<Value = Secret> {
    (
        "[a-z][a-z0-9._]{5,12}[a-z0-9]",
        prop_oneof![
            Just("example.com"),
            Just("163.com"),
            Just("mail.school.edu.cn")
        ],
        any::<bool>(),
        // Letters right before an address are part of it: something else comes first.
        prop_oneof![Just(" "), Just("邮箱"), Just("，"), Just("e-mail: ")],
    )
        .prop_map(|(local, domain, wide, before)| {
            let address = format!("{local}@{domain}");
            Secret {
                written: if wide {
                    format!("{before}{}", full_width(&address))
                } else {
                    format!("{before}{address}")
                },
                masked: format!("{}***@{domain}", &local[..1]),
                // The local part is what must go (the domain stays).
                plain: format!("{}@", &local[1..]),
            }
        })
}

/// Text around the data: Chinese, English, punctuation of both widths, spaces; no digits (a digit
/// next to a number would make it another number).
fn filler() -> impl Strategy<Value = String> {
    "[\u{4e00}-\u{9fa5}a-zA-Z，。！？、：,.!?: ]{1,12}"
        .prop_filter("a separator alone would join two numbers", |text| {
            text.chars().any(|c| !matches!(c, ' ' | '-'))
        })
}

fn message() -> impl Strategy<Value = (String, Vec<Secret>)> {
    (
        proptest::collection::vec(
            (prop_oneof![id_number(), mobile(), email()], filler()),
            1..4,
        ),
        filler(),
    )
        .prop_map(|(items, lead)| {
            let mut text = lead;
            let mut secrets = Vec::new();
            for (secret, after) in items {
                text.push_str(&secret.written);
                text.push_str(&after);
                secrets.push(secret);
            }
            (text, secrets)
        })
}

/// The output with separators and the masking removed from between digits, in ASCII: digits
/// that survived in groups would show here in one piece.
fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn personal_data_never_survives_masking((text, secrets) in message()) {
        let masked = mask(&text);
        for secret in &secrets {
            prop_assert!(
                masked.contains(&secret.masked),
                "{:?} should show as {:?} in {:?} (from {:?})",
                secret.written, secret.masked, masked, text
            );
            prop_assert!(
                !squeezed(&masked).contains(&secret.plain),
                "{:?} survived in {:?} (from {:?})",
                secret.plain, masked, text
            );
        }
        // The same holds for what reaches a log line, which is one line.
        let logged = loggable(&text);
        prop_assert!(!logged.contains('\n'));
        for secret in &secrets {
            prop_assert!(logged.contains(&secret.masked), "{logged}");
        }
    }

    #[test]
    fn text_without_personal_data_is_left_as_it_is(text in filler()) {
        prop_assert_eq!(mask(&text).into_owned(), text);
    }
}

#[test]
fn the_shapes_of_the_issue_are_each_masked() {
    for (text, expected) in [
        (
            "手机13812345678，备用13987654321",
            "手机138****5678，备用139****4321",
        ),
        ("ID120104199102052530", "ID1201**********2530"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("zhang＠example.com", "z***@example.com"),
        ("120104910205253", "1201*******5253"),
        ("+86 13812345678", "+86 138****5678"),
        ("008613812345678", "0086 138****5678"),
    ] {
        assert_eq!(mask(text), expected, "{text}");
    }
}
