//! The JS-facing JetStream helpers (`src/jetstream` behind them), used by `js/jetstream/jsmsg.ts`.
//!
//! `parseAckSubject` crosses as one `Float64Array` of numbers and UTF-16 offsets into the subject
//! the caller already holds, so no string is built or copied on the way back; the layout is
//! `ACK_INFO_*` below and mirrored in `jsmsg.ts`. The ack bodies are not here: they are constants
//! or a few characters of JSON that TypeScript writes cheaper than a call could cross.
//!
//! Must not: keep state between calls, build strings on the success path, or panic/trap on any
//! subject (a server or a peer controls it): a bad subject is a thrown error.

use wasm_bindgen::prelude::*;

use super::bindings::js_error;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::NANOS_PER_MS;
use crate::jetstream::ack::parse_ack_subject;

/// Slots of the array `parseAckSubject` returns:
/// - 0 delivered, 1 stream seq, 2 delivery (consumer) seq, 5 pending;
/// - 3 the timestamp's whole milliseconds since the epoch (exact: below 2^53 ms, ~285,000 years)
///   and 4 the nanoseconds left over (0..999,999): the u64 nanoseconds stay exact across the
///   crossing, where one f64 would round them to ~256 ns;
/// - 6..7 domain, 8..9 account hash, 10..11 stream, 12..13 consumer: `[start, end)` UTF-16
///   offsets into the subject; an empty range for no domain (v1, or `_`) and no account hash (v1).
///
/// Counts above 2^53 lose precision as f64, as they do in nats.deno's `parseInt`.
const ACK_INFO_LEN: usize = 14;

/// `[start, end)` of `part` in `subject` in UTF-16 code units (JS string indices). `part` is a
/// slice of `subject` or empty; an empty part is `(0, 0)`.
fn span(subject: &str, part: &str, ascii: bool) -> (f64, f64) {
    if part.is_empty() {
        return (0.0, 0.0);
    }
    // The parser returns sub-slices of `subject`, so the pointer difference is the byte offset.
    let start = (part.as_ptr() as usize).wrapping_sub(subject.as_ptr() as usize);
    let end = start + part.len();
    if ascii {
        return (start as f64, end as f64);
    }
    // Token bounds follow a '.', so they are char boundaries; `get` keeps a mistake from panicking.
    let units = |b: usize| subject.get(..b).map_or(0, |s| s.encode_utf16().count()) as f64;
    (units(start), units(end))
}

/// The delivery info of a `$JS.ACK` reply subject (either form, docs/jetstream.md "Ack
/// subjects") as `ACK_INFO_LEN` numbers. Throws an `Error` with code `BAD_SUBJECT` whose message
/// says why (`not js message: ...`) for anything else.
#[wasm_bindgen(js_name = parseAckSubject)]
pub fn parse_ack_subject_js(subject: &str) -> Result<Vec<f64>, JsValue> {
    let info = parse_ack_subject(subject)
        .map_err(|e| js_error(NatsError::new(ErrorCode::BadSubject, e.to_string())))?;
    let ascii = subject.is_ascii();
    let (d0, d1) = span(subject, info.domain, ascii);
    let (a0, a1) = span(subject, info.account_hash.unwrap_or(""), ascii);
    let (s0, s1) = span(subject, info.stream, ascii);
    let (c0, c1) = span(subject, info.consumer, ascii);
    let out: [f64; ACK_INFO_LEN] = [
        info.delivered as f64,
        info.stream_seq as f64,
        info.delivery_seq as f64,
        (info.timestamp_nanos / NANOS_PER_MS) as f64,
        (info.timestamp_nanos % NANOS_PER_MS) as f64,
        info.pending as f64,
        d0,
        d1,
        a0,
        a1,
        s0,
        s1,
        c0,
        c1,
    ];
    Ok(out.to_vec())
}
