//! JetStream acknowledgements: reading the `$JS.ACK` reply subject a consumer's message carries
//! (its delivery info) and writing the ack bodies a client publishes to it.
//! See `docs/jetstream.md` "Ack subjects" and "Ack bodies".
//!
//! Must not: panic on any subject (a peer or a user controls it), accept a subject whose numbers
//! are not plain decimal integers, or publish anything itself (the caller sends the bytes).

use crate::text::Piece;

/// The subject prefix of every ack reply.
const ACK_PREFIX: &str = "$JS.ACK.";

/// Tokens of the first (v1) form: `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>`.
const V1_TOKENS: usize = 9;

/// Fewest tokens of the v2 form (domain and account hash after `$JS.ACK`). The server adds a 12th
/// (a random token) and ADR-15 asks clients to accept more tokens appended later.
const V2_MIN_TOKENS: usize = 11;

/// Most tokens read from a subject. Far more than any form uses (12); it bounds the work a hostile
/// subject of many dots costs before it is refused.
const MAX_TOKENS: usize = 32;

/// Why a reply subject is not a JetStream ack subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckSubjectError {
    /// It does not start with `$JS.ACK.`.
    NotAckSubject,
    /// The token count is neither 9 nor 11 or more (up to `MAX_TOKENS`).
    TokenCount(usize),
    /// A name token (domain, account, stream, consumer) is empty.
    EmptyToken,
    /// A numeric token is empty, has a non-digit, or overflows u64. Index of the token (0-based,
    /// counting `$JS` as 0) in the v2 layout.
    BadNumber(usize),
}

impl Piece for AckSubjectError {
    fn push_to(&self, out: &mut String) {
        out.push_str("not js message: ");
        match *self {
            AckSubjectError::NotAckSubject => out.push_str("no $JS.ACK prefix"),
            AckSubjectError::TokenCount(n) => {
                n.push_to(out);
                out.push_str(" tokens");
            }
            AckSubjectError::EmptyToken => out.push_str("empty token"),
            AckSubjectError::BadNumber(i) => {
                out.push_str("token ");
                i.push_to(out);
                out.push_str(" is not an integer");
            }
        }
    }
}

crate::text::display_as_piece!(AckSubjectError);

impl std::error::Error for AckSubjectError {}

/// What an ack subject says about a delivered message. Strings borrow from the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryInfo<'a> {
    /// The JetStream domain; "" when none (v1 form, or the `_` placeholder of the v2 form).
    pub domain: &'a str,
    /// The account hash of the v2 form; `None` in the v1 form.
    pub account_hash: Option<&'a str>,
    pub stream: &'a str,
    pub consumer: &'a str,
    /// How many times this message was delivered (1 the first time).
    pub delivered: u64,
    pub stream_seq: u64,
    /// The consumer (delivery) sequence.
    pub delivery_seq: u64,
    /// When the message was stored, in nanoseconds since the Unix epoch.
    pub timestamp_nanos: u64,
    /// Messages left for this consumer after this one.
    pub pending: u64,
    /// The 12th token of the v2 form (a random token used by the server for routing), if any.
    pub token: Option<&'a str>,
}

impl DeliveryInfo<'_> {
    /// True when this is not the first delivery.
    pub fn redelivered(&self) -> bool {
        self.delivered > 1
    }
}

