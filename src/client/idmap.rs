//! `IdMap`: the engine's hash map for its own small integer ids (sids, request tokens, timer
//! keys) and the nuids it draws for mux requests, with a multiply-rotate hasher (the FxHash step)
//! instead of SipHash.
//!
//! Why a hash map and not `BTreeMap`: each `BTreeMap` key/value type costs the wasm module about
//! 8 KB of node-balancing code, a `HashMap` type well under half of that, and the ids here need
//! order only on rare paths (resubscribe, close, drain), where callers sort. Why this hasher: the
//! keys are ids this engine hands out itself (never chosen by a peer, so there is no collision
//! flooding to defend against), and on the delivery hot path one multiply is cheaper than SipHash.
//!
//! Must not: hold keys that come from the network or the user (subjects, header names): those
//! need a seeded hasher. Looking up such a key is fine: only inserted keys shape the table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` keyed by an engine-issued id.
pub(super) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// FxHash: rotate, xor the word in, multiply by a large odd constant (spreads sequential ids
/// over both the low bits hashbrown indexes with and the high bits it tags with).
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_spread_over_low_and_high_bits() {
        let hash = |n: u32| {
            let mut h = IdHasher::default();
            h.write_u32(n);
            h.finish()
        };
        let low: std::collections::HashSet<u64> = (1..=64).map(|n| hash(n) & 63).collect();
        let high: std::collections::HashSet<u64> = (1..=64).map(|n| hash(n) >> 57).collect();
        assert!(low.len() > 32 && high.len() > 32, "{} {}", low.len(), high.len());
        let mut m: IdMap<u32, u32> = IdMap::default();
        for n in 0..1000 {
            m.insert(n, n * 2);
        }
        assert!((0..1000).all(|n| m.get(&n) == Some(&(n * 2))));
    }
}
