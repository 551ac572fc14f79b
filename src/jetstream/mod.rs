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
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
