//! Client-to-server ops written straight into the outbound buffer. Arguments are assumed valid:
//! the connection checks subjects and sizes first. Every op ends with CRLF.
//!
//! This is the hot path of every publish, so it must not allocate beyond growing `out` and must
//! not pull in `core::fmt`: numbers are written digit by digit, which keeps the wasm small.
//! It must not validate or escape anything: a bad subject here would be sent as is.

/// `CONNECT <json>\r\n`
pub fn connect(out: &mut Vec<u8>, json: &str) {
    out.reserve(8 + json.len() + 2);
    out.extend_from_slice(b"CONNECT ");
    out.extend_from_slice(json.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// `PUB <subject> [reply] <len>\r\n<payload>\r\n`, or `HPUB <subject> [reply] <hdr_len> <total_len>\r\n<headers><payload>\r\n`
/// when `headers` is `Some` (an encoded block, see `Headers::encode`).
pub fn publish(
    out: &mut Vec<u8>,
    subject: &str,
    reply: Option<&str>,
    headers: Option<&[u8]>,
    payload: &[u8],
) {
    let hdr_len = headers.map_or(0, <[u8]>::len);
    let total = hdr_len + payload.len();
    // One reservation for the whole op: "HPUB " + subject + " " + reply + two numbers of at most
    // 20 digits with their spaces + CRLF + the bytes + CRLF.
    out.reserve(5 + subject.len() + reply.map_or(0, |r| r.len() + 1) + 44 + total + 2);
    out.extend_from_slice(if headers.is_some() { b"HPUB " } else { b"PUB " });
    out.extend_from_slice(subject.as_bytes());
    out.push(b' ');
    if let Some(reply) = reply {
        out.extend_from_slice(reply.as_bytes());
        out.push(b' ');
    }
    if let Some(headers) = headers {
        push_u64(out, headers.len() as u64);
        out.push(b' ');
    }
    push_u64(out, total as u64);
    out.extend_from_slice(b"\r\n");
    if let Some(headers) = headers {
        out.extend_from_slice(headers);
    }
    out.extend_from_slice(payload);
    out.extend_from_slice(b"\r\n");
}

/// `SUB <subject> [queue] <sid>\r\n`
pub fn subscribe(out: &mut Vec<u8>, subject: &str, queue: Option<&str>, sid: u64) {
    out.extend_from_slice(b"SUB ");
    out.extend_from_slice(subject.as_bytes());
    out.push(b' ');
    if let Some(queue) = queue {
        out.extend_from_slice(queue.as_bytes());
        out.push(b' ');
    }
    push_u64(out, sid);
    out.extend_from_slice(b"\r\n");
}

/// `UNSUB <sid> [max]\r\n`
pub fn unsubscribe(out: &mut Vec<u8>, sid: u64, max: Option<u64>) {
    out.extend_from_slice(b"UNSUB ");
    push_u64(out, sid);
    if let Some(max) = max {
        out.push(b' ');
        push_u64(out, max);
    }
    out.extend_from_slice(b"\r\n");
}

/// `PING\r\n`
pub fn ping(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PING\r\n");
}

/// `PONG\r\n`
pub fn pong(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PONG\r\n");
}

/// Appends `n` in decimal (`text::Decimal`, the crate's one digit writer), so that publishing
/// never reaches the formatting machinery (code size in wasm, and speed).
pub(crate) fn push_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::text::Decimal::new(n).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Limits, ServerOp, parse};

    fn bytes(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn connect_wire() {
        let out = bytes(|o| connect(o, r#"{"verbose":false}"#));
        assert_eq!(out, b"CONNECT {\"verbose\":false}\r\n");
    }

    #[test]
    fn publish_plain() {
        assert_eq!(bytes(|o| publish(o, "foo", None, None, b"hello")), b"PUB foo 5\r\nhello\r\n");
    }

    #[test]
    fn publish_with_reply() {
        let out = bytes(|o| publish(o, "foo", Some("_INBOX.x"), None, b"hi"));
        assert_eq!(out, b"PUB foo _INBOX.x 2\r\nhi\r\n");
    }

    #[test]
    fn publish_empty_payload() {
        assert_eq!(bytes(|o| publish(o, "foo", None, None, b"")), b"PUB foo 0\r\n\r\n");
    }

    #[test]
    fn publish_with_headers() {
        let hdr = b"NATS/1.0\r\nA: b\r\n\r\n";
        let out = bytes(|o| publish(o, "foo", Some("bar"), Some(hdr), b"xyz"));
        assert_eq!(out, b"HPUB foo bar 18 21\r\nNATS/1.0\r\nA: b\r\n\r\nxyz\r\n");
        let out = bytes(|o| publish(o, "foo", None, Some(hdr), b""));
        assert_eq!(out, b"HPUB foo 18 18\r\nNATS/1.0\r\nA: b\r\n\r\n\r\n");
    }

    #[test]
    fn publish_appends() {
        let mut out = b"PING\r\n".to_vec();
        publish(&mut out, "a", None, None, b"1");
        publish(&mut out, "b", None, None, b"22");
        assert_eq!(out, b"PING\r\nPUB a 1\r\n1\r\nPUB b 2\r\n22\r\n");
    }

    #[test]
    fn subscribe_wire() {
        assert_eq!(bytes(|o| subscribe(o, "foo.>", None, 1)), b"SUB foo.> 1\r\n");
        assert_eq!(bytes(|o| subscribe(o, "foo", Some("q"), 42)), b"SUB foo q 42\r\n");
    }

    #[test]
    fn unsubscribe_wire() {
        assert_eq!(bytes(|o| unsubscribe(o, 7, None)), b"UNSUB 7\r\n");
        assert_eq!(bytes(|o| unsubscribe(o, 7, Some(10))), b"UNSUB 7 10\r\n");
    }

    #[test]
    fn ping_pong_wire() {
        assert_eq!(bytes(ping), b"PING\r\n");
        assert_eq!(bytes(pong), b"PONG\r\n");
    }

    #[test]
    fn digits() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            assert_eq!(bytes(|o| push_u64(o, n)), n.to_string().into_bytes());
        }
    }

    /// What the client publishes, a server would deliver with the same framing: reusing the
    /// parser on the PUB bytes (renamed to MSG with a sid) checks the counts line up.
    #[test]
    fn hpub_counts_match_parser() {
        let hdr = b"NATS/1.0 100 Idle\r\nK: v\r\n\r\n";
        let out = bytes(|o| publish(o, "s", Some("r"), Some(hdr), b"data"));
        let as_msg = [b"HMSG s 1".as_slice(), out.get(6..).unwrap()].concat();
        let (op, used) = parse(&as_msg, &Limits::default()).unwrap().unwrap();
        assert_eq!(used, as_msg.len());
        assert_eq!(
            op,
            ServerOp::Msg { subject: b"s", sid: 1, reply: Some(b"r"), headers: Some(hdr), payload: b"data" }
        );
    }
}
