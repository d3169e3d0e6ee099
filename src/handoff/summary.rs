//! What an agent reads first about a handed-over conversation: the dialog and step it reached,
//! the slots it collected (personal data masked, secrets never: the dialog engine drops them
//! every turn and they are left out here again), and the last exchanges between the student and
//! the bot, masked too. The whole history stays readable to the agent who takes it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::message::{BotMessage, ReplyKind};
use crate::pii;
use crate::store::{Sender, StoredMessage};

/// Lines of the conversation the summary keeps, the latest.
const LINES: usize = 8;
/// Characters of one line the summary keeps.
const LINE_CHARS: usize = 200;
/// Slots that hold a name or an identifier of the student: only their first character shows.
const NAME_SLOTS: &[&str] = &["real_name", "classmate_name", "username", "number"];
/// Stands for what the student typed at a dialog's step (its value is in the slots, masked).
const DIALOG_INPUT: &str = "[dialog input]";
/// Slots that mean nothing to an agent (internal ids).
const HIDDEN_SLOTS: &[&str] = &["account_id"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The dialog the student was in, and the step it reached.
    pub dialog: Option<String>,
    pub step: Option<String>,
    /// Slots collected, masked, by name.
    pub slots: BTreeMap<String, String>,
    /// The last lines of the conversation, oldest first.
    pub lines: Vec<Line>,
}

/// One line of the conversation in a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// "student", "bot" or "agent".
    pub from: String,
    pub text: String,
}

/// Where a dialog stood when it handed over.
pub struct DialogPosition<'a> {
    pub dialog: &'a str,
    pub step: &'a str,
    pub slots: &'a BTreeMap<String, String>,
}

impl Summary {
    /// Builds the summary; `is_secret` names the slots that hold a secret (left out).
    pub fn build(
        position: Option<DialogPosition<'_>>,
        is_secret: impl Fn(&str) -> bool,
        history: &[StoredMessage],
    ) -> Self {
        let mut summary = Summary::default();
        if let Some(position) = position {
            summary.dialog = Some(position.dialog.to_string());
            summary.step = Some(position.step.to_string());
            summary.slots = position
                .slots
                .iter()
                .filter(|(name, _)| !is_secret(name) && !HIDDEN_SLOTS.contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), mask_slot(name, value)))
                .collect();
        }
        let mut lines = Vec::new();
        let mut in_dialog = false;
        for message in history {
            if let Some((line, dialog)) = line_of(message, in_dialog) {
                lines.push(line);
                in_dialog = dialog;
            }
        }
        let skip = lines.len().saturating_sub(LINES);
        summary.lines = lines.split_off(skip);
        summary
    }
}

/// A stored message as a summary line, and whether it was a dialog's step (what the student
/// types after one is a value for the dialog: a name, a number, shown only as a slot, masked).
fn line_of(message: &StoredMessage, after_dialog_step: bool) -> Option<(Line, bool)> {
    let (from, text, dialog) = match message.sender {
        Sender::User if after_dialog_step => ("student", DIALOG_INPUT.to_string(), true),
        Sender::User => ("student", message.body.clone(), false),
        Sender::Bot => {
            let bot: BotMessage = serde_json::from_str(&message.body).ok()?;
            let from = if bot.sender.is_some() { "agent" } else { "bot" };
            (from, bot.text, bot.kind == ReplyKind::Dialog)
        }
    };
    let short: String = text.chars().take(LINE_CHARS).collect();
    let line = Line {
        from: from.to_string(),
        text: pii::mask(&short).into_owned(),
    };
    Some((line, dialog))
}

/// A slot's value as an agent sees it in the summary.
fn mask_slot(name: &str, value: &str) -> String {
    if name.starts_with("photo") {
        return "[photo]".to_string();
    }
    if NAME_SLOTS.contains(&name) {
        let mut chars = value.chars();
        let first: String = chars.next().into_iter().collect();
        let rest = chars.count().max(1);
        return format!("{first}{}", "*".repeat(rest));
    }
    pii::mask(value).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(sender: Sender, body: &str) -> StoredMessage {
        StoredMessage {
            id: 0,
            sender,
            body: body.to_string(),
            outcome: None,
            entry_id: None,
            created_at: 0,
        }
    }

    #[test]
    fn personal_data_is_masked_and_secrets_left_out() {
        let slots: BTreeMap<String, String> = [
            ("real_name", "张三"),
            ("id_number", "120104199102052530"),
            ("mobile", "13800000001"),
            ("password", "Demo-pass-2024"),
            ("account_id", "acc-1"),
            ("photo_front", "upload-1"),
            ("level", "本科"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let bot = serde_json::to_string(&BotMessage::notice(
            ReplyKind::Dialog,
            "请输入证件号码".into(),
        ))
        .expect("json");
        let history = vec![
            stored(Sender::User, "我的手机是13800000001"),
            stored(Sender::Bot, &bot),
            stored(Sender::User, "张三"),
        ];
        let summary = Summary::build(
            Some(DialogPosition {
                dialog: "duplicate-id",
                step: "ask-id",
                slots: &slots,
            }),
            |name| name == "password",
            &history,
        );
        let json = serde_json::to_string(&summary).expect("json");
        for secret in [
            "Demo-pass-2024",
            "120104199102052530",
            "13800000001",
            "张三",
            "acc-1",
        ] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        assert_eq!(summary.slots["real_name"], "张*");
        assert_eq!(summary.slots["level"], "本科");
        assert_eq!(summary.slots["photo_front"], "[photo]");
        assert_eq!(summary.dialog.as_deref(), Some("duplicate-id"));
        assert_eq!(summary.lines.len(), 3);
        assert_eq!(summary.lines[0].text, "我的手机是138****0001");
        assert_eq!(summary.lines[1].from, "bot");
        assert_eq!(summary.lines[1].text, "请输入证件号码");
        // A value typed at a dialog's step shows only as a (masked) slot.
        assert_eq!(summary.lines[2].text, DIALOG_INPUT);
    }

    #[test]
    fn only_the_latest_lines_are_kept() {
        let history: Vec<StoredMessage> = (0..20)
            .map(|i| stored(Sender::User, &format!("question {i}")))
            .collect();
        let summary = Summary::build(None, |_| false, &history);
        assert_eq!(summary.lines.len(), LINES);
        assert_eq!(
            summary.lines.last().map(|l| l.text.as_str()),
            Some("question 19")
        );
        assert!(summary.dialog.is_none() && summary.slots.is_empty());
    }
}
