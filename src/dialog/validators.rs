//! The validators a dialog's input step may name. Each turns what the user typed into the value
//! stored in the slot, or says (as a fluent message id with arguments) what is wrong.

use fluent_bundle::FluentValue;

use crate::accounts::identity::{IdNumber, Mobile};
use crate::text::normalize;

/// Validator names dialog files may use.
pub const NAMES: &[&str] = &[
    "id-number",
    "mobile",
    "year",
    "code",
    "name",
    "school",
    "number",
    "level",
    "username",
    "password",
    "text",
    "photo",
];

/// Why an input was refused: a message id and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub message_id: &'static str,
    pub args: Vec<(&'static str, FluentValue<'static>)>,
}

impl Invalid {
    fn new(message_id: &'static str) -> Self {
        Self {
            message_id,
            args: Vec::new(),
        }
    }
}

fn text_between(
    input: &str,
    min: usize,
    max: usize,
    message_id: &'static str,
) -> Result<String, Invalid> {
    let value = input.trim();
    let length = value.chars().count();
    if (min..=max).contains(&length) && !value.chars().any(char::is_control) {
        Ok(value.to_string())
    } else {
        Err(Invalid::new(message_id))
    }
}

/// Validates `input` with the named validator (`this_year` bounds years).
pub fn validate(validator: &str, input: &str, this_year: i32) -> Result<String, Invalid> {
    match validator {
        "id-number" => IdNumber::parse(input)
            .map(|id| id.as_str().to_string())
            .map_err(|err| {
                let mut invalid = Invalid::new(err.message_id());
                match err {
                    crate::accounts::identity::IdNumberError::Length { found } => {
                        invalid.args.push(("found", (found as i64).into()));
                    }
                    crate::accounts::identity::IdNumberError::NotDigits { position } => {
                        invalid.args.push(("position", (position as i64).into()));
                    }
                    _ => {}
                }
                invalid
            }),
        "mobile" => Mobile::parse(input)
            .map(|mobile| mobile.as_str().to_string())
            .map_err(|err| {
                let mut invalid = Invalid::new(err.message_id());
                if let crate::accounts::identity::MobileError::Length { found } = err {
                    invalid.args.push(("found", (found as i64).into()));
                }
                invalid
            }),
        "year" => {
            let digits = normalize(input.trim());
            match digits.parse::<i32>() {
                Ok(year) if digits.len() == 4 && (1950..=this_year + 1).contains(&year) => {
                    Ok(digits)
                }
                _ => Err(Invalid {
                    message_id: "input-year",
                    args: vec![("max", i64::from(this_year + 1).into())],
                }),
            }
        }
        "code" => {
            let code: String = normalize(input)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
                Ok(code)
            } else {
                Err(Invalid::new("input-code"))
            }
        }
        // A name has no digits: a password typed here by mistake is refused, not kept.
        "name" => text_between(input, 1, 30, "input-name").and_then(|name| {
            if name.chars().any(|c| c.is_ascii_digit()) {
                Err(Invalid::new("input-name"))
            } else {
                Ok(name)
            }
        }),
        "school" => text_between(input, 2, 50, "input-school"),
        "level" => text_between(input, 1, 20, "input-level"),
        "number" => {
            let number: String = normalize(input)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if (3..=30).contains(&number.len()) && number.chars().all(|c| c.is_ascii_alphanumeric())
            {
                Ok(number)
            } else {
                Err(Invalid::new("input-number"))
            }
        }
        // Usernames are letters, digits and underscores (an e-mail or mobile may sign in too):
        // a password typed here by mistake is refused, not kept.
        "username" => text_between(input, 2, 40, "input-username").and_then(|username| {
            if username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@'))
            {
                Ok(username)
            } else {
                Err(Invalid::new("input-username"))
            }
        }),
        "password" => {
            let value = input.trim_end_matches(['\r', '\n']);
            if (1..=64).contains(&value.chars().count()) {
                Ok(value.to_string())
            } else {
                Err(Invalid::new("input-password"))
            }
        }
        "photo" => Err(Invalid::new("input-photo-expected")),
        _ => text_between(input, 1, 200, "input-text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_and_errors_named() {
        assert_eq!(
            validate("id-number", "11010519491231002x", 2026),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            validate("id-number", "1101051949123100", 2026).map_err(|e| e.message_id),
            Err("id-number-length")
        );
        assert_eq!(validate("year", "２０１９", 2026), Ok("2019".into()));
        assert_eq!(
            validate("year", "2028", 2026).map_err(|e| e.message_id),
            Err("input-year")
        );
        assert_eq!(
            validate("year", "19", 2026).map_err(|e| e.message_id),
            Err("input-year")
        );
        assert_eq!(validate("code", " 123 456 ", 2026), Ok("123456".into()));
        assert_eq!(
            validate("code", "12345", 2026).map_err(|e| e.message_id),
            Err("input-code")
        );
        assert_eq!(
            validate("mobile", "+86 138-1234-5678", 2026),
            Ok("13812345678".into())
        );
        assert_eq!(
            validate("school", "北", 2026).map_err(|e| e.message_id),
            Err("input-school")
        );
        assert_eq!(validate("number", "A12 345", 2026), Ok("a12345".into()));
        assert_eq!(
            validate("username", " lisi2024 ", 2026),
            Ok("lisi2024".into())
        );
        assert_eq!(
            validate("username", "Demo-pass-2024", 2026).map_err(|e| e.message_id),
            Err("input-username")
        );
        assert_eq!(validate("name", "李四", 2026), Ok("李四".into()));
        assert_eq!(
            validate("name", "Abc12345", 2026).map_err(|e| e.message_id),
            Err("input-name")
        );
        assert_eq!(
            validate("photo", "hello", 2026).map_err(|e| e.message_id),
            Err("input-photo-expected")
        );
    }
}
