//! Inline keyboards: a button's payload may be longer than the 64 bytes of callback data
//! Telegram allows, so each button carries a short key (a hash of its payload) and the chat keeps
//! the keys of its last keyboard. A key not among them is a press on a stale keyboard.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use teloxide::types::InlineKeyboardButton;

use crate::message::Button;

/// The longest button label sent, in characters: Telegram shows a long label cut short anyway,
/// and a title written for a page must not make a keyboard unusable.
pub const MAX_LABEL_CHARS: usize = 64;

/// A button's label as sent: cut at [`MAX_LABEL_CHARS`] with an ellipsis.
pub fn label(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(MAX_LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The short keys of the keyboards of one reply.
#[derive(Debug, Default)]
pub struct Keys(BTreeMap<String, String>);

/// The callback data of a payload: `k` and 16 hex digits of its SHA-256 (17 bytes).
pub fn key_of(payload: &str) -> String {
    let digest = Sha256::digest(payload.as_bytes());
    format!("k{}", crate::text::hex(&digest[..8]))
}

impl Keys {
    /// The buttons as keyboard rows (one button a row), their keys remembered.
    pub fn rows(&mut self, buttons: &[Button]) -> Vec<Vec<InlineKeyboardButton>> {
        buttons
            .iter()
            .map(|button| {
                let key = self.remember(&button.payload);
                vec![InlineKeyboardButton::callback(label(&button.label), key)]
            })
            .collect()
    }

    /// The short key of a payload, remembered.
    pub fn remember(&mut self, payload: &str) -> String {
        let key = key_of(payload);
        self.0.insert(key.clone(), payload.to_string());
        key
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// These keys added to a stored keyboard (kept as it is where it cannot be read): for a
    /// reply that must not make the buttons of the chat's last keyboard stale.
    pub fn merged_into(&self, stored: &str) -> String {
        let mut keys: BTreeMap<String, String> = serde_json::from_str(stored).unwrap_or_default();
        keys.extend(self.0.clone());
        serde_json::to_string(&keys).unwrap_or_else(|_| "{}".into())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }
}

/// The payload of a key in a stored keyboard (`None`: not on the chat's last keyboard).
pub fn payload(stored: &str, key: &str) -> Option<String> {
    let keys: BTreeMap<String, String> = serde_json::from_str(stored).ok()?;
    keys.get(key).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_payload_fits_in_callback_data_and_maps_back() {
        let long = "dialog:duplicate-id:".repeat(20);
        let mut keys = Keys::default();
        keys.rows(&[Button {
            label: "是".into(),
            payload: long.clone(),
        }]);
        let key = key_of(&long);
        assert!(key.len() <= 64);
        assert_eq!(payload(&keys.to_json(), &key), Some(long));
        assert_eq!(payload(&keys.to_json(), "kunknown"), None);
        assert_eq!(payload("not json", &key), None);
    }

    #[test]
    fn long_labels_are_cut_and_short_ones_kept() {
        assert_eq!(label("忘记用户名怎么办？"), "忘记用户名怎么办？");
        let long = "证".repeat(100);
        let cut = label(&long);
        assert_eq!(cut.chars().count(), MAX_LABEL_CHARS);
        assert!(cut.ends_with('…'));
    }
}
