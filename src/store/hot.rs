//! The traffic behind the hot questions: per entry, how many conversations got it as a definite
//! answer since a moment. Read by the hot questions' background count, never per request.

use super::{Database, StoreError};

/// One entry and how many distinct conversations were answered with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedEntry {
    pub entry_id: String,
    pub conversations: i64,
}

impl Database {
    /// Per entry, the distinct conversations that got a definite answer with it at or after
    /// `since_ms`, most asked first (ties by entry id, so the order is stable).
    ///
    /// Only `definite` counts: what students typed themselves and the search answered. A
    /// `picked` answer came from a button we showed (the start menu's hot questions, related
    /// questions, suggestions); counting those would let the menu feed itself (what is shown is
    /// pressed, what is pressed is shown) and freeze the list. Conversations, not messages, are
    /// counted, so one student asking the same thing ten times counts once.
    pub async fn definite_answers_by_entry(
        &self,
        since_ms: i64,
    ) -> Result<Vec<AskedEntry>, StoreError> {
        // `messages_by_outcome (outcome, created_at)` narrows the scan to the window's answers.
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT entry_id, COUNT(DISTINCT conversation_id) AS asked FROM messages \
             WHERE outcome = 'definite' AND created_at >= $1 AND entry_id IS NOT NULL \
             GROUP BY entry_id ORDER BY asked DESC, entry_id",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(entry_id, conversations)| AskedEntry {
                entry_id,
                conversations,
            })
            .collect())
    }
}
