//! Photos and image documents. Only in a step that asks for a photo is a picture fetched: the
//! size Telegram reports is checked first (of the sizes Telegram offers of a photo, the largest
//! within the account store's limit is taken), so nothing too large is ever downloaded, and the
//! download itself stops at the limit should the reported size be wrong. The bytes go to the
//! core as [`Input::Photo`]; the core and the account store check what they are. Anywhere else
//! a picture is handed to the core unfetched, and the core says that none is needed now.

use futures_util::StreamExt;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{ChatId, FileMeta};

use super::{Channel, ChannelError, TelegramBot};
use crate::accounts::photo::MAX_PHOTO_BYTES;
use crate::message::Input;

/// The document types taken as photos (what the account store reads).
const IMAGE_TYPES: &[&str] = &["image/jpeg", "image/png"];

/// What a message offers as a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered {
    /// A file within the limit, by the size Telegram reports.
    Within(FileMeta),
    /// Every version of it is larger than the limit (or of no reported size).
    TooLarge,
    /// A document that is not a JPEG or PNG image.
    NotImage,
}

/// The picture a message carries (`None`: neither a photo nor a document).
pub fn offered(message: &Message) -> Option<Offered> {
    if let Some(sizes) = message.photo() {
        return Some(largest_within(sizes.iter().map(|size| &size.file)));
    }
    let document = message.document()?;
    let image = document
        .mime_type
        .as_ref()
        .is_some_and(|mime| IMAGE_TYPES.contains(&mime.essence_str()));
    if !image {
        return Some(Offered::NotImage);
    }
    Some(largest_within(std::iter::once(&document.file)))
}

/// The largest file within the limit, by reported size (a missing size is read as too large).
fn largest_within<'a>(files: impl Iterator<Item = &'a FileMeta>) -> Offered {
    files
        .filter(|file| within_limit(file.size))
        .max_by_key(|file| file.size)
        .map_or(Offered::TooLarge, |file| Offered::Within(file.clone()))
}

fn within_limit(size: u32) -> bool {
    usize::try_from(size).is_ok_and(|size| size <= MAX_PHOTO_BYTES)
}

/// Why a picture could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("getFile: {0}")]
    GetFile(#[from] teloxide::RequestError),
    #[error("download: {0}")]
    Download(#[from] reqwest::Error),
    #[error("the file is larger than its reported size and the limit")]
    TooLarge,
}

/// Fetches a file: getFile, then the download, never reading more than the limit.
pub async fn fetch(bot: &TelegramBot, file: &FileMeta) -> Result<Vec<u8>, FetchError> {
    let found = bot.get_file(file.id.clone()).await?;
    let mut stream = bot.download_file_stream(&found.path);
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
            return Err(FetchError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

impl Channel {
    /// A photo or a document sent to the chat.
    pub(super) async fn picture(
        &self,
        chat: ChatId,
        conversation: &str,
        offered: Offered,
    ) -> Result<(), ChannelError> {
        if !self.assistant.awaits_photo(conversation).await? {
            // No picture is wanted now: the core says so, as for a photo uploaded on the web
            // out of step. Nothing is fetched.
            return self
                .turn(chat, conversation, Input::Photo(Vec::new()))
                .await;
        }
        let locale = self.locale(conversation).await;
        let file = match offered {
            Offered::Within(file) => file,
            Offered::TooLarge => return self.say_too_large(chat, locale).await,
            Offered::NotImage => return self.say(chat, locale, "telegram-file-not-image").await,
        };
        match fetch(&self.bot, &file).await {
            Ok(bytes) => self.turn(chat, conversation, Input::Photo(bytes)).await,
            Err(FetchError::TooLarge) => self.say_too_large(chat, locale).await,
            Err(error) => {
                tracing::warn!(%error, "telegram photo not fetched");
                self.say(chat, locale, "telegram-photo-not-fetched").await
            }
        }
    }

    async fn say_too_large(
        &self,
        chat: ChatId,
        locale: crate::locale::Locale,
    ) -> Result<(), ChannelError> {
        let max_kb = (MAX_PHOTO_BYTES / 1024) as i64;
        let text = self.assistant.content().translations.text(
            locale,
            "telegram-photo-too-large",
            &[("max", max_kb.into())],
        );
        self.bot
            .deliver(chat, self.bot.send_message(chat, text))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: serde_json::Value) -> Message {
        serde_json::from_value(json).expect("a message")
    }

    fn with(key: &str, value: serde_json::Value) -> Message {
        let mut json = serde_json::json!({
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": { "id": 1, "type": "private", "first_name": "A" },
            "from": { "id": 1, "is_bot": false, "first_name": "A" },
        });
        json[key] = value;
        message(json)
    }

    fn size(id: &str, bytes: u32) -> serde_json::Value {
        serde_json::json!({ "file_id": id, "file_unique_id": id, "width": 90, "height": 90, "file_size": bytes })
    }

    #[test]
    fn the_largest_photo_within_the_limit_is_taken() {
        let limit = MAX_PHOTO_BYTES as u32;
        let photo = with(
            "photo",
            serde_json::json!([size("s", 5_000), size("m", limit), size("l", limit + 1)]),
        );
        match offered(&photo) {
            Some(Offered::Within(file)) => assert_eq!(file.id.0, "m"),
            other => panic!("{other:?}"),
        }
        let too_large = with("photo", serde_json::json!([size("l", limit + 1)]));
        assert_eq!(offered(&too_large), Some(Offered::TooLarge));
    }

    #[test]
    fn documents_are_taken_by_type_and_reported_size() {
        let document = |mime: &str, bytes: u32| {
            with(
                "document",
                serde_json::json!({ "file_id": "d", "file_unique_id": "d", "file_size": bytes, "mime_type": mime }),
            )
        };
        assert!(matches!(
            offered(&document("image/png", 1_000)),
            Some(Offered::Within(_))
        ));
        assert_eq!(
            offered(&document("application/pdf", 1_000)),
            Some(Offered::NotImage)
        );
        assert_eq!(
            offered(&document("image/jpeg", MAX_PHOTO_BYTES as u32 + 1)),
            Some(Offered::TooLarge)
        );
        assert_eq!(offered(&with("text", "hi".into())), None);
    }
}
