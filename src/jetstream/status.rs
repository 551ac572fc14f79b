//! Classifies a status message (a header block with an inline code and no payload) that arrives on
//! a consumer's inbox: heartbeat, flow control, end of a pull (404/408/409/423 with the pending
//! counts it gave back), bad request, no responders. See `docs/jetstream.md` "Status messages".
//!
//! Input is the already decoded status (`proto::Headers`, the one header parser; or the code,
//! description and a header lookup). This module decides what a status *is*, not what a consumer
//! does about it (`pull.rs` holds that policy). Must not: panic on any description or header value;
//! a header value that is present but not a number is an error value, never read as 0.

use crate::proto::Headers;
use crate::text::Piece;

/// Header names the server sets on consumer status messages (ADR-9, ADR-37).
pub mod header {
    /// On a heartbeat: the last consumer (delivery) sequence delivered.
    pub const LAST_CONSUMER: &str = "Nats-Last-Consumer";
    /// On a heartbeat: the stream sequence of the last message delivered.
    pub const LAST_STREAM: &str = "Nats-Last-Stream";
    /// On a push heartbeat: a flow-control subject the client must answer (empty publish).
    pub const CONSUMER_STALLED: &str = "Nats-Consumer-Stalled";
    /// On the end of a pull: messages of the request left unfilled.
    pub const PENDING_MESSAGES: &str = "Nats-Pending-Messages";
    /// On the end of a pull: bytes of the request left unfilled.
    pub const PENDING_BYTES: &str = "Nats-Pending-Bytes";
}

/// The description the server gives an idle heartbeat (exact match, as nats.deno compares it).
const IDLE_HEARTBEAT: &str = "Idle Heartbeat";

/// What a pull request left unfilled when the server ended it (0 when a header is absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    pub messages: u64,
    pub bytes: u64,
}

impl Pending {
    /// True when the status gave back any messages or bytes (it ended a pull request).
    pub fn any(&self) -> bool {
        self.messages > 0 || self.bytes > 0
    }
}

/// The kinds of 409 the server sends to a pull consumer, told apart by the description's start
/// (case-insensitive; the numbers after "of" vary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// "Message Size Exceeds MaxBytes": the next message is larger than the request's max_bytes.
    MessageSizeExceedsMaxBytes,
    /// "Consumer Deleted".
    ConsumerDeleted,
    /// "Consumer is push based": a pull was sent to a push consumer.
    PushBased,
    /// "Exceeded MaxWaiting": too many pull requests are waiting on the consumer.
    MaxWaiting,
    /// "Exceeded MaxRequestBatch of n".
    MaxRequestBatch,
    /// "Exceeded MaxRequestExpires of d".
    MaxRequestExpires,
    /// "Exceeded MaxRequestMaxBytes of n".
    MaxRequestMaxBytes,
    /// "Idle Heartbeats Missed" (nats.deno's `IDLE_HEARTBEAT` error code).
    IdleHeartbeatsMissed,
    /// "Leadership Change": the consumer moved to another server; pull again.
    LeadershipChange,
    /// Any other 409 description.
    Other,
}

/// Description prefixes of each 409 kind, lower case (compared case-insensitively).
const CONFLICTS: &[(&str, Conflict)] = &[
    ("message size exceeds maxbytes", Conflict::MessageSizeExceedsMaxBytes),
    ("consumer deleted", Conflict::ConsumerDeleted),
    ("consumer is push based", Conflict::PushBased),
    ("exceeded maxwaiting", Conflict::MaxWaiting),
    ("exceeded maxrequestbatch", Conflict::MaxRequestBatch),
    ("exceeded maxrequestexpires", Conflict::MaxRequestExpires),
    ("exceeded maxrequestmaxbytes", Conflict::MaxRequestMaxBytes),
    ("idle heartbeats missed", Conflict::IdleHeartbeatsMissed),
    ("leadership change", Conflict::LeadershipChange),
];

