//! Text helpers every layer uses, in one place: the normalisation that makes what users type
//! comparable (full-width to half-width, lower case, traditional to simplified script), the
//! squeezing of short messages to their letters, and the one list of words that steer a
//! conversation (human, back, restart, cancel), in both languages, wherever they are typed.

use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width digits and letters become ASCII), lower case, simplified script.
pub fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    fast2s::convert(&folded)
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
    fn steering_words_are_the_same_in_and_out_of_dialogs() {
        assert_eq!(command("Talk to a human"), Some(Command::Human));
        assert_eq!(command("转 人工！"), Some(Command::Human));
        assert_eq!(command("返回"), Some(Command::Back));
        assert_eq!(command("Start over"), Some(Command::Restart));
        assert_eq!(command("取消。"), Some(Command::Cancel));
        assert_eq!(command("人工客服电话是多少"), None);
    }
}
