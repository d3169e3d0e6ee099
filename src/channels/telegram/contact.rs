//! Telegram's contact button. At a step that asks for the student's own mobile (the core marks
//! it with [`BotMessage::expects_mobile`](crate::message::BotMessage)) the chat shows a one-time
//! keyboard with a button that shares the user's number, removed once the step is answered. A
//! shared number is only a hint: taken when it is the sender's own contact, normalised, and
//! handed to the core as typed text, so the account checks it as it checks a typed number.

use teloxide::types::{ButtonRequest, Contact, KeyboardButton, KeyboardMarkup, UserId};

/// The number of a contact the sender shared of themselves, as a student would type it (digits
/// only, without China's +86); `None` for someone else's contact.
pub fn own_number(contact: &Contact, sender: Option<UserId>) -> Option<String> {
    let sender = sender?;
    (contact.user_id == Some(sender)).then(|| normalise(&contact.phone_number))
}

/// Digits only; a leading country code of China (`+86`, `86`, `0086`) dropped from a number
/// that is a mainland mobile without it.
pub fn normalise(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    for prefix in ["0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix)
            && rest.len() == 11
        {
            return rest.to_string();
        }
    }
    digits
}

/// A one-time keyboard with the button that shares the user's number.
pub fn keyboard(label: String) -> KeyboardMarkup {
    KeyboardMarkup::new([[KeyboardButton::new(label).request(ButtonRequest::Contact)]])
        .one_time_keyboard()
        .resize_keyboard()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(phone: &str, user: Option<u64>) -> Contact {
        Contact {
            phone_number: phone.into(),
            first_name: "Student".into(),
            last_name: None,
            user_id: user.map(UserId),
            vcard: None,
        }
    }

    #[test]
    fn numbers_are_normalised_as_typed() {
        assert_eq!(normalise("+86 138-0000-0001"), "13800000001");
        assert_eq!(normalise("8613800000001"), "13800000001");
        assert_eq!(normalise("008613800000001"), "13800000001");
        assert_eq!(normalise("13800000001"), "13800000001");
        assert_eq!(normalise("+44 7700 900123"), "447700900123");
    }

    #[test]
    fn only_the_senders_own_contact_is_taken() {
        let own = contact("+8613800000001", Some(7));
        assert_eq!(
            own_number(&own, Some(UserId(7))),
            Some("13800000001".into())
        );
        assert_eq!(own_number(&own, Some(UserId(8))), None);
        assert_eq!(
            own_number(&contact("13800000001", None), Some(UserId(7))),
            None
        );
        assert_eq!(own_number(&own, None), None);
    }
}
