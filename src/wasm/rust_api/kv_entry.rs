//! `KvEntry`: one revision of a KV key (ADR-8), read from the three shapes the server gives it
//! in: a direct get reply (the `Nats-*` headers of ADR-31), a `STREAM.MSG.GET` stored message
//! (JSON with base64 `hdrs` and `data`), and a watch's consumer message (its `$JS.ACK` subject).
//! The operation comes from the `KV-Operation` header, the revision is the stream sequence.
//!
//! Must not: decide what a lookup returns (`kv.rs` does: a delete marker reads as no value), or
//! panic on a reply the server controls (an unreadable one is an `ErrorCode::ApiError` naming
//! the field).

use super::Message;
use super::jetstream::{Fields, num, text};
use super::js_message::JsMessage;
use crate::auth::base64;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::decimal_u64 as digits;
use crate::proto::Headers;
use crate::proto::json::read_object;

/// The header that marks a delete or a purge (absent on a put).
pub(super) const KV_OPERATION: &str = "KV-Operation";

/// ADR-31 headers of a direct get reply.
const NATS_SUBJECT: &str = "Nats-Subject";
const NATS_SEQUENCE: &str = "Nats-Sequence";
const NATS_TIME_STAMP: &str = "Nats-Time-Stamp";

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// What a revision did to its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvOperation {
    Put,
    /// `delete`: the key reads as absent; its history stays.
    Del,
    /// `purge`: the key reads as absent and its earlier history is gone.
    Purge,
}

impl KvOperation {
    /// The `KV-Operation` header value (`PUT` when the header is absent).
    pub fn as_str(self) -> &'static str {
        match self {
            KvOperation::Put => "PUT",
            KvOperation::Del => "DEL",
            KvOperation::Purge => "PURGE",
        }
    }

    fn of(headers: Option<&Headers>) -> KvOperation {
        match headers.and_then(|h| h.get(KV_OPERATION)) {
            Some("DEL") => KvOperation::Del,
            Some("PURGE") => KvOperation::Purge,
            _ => KvOperation::Put,
        }
    }
}

/// One revision of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvEntry {
    pub bucket: String,
    pub key: String,
    /// Empty for a delete or purge marker.
    pub value: Vec<u8>,
    /// The stream sequence of this revision.
    pub revision: u64,
    pub operation: KvOperation,
    /// When the server stored it, ns since the Unix epoch.
    pub created_nanos: u64,
    /// Watch only: how many entries the watch still had to deliver after this one; 0 for `get`.
    pub delta: u64,
}

fn bad(what: &str) -> NatsError {
    NatsError::new(ErrorCode::ApiError, format!("invalid KV entry: {what}"))
}

/// The key of `subject` under `prefix` (`$KV.<bucket>.`).
fn key_of(subject: &str, prefix: &str) -> Result<String, NatsError> {
    match subject.strip_prefix(prefix) {
        Some(key) if !key.is_empty() => Ok(key.to_owned()),
        _ => Err(bad(&format!("subject '{subject}' is not under '{prefix}'"))),
    }
}

impl KvEntry {
    /// From a direct get reply (a 404 is the caller's).
    pub(super) fn from_direct(bucket: &str, prefix: &str, m: Message) -> Result<KvEntry, NatsError> {
        let h = m.headers.as_ref().ok_or_else(|| bad("direct get reply without headers"))?;
        let field = |key: &str| h.get(key).ok_or_else(|| bad(&format!("no {key} header")));
        let revision = field(NATS_SEQUENCE)?.parse().map_err(|_| bad(NATS_SEQUENCE))?;
        let created_nanos = rfc3339_nanos(field(NATS_TIME_STAMP)?).ok_or_else(|| bad(NATS_TIME_STAMP))?;
        Ok(KvEntry {
            bucket: bucket.to_owned(),
            key: key_of(field(NATS_SUBJECT)?, prefix)?,
            operation: KvOperation::of(Some(h)),
            value: m.payload,
            revision,
            created_nanos,
            delta: 0,
        })
    }

    /// From the `message` object of a `STREAM.MSG.GET` reply.
    pub(super) fn from_stored(bucket: &str, prefix: &str, message: &[u8]) -> Result<KvEntry, NatsError> {
        let fields: Fields<'_> = read_object(message).map_err(|e| bad(&e.to_string()))?;
        let decode = |key: &str| match text(&fields, key) {
            Some(b64) => base64::decode(&b64).ok_or_else(|| bad(&format!("{key} is not base64"))),
            None => Ok(Vec::new()),
        };
        let hdrs = decode("hdrs")?;
        let headers = if hdrs.is_empty() {
            None
        } else {
            Some(Headers::decode(&hdrs).map_err(|e| bad(&format!("hdrs: {e:?}")))?)
        };
        let time = text(&fields, "time").ok_or_else(|| bad("no time"))?;
        Ok(KvEntry {
            bucket: bucket.to_owned(),
            key: key_of(&text(&fields, "subject").unwrap_or_default(), prefix)?,
            operation: KvOperation::of(headers.as_ref()),
            value: decode("data")?,
            revision: num(&fields, "seq").ok_or_else(|| bad("no seq"))?,
            created_nanos: rfc3339_nanos(&time).ok_or_else(|| bad("time"))?,
            delta: 0,
        })
    }

    /// From a watch's message: revision, time and pending come from its ack subject.
    pub(super) fn from_js(bucket: &str, prefix: &str, m: JsMessage) -> Result<KvEntry, NatsError> {
        let (revision, created_nanos, delta) = {
            let info = m.info()?;
            (info.stream_seq, info.timestamp_nanos, info.pending)
        };
        Ok(KvEntry {
            bucket: bucket.to_owned(),
            key: key_of(&m.subject, prefix)?,
            operation: KvOperation::of(m.headers.as_ref()),
            value: m.payload,
            revision,
            created_nanos,
            delta,
        })
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An RFC 3339 time as the server writes it (Go's `RFC3339Nano`: `2024-05-01T12:00:00.5Z`, or an
/// offset `+02:00` for `Z`) in ns since the Unix epoch; `None` if malformed or before 1970.
pub(super) fn rfc3339_nanos(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let part = |from: usize, to: usize| s.get(from..to).and_then(digits);
    let (year, month, day) = (part(0, 4)?, part(5, 7)?, part(8, 10)?);
    let (hour, minute, second) = (part(11, 13)?, part(14, 16)?, part(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut fraction = 0;
    if let Some(f) = rest.strip_prefix('.') {
        let n = f.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        fraction = digits(&f[..n])? * 10u64.pow(9 - n as u32);
        rest = &f[n..];
    }
    let offset_seconds: i64 = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
            let off = (h * 3600 + m * 60) as i64;
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let seconds = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64 - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    seconds.checked_mul(NANOS_PER_SECOND)?.checked_add(fraction)
}
