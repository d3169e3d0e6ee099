//! How many event streams may be open at once. Every open widget keeps one, so a student with
//! several tabs on one conversation has several: up to a few are kept, and a newer one replaces
//! the oldest (that tab is told, shows why and does not reconnect by itself: the tab the student
//! looks at is the live one). Each IP address may hold a bounded number; past it a new stream is
//! refused. A stream holds its [`StreamSlot`] while it is open; dropping it frees the place.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// The open streams of this process and their limits.
#[derive(Debug)]
pub struct StreamLimits {
    per_conversation: usize,
    per_ip: usize,
    open: Mutex<OpenStreams>,
}

#[derive(Debug, Default)]
struct OpenStreams {
    next_id: u64,
    /// Oldest first, each with the sender that tells it it was replaced.
    by_conversation: HashMap<String, VecDeque<(u64, oneshot::Sender<()>)>>,
    by_ip: HashMap<IpAddr, usize>,
}

/// Refused: this address already holds as many streams as it may.
#[derive(Debug, PartialEq, Eq)]
pub struct TooManyStreams;

/// A new stream's place and the news that it was replaced.
#[derive(Debug)]
pub struct StreamSlot {
    /// Held as long as the stream is open.
    pub place: SlotPlace,
    /// Resolves when a newer stream of the conversation took this one's place.
    pub replaced: oneshot::Receiver<()>,
}

/// A place among the open streams, freed when dropped.
#[derive(Debug)]
pub struct SlotPlace {
    limits: Arc<StreamLimits>,
    id: u64,
    conversation: String,
    ip: IpAddr,
}

impl StreamLimits {
    pub fn new(per_conversation: usize, per_ip: usize) -> Self {
        Self {
            per_conversation: per_conversation.max(1),
            per_ip: per_ip.max(1),
            open: Mutex::default(),
        }
    }

    /// A place for a new stream of `conversation` from `ip`; the conversation's oldest stream is
    /// told to make room when it already has as many as it may.
    pub fn open(
        self: &Arc<Self>,
        conversation: &str,
        ip: IpAddr,
    ) -> Result<StreamSlot, TooManyStreams> {
        let mut open = self.open.lock().map_err(|_| TooManyStreams)?;
        let from_ip = open.by_ip.get(&ip).copied().unwrap_or(0);
        if from_ip >= self.per_ip {
            return Err(TooManyStreams);
        }
        open.next_id += 1;
        let id = open.next_id;
        *open.by_ip.entry(ip).or_default() += 1;
        let streams = open
            .by_conversation
            .entry(conversation.to_string())
            .or_default();
        while streams.len() >= self.per_conversation {
            if let Some((_, replaced)) = streams.pop_front() {
                let _ = replaced.send(());
            }
        }
        let (replace, replaced) = oneshot::channel();
        streams.push_back((id, replace));
        Ok(StreamSlot {
            place: SlotPlace {
                limits: Arc::clone(self),
                id,
                conversation: conversation.to_string(),
                ip,
            },
            replaced,
        })
    }

    /// Streams open from this address.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        self.open
            .lock()
            .map(|open| open.by_ip.get(&ip).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

impl Drop for SlotPlace {
    fn drop(&mut self) {
        let Ok(mut open) = self.limits.open.lock() else {
            return;
        };
        if let Some(streams) = open.by_conversation.get_mut(&self.conversation) {
            streams.retain(|(id, _)| *id != self.id);
            if streams.is_empty() {
                open.by_conversation.remove(&self.conversation);
            }
        }
        if let Some(count) = open.by_ip.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_ip.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_fourth_tab_replaces_the_oldest_and_closing_frees_the_place() {
        let limits = Arc::new(StreamLimits::new(3, 100));
        let mut first = limits.open("c", ip(1)).expect("first");
        let mut second = limits.open("c", ip(1)).expect("second");
        let _third = limits.open("c", ip(1)).expect("third");
        assert!(first.replaced.try_recv().is_err(), "nothing replaced yet");
        let _fourth = limits.open("c", ip(1)).expect("fourth");
        assert_eq!(first.replaced.try_recv(), Ok(()), "the oldest is replaced");
        assert!(second.replaced.try_recv().is_err());
        // Another conversation is not affected.
        let mut other = limits.open("d", ip(1)).expect("other conversation");
        assert!(other.replaced.try_recv().is_err());
        assert_eq!(limits.open_from(ip(1)), 5);
        drop(first);
        drop(other);
        assert_eq!(limits.open_from(ip(1)), 3);
    }

    #[test]
    fn an_address_at_its_cap_is_refused_until_one_closes() {
        let limits = Arc::new(StreamLimits::new(3, 2));
        let a = limits.open("a", ip(1)).expect("a");
        let _b = limits.open("b", ip(1)).expect("b");
        assert_eq!(limits.open("c", ip(1)).err(), Some(TooManyStreams));
        assert!(limits.open("c", ip(2)).is_ok(), "another address");
        drop(a);
        assert!(limits.open("c", ip(1)).is_ok());
    }
}
