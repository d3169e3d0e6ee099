//! Conversations remembered in memory on the embedded (SQLite) store, so that a turn does not
//! read its conversation back from the file it wrote it to a moment ago. On SQLite every query is
//! a hand-over to the connection's thread and back, and under load that hand-over, not the query,
//! is what a read costs.
//!
//! Only one serving process owns an embedded database file, and every change of a conversation's
//! state or locale goes through this process's turn writer, which updates what is remembered
//! after each commit. Other processes on the same file (`helpbot review`) only add pushed
//! messages, which change nothing remembered but the update time. PostgreSQL, where several
//! instances serve the same conversations, always reads the table.
//!
//! A read that missed fills the memory only if no commit touched that conversation after the read
//! began: every commit of turns gets a number, and a conversation written while it was not
//! remembered leaves a marker with that number. Without this, a read that started before a commit and
//! finished after it could remember the old state for good.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use lru::LruCache;

use super::ConversationRecord;

/// Conversations remembered at most; the least recently used are forgotten first.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(20_000).expect("not zero");

/// What is known of one conversation.
#[derive(Debug)]
enum Remembered {
    /// Its record, kept in step with every commit.
    Record(ConversationRecord),
    /// Not remembered when this commit wrote it: a read that began earlier must not fill.
    WrittenAt(u64),
}

/// What a read saw of the commit count before it asked the database.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReadTicket(u64);

#[derive(Debug)]
pub(super) struct RememberedConversations {
    commits: AtomicU64,
    entries: Mutex<LruCache<String, Remembered>>,
}

impl Default for RememberedConversations {
    fn default() -> Self {
        Self {
            commits: AtomicU64::new(0),
            entries: Mutex::new(LruCache::new(CAPACITY)),
        }
    }
}

impl RememberedConversations {
    /// Commits of turns so far (the background checkpoint watches it).
    pub(super) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// The remembered record, or a ticket to hand back with what the database returns.
    pub(super) fn get(&self, id: &str) -> Result<ConversationRecord, ReadTicket> {
        // Taken before looking, so a commit that lands in between makes the fill stand down.
        let ticket = ReadTicket(self.commits());
        match self.entries.lock().ok().as_mut().and_then(|e| e.get(id)) {
            Some(Remembered::Record(record)) => Ok(record.clone()),
            _ => Err(ticket),
        }
    }

    /// Remembers what a read returned, unless the conversation was committed since it began.
    pub(super) fn fill(&self, ticket: ReadTicket, record: &ConversationRecord) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let stale = match entries.peek(&record.id) {
            None => false,
            Some(Remembered::WrittenAt(commit)) => *commit > ticket.0,
            // A record here is kept in step already.
            Some(Remembered::Record(_)) => true,
        };
        if !stale {
            entries.put(record.id.clone(), Remembered::Record(record.clone()));
        }
    }

    /// A conversation that was just created.
    pub(super) fn created(&self, record: ConversationRecord) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(record.id.clone(), Remembered::Record(record));
        }
    }

    /// After a commit of turns: each conversation's new locale and state (an iterator of
    /// (id, locale, state)) and the commit's time.
    pub(super) fn committed<'a>(
        &self,
        changes: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
        at: i64,
    ) {
        let commit = self.commits.fetch_add(1, Ordering::AcqRel) + 1;
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        for (id, locale, state) in changes {
            match entries.get_mut(id) {
                Some(Remembered::Record(record)) => {
                    locale.clone_into(&mut record.locale);
                    state.clone_into(&mut record.state);
                    record.updated_at = at;
                }
                _ => {
                    entries.put(id.to_string(), Remembered::WrittenAt(commit));
                }
            }
        }
    }

    /// A message was pushed into the conversation: only its update time changed.
    pub(super) fn touched(&self, id: &str, at: i64) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(Remembered::Record(record)) = entries.peek_mut(id)
        {
            record.updated_at = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, state: &str) -> ConversationRecord {
        ConversationRecord {
            id: id.to_string(),
            channel: "web".to_string(),
            locale: "zh-CN".to_string(),
            state: state.to_string(),
            created_at: 1,
            updated_at: 1,
        }
    }

    #[test]
    fn a_filled_read_is_returned_and_kept_in_step_with_commits() {
        let memory = RememberedConversations::default();
        let Err(ticket) = memory.get("c") else {
            panic!("nothing is remembered yet");
        };
        memory.fill(ticket, &record("c", "{}"));
        assert_eq!(
            memory.get("c").ok().map(|r| r.state),
            Some("{}".to_string())
        );
        memory.committed([("c", "en", "{\"turns\":1}")], 5);
        let Ok(now) = memory.get("c") else {
            panic!("still remembered");
        };
        assert_eq!(
            (now.locale.as_str(), now.state.as_str(), now.updated_at),
            ("en", "{\"turns\":1}", 5)
        );
        memory.touched("c", 9);
        assert_eq!(memory.get("c").ok().map(|r| r.updated_at), Some(9));
    }

    #[test]
    fn a_read_that_began_before_a_commit_does_not_fill() {
        let memory = RememberedConversations::default();
        let Err(old_ticket) = memory.get("c") else {
            panic!("nothing is remembered yet");
        };
        // The commit lands while the read is on its way back with the old state.
        memory.committed([("c", "zh-CN", "{\"turns\":1}")], 5);
        memory.fill(old_ticket, &record("c", "{}"));
        let Err(new_ticket) = memory.get("c") else {
            panic!("the old read must not have been remembered");
        };
        // A read that began after the commit may fill.
        memory.fill(new_ticket, &record("c", "{\"turns\":1}"));
        assert_eq!(
            memory.get("c").ok().map(|r| r.state),
            Some("{\"turns\":1}".to_string())
        );
    }

    #[test]
    fn a_created_conversation_is_remembered_at_once() {
        let memory = RememberedConversations::default();
        memory.created(record("new", "{}"));
        assert!(memory.get("new").is_ok());
        assert!(memory.get("other").is_err());
    }
}
