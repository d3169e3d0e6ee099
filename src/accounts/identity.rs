//! Validated personal data of a student account: the mainland resident ID number (居民身份证),
//! the mainland mobile number and the e-mail address.
//!
//! Each type can only be built through its `parse` function, so holding one means the value has
//! passed the service's rules. Every error says which part of the input is wrong and carries a
//! Fluent message id for the user-facing text. `Display` and `Debug` print only the masked form,
//! so a value that ends up in a log line or a staff view never leaks; the full value is reachable
//! only through `as_str()`, which is meant for storage.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

/// Number of characters of a resident ID number.
const ID_LENGTH: usize = 18;

/// Weights of the first 17 digits in the ISO 7064 MOD 11-2 check.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each remainder 0..=10 of the weighted sum.
const ID_CHECK_CHARACTERS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Two-digit province-level codes that open a valid region code.
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, // North
    21, 22, 23, // North-east
    31, 32, 33, 34, 35, 36, 37, // East
    41, 42, 43, 44, 45, 46, // Centre and south
    50, 51, 52, 53, 54, // South-west
    61, 62, 63, 64, 65, // North-west
    71, 81, 82, 83, 91, // Taiwan, Hong Kong, Macao, Taiwan residence permits, abroad
];

/// Earliest accepted birth year.
const MIN_BIRTH_YEAR: i32 = 1900;

/// Folds a full-width ASCII character (U+FF01..=U+FF5E) to its ASCII form; other characters are
/// returned unchanged.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Numeric value of a run of ASCII digits (the caller guarantees they are digits).
fn digits_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// MOD 11-2 check character of 17 ASCII digits (the caller guarantees they are digits).
fn mod11_2(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    ID_CHECK_CHARACTERS[(sum % 11) as usize]
}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID number, or
/// `None` when `first17` is not exactly 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != ID_LENGTH - 1 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(mod11_2(bytes))
}

/// Why an input is not a valid resident ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum IdNumberError {
    /// Nothing was entered.
    #[error("the ID number is empty")]
    Empty,
    /// The number does not have 18 characters.
    #[error("the ID number has {found} characters instead of 18")]
    Length {
        /// Number of characters found (after trimming).
        found: usize,
    },
    /// A character is not a digit (or, in the last position, not a digit or X).
    #[error("character {position} of the ID number is not a digit")]
    NotDigits {
        /// 1-based position of the first bad character.
        position: usize,
    },
    /// The first six digits are not a valid region code.
    #[error("the region code of the ID number is not valid")]
    Region,
    /// Digits 7-14 are not a real date on or after 1900-01-01.
    #[error("the birth date in the ID number is not a valid date")]
    BirthDate,
    /// The birth date lies in the future.
    #[error("the birth date in the ID number is in the future")]
    FutureBirthDate,
    /// The last character does not match the MOD 11-2 check.
    #[error("the check character of the ID number should be {expected}, not {found}")]
    CheckCharacter {
        /// The check character computed from the first 17 digits.
        expected: char,
        /// The check character that was entered.
        found: char,
    },
}

impl IdNumberError {
    /// The Fluent message id of the user-facing text for this error.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Empty => "id-number-empty",
            Self::Length { .. } => "id-number-length",
            Self::NotDigits { .. } => "id-number-digits",
            Self::Region => "id-number-region",
            Self::BirthDate => "id-number-birth-date",
            Self::FutureBirthDate => "id-number-future",
            Self::CheckCharacter { .. } => "id-number-check",
        }
    }
}

/// A validated mainland resident ID number (居民身份证号码), 18 characters, upper-case X.
///
/// `Display` and `Debug` print only the masked form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    value: String,
    birth_date: NaiveDate,
}

