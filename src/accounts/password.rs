//! Passwords: the strength rules a new password must meet, and argon2id hashing. A password is
//! never stored or logged, only its salted hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// Why a password is too weak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Weakness {
    #[error("8 to 32 characters")]
    Length,
    #[error("no spaces")]
    Whitespace,
    #[error("at least two of letters, digits and symbols")]
    Variety,
    #[error("must not contain the username")]
    ContainsUsername,
}

impl Weakness {
    pub fn message_id(self) -> &'static str {
        match self {
            Weakness::Length => "password-length",
            Weakness::Whitespace => "password-whitespace",
            Weakness::Variety => "password-variety",
            Weakness::ContainsUsername => "password-contains-username",
        }
    }
}

/// Checks a new password against the rules.
pub fn check_strength(password: &str, username: &str) -> Result<(), Weakness> {
    let length = password.chars().count();
    if !(8..=32).contains(&length) {
        return Err(Weakness::Length);
    }
    if password.chars().any(char::is_whitespace) {
        return Err(Weakness::Whitespace);
    }
    let letters = password.chars().any(|c| c.is_alphabetic());
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let symbols = password.chars().any(|c| !c.is_alphanumeric());
    if u8::from(letters) + u8::from(digits) + u8::from(symbols) < 2 {
        return Err(Weakness::Variety);
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(Weakness::ContainsUsername);
    }
    Ok(())
}

/// An argon2id hash in PHC string form, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches a stored hash (a malformed hash never matches).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules_at_their_boundaries() {
        assert_eq!(check_strength("abc1234", "u"), Err(Weakness::Length));
        assert_eq!(check_strength("abcd1234", "u"), Ok(()));
        assert_eq!(check_strength(&"a1".repeat(16), "u"), Ok(()));
        assert_eq!(check_strength(&"a1".repeat(17), "u"), Err(Weakness::Length));
        assert_eq!(check_strength("abcdefgh", "u"), Err(Weakness::Variety));
        assert_eq!(check_strength("12345678", "u"), Err(Weakness::Variety));
        assert_eq!(check_strength("abcd 1234", "u"), Err(Weakness::Whitespace));
        assert_eq!(
            check_strength("Zhang2024!", "zhang"),
            Err(Weakness::ContainsUsername)
        );
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        let first = hash("abcd1234").expect("hash");
        let second = hash("abcd1234").expect("hash");
        assert_ne!(first, second);
        assert!(first.starts_with("$argon2id$"));
        assert!(verify("abcd1234", &first));
        assert!(!verify("abcd1235", &first));
        assert!(!verify("abcd1234", "not a hash"));
    }
}