/// Parses an ack reply subject of either form (docs/jetstream.md "Ack subjects").
pub fn parse_ack_subject(subject: &str) -> Result<DeliveryInfo<'_>, AckSubjectError> {
    if !subject.starts_with(ACK_PREFIX) {
        return Err(AckSubjectError::NotAckSubject);
    }
    // One pass over the bytes (every message of a consumer is parsed, twice for an ordered one:
    // a byte loop, not `splitn` and its searcher). A 32nd dot (a 33rd token) refuses the subject
    // there, so a subject of a million dots costs a bounded scan. '.' is one byte and never part
    // of a multi-byte char, so every bound is a char boundary.
    // An index loop: the module is built for size, which keeps iterator adapters as calls.
    let bytes = subject.as_bytes();
    let mut tokens: [&str; MAX_TOKENS] = [""; MAX_TOKENS];
    let mut count = 0;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' {
            if count == MAX_TOKENS - 1 {
                return Err(AckSubjectError::TokenCount(MAX_TOKENS + 1));
            }
            tokens[count] = subject.get(start..i).unwrap_or("");
            count += 1;
            start = i + 1;
        }
        i += 1;
    }
    tokens[count] = subject.get(start..).unwrap_or("");
    count += 1;
    // The v1 form lacks the domain and account hash: read it through the v2 indices by shifting.
    let (domain, account_hash, rest): (&str, Option<&str>, &[&str]) = match count {
        V1_TOKENS => ("", None, &tokens[2..V1_TOKENS]),
        n if n >= V2_MIN_TOKENS => {
            let domain = if tokens[2] == "_" { "" } else { tokens[2] };
            (domain, Some(tokens[3]), &tokens[4..n])
        }
        n => return Err(AckSubjectError::TokenCount(n)),
    };
    // rest: stream, consumer, delivered, sseq, dseq, ts, pending, [token, ...]
    let names_empty = rest[0].is_empty() || rest[1].is_empty();
    let v2_names_empty = account_hash.is_some_and(|a| a.is_empty() || tokens[2].is_empty());
    if names_empty || v2_names_empty {
        return Err(AckSubjectError::EmptyToken);
    }
    let number = |i: usize| super::decimal_u64(rest[i]).ok_or(AckSubjectError::BadNumber(i + 4));
    Ok(DeliveryInfo {
        domain,
        account_hash,
        stream: rest[0],
        consumer: rest[1],
        delivered: number(2)?,
        stream_seq: number(3)?,
        delivery_seq: number(4)?,
        timestamp_nanos: number(5)?,
        pending: number(6)?,
        token: rest.get(7).copied(),
    })
}

/// `+ACK`: the message is processed.
pub const ACK: &[u8] = b"+ACK";
/// `+WPI`: work in progress, restart the ack timer; may be sent many times.
pub const WPI: &[u8] = b"+WPI";

/// `-NAK`, or `-NAK {"delay":<nanos>}` to ask for redelivery after a delay. A delay of 0 writes the
/// bare `-NAK` (nats.deno sends no delay for 0 either).
pub fn nak(delay_nanos: u64) -> Vec<u8> {
    let mut out = b"-NAK".to_vec();
    if delay_nanos > 0 {
        out.extend_from_slice(b" {\"delay\":");
        crate::proto::encode::push_u64(&mut out, delay_nanos);
        out.push(b'}');
    }
    out
}

/// `+TERM`, or `+TERM <reason>`: never redeliver. The reason is free text (the server shows it in
/// the termination advisory); "" writes the bare `+TERM`.
pub fn term(reason: &str) -> Vec<u8> {
    let mut out = b"+TERM".to_vec();
    if !reason.is_empty() {
        out.push(b' ');
        out.extend_from_slice(reason.as_bytes());
    }
    out
}