/// A classified consumer status message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// 100 "Idle Heartbeat" (ADR-9). The sequences are `None` when the header is absent (pull
    /// heartbeats carry none). `stalled` is the subject to answer with an empty publish (push).
    Heartbeat { last_consumer: Option<u64>, last_stream: Option<u64>, stalled: Option<String> },
    /// Any other 1xx: a flow-control request (push); answer with an empty publish to `reply`.
    FlowControl { reply: Option<String> },
    /// 400: the pull request was refused (bad JSON, bad heartbeat...).
    BadRequest,
    /// 404 "No Messages" (a no_wait pull found nothing).
    NoMessages { pending: Pending },
    /// 408 "Request Timeout" (or "Interest Expired"): the pull request ended.
    RequestTimeout { pending: Pending },
    /// 409 of the given kind.
    Conflict { kind: Conflict, pending: Pending },
    /// 423 "Nats-Wrong-Pin-Id" (pinned consumers, ADR-37 revision 3): the pull ended.
    WrongPinId { pending: Pending },
    /// 503: no responders (JetStream or the consumer is not there).
    NoResponders,
    /// Any other code (nats.deno reports these as a debug event).
    Other { pending: Pending },
}

impl Status {
    /// The pending counts the status gave back (zero for kinds that carry none).
    pub fn pending(&self) -> Pending {
        match self {
            Status::NoMessages { pending }
            | Status::RequestTimeout { pending }
            | Status::Conflict { pending, .. }
            | Status::WrongPinId { pending }
            | Status::Other { pending } => *pending,
            _ => Pending::default(),
        }
    }
}

/// Why a status message could not be classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusError {
    /// The code is outside 100..=999 (0 means the message had no status line at all).
    NotAStatus(u16),
    /// A header the classification reads is present but not a plain decimal u64.
    BadHeader { name: &'static str, value: String },
}

impl Piece for StatusError {
    fn push_to(&self, out: &mut String) {
        match self {
            StatusError::NotAStatus(code) => {
                out.push_str("not a status message (code ");
                code.push_to(out);
                out.push(')');
            }
            StatusError::BadHeader { name, value } => {
                out.push_str("bad ");
                out.push_str(name);
                out.push_str(" header: \"");
                out.push_str(value);
                out.push('"');
            }
        }
    }
}

crate::text::display_as_piece!(StatusError);

impl std::error::Error for StatusError {}

/// True when `text` starts with `prefix` ignoring ASCII case (no allocation, any length).
fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The 409 kind of a description.
pub fn conflict_kind(description: &str) -> Conflict {
    CONFLICTS
        .iter()
        .find(|(prefix, _)| starts_with_ci(description, prefix))
        .map_or(Conflict::Other, |&(_, kind)| kind)
}

/// Reads an optional numeric header: absent is `None`, a plain decimal u64 is `Some`, anything
/// else is an error (a garbled count must not be mistaken for "nothing pending").
fn number<'h>(
    lookup: &impl Fn(&str) -> Option<&'h str>,
    name: &'static str,
) -> Result<Option<u64>, StatusError> {
    let Some(value) = lookup(name) else {
        return Ok(None);
    };
    match super::decimal_u64(value.trim_matches([' ', '\t'])) {
        Some(n) => Ok(Some(n)),
        None => Err(StatusError::BadHeader { name, value: value.to_owned() }),
    }
}

fn pending<'h>(lookup: &impl Fn(&str) -> Option<&'h str>) -> Result<Pending, StatusError> {
    Ok(Pending {
        messages: number(lookup, header::PENDING_MESSAGES)?.unwrap_or(0),
        bytes: number(lookup, header::PENDING_BYTES)?.unwrap_or(0),
    })
}

