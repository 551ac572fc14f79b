//! JetStream's per-message and timer logic, sans-IO (docs/jetstream.md): ack subjects and bodies,
//! consumer status messages, the pull-consume accounting, the idle-heartbeat monitor and the
//! ordered consumer's sequence tracking. Each machine takes time as `now_ms` and randomness as an
//! argument, and returns values or actions for its caller to carry out.
//!
//! Must not: do I/O, read a clock, draw random numbers, or parse JSON API responses (request and
//! response shapes stay in TypeScript: a JSON library would cost the wasm module ~40 KB gzipped).
//! The few small JSON bodies these machines originate are written by hand with `proto::json`.

pub mod ack;
pub mod backoff;
pub mod digest;
pub mod heartbeat;
pub mod legacy;
pub mod ordered;
pub mod pull;
pub mod pull_options;
pub mod run;
pub mod status;

#[cfg(test)]
mod tests;

/// Wire fields are nanoseconds, user options milliseconds.
pub(crate) const NANOS_PER_MS: u64 = 1_000_000;

/// A plain decimal u64, the one number format of ack subjects and status headers: ASCII digits
/// only (no sign, space, exponent or `0x`), not empty, no overflow. Anything else is `None`: a
/// garbled number must never be read as some other number (JavaScript's `parseInt` would).
pub(crate) fn decimal_u64(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    // By hand: every delivered JetStream message has five of these numbers, and in wasm32
    // `str::parse` (like `checked_mul`) tests each step for overflow with a 128-bit multiply
    // (`__multi3`). Comparing with the largest value that can take one more digit is the same
    // test with plain 64-bit arithmetic.
    const LAST: u64 = u64::MAX / 10;
    const LAST_DIGIT: u64 = u64::MAX % 10;
    let bytes = text.as_bytes();
    let mut n: u64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let d = u64::from(bytes[i].wrapping_sub(b'0'));
        if d > 9 || n > LAST || (n == LAST && d > LAST_DIGIT) {
            return None;
        }
        n = n * 10 + d;
        i += 1;
    }
    Some(n)
}
