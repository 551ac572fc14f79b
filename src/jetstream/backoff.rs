//! The randomised wait between recovery attempts (re-checking a consumer, recreating an ordered
//! consumer): nats.deno's `backoff([expires])`, whose every attempt waits `jitter(expires)`.
//! See docs/jetstream.md "Backoff".
//!
//! Must not: draw random numbers itself; the caller passes a uniformly random u64 (the driver's
//! entropy), so tests choose the wait exactly.

/// A wait in `[base/2, base/2 + base)` ms, spread by `random` (uniform over u64): clients that lost
/// the same server do not all come back at the same instant. 0 stays 0.
pub fn jitter_ms(base_ms: u64, random: u64) -> u64 {
    // random / 2^64 is a fraction in [0, 1); scaling in u128 cannot overflow.
    let spread = ((u128::from(random) * u128::from(base_ms)) >> 64) as u64;
    (base_ms / 2).saturating_add(spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_half_to_one_and_a_half() {
        assert_eq!(jitter_ms(0, u64::MAX), 0);
        assert_eq!(jitter_ms(30_000, 0), 15_000);
        assert_eq!(jitter_ms(30_000, u64::MAX), 44_999);
        assert_eq!(jitter_ms(30_000, 1 << 63), 30_000, "the middle of the range");
        assert_eq!(jitter_ms(u64::MAX, u64::MAX), u64::MAX, "saturates");
    }
}
