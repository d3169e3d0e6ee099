//! Files uploaded in a conversation (the ID photos of the photo route), stored once in their own
//! table and referenced from the dialog's slots by id: the conversation's state stays small, and
//! neither it nor the in-memory cache of conversations carries pictures.

use super::{Database, StoreError, now_ms};

impl Database {
    /// Keeps an upload of a conversation; its id.
    pub async fn save_upload(
        &self,
        conversation_id: &str,
        content: &[u8],
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO uploads (id, conversation_id, content, size, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(conversation_id)
        .bind(content.to_vec())
        .bind(content.len() as i64)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// An upload of the conversation (`None`: no such upload, or another conversation's).
    pub async fn upload(
        &self,
        conversation_id: &str,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            sqlx::query_scalar(
                "SELECT content FROM uploads WHERE id = $1 AND conversation_id = $2",
            )
            .bind(id)
            .bind(conversation_id)
            .fetch_optional(self.pool())
            .await?,
        )
    }

    /// Forgets uploads once they were handed on (the account store keeps its own copy).
    pub async fn delete_uploads(
        &self,
        conversation_id: &str,
        ids: &[&str],
    ) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("DELETE FROM uploads WHERE id = $1 AND conversation_id = $2")
                .bind(id)
                .bind(conversation_id)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }
}
