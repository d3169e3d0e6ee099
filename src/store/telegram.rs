//! The Telegram channel's chats: which conversation a chat is, the last update handled, and the
//! callback keys of the last inline keyboard sent, and whether its user chose a language; which
//! instance sends each pushed message to a chat.

use sqlx::Row;

use super::{Database, StoreError, now_ms};

/// A Telegram chat as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramChat {
    pub conversation_id: String,
    pub last_update_id: i64,
    /// JSON object: callback key → button payload.
    pub keyboard: String,
}

impl Database {
    /// The stored chat (`None`: the chat has not written before).
    pub async fn telegram_chat(&self, chat_id: i64) -> Result<Option<TelegramChat>, StoreError> {
        let row = sqlx::query(
            "SELECT conversation_id, last_update_id, keyboard FROM telegram_chats \
             WHERE chat_id = $1",
        )
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(TelegramChat {
                conversation_id: row.try_get("conversation_id")?,
                last_update_id: row.try_get("last_update_id")?,
                keyboard: row.try_get("keyboard")?,
            })
        })
        .transpose()
    }

    /// Links a chat to a new conversation (replacing any earlier link).
    pub async fn link_telegram_chat(
        &self,
        chat_id: i64,
        conversation_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM telegram_chats WHERE chat_id = $1")
            .bind(chat_id)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO telegram_chats (chat_id, conversation_id, last_update_id, keyboard, \
             created_at) VALUES ($1, $2, -1, '{}', $3)",
        )
        .bind(chat_id)
        .bind(conversation_id)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks an update of the chat handled; `false` when it (or a later one) was handled
    /// already, by this process or another.
    pub async fn claim_telegram_update(
        &self,
        chat_id: i64,
        update_id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE telegram_chats SET last_update_id = $1 \
             WHERE chat_id = $2 AND last_update_id < $1",
        )
        .bind(update_id)
        .bind(chat_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims the sending of a pushed message to a chat; `true` for the one process (of all
    /// instances) that claimed it first and so sends it.
    pub async fn claim_telegram_pushed(
        &self,
        chat_id: i64,
        pushed_id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO telegram_pushed (chat_id, pushed_id, claimed_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(chat_id)
        .bind(pushed_id)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets the claims made before `before_ms` (no instance hears those messages any more);
    /// returns how many.
    pub async fn prune_telegram_pushed(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM telegram_pushed WHERE claimed_at < $1")
            .bind(before_ms)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Replaces the callback keys of the chat's keyboard.
    pub async fn set_telegram_keyboard(
        &self,
        chat_id: i64,
        keyboard: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE telegram_chats SET keyboard = $1 WHERE chat_id = $2")
            .bind(keyboard)
            .bind(chat_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The chats whose conversation was active since `since_ms` (a turn or a pushed message), with
    /// their conversations: what a starting channel listens to.
    pub async fn telegram_chats_active_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.chat_id, t.conversation_id FROM telegram_chats t \
             JOIN conversations c ON c.id = t.conversation_id WHERE c.updated_at >= $1",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| Ok((row.try_get("chat_id")?, row.try_get("conversation_id")?)))
            .collect()
    }

    /// The chats of a conversation (pushed messages go to them).
    pub async fn telegram_chats_of(&self, conversation_id: &str) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT chat_id FROM telegram_chats WHERE conversation_id = $1")
            .bind(conversation_id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|row| Ok(row.try_get("chat_id")?))
            .collect()
    }
}

/// A chat's conversation replaced (a restart), and its language choice.
impl Database {
    /// Points the chat at another conversation, keeping what the chat itself remembers (the last
    /// update handled, the language chosen).
    pub async fn relink_telegram_chat(
        &self,
        chat_id: i64,
        conversation_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE telegram_chats SET conversation_id = $1 WHERE chat_id = $2")
            .bind(conversation_id)
            .bind(chat_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether the chat's user chose a language (`false` too for a chat not stored).
    pub async fn telegram_language_chosen(&self, chat_id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT language_chosen FROM telegram_chats WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(self.pool())
            .await?;
        let chosen: i64 = match row {
            Some(row) => row.try_get("language_chosen")?,
            None => 0,
        };
        Ok(chosen != 0)
    }

    /// Remembers that the chat's user chose its language.
    pub async fn choose_telegram_language(&self, chat_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE telegram_chats SET language_chosen = 1 WHERE chat_id = $1")
            .bind(chat_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// The "tell us why" prompts sent with ForceReply: only a reply to one of them is a reason's text.
impl Database {
    /// Remembers a prompt the bot sent to the chat for the reason of a vote on `entry_id`.
    pub async fn add_telegram_reason_prompt(
        &self,
        chat_id: i64,
        message_id: i64,
        conversation_id: &str,
        entry_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO telegram_reason_prompts \
             (chat_id, message_id, conversation_id, entry_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, message_id) DO NOTHING",
        )
        .bind(chat_id)
        .bind(message_id)
        .bind(conversation_id)
        .bind(entry_id)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The conversation and entry a prompt of the chat asked the reason for (`None`: the
    /// message is no such prompt, or it was answered already).
    pub async fn telegram_reason_prompt(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT conversation_id, entry_id FROM telegram_reason_prompts \
             WHERE chat_id = $1 AND message_id = $2",
        )
        .bind(chat_id)
        .bind(message_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Forgets an answered prompt.
    pub async fn remove_telegram_reason_prompt(
        &self,
        chat_id: i64,
        message_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM telegram_reason_prompts WHERE chat_id = $1 AND message_id = $2")
            .bind(chat_id)
            .bind(message_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
