//! Help topics whose text must stay true to the rest of the product: the password rules the
//! account store enforces, official addresses only on the official domain, and the look-alike
//! error messages students paste (mobile number taken, bound or "已存在"; picture captcha or SMS
//! code) each leading to its own entry.

use crate::common;

use helpbot::accounts::password::{Weakness, check_strength};
use helpbot::content::Content;
use helpbot::knowledge::Outcome;
use helpbot::locale::Locale;
use regex::Regex;
use std::sync::Arc;

/// The shipped content (its knowledge base is read through `content.knowledge`).
fn content() -> Arc<Content> {
    let config = common::config("sqlite::memory:");
    helpbot::runtime::load_content(&config).expect("content loads")
}

/// Asserts that each question is answered definitely with its entry.
fn assert_answered_with(cases: &[(&str, Locale, &str)]) {
    let content = content();
    for &(question, locale, expected) in cases {
        let result = content.knowledge.search(question, locale).expect("search");
        let answered = (result.outcome == Outcome::Definite).then(|| result.hits[0].id.as_str());
        assert_eq!(
            answered,
            Some(expected),
            "{question}: {:?}",
            result.hits.first().map(|h| &h.id)
        );
    }
}

#[test]
fn the_password_rules_entry_states_the_length_the_store_enforces() {
    let content = content();
    let knowledge = &content.knowledge;
    let entry = knowledge
        .entry("password-rules")
        .expect("password-rules entry");
    // "8–32" (en dash or hyphen) in every language; the store must accept exactly that range.
    let range = Regex::new(r"(\d+)\s*[–-]\s*(\d+)").expect("regex");
    for locale in [Locale::ZhCn, Locale::En] {
        let answer = &entry.localized(locale).answer;
        let captures = range
            .captures(answer)
            .unwrap_or_else(|| panic!("no length range in the {locale:?} answer: {answer}"));
        let shortest: usize = captures[1].parse().expect("number");
        let longest: usize = captures[2].parse().expect("number");
        let of_length = |n: usize| format!("a1{}", "b".repeat(n - 2));
        assert_eq!(
            check_strength(&of_length(shortest - 1), "student"),
            Err(Weakness::Length),
            "{locale:?} says {shortest} is the shortest"
        );
        assert_eq!(check_strength(&of_length(shortest), "student"), Ok(()));
        assert_eq!(check_strength(&of_length(longest), "student"), Ok(()));
        assert_eq!(
            check_strength(&of_length(longest + 1), "student"),
            Err(Weakness::Length),
            "{locale:?} says {longest} is the longest"
        );
    }
    // The other rules the entry lists are the ones the store checks.
    assert_eq!(
        check_strength("abcd 1234", "student"),
        Err(Weakness::Whitespace)
    );
    assert_eq!(
        check_strength("12345678", "student"),
        Err(Weakness::Variety)
    );
    assert_eq!(
        check_strength("Student2024", "student"),
        Err(Weakness::ContainsUsername)
    );
}

#[test]
fn every_address_the_knowledge_base_gives_is_on_the_official_domain() {
    let content = content();
    let knowledge = &content.knowledge;
    // An address in running text: a host, then an optional ASCII path (Chinese punctuation ends it).
    let url_in_text =
        Regex::new(r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?:/[A-Za-z0-9._~!$&'*+,;=:@%/?#-]*)?")
            .expect("regex");
    let official = |address: &str| {
        let url = reqwest::Url::parse(address).unwrap_or_else(|e| panic!("{address}: {e}"));
        let host = url.host_str().unwrap_or_default().to_owned();
        url.scheme() == "https" && (host == "chsi.com.cn" || host.ends_with(".chsi.com.cn"))
    };
    let mut checked = 0;
    for entry in knowledge.entries() {
        for locale in [Locale::ZhCn, Locale::En] {
            let text = entry.localized(locale);
            let in_answer = url_in_text
                .find_iter(&text.answer)
                .map(|m| m.as_str().to_owned());
            for address in text.links.iter().map(|l| l.url.clone()).chain(in_answer) {
                assert!(official(&address), "{}: {address}", entry.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no address was checked");
    // The entry about phishing names the addresses themselves.
    let official_site = knowledge
        .entry("official-site")
        .expect("official-site entry");
    for locale in [Locale::ZhCn, Locale::En] {
        let answer = &official_site.localized(locale).answer;
        assert!(
            url_in_text.find_iter(answer).count() >= 2,
            "{locale:?}: {answer}"
        );
    }
}

#[test]
fn the_three_messages_about_a_taken_mobile_number_lead_to_three_entries() {
    assert_answered_with(&[
        ("注册时提示手机号码已存在", Locale::ZhCn, "mobile-exists"),
        (
            "该手机号已经注册，可直接登录",
            Locale::ZhCn,
            "phone-or-email-registered",
        ),
        (
            "手机号已被用户186********绑定手机时使用",
            Locale::ZhCn,
            "contact-bound-by-other",
        ),
    ]);
}

#[test]
fn a_picture_captcha_and_a_missing_sms_code_are_different_entries() {
    assert_answered_with(&[
        ("登录时图片验证码总是提示错误", Locale::ZhCn, "captcha"),
        (
            "短信验证码一直收不到",
            Locale::ZhCn,
            "sms-code-not-received",
        ),
        (
            "the captcha picture at sign in is unreadable",
            Locale::En,
            "captcha",
        ),
    ]);
}
