//! Personal data in free text: ID numbers, mobile numbers and e-mail addresses are masked before
//! any user text reaches a log line or a staff view.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

static ID_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(^|[^0-9a-z])([0-9]{6})[0-9]{8,11}([0-9]{3}[0-9x]|[0-9]{4})($|[^0-9a-z])")
        .expect("static pattern")
});
static MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[^0-9])(\+?86[ -]?)?(1[3-9][0-9])[0-9]{4}([0-9]{4})($|[^0-9])")
        .expect("static pattern")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
        .expect("static pattern")
});

/// The text with every ID number (first 4 and last 4 kept), mobile number (first 3 and last 4
/// kept) and e-mail address (first character and domain kept) masked.
pub fn mask(text: &str) -> Cow<'_, str> {
    let masked = ID_NUMBER.replace_all(text, |c: &regex::Captures<'_>| {
        format!("{}{}**********{}{}", &c[1], &c[2][..4], &c[3], &c[4])
    });
    let masked = MOBILE.replace_all(&masked, |c: &regex::Captures<'_>| {
        format!("{}{}****{}{}", &c[1], &c[3], &c[4], &c[5])
    });
    let masked = EMAIL.replace_all(&masked, "$1***@$2");
    if masked == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(masked.into_owned())
    }
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
    }

    #[test]
    fn lowercase_x_and_plain_text_are_handled() {
        assert!(mask("11010519491231002x").contains("1101**********002x"));
        assert!(matches!(mask("忘记用户名了"), Cow::Borrowed(_)));
        assert_eq!(mask("邮箱IP受限 300KB"), "邮箱IP受限 300KB");
    }
}