impl IdNumber {
    /// Parses and validates an ID number, taking today's local date as the latest birth date.
    ///
    /// Surrounding whitespace is trimmed, full-width digits and X are folded and a lower-case x
    /// becomes X.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        Self::parse_at(input, chrono::Local::now().date_naive())
    }

    /// Like [`IdNumber::parse`], with `today` as the latest accepted birth date.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let chars: Vec<char> = trimmed
            .chars()
            .map(fold_full_width)
            .map(|c| if c == 'x' { 'X' } else { c })
            .collect();
        if chars.len() != ID_LENGTH {
            return Err(IdNumberError::Length { found: chars.len() });
        }
        if let Some(index) = chars
            .iter()
            .enumerate()
            .position(|(i, &c)| !(c.is_ascii_digit() || (i == ID_LENGTH - 1 && c == 'X')))
        {
            return Err(IdNumberError::NotDigits {
                position: index + 1,
            });
        }
        let value: String = chars.into_iter().collect();
        let bytes = value.as_bytes();

        let province = digits_value(&bytes[0..2]);
        if !PROVINCES.contains(&province) || &bytes[2..6] == b"0000" {
            return Err(IdNumberError::Region);
        }

        let year =
            i32::try_from(digits_value(&bytes[6..10])).map_err(|_| IdNumberError::BirthDate)?;
        let month = digits_value(&bytes[10..12]);
        let day = digits_value(&bytes[12..14]);
        let birth_date =
            NaiveDate::from_ymd_opt(year, month, day).ok_or(IdNumberError::BirthDate)?;
        if birth_date.year() < MIN_BIRTH_YEAR {
            return Err(IdNumberError::BirthDate);
        }
        if birth_date > today {
            return Err(IdNumberError::FutureBirthDate);
        }

        let expected = mod11_2(&bytes[..ID_LENGTH - 1]);
        let found = char::from(bytes[ID_LENGTH - 1]);
        if expected != found {
            return Err(IdNumberError::CheckCharacter { expected, found });
        }
        Ok(Self { value, birth_date })
    }

    /// The full number, for storage only; never log it.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The number with all but the first 4 and last 4 characters masked: `1201**********2530`.
    pub fn masked(&self) -> String {
        let v = &self.value;
        format!(
            "{}{}{}",
            &v[..4],
            "*".repeat(ID_LENGTH - 8),
            &v[ID_LENGTH - 4..]
        )
    }

    /// The birth date encoded in the number.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

/// Why an input is not a valid mainland mobile number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum MobileError {
    /// Nothing was entered.
    #[error("the mobile number is empty")]
    Empty,
    /// The number (without +86) does not have 11 digits.
    #[error("the mobile number has {found} digits instead of 11")]
    Length {
        /// Number of characters found after removing separators and the prefix.
        found: usize,
    },
    /// The number contains something other than digits, spaces, hyphens and a +86 prefix.
    #[error("the mobile number contains characters that are not digits")]
    NotDigits,
    /// The number does not start with 1 followed by 3-9.
    #[error("the mobile number does not start with 13-19")]
    Prefix,
}

impl MobileError {
    /// The Fluent message id of the user-facing text for this error.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Empty => "mobile-empty",
            Self::Length { .. } => "mobile-length",
            Self::NotDigits => "mobile-digits",
            Self::Prefix => "mobile-prefix",
        }
    }
}

/// A validated mainland mobile number: 11 digits, `1` then `3`-`9`, stored without prefix.
///
/// `Display` and `Debug` print only the masked form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mobile {
    value: String,
}

impl Mobile {
    /// Parses and validates a mobile number.
    ///
    /// Whitespace and hyphens are removed, full-width characters are folded, and an optional
    /// `+86` or `86` prefix is dropped.
    pub fn parse(input: &str) -> Result<Self, MobileError> {
        let cleaned: String = input
            .chars()
            .map(fold_full_width)
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if cleaned.is_empty() {
            return Err(MobileError::Empty);
        }
        let rest = cleaned
            .strip_prefix("+86")
            .or_else(|| cleaned.strip_prefix("86"))
            .unwrap_or(&cleaned);
        if !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::NotDigits);
        }
        if rest.len() != 11 {
            return Err(MobileError::Length { found: rest.len() });
        }
        let bytes = rest.as_bytes();
        if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(MobileError::Prefix);
        }
        Ok(Self {
            value: rest.to_owned(),
        })
    }

    /// The full 11-digit number, for storage and sending only; never log it.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The number with the middle four digits masked: `138****5678`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.value[..3], &self.value[7..])
    }
}

impl FromStr for Mobile {
    type Err = MobileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mobile").field(&self.masked()).finish()
    }
}

/// Why an input is not an acceptable e-mail address; every reason shares the message id
/// `email-invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum EmailError {
    /// Nothing was entered.
    #[error("the e-mail address is empty")]
    Empty,
    /// The address does not contain exactly one `@`.
    #[error("the e-mail address must contain exactly one @")]
    At,
    /// The part before `@` is empty, longer than 64 characters or has a bad character or dot.
    #[error("the part of the e-mail address before @ is not valid")]
    LocalPart,
    /// The part after `@` is not a dotted domain of letters, digits and hyphens.
    #[error("the domain of the e-mail address is not valid")]
    Domain,
    /// The address is longer than 254 characters.
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
}