/// `+NXT {"batch":n,"no_wait":b[,"expires":ns]}`: ack and ask for the next messages, delivered to
/// the reply subject the caller publishes with. `batch` 0 becomes 1 and `expires_nanos` 0 is left
/// out, as nats.deno does (`batch || 1`, `expires > 0`).
pub fn next(batch: u64, no_wait: bool, expires_nanos: u64) -> Vec<u8> {
    let mut json = crate::proto::json::ObjectWriter::default();
    json.int("batch", batch.max(1)).bool("no_wait", no_wait);
    if expires_nanos > 0 {
        json.int("expires", expires_nanos);
    }
    let mut out = b"+NXT ".to_vec();
    out.extend_from_slice(json.finish().as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_v1_form() {
        let info = parse_ack_subject("$JS.ACK.ORDERS.dur.2.9808.9807.1626818873482533000.5").unwrap();
        assert_eq!(
            info,
            DeliveryInfo {
                domain: "",
                account_hash: None,
                stream: "ORDERS",
                consumer: "dur",
                delivered: 2,
                stream_seq: 9808,
                delivery_seq: 9807,
                timestamp_nanos: 1_626_818_873_482_533_000,
                pending: 5,
                token: None,
            }
        );
        assert!(info.redelivered());
    }

    #[test]
    fn parses_v2_forms() {
        let info = parse_ack_subject("$JS.ACK._.ACCHASH.S.C.1.10.3.1700000000000000000.0.RANDTOK").unwrap();
        assert_eq!((info.domain, info.account_hash, info.token), ("", Some("ACCHASH"), Some("RANDTOK")));
        assert_eq!((info.stream, info.consumer), ("S", "C"));
        assert_eq!((info.delivered, info.stream_seq, info.delivery_seq, info.pending), (1, 10, 3, 0));
        assert!(!info.redelivered());
        let info = parse_ack_subject("$JS.ACK.hub.H.S.C.1.10.3.17.0").unwrap();
        assert_eq!((info.domain, info.token), ("hub", None), "11 tokens: no random token");
        // ADR-15: tokens appended later are accepted; the 12th is still the token.
        let info = parse_ack_subject("$JS.ACK.hub.H.S.C.1.10.3.17.0.T.future1.future2").unwrap();
        assert_eq!(info.token, Some("T"));
        assert_eq!(info.pending, 0);
    }

    #[test]
    fn numbers_at_u64_limits() {
        let max = u64::MAX;
        let subject = format!("$JS.ACK.S.C.{max}.0.{max}.0.0");
        let info = parse_ack_subject(&subject).unwrap();
        assert_eq!((info.delivered, info.stream_seq, info.delivery_seq), (max, 0, max));
        assert_eq!(
            parse_ack_subject("$JS.ACK.S.C.18446744073709551616.1.1.1.1"),
            Err(AckSubjectError::BadNumber(6)),
            "u64::MAX + 1 overflows"
        );
    }

    #[test]
    fn refuses_malformed_subjects() {
        use AckSubjectError::*;
        let cases: &[(&str, AckSubjectError)] = &[
            ("", NotAckSubject),
            ("$JS.ACK", NotAckSubject),
            ("$js.ack.S.C.1.1.1.1.1", NotAckSubject),
            ("_INBOX.abc", NotAckSubject),
            ("$JS.ACK.", TokenCount(3)),
            ("$JS.ACK.S.C.1.1.1.1", TokenCount(8)),
            ("$JS.ACK.D.A.S.C.1.1.1.1", TokenCount(10)),
            ("$JS.ACK..C.1.1.1.1.1", EmptyToken),
            ("$JS.ACK.S..1.1.1.1.1", EmptyToken),
            ("$JS.ACK..A.S.C.1.1.1.1.1", EmptyToken),
            ("$JS.ACK.D..S.C.1.1.1.1.1", EmptyToken),
            ("$JS.ACK.S.C.x.1.1.1.1", BadNumber(6)),
            ("$JS.ACK.S.C.1..1.1.1", BadNumber(7)),
            ("$JS.ACK.S.C.1.1.-1.1.1", BadNumber(8)),
            ("$JS.ACK.S.C.1.1.1.+1.1", BadNumber(9)),
            ("$JS.ACK.S.C.1.1.1.1. 1", BadNumber(10)),
            ("$JS.ACK.S.C.1.1.1.1.1e3", BadNumber(10)),
            ("$JS.ACK.D.A.S.C.1.1.1.1.0x1", BadNumber(10)),
            ("$JS.ACK.S.C.1.1.1.1.١", BadNumber(10)),
        ];
        for (subject, want) in cases {
            assert_eq!(parse_ack_subject(subject), Err(*want), "{subject:?}");
        }
    }

    /// The hand-written number reader keeps the rule it replaced: ASCII digits only, then the
    /// standard parse (leading zeros, u64 bounds); anything else is None.
    #[test]
    fn decimal_numbers_agree_with_the_std_parser() {
        let reference = |t: &str| {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            t.parse::<u64>().ok()
        };
        let mut cases: Vec<String> = [
            "",
            "0",
            "00",
            "007",
            "9",
            "10",
            "18446744073709551615",
            "018446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1e3",
            "0x1",
            "١",
            "1.5",
            "/",
            ":",
            "\u{0}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // a fixed xorshift64 sequence: the same strings every run
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5000 {
            let len = (next() % 22) as usize;
            let digits = b"0123456789/:a+";
            cases.push((0..len).map(|_| digits[(next() % 14) as usize] as char).collect());
        }
        for t in &cases {
            assert_eq!(super::super::decimal_u64(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn many_dots_are_refused_after_a_bounded_scan() {
        let subject = format!("$JS.ACK.{}", ".".repeat(1_000_000));
        assert_eq!(parse_ack_subject(&subject), Err(AckSubjectError::TokenCount(MAX_TOKENS + 1)));
        let at_limit = format!("$JS.ACK.D.A.S.C.1.2.3.4.5{}", ".x".repeat(MAX_TOKENS - 11));
        assert_eq!(parse_ack_subject(&at_limit).map(|i| i.pending), Ok(5));
        let over = format!("{at_limit}.x");
        assert_eq!(parse_ack_subject(&over), Err(AckSubjectError::TokenCount(MAX_TOKENS + 1)));
    }

    /// Fuzz-style: every prefix, every single-byte mutation and random byte strings of a valid
    /// subject give a value or an error, never a panic, and every accepted subject re-parses the
    /// same (the parse is a function of the text only).
    #[test]
    fn fuzz_mutations_never_panic() {
        let base = "$JS.ACK._.HASH.STREAM.CONS.12.345.67.1700000000000000000.89.TOK";
        for end in 0..=base.len() {
            let _ = parse_ack_subject(&base[..end]);
        }
        let bytes = base.as_bytes();
        let alphabet = b".$_0123456789AZaz -+\xff\x00";
        for i in 0..bytes.len() {
            for &c in alphabet {
                let mut mutated = bytes.to_vec();
                mutated[i] = c;
                let text = String::from_utf8_lossy(&mutated);
                if let Ok(info) = parse_ack_subject(&text) {
                    assert_eq!(parse_ack_subject(&text), Ok(info));
                }
            }
        }
        // A small xorshift drives random subjects made of the ack alphabet.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 48) as usize;
            let mut s = String::from("$JS.ACK.");
            let mut r = state;
            for _ in 0..len {
                s.push(char::from(alphabet[(r % alphabet.len() as u64) as usize] & 0x7f));
                r = r.rotate_left(5) ^ 0x5851_F42D_4C95_7F2D;
            }
            let _ = parse_ack_subject(&s);
        }
    }

    #[test]
    fn ack_bodies() {
        assert_eq!(ACK, b"+ACK");
        assert_eq!(WPI, b"+WPI");
        assert_eq!(nak(0), b"-NAK");
        assert_eq!(nak(5_000_000_000), br#"-NAK {"delay":5000000000}"#);
        assert_eq!(nak(u64::MAX), format!("-NAK {{\"delay\":{}}}", u64::MAX).as_bytes());
        assert_eq!(term(""), b"+TERM");
        assert_eq!(term("bad payload"), b"+TERM bad payload");
        assert_eq!(next(0, false, 0), br#"+NXT {"batch":1,"no_wait":false}"#);
        assert_eq!(
            next(10, true, 30_000_000_000),
            br#"+NXT {"batch":10,"no_wait":true,"expires":30000000000}"#
        );
    }

    #[test]
    fn nak_and_next_bodies_are_json_after_the_verb() {
        let body = nak(1);
        let json: serde_json::Value = serde_json::from_slice(&body[5..]).unwrap();
        assert_eq!(json, serde_json::json!({"delay": 1}));
        let body = next(3, true, 7);
        let json: serde_json::Value = serde_json::from_slice(&body[5..]).unwrap();
        assert_eq!(json, serde_json::json!({"batch": 3, "no_wait": true, "expires": 7}));
    }
}
