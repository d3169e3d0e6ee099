//! Text helpers every layer uses, in one place: the normalisation that makes what users type
//! comparable (full-width to half-width, lower case, traditional to simplified script), the
//! squeezing of short messages to their letters, the one list of words that steer a
//! conversation (human, back, restart, cancel), in both languages, wherever they are typed, and
//! the language a text is written in (the assistant's language rule builds on it).

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;

use crate::locale::Locale;

/// Bytes in lower-case hexadecimal: how digests, tokens and keys are written.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// OpenCC's Taiwan-to-mainland conversion with its phrase tables, built once: students in Taiwan
/// and Hong Kong write 使用者名稱, 登入, 帳號, 稽核, which character-by-character conversion leaves
/// as 使用者名称, 登入 … and the search then misses 用户名 and 登录. The dictionaries are compiled
/// into the binary, so building cannot fail on anything outside it; if it ever did, text falls
/// back to character-by-character conversion rather than the service refusing to answer.
static TO_SIMPLIFIED: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| match OpenCC::from_config(BuiltinConfig::Tw2sp) {
        Ok(converter) => Some(converter),
        Err(err) => {
            tracing::error!(error = %err, "the traditional-to-simplified converter did not build");
            None
        }
    });

/// NFKC (full-width digits and letters become ASCII), lower case, simplified script with
/// mainland vocabulary.
pub fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    // The phrase tables are for traditional text only: run over simplified text they change
    // characters both scripts share (怎么办 would become 怎幺办), so a text is converted only when
    // it has a character that exists in traditional script alone.
    let by_character = fast2s::convert(&folded);
    if by_character == folded {
        return folded;
    }
    match TO_SIMPLIFIED.as_ref() {
        Some(converter) => converter.convert(&folded),
        None => by_character,
    }
}

/// Punctuation and spacing, ASCII or Chinese, that does not change what a word means.
pub fn is_punctuation_or_space(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '，' | '。' | '！' | '？' | '～' | '、' | '…' | '：' | '；'
        )
}

/// The normalised text without punctuation and spaces: "转 人工！" and "转人工" are the same.
pub fn squeeze(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| !is_punctuation_or_space(*c))
        .collect()
}

/// A Chinese (CJK unified) character.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Whether a text contains Chinese characters.
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(is_cjk)
}

/// Control characters other than line breaks and tabs, or bytes that were not UTF-8 (read as
/// U+FFFD), mean a binary paste, not a question.
pub fn looks_binary(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || text.contains('\u{fffd}')
}

/// The language a message is clearly written in: Chinese characters, or at least two words of
/// Latin letters and no Chinese ("APP" alone, a number or a code decides nothing).
pub fn written_language(text: &str) -> Option<Locale> {
    if looks_binary(text) {
        return None;
    }
    if has_cjk(text) {
        return Some(Locale::ZhCn);
    }
    let words = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .count();
    (words >= 2).then_some(Locale::En)
}

/// The language of a question asked on its own, with no conversation to fall back on (`ask`,
/// `eval`): Chinese when it has Chinese characters, otherwise English.
pub fn likely_language(question: &str) -> Locale {
    if has_cjk(question) {
        Locale::ZhCn
    } else {
        Locale::En
    }
}

/// A word that steers the conversation rather than answering or asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Ask for a person.
    Human,
    /// Go back one step.
    Back,
    /// Start the current dialog again.
    Restart,
    /// Leave the current dialog.
    Cancel,
}

/// The steering word a whole message is, if it is one.
pub fn command(text: &str) -> Option<Command> {
    match squeeze(text).as_str() {
        "转人工" | "人工" | "人工客服" | "找客服" | "找人工" | "human" | "agent"
        | "talktoahuman" | "humanplease" => Some(Command::Human),
        "返回" | "上一步" | "back" => Some(Command::Back),
        "重新开始" | "重来" | "restart" | "startover" => Some(Command::Restart),
        "退出" | "结束" | "取消" | "cancel" | "exit" | "quit" => Some(Command::Cancel),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_width_case_and_script() {
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("帳號註冊"), "帐号注册");
    }

    #[test]
    fn taiwan_vocabulary_becomes_mainland_vocabulary() {
        for (typed, expected) in [
            ("忘記登入密碼怎麼辦", "登录"),
            ("使用者名稱", "用户名"),
            ("收不到簡訊驗證碼", "短信"),
            ("證件號碼等待客服稽核", "证件号码"),
        ] {
            let normalized = normalize(typed);
            assert!(normalized.contains(expected), "{typed} -> {normalized}");
        }
    }

    #[test]
    fn simplified_text_is_left_as_it_is() {
        for text in [
            "学信网账号注册",
            "证件号码重复待审核",
            "手机号已被其他账号绑定",
            "找回用户名",
            "密码忘记了怎么办",
            "这个账号为什么登不上去",
        ] {
            assert_eq!(normalize(text), text);
        }
    }

    #[test]
    fn steering_words_are_the_same_in_and_out_of_dialogs() {
        assert_eq!(command("Talk to a human"), Some(Command::Human));
        assert_eq!(command("转 人工！"), Some(Command::Human));
        assert_eq!(command("返回"), Some(Command::Back));
        assert_eq!(command("Start over"), Some(Command::Restart));
        assert_eq!(command("取消。"), Some(Command::Cancel));
        assert_eq!(command("人工客服电话是多少"), None);
    }

    #[test]
    fn the_written_language_needs_clear_evidence() {
        assert_eq!(written_language("忘记用户名"), Some(Locale::ZhCn));
        assert_eq!(written_language("APP实人验证"), Some(Locale::ZhCn));
        assert_eq!(written_language("forgot my password"), Some(Locale::En));
        assert_eq!(written_language("APP"), None);
        assert_eq!(written_language("13812345678"), None);
        assert_eq!(written_language("ab\u{0}cd ef"), None);
        assert_eq!(likely_language("APP"), Locale::En);
        assert_eq!(likely_language("APP实人验证"), Locale::ZhCn);
    }

    #[test]
    fn binary_is_detected() {
        assert!(looks_binary("abc\u{0}def"));
        assert!(!looks_binary("忘记用户名\n了"));
    }
}
