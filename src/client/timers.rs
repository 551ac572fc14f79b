//! Deadlines as data: an ordered table of (deadline, timer) pairs, one entry per timer key, so the
//! driver keeps a single real timer set to [`Timers::earliest`] and the engine fires every due
//! entry in deadline order when it calls back.
//!
//! Must not: read a clock (every deadline is computed by the caller from its `now_ms`), or decide
//! what a firing timer means (the connection does that in `lifecycle.rs`).

use std::collections::{BTreeSet, HashMap};

/// Which timer a deadline belongs to. The order of the variants breaks ties between timers due
/// at the same millisecond: connection-level timers fire before per-subscription/request ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum TimerKey {
    /// Socket open + handshake limit of the current dial (`Options::timeout`).
    Dial,
    /// The pause before the next dial of the reconnect loop.
    Reconnect,
    /// Client keepalive PING period (`Options::ping_interval`).
    Ping,
    /// Deadline of the PING sent by `check_connection`: no PONG by then means stale.
    Check,
    /// A subscription's "first message" timeout, by sid.
    Sub(u32),
    /// A request's timeout / request-many wait, by token.
    Request(u32),
}

/// The deadline table. Both maps always hold the same entries.
#[derive(Debug, Default)]
pub(super) struct Timers {
    by_deadline: BTreeSet<(u64, TimerKey)>,
    by_key: HashMap<TimerKey, u64>,
}

impl Timers {
    /// Arms (or re-arms) `key` to fire at `at` ms.
    pub(super) fn set(&mut self, key: TimerKey, at: u64) {
        if let Some(old) = self.by_key.insert(key, at) {
            self.by_deadline.remove(&(old, key));
        }
        self.by_deadline.insert((at, key));
    }

    /// Disarms `key`; nothing happens if it was not armed.
    pub(super) fn cancel(&mut self, key: TimerKey) {
        if let Some(old) = self.by_key.remove(&key) {
            self.by_deadline.remove(&(old, key));
        }
    }

    pub(super) fn is_set(&self, key: TimerKey) -> bool {
        self.by_key.contains_key(&key)
    }

    /// The earliest deadline of all armed timers.
    pub(super) fn earliest(&self) -> Option<u64> {
        self.by_deadline.first().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer whose deadline is `<= now`.
    pub(super) fn pop_due(&mut self, now: u64) -> Option<TimerKey> {
        let &(at, key) = self.by_deadline.first()?;
        if at > now {
            return None;
        }
        self.by_deadline.pop_first();
        self.by_key.remove(&key);
        Some(key)
    }

    pub(super) fn clear(&mut self) {
        self.by_deadline.clear();
        self.by_key.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_deadline_order_and_rearms_replace() {
        let mut t = Timers::default();
        t.set(TimerKey::Request(1), 50);
        t.set(TimerKey::Ping, 30);
        t.set(TimerKey::Sub(2), 40);
        t.set(TimerKey::Request(1), 20); // re-arm moves it
        assert_eq!(t.earliest(), Some(20));
        assert_eq!(t.pop_due(10), None);
        assert_eq!(t.pop_due(100), Some(TimerKey::Request(1)));
        t.cancel(TimerKey::Ping);
        assert!(!t.is_set(TimerKey::Ping));
        assert_eq!(t.pop_due(100), Some(TimerKey::Sub(2)));
        assert_eq!(t.pop_due(100), None);
        assert_eq!(t.earliest(), None);
    }
}