impl EmailError {
    /// The Fluent message id of the user-facing text for this error.
    pub fn message_id(&self) -> &'static str {
        "email-invalid"
    }
}

/// A pragmatically validated e-mail address with a lower-cased domain.
///
/// `Display` and `Debug` print only the masked form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email {
    value: String,
    at: usize,
}

/// Characters allowed in the local part besides ASCII letters, digits and dots.
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

/// Whether `local` is an acceptable local part (dot-atom of ASCII characters, at most 64).
fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
        })
}

/// Whether `domain` (already lower-cased) is at least two dot-separated labels of letters,
/// digits and inner hyphens, with a top-level label that contains a letter.
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

impl Email {
    /// Parses and validates an e-mail address.
    ///
    /// Surrounding whitespace is trimmed, full-width characters are folded and the domain is
    /// lower-cased; the local part keeps its case.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let folded: String = input.trim().chars().map(fold_full_width).collect();
        if folded.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = folded.split_once('@').ok_or(EmailError::At)?;
        if domain.contains('@') {
            return Err(EmailError::At);
        }
        if !valid_local(local) {
            return Err(EmailError::LocalPart);
        }
        let domain = domain.to_ascii_lowercase();
        if !valid_domain(&domain) {
            return Err(EmailError::Domain);
        }
        let value = format!("{local}@{domain}");
        if value.len() > 254 {
            return Err(EmailError::TooLong);
        }
        Ok(Self {
            value,
            at: local.len(),
        })
    }

    /// The full address, for storage and sending only; never log it.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The domain part (lower-case).
    pub fn domain(&self) -> &str {
        &self.value[self.at + 1..]
    }

    /// The address with the local part masked after its first character: `z***@example.com`.
    pub fn masked(&self) -> String {
        let first = self.value.chars().next().unwrap_or('*');
        format!("{first}***@{}", self.domain())
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    /// A fixed "today" so the tests do not depend on the clock.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("valid date")
    }

    fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse_at(input, today())
    }

    /// The 17 digits followed by their computed check character.
    fn with_check(first17: &str) -> String {
        let check = check_character(first17).expect("17 digits");
        format!("{first17}{check}")
    }

    #[test]
    fn public_vectors_are_valid() {
        let id = parse("120104199102052530").expect("public vector");
        assert_eq!(id.as_str(), "120104199102052530");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1991, 2, 5).expect("valid date")
        );

        let id = parse("11010519491231002X").expect("public vector");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).expect("valid date")
        );
        assert_eq!(parse("11010519491231002x"), Ok(id));
    }

    #[test]
    fn check_character_follows_mod_11_2() {
        assert_eq!(check_character("12010419910205253"), Some('0'));
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("1201041991020525"), None);
        assert_eq!(check_character("120104199102052530"), None);
        assert_eq!(check_character("1201041991020525X"), None);
        assert_eq!(check_character("１2010419910205253"), None);
    }

    #[test]
    fn input_is_trimmed_and_folded() {
        let expected = parse("11010519491231002X").expect("public vector");
        assert_eq!(parse("  11010519491231002X\t"), Ok(expected.clone()));
        assert_eq!(
            parse("\u{3000}１１０１０５１９４９１２３１００２Ｘ"),
            Ok(expected.clone())
        );
        assert_eq!(parse("１１０１０５１９４９１２３１００２ｘ"), Ok(expected));
        assert!("120104199102052530".parse::<IdNumber>().is_ok());
    }

    #[test]
    fn a_valid_checksum_before_1900_is_rejected() {
        // The check character is right, but the birth year 1880 is out of range.
        let number = with_check("44052418800101001");
        assert_eq!(number, "440524188001010014");
        assert_eq!(parse(&number), Err(IdNumberError::BirthDate));
        assert_eq!(
            parse(&with_check("12010418991231253")),
            Err(IdNumberError::BirthDate)
        );
        assert!(parse(&with_check("12010419000101253")).is_ok());
    }

    #[test]
    fn empty_and_length_errors() {
        assert_eq!(parse(""), Err(IdNumberError::Empty));
        assert_eq!(parse("  \t "), Err(IdNumberError::Empty));
        assert_eq!(
            parse("12010419910205253"),
            Err(IdNumberError::Length { found: 17 })
        );
        assert_eq!(
            parse("1201041991020525300"),
            Err(IdNumberError::Length { found: 19 })
        );
        // Length counts characters, not bytes.
        assert_eq!(
            parse("12010419910205253一"),
            Err(IdNumberError::NotDigits { position: 18 })
        );
    }

    #[test]
    fn not_digits_names_the_first_bad_position() {
        assert_eq!(
            parse("1201041991A2052530"),
            Err(IdNumberError::NotDigits { position: 11 })
        );
        assert_eq!(
            parse("A20104199102052530"),
            Err(IdNumberError::NotDigits { position: 1 })
        );
        // X is only allowed as the check character.
        assert_eq!(
            parse("1201X4199102052530"),
            Err(IdNumberError::NotDigits { position: 5 })
        );
        assert_eq!(
            parse("12010419910205253Y"),
            Err(IdNumberError::NotDigits { position: 18 })
        );
    }

    #[test]
    fn region_errors() {
        assert_eq!(
            parse(&with_check("00010419910205253")),
            Err(IdNumberError::Region)
        );
        assert_eq!(
            parse(&with_check("99010419910205253")),
            Err(IdNumberError::Region)
        );
        assert_eq!(
            parse(&with_check("12000019910205253")),
            Err(IdNumberError::Region)
        );
        for province in [
            "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "72", "84", "90", "92",
        ] {
            let number = with_check(&format!("{province}010419910205253"));
            assert_eq!(parse(&number), Err(IdNumberError::Region), "{province}");
        }
        for province in PROVINCES {
            let number = with_check(&format!("{province}010419910205253"));
            assert!(parse(&number).is_ok(), "{province}");
        }
    }

    #[test]
    fn birth_date_errors() {
        assert_eq!(
            parse(&with_check("12010419990230253")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            parse(&with_check("12010419991301253")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            parse(&with_check("12010419990100253")),
            Err(IdNumberError::BirthDate)
        );
        assert!(parse(&with_check("12010420000229253")).is_ok());
        assert_eq!(
            parse(&with_check("12010419000229253")),
            Err(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn future_birth_date_is_rejected() {
        assert_eq!(
            parse(&with_check("12010420250602253")),
            Err(IdNumberError::FutureBirthDate)
        );
        assert!(parse(&with_check("12010420250601253")).is_ok());
        // The public `parse` uses the real clock; a date far in the future is always rejected.
        assert_eq!(
            IdNumber::parse(&with_check("12010499991231253")),
            Err(IdNumberError::FutureBirthDate)
        );
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        assert_eq!(
            parse("120104199102052531"),
            Err(IdNumberError::CheckCharacter {
                expected: '0',
                found: '1'
            })
        );
        assert_eq!(
            parse("110105194912310020"),
            Err(IdNumberError::CheckCharacter {
                expected: 'X',
                found: '0'
            })
        );
        assert_eq!(
            parse("12010419910205253X"),
            Err(IdNumberError::CheckCharacter {
                expected: '0',
                found: 'X'
            })
        );
    }

    #[test]
    fn every_error_has_its_message_id() {
        let cases = [
            (IdNumberError::Empty, "id-number-empty"),
            (IdNumberError::Length { found: 17 }, "id-number-length"),
            (IdNumberError::NotDigits { position: 3 }, "id-number-digits"),
            (IdNumberError::Region, "id-number-region"),
            (IdNumberError::BirthDate, "id-number-birth-date"),
            (IdNumberError::FutureBirthDate, "id-number-future"),
            (
                IdNumberError::CheckCharacter {
                    expected: 'X',
                    found: '1',
                },
                "id-number-check",
            ),
        ];
        for (error, id) in cases {
            assert_eq!(error.message_id(), id);
        }
        let cases = [
            (MobileError::Empty, "mobile-empty"),
            (MobileError::Length { found: 10 }, "mobile-length"),
            (MobileError::NotDigits, "mobile-digits"),
            (MobileError::Prefix, "mobile-prefix"),
        ];
        for (error, id) in cases {
            assert_eq!(error.message_id(), id);
        }
        for error in [
            EmailError::Empty,
            EmailError::At,
            EmailError::LocalPart,
            EmailError::Domain,
            EmailError::TooLong,
        ] {
            assert_eq!(error.message_id(), "email-invalid");
        }
    }

    #[test]
    fn id_number_is_masked_in_display_and_debug() {
        let id = parse("120104199102052530").expect("public vector");
        assert_eq!(id.masked(), "1201**********2530");
        assert_eq!(id.to_string(), "1201**********2530");
        let debug = format!("{id:?}");
        assert!(debug.contains("1201**********2530"), "{debug}");
        let pretty = format!("{id:#?}");
        for text in [id.to_string(), debug, pretty] {
            assert!(!text.contains("120104199102052530"), "{text}");
            assert!(!text.contains("19910205"), "{text}");
        }
        let id = parse("11010519491231002x").expect("public vector");
        assert_eq!(id.to_string(), "1101**********002X");
    }

    #[test]
    fn mobiles_are_parsed() {
        for input in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+8613812345678",
            "+86 138 1234 5678",
            "86-138-1234-5678",
            "１３８１２３４５６７８",
        ] {
            let mobile = Mobile::parse(input).expect(input);
            assert_eq!(mobile.as_str(), "13812345678", "{input}");
        }
        for second in '3'..='9' {
            assert!(Mobile::parse(&format!("1{second}012345678")).is_ok());
        }
        assert!("19912345678".parse::<Mobile>().is_ok());
    }

    #[test]
    fn mobile_errors() {
        assert_eq!(Mobile::parse(""), Err(MobileError::Empty));
        assert_eq!(Mobile::parse(" - "), Err(MobileError::Empty));
        assert_eq!(
            Mobile::parse("1381234567"),
            Err(MobileError::Length { found: 10 })
        );
        assert_eq!(
            Mobile::parse("138123456789"),
            Err(MobileError::Length { found: 12 })
        );
        assert_eq!(Mobile::parse("+86"), Err(MobileError::Length { found: 0 }));
        assert_eq!(Mobile::parse("138a2345678"), Err(MobileError::NotDigits));
        assert_eq!(Mobile::parse("+1 3812345678"), Err(MobileError::NotDigits));
        assert_eq!(Mobile::parse("(138)12345678"), Err(MobileError::NotDigits));
        assert_eq!(Mobile::parse("12812345678"), Err(MobileError::Prefix));
        assert_eq!(Mobile::parse("23812345678"), Err(MobileError::Prefix));
        assert_eq!(Mobile::parse("+8602812345678"), Err(MobileError::Prefix));
    }

    #[test]
    fn mobile_is_masked_in_display_and_debug() {
        let mobile = Mobile::parse("+86 138 1234 5678").expect("valid");
        assert_eq!(mobile.masked(), "138****5678");
        assert_eq!(mobile.to_string(), "138****5678");
        for text in [
            mobile.to_string(),
            format!("{mobile:?}"),
            format!("{mobile:#?}"),
        ] {
            assert!(!text.contains("13812345678"), "{text}");
            assert!(!text.contains("1234"), "{text}");
        }
    }

    #[test]
    fn emails_are_parsed() {
        let email = Email::parse("  Zhang.San@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "Zhang.San@example.com");
        assert_eq!(email.domain(), "example.com");
        assert!(Email::parse("a+tag@mail.tsinghua.edu.cn").is_ok());
        assert!(Email::parse("li_si-2024@sub-domain.example.org").is_ok());
        assert!(Email::parse("x@xn--fiqs8s.xn--fiqs8s").is_ok());
        assert_eq!(
            Email::parse("wang＠qq.com").map(|e| e.as_str().to_owned()),
            Ok("wang@qq.com".to_owned())
        );
        assert!("a@b.cn".parse::<Email>().is_ok());
    }

    #[test]
    fn email_errors() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse("zhangsan.example.com"), Err(EmailError::At));
        assert_eq!(Email::parse("a@b@example.com"), Err(EmailError::At));
        assert_eq!(Email::parse("a@@example.com"), Err(EmailError::At));
        assert_eq!(Email::parse("@example.com"), Err(EmailError::LocalPart));
        assert_eq!(Email::parse(".a@example.com"), Err(EmailError::LocalPart));
        assert_eq!(Email::parse("a..b@example.com"), Err(EmailError::LocalPart));
        assert_eq!(Email::parse("a b@example.com"), Err(EmailError::LocalPart));
        assert_eq!(Email::parse("张三@example.com"), Err(EmailError::LocalPart));
        let local64 = "a".repeat(64);
        assert!(Email::parse(&format!("{local64}@example.com")).is_ok());
        assert_eq!(
            Email::parse(&format!("a{local64}@example.com")),
            Err(EmailError::LocalPart)
        );
        assert_eq!(Email::parse("a@"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@localhost"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@example..com"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@.example.com"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@example.com."), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@-example.com"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@example-.com"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@exa_mple.com"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@1.2.3.4"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@例子.中国"), Err(EmailError::Domain));
        // 64 + 1 + 3 * 61 + 3 + 3 = 254 characters is the limit.
        let label = "b".repeat(60);
        let domain = format!("{label}.{label}.{label}.com");
        let at_limit = format!("{local64}@{}", &domain);
        assert_eq!(at_limit.len(), 64 + 1 + 3 * 61 + 3);
        let long_domain = format!("{label}.{label}.{label}.{}.com", "c".repeat(10));
        assert_eq!(
            Email::parse(&format!("{local64}@{long_domain}")),
            Err(EmailError::TooLong)
        );
        assert!(Email::parse(&at_limit).is_ok());
    }

    #[test]
    fn email_is_masked_in_display_and_debug() {
        let email = Email::parse("zhang.san@Example.com").expect("valid");
        assert_eq!(email.masked(), "z***@example.com");
        assert_eq!(email.to_string(), "z***@example.com");
        for text in [
            email.to_string(),
            format!("{email:?}"),
            format!("{email:#?}"),
        ] {
            assert!(!text.contains("zhang.san"), "{text}");
            assert!(!text.contains("zhang.san@example.com"), "{text}");
        }
    }

    /// A valid region code: a known province and four digits that are not all zero.
    fn region() -> impl Strategy<Value = String> {
        (proptest::sample::select(PROVINCES), 1u32..=9999)
            .prop_map(|(province, rest)| format!("{province:02}{rest:04}"))
    }

    /// A birth date from 1900-01-01 to `today()`.
    fn birth_date() -> impl Strategy<Value = NaiveDate> {
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
        let span = u64::try_from((today() - start).num_days()).expect("positive span");
        (0..=span).prop_map(move |days| {
            start
                .checked_add_days(Days::new(days))
                .expect("within range")
        })
    }

    /// A valid ID number built from its parts with a computed check character.
    fn valid_id_number() -> impl Strategy<Value = String> {
        (region(), birth_date(), 0u32..1000).prop_map(|(region, birth, sequence)| {
            with_check(&format!("{region}{}{sequence:03}", birth.format("%Y%m%d")))
        })
    }

    const ALLOWED: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];

    proptest! {
        #[test]
        fn built_numbers_parse_and_round_trip(number in valid_id_number()) {
            let id = parse(&number).map_err(|e| TestCaseError::fail(format!("{number}: {e}")))?;
            prop_assert_eq!(id.as_str(), number.as_str());
            prop_assert_eq!(id.birth_date().format("%Y%m%d").to_string(), &number[6..14]);
            prop_assert_eq!(parse(&number.to_lowercase()), Ok(id.clone()));
            let shown = format!("{id} {id:?}");
            prop_assert!(!shown.contains(&number));
        }

        #[test]
        fn every_single_substitution_is_rejected(
            number in valid_id_number(),
            position in 0usize..18,
            offset in 1usize..11,
        ) {
            let mut chars: Vec<char> = number.chars().collect();
            let current = ALLOWED
                .iter()
                .position(|&c| c == chars[position])
                .expect("allowed character");
            chars[position] = ALLOWED[(current + offset) % ALLOWED.len()];
            let changed: String = chars.into_iter().collect();
            prop_assert_ne!(&changed, &number);
            prop_assert!(parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn parsers_never_panic(input in "\\PC{0,40}") {
            let _ = parse(&input);
            let _ = Mobile::parse(&input);
            let _ = Email::parse(&input);
        }

        #[test]
        fn valid_mobiles_round_trip(second in 3u8..=9, rest in 0u32..100_000_000) {
            let number = format!("1{second}{rest:09}");
            let mobile = Mobile::parse(&number)
                .map_err(|e| TestCaseError::fail(format!("{number}: {e}")))?;
            prop_assert_eq!(mobile.as_str(), number.as_str());
            let shown = format!("{mobile} {mobile:?}");
            prop_assert!(!shown.contains(&number));
        }
    }
}
