//! Deadlines as data: an ordered table of (deadline, timer) pairs, one entry per timer key, so the
//! driver keeps a single real timer set to [`Timers::earliest`] and the engine fires every due
//! entry in deadline order when it calls back.
//!
//! Must not: read a clock (every deadline is computed by the caller from its `now_ms`), or decide
//! what a firing timer means (the connection does that in `lifecycle.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::idmap::IdMap;

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
    /// A subscription hook's deadline (`hooks.rs`), by sid.
    Hook(u32),
}

/// Heap entries beyond twice the armed timers (plus this slack) trigger a compaction.
const STALE_SLACK: usize = 64;

/// The deadline table: `by_key` is the truth (each armed timer's deadline); `heap` orders
/// `(deadline, key)` pairs, earliest first, and may also hold stale pairs of timers since
/// re-armed or cancelled, which are skipped when they surface and dropped in bulk when they
/// outnumber the live ones. A min-heap with lazy deletion instead of a `BTreeSet` for size: the
/// B-tree's balancing code costs the wasm module about 8 KB, the heap a few hundred bytes, and
/// both are O(log n) per timer.
#[derive(Debug, Default)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<(u64, TimerKey)>>,
    by_key: IdMap<TimerKey, u64>,
}

impl Timers {
    /// Arms (or re-arms) `key` to fire at `at` ms.
    pub(super) fn set(&mut self, key: TimerKey, at: u64) {
        self.by_key.insert(key, at);
        self.heap.push(Reverse((at, key)));
        self.tidy();
    }

    /// When `key` is armed to fire, if it is.
    pub(super) fn deadline(&self, key: TimerKey) -> Option<u64> {
        self.by_key.get(&key).copied()
    }

    /// Disarms `key`; nothing happens if it was not armed.
    pub(super) fn cancel(&mut self, key: TimerKey) {
        if self.by_key.remove(&key).is_some() {
            self.tidy();
        }
    }

    pub(super) fn is_set(&self, key: TimerKey) -> bool {
        self.by_key.contains_key(&key)
    }

    /// The earliest deadline of all armed timers.
    pub(super) fn earliest(&self) -> Option<u64> {
        // `tidy` after every change keeps a live entry on top.
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    /// Removes and returns the earliest timer whose deadline is `<= now`.
    pub(super) fn pop_due(&mut self, now: u64) -> Option<TimerKey> {
        let &Reverse((at, key)) = self.heap.peek()?;
        if at > now {
            return None;
        }
        self.heap.pop();
        self.by_key.remove(&key);
        self.tidy();
        Some(key)
    }

    pub(super) fn clear(&mut self) {
        self.heap.clear();
        self.by_key.clear();
    }

    /// Whether a heap entry is the deadline its timer is armed for.
    fn live(by_key: &IdMap<TimerKey, u64>, &Reverse((at, key)): &Reverse<(u64, TimerKey)>) -> bool {
        by_key.get(&key) == Some(&at)
    }

    /// Drops stale entries from the top (so `earliest` is exact), and all of them once they are
    /// more than half the heap (so re-armed request timers cannot grow it without bound).
    fn tidy(&mut self) {
        if self.heap.len() > 2 * self.by_key.len() + STALE_SLACK {
            let by_key = &self.by_key;
            self.heap.retain(|e| Self::live(by_key, e));
        }
        while let Some(top) = self.heap.peek() {
            if Self::live(&self.by_key, top) {
                break;
            }
            self.heap.pop();
        }
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

    #[test]
    fn rearmed_and_cancelled_entries_never_fire_and_do_not_pile_up() {
        let mut t = Timers::default();
        for round in 0..10_000u64 {
            t.set(TimerKey::Request(1), 1_000 + round); // re-armed: the old deadline goes stale
            t.set(TimerKey::Request(2), 500);
            t.cancel(TimerKey::Request(2));
        }
        assert!(t.heap.len() <= 2 * t.by_key.len() + STALE_SLACK + 1, "{}", t.heap.len());
        assert_eq!(t.earliest(), Some(10_999));
        t.set(TimerKey::Ping, 10_999); // same deadline: the earlier variant fires first
        assert_eq!(t.pop_due(20_000), Some(TimerKey::Ping));
        assert_eq!(t.pop_due(20_000), Some(TimerKey::Request(1)));
        assert_eq!(t.pop_due(20_000), None);
        assert_eq!(t.earliest(), None);
        // re-armed to the same deadline twice: fires once
        t.set(TimerKey::Dial, 5);
        t.set(TimerKey::Dial, 5);
        assert_eq!(t.pop_due(5), Some(TimerKey::Dial));
        assert_eq!(t.pop_due(5), None);
    }
}
