//! Turns are written in batches: one task takes the turns that arrive while a transaction commits
//! and writes them together in the next, with one INSERT for all their messages and one UPDATE for
//! all their conversations. Each caller still waits until its own turn is committed. On SQLite
//! every statement is a hand-over to the connection's thread, and a commit is the expensive part,
//! so under load this is what keeps the cost of a turn low; when nobody else is writing a batch is
//! just the one turn.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{AnyPool, AssertSqlSafe};
use tokio::sync::{mpsc, oneshot};

use super::dashboard::{self, TurnFacts};
use super::remembered::RememberedConversations;
use super::{NewMessage, StoreError, now_ms};

/// Turns written in one transaction at most.
const MAX_BATCH_TURNS: usize = 64;
/// Messages in one INSERT at most (6 parameters each; far below both backends' limits).
const MAX_BATCH_MESSAGES: usize = 400;

/// A message with owned text, waiting in a batch.
#[derive(Debug)]
pub(super) struct OwnedMessage {
    sender: &'static str,
    body: String,
    outcome: Option<String>,
    entry_id: Option<String>,
}

/// One turn waiting to be written, and who waits for it.
#[derive(Debug)]
pub(super) struct PendingTurn {
    conversation_id: String,
    locale: String,
    state: String,
    messages: Vec<OwnedMessage>,
    /// What the turn adds to the dashboard's facts (none for a turn that answers nothing).
    facts: Option<TurnFacts>,
    done: oneshot::Sender<Result<(), StoreError>>,
}

impl PendingTurn {
    pub(super) fn new(
        conversation_id: &str,
        locale: &str,
        state: &str,
        messages: &[NewMessage<'_>],
        facts: Option<TurnFacts>,
    ) -> (Self, oneshot::Receiver<Result<(), StoreError>>) {
        let (done, result) = oneshot::channel();
        let turn = Self {
            conversation_id: conversation_id.to_string(),
            locale: locale.to_string(),
            state: state.to_string(),
            messages: messages
                .iter()
                .map(|m| OwnedMessage {
                    sender: m.sender.as_str(),
                    body: m.body.to_string(),
                    outcome: m.outcome.map(String::from),
                    entry_id: m.entry_id.map(String::from),
                })
                .collect(),
            facts,
            done,
        };
        (turn, result)
    }
}

/// The batching task: runs until every sender is gone.
pub(super) async fn write_in_batches(
    pool: AnyPool,
    remembered: Option<Arc<RememberedConversations>>,
    mut turns: mpsc::Receiver<PendingTurn>,
) {
    let remembered = remembered.as_deref();
    while let Some(first) = turns.recv().await {
        let mut messages = first.messages.len();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH_TURNS && messages < MAX_BATCH_MESSAGES {
            match turns.try_recv() {
                Ok(turn) => {
                    messages += turn.messages.len();
                    batch.push(turn);
                }
                Err(_) => break,
            }
        }
        match write(&pool, remembered, &batch).await {
            Ok(()) => {
                for turn in batch {
                    let _ = turn.done.send(Ok(()));
                }
            }
            // One bad turn must not fail the others: write them one by one, so only it fails.
            Err(_) if batch.len() > 1 => {
                for turn in batch {
                    let result = write(&pool, remembered, std::slice::from_ref(&turn)).await;
                    let _ = turn.done.send(result);
                }
            }
            Err(e) => {
                if let Some(turn) = batch.pop() {
                    let _ = turn.done.send(Err(e));
                }
            }
        }
    }
}

/// Writes turns in one transaction: all their messages, then every conversation's newest state.
pub(super) async fn write(
    pool: &AnyPool,
    remembered: Option<&RememberedConversations>,
    batch: &[PendingTurn],
) -> Result<(), StoreError> {
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let messages: Vec<(&str, &OwnedMessage)> = batch
        .iter()
        .flat_map(|turn| {
            turn.messages
                .iter()
                .map(move |m| (turn.conversation_id.as_str(), m))
        })
        .collect();
    if !messages.is_empty() {
        let rows: Vec<String> = (0..messages.len())
            .map(|i| {
                let p = i * 6;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO messages (conversation_id, sender, body, outcome, entry_id, created_at) \
             VALUES {}",
            rows.join(", ")
        );
        // Only generated placeholders are formatted into the SQL; every value is bound.
        let mut insert = sqlx::query(AssertSqlSafe(sql));
        for (conversation, message) in &messages {
            insert = insert
                .bind(*conversation)
                .bind(message.sender)
                .bind(message.body.as_str())
                .bind(message.outcome.as_deref())
                .bind(message.entry_id.as_deref())
                .bind(now);
        }
        insert.execute(&mut *tx).await?;
    }
    let facts: Vec<&TurnFacts> = batch
        .iter()
        .filter_map(|turn| turn.facts.as_ref())
        .collect();
    if !facts.is_empty() {
        dashboard::write_facts(&mut tx, &facts, now).await?;
    }
    // A conversation with two turns in the batch keeps the state of the later one.
    let mut newest: HashMap<&str, &PendingTurn> = HashMap::new();
    for turn in batch {
        newest.insert(turn.conversation_id.as_str(), turn);
    }
    let rows: Vec<String> = (0..newest.len())
        .map(|i| format!("(${}, ${}, ${})", i * 3 + 2, i * 3 + 3, i * 3 + 4))
        .collect();
    // Both backends name the columns of a VALUES list column1, column2, ...
    let sql = format!(
        "UPDATE conversations SET locale = v.column2, state = v.column3, updated_at = $1 \
         FROM (VALUES {}) AS v WHERE conversations.id = v.column1",
        rows.join(", ")
    );
    let mut update = sqlx::query(AssertSqlSafe(sql)).bind(now);
    for (id, turn) in &newest {
        update = update
            .bind(*id)
            .bind(turn.locale.as_str())
            .bind(turn.state.as_str());
    }
    let updated = update.execute(&mut *tx).await?;
    if updated.rows_affected() != newest.len() as u64 {
        return Err(StoreError::Malformed(format!(
            "{} of {} conversations exist",
            updated.rows_affected(),
            newest.len()
        )));
    }
    tx.commit().await?;
    if let Some(remembered) = remembered {
        remembered.committed(
            newest
                .iter()
                .map(|(id, turn)| (*id, turn.locale.as_str(), turn.state.as_str())),
            now,
        );
    }
    Ok(())
}
