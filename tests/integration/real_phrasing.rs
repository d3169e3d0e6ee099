//! How the search holds up on the way real people write: the site's name alone is no topic,
//! Taiwan vocabulary in traditional script finds the mainland words, and a known phrasing wrapped
//! in words of the asker's own is still recognised.

use crate::common;

use helpbot::knowledge::Outcome;
use helpbot::locale::Locale;

fn search(question: &str) -> helpbot::knowledge::SearchResult {
    let config = common::config("sqlite::memory:");
    let content = helpbot::runtime::load_content(&config).expect("content loads");
    content
        .knowledge
        .search(question, Locale::ZhCn)
        .expect("search")
}

#[test]
fn the_sites_name_alone_names_no_topic() {
    for question in ["学信网是什么", "学信网？", "chsi"] {
        let result = search(question);
        assert_eq!(
            result.outcome,
            Outcome::None,
            "{question}: {:?}",
            result.hits
        );
    }
    // With a topic word beside it, the name does not stand in the way.
    let result = search("学信网的用户名忘了");
    assert_eq!(
        result.hits.first().map(|h| h.id.as_str()),
        Some("find-username")
    );
}

#[test]
fn taiwan_vocabulary_reaches_the_mainland_words() {
    // 使用者名稱 is 用户名, 登入 is 登录, 簡訊 is 短信: character conversion alone keeps them apart.
    for (question, expected) in [
        ("使用者名稱忘記了", "find-username"),
        ("手機收不到簡訊驗證碼", "sms-code-not-received"),
    ] {
        let result = search(question);
        assert_eq!(
            result.hits.first().map(|h| h.id.as_str()),
            Some(expected),
            "{question}: {:?}",
            result.hits
        );
        assert_ne!(result.outcome, Outcome::None, "{question}");
    }
}

#[test]
fn a_known_phrasing_wrapped_in_own_words_is_still_answered() {
    let plain = search("忘记用户名怎么办");
    let wrapped = search("您好，我前几天忘记用户名之后一直没法弄，急");
    assert_eq!(plain.outcome, Outcome::Definite);
    assert_eq!(
        wrapped.hits.first().map(|h| h.id.as_str()),
        Some("find-username")
    );
    assert_ne!(wrapped.outcome, Outcome::None, "{:?}", wrapped.hits);
}