/// Classifies a status from its code, description, the message's reply subject ("" when none)
/// and a header lookup (exact key match, first value).
pub fn classify<'h>(
    code: u16,
    description: &str,
    reply: &str,
    lookup: impl Fn(&str) -> Option<&'h str>,
) -> Result<Status, StatusError> {
    let status = match code {
        100..=199 if description == IDLE_HEARTBEAT => Status::Heartbeat {
            last_consumer: number(&lookup, header::LAST_CONSUMER)?,
            last_stream: number(&lookup, header::LAST_STREAM)?,
            stalled: lookup(header::CONSUMER_STALLED).filter(|s| !s.is_empty()).map(str::to_owned),
        },
        100..=199 => Status::FlowControl { reply: (!reply.is_empty()).then(|| reply.to_owned()) },
        400 => Status::BadRequest,
        404 => Status::NoMessages { pending: pending(&lookup)? },
        408 => Status::RequestTimeout { pending: pending(&lookup)? },
        409 => Status::Conflict { kind: conflict_kind(description), pending: pending(&lookup)? },
        423 => Status::WrongPinId { pending: pending(&lookup)? },
        503 => Status::NoResponders,
        200..=999 => Status::Other { pending: pending(&lookup)? },
        _ => return Err(StatusError::NotAStatus(code)),
    };
    Ok(status)
}

/// Classifies a decoded header block (`Headers::decode`), with the message's reply subject.
pub fn classify_headers(headers: &Headers, reply: &str) -> Result<Status, StatusError> {
    classify(headers.code, &headers.description, reply, |key| headers.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(block: &str) -> Headers {
        Headers::decode(block.as_bytes()).expect("valid block")
    }

    fn of(block: &str) -> Result<Status, StatusError> {
        classify_headers(&decoded(block), "")
    }

    #[test]
    fn heartbeats() {
        let hb = of("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 5\r\nNats-Last-Stream: 9\r\n\r\n");
        assert_eq!(hb, Ok(Status::Heartbeat { last_consumer: Some(5), last_stream: Some(9), stalled: None }));
        let pull_hb = of("NATS/1.0 100 Idle Heartbeat\r\n\r\n");
        assert_eq!(pull_hb, Ok(Status::Heartbeat { last_consumer: None, last_stream: None, stalled: None }));
        let stalled = of("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n\
                          Nats-Consumer-Stalled: $JS.FC.S.C.x\r\n\r\n");
        assert_eq!(
            stalled,
            Ok(Status::Heartbeat {
                last_consumer: Some(0),
                last_stream: Some(0),
                stalled: Some("$JS.FC.S.C.x".into())
            })
        );
    }

    #[test]
    fn flow_control_keeps_the_reply() {
        let h = decoded("NATS/1.0 100 FlowControl Request\r\n\r\n");
        assert_eq!(
            classify_headers(&h, "$JS.FC.S.C.1"),
            Ok(Status::FlowControl { reply: Some("$JS.FC.S.C.1".into()) })
        );
        assert_eq!(classify_headers(&h, ""), Ok(Status::FlowControl { reply: None }));
        // the heartbeat description is matched exactly, as nats.deno does
        assert_eq!(of("NATS/1.0 100 idle heartbeat\r\n\r\n"), Ok(Status::FlowControl { reply: None }));
    }

    #[test]
    fn end_of_pull_statuses_carry_pending() {
        let t = of(
            "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 7\r\nNats-Pending-Bytes: 1024\r\n\r\n",
        );
        assert_eq!(t, Ok(Status::RequestTimeout { pending: Pending { messages: 7, bytes: 1024 } }));
        assert_eq!(t.unwrap().pending(), Pending { messages: 7, bytes: 1024 });
        assert_eq!(
            of("NATS/1.0 408 Request Timeout\r\n\r\n"),
            Ok(Status::RequestTimeout { pending: Pending::default() })
        );
        assert_eq!(
            of("NATS/1.0 404 No Messages\r\n\r\n"),
            Ok(Status::NoMessages { pending: Pending::default() })
        );
        let pin = of("NATS/1.0 423 Nats-Wrong-Pin-Id\r\nNats-Pending-Messages: 1\r\n\r\n");
        assert_eq!(pin, Ok(Status::WrongPinId { pending: Pending { messages: 1, bytes: 0 } }));
        assert!(Pending { messages: 0, bytes: 1 }.any());
        assert!(!Pending::default().any());
    }

    #[test]
    fn conflicts() {
        let cases = [
            ("Message Size Exceeds MaxBytes", Conflict::MessageSizeExceedsMaxBytes),
            ("Consumer Deleted", Conflict::ConsumerDeleted),
            ("Consumer is push based", Conflict::PushBased),
            ("Exceeded MaxWaiting", Conflict::MaxWaiting),
            ("Exceeded MaxRequestBatch of 10", Conflict::MaxRequestBatch),
            ("Exceeded MaxRequestExpires of 5s", Conflict::MaxRequestExpires),
            ("Exceeded MaxRequestMaxBytes of 1024", Conflict::MaxRequestMaxBytes),
            ("Idle Heartbeats Missed", Conflict::IdleHeartbeatsMissed),
            ("Leadership Change", Conflict::LeadershipChange),
            ("CONSUMER DELETED", Conflict::ConsumerDeleted),
            ("Exceeded MaxAckPending", Conflict::Other),
            ("", Conflict::Other),
            ("Consumer", Conflict::Other),
        ];
        for (description, kind) in cases {
            assert_eq!(conflict_kind(description), kind, "{description:?}");
        }
        let s = of(
            "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 10\r\n\r\n",
        );
        assert_eq!(
            s,
            Ok(Status::Conflict {
                kind: Conflict::MessageSizeExceedsMaxBytes,
                pending: Pending { messages: 3, bytes: 10 }
            })
        );
    }

    #[test]
    fn other_codes() {
        assert_eq!(of("NATS/1.0 400 Bad Request\r\n\r\n"), Ok(Status::BadRequest));
        assert_eq!(of("NATS/1.0 503\r\n\r\n"), Ok(Status::NoResponders));
        assert_eq!(of("NATS/1.0 500 Internal\r\n\r\n"), Ok(Status::Other { pending: Pending::default() }));
        assert_eq!(of("NATS/1.0 200 OK\r\n\r\n"), Ok(Status::Other { pending: Pending::default() }));
        assert_eq!(of("NATS/1.0\r\nK: v\r\n\r\n"), Err(StatusError::NotAStatus(0)));
        assert_eq!(classify(1000, "", "", |_| None), Err(StatusError::NotAStatus(1000)));
        assert_eq!(classify(99, "", "", |_| None), Err(StatusError::NotAStatus(99)));
    }

    #[test]
    fn garbage_headers_are_errors() {
        let bad = |name: &'static str, value: &str| Err(StatusError::BadHeader { name, value: value.into() });
        for value in ["", "x", "-1", "+1", "1.5", "1e3", "0x10", "18446744073709551616", "5 5", "٣"] {
            let block = format!("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: {value}\r\n\r\n");
            let h = decoded(&block);
            // the decoder trims values; report what it kept
            let kept = h.get(header::PENDING_MESSAGES).unwrap().to_owned();
            assert_eq!(classify_headers(&h, ""), bad(header::PENDING_MESSAGES, &kept), "{value:?}");
        }
        let hb = of("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Stream: many\r\n\r\n");
        assert_eq!(hb, bad(header::LAST_STREAM, "many"));
        let bytes = of(
            "NATS/1.0 409 Exceeded MaxWaiting\r\nNats-Pending-Bytes: 1\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: x\r\n\r\n",
        );
        assert_eq!(bytes.unwrap().pending(), Pending { messages: 2, bytes: 1 }, "the first value counts");
        // a lookup closure that is not backed by Headers: padded values are trimmed like the decoder
        let padded =
            classify(408, "Request Timeout", "", |k| (k == header::PENDING_BYTES).then_some(" 12\t"));
        assert_eq!(padded, Ok(Status::RequestTimeout { pending: Pending { messages: 0, bytes: 12 } }));
    }

    /// Fuzz-style: random descriptions and header values for every code never panic.
    #[test]
    fn fuzz_never_panics() {
        let texts =
            ["", " ", "Idle Heartbeat", "é", "\u{0}", "99999999999999999999", "12", "Consumer Deleted x"];
        for code in [0, 1, 99, 100, 150, 199, 200, 400, 404, 408, 409, 423, 503, 999, 1000, u16::MAX] {
            for description in texts {
                for value in texts {
                    let _ = classify(code, description, value, |_| Some(value));
                    let _ = classify(code, description, "", |_| None);
                }
            }
        }
    }
}
