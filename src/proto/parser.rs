//! Incremental parser for server-to-client ops (INFO, MSG, HMSG, PING, PONG, +OK, -ERR).
//!
//! `parse(buf, limits)` looks at the start of `buf` and returns either a complete op together with
//! the number of bytes it used, or `Ok(None)` when `buf` holds only part of an op: the caller keeps
//! the bytes and calls again once more have arrived (WebSocket frames do not line up with ops).
//! It never consumes a partial op and never allocates: ops borrow from `buf`.
//! Malformed input is a `ParseError`, never a panic; the connection treats it as a protocol error.

/// Size limits that keep a hostile or broken server from making the client buffer without bound.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest control line (op name + arguments, without CRLF) in bytes. nats-server's own
    /// `MAX_CONTROL_LINE_SIZE` is 4096; INFO can be longer (connect_urls of a big cluster), so the
    /// default is 64 KiB.
    pub max_control_line: usize,
    /// Largest header+payload size in bytes a MSG/HMSG may announce. The server never sends more
    /// than its `max_payload` (default 1 MiB, at most 64 MiB), so the connection sets this from INFO.
    pub max_payload: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_control_line: 64 * 1024, max_payload: 64 * 1024 * 1024 }
    }
}

/// One op received from the server. Byte fields borrow from the parsed buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerOp<'a> {
    /// `INFO <json>`: the JSON text, not yet decoded.
    Info(&'a [u8]),
    /// `MSG` (headers empty) or `HMSG` (headers = the raw header block, `hdr_len` bytes).
    Msg {
        subject: &'a [u8],
        sid: u64,
        reply: Option<&'a [u8]>,
        headers: Option<&'a [u8]>,
        payload: &'a [u8],
    },
    Ping,
    Pong,
    Ok,
    /// `-ERR '<text>'`: the text as the server sent it, quotes included (nats.deno keeps them in
    /// the error message of a permission violation); the connection unquotes where it needs to.
    Err(&'a [u8]),
}

/// Why bytes could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The op name is not one the server sends.
    UnknownOp,
    /// A control line longer than `Limits::max_control_line` without CRLF.
    ControlLineTooLong,
    /// Wrong number or form of arguments (e.g. a non-numeric sid or size).
    BadArguments,
    /// A MSG/HMSG announcing more than `Limits::max_payload` bytes, or `hdr_len > total_len`.
    PayloadTooLarge,
    /// The payload is not followed by CRLF.
    MissingPayloadTerminator,
}

impl ParseError {
    /// The message, as static text (no formatting machinery on the wasm paths).
    pub fn as_str(&self) -> &'static str {
        match self {
            ParseError::UnknownOp => "unknown protocol operation",
            ParseError::ControlLineTooLong => "control line exceeds the limit",
            ParseError::BadArguments => "malformed protocol arguments",
            ParseError::PayloadTooLarge => "message size exceeds the limit",
            ParseError::MissingPayloadTerminator => "payload not terminated by CRLF",
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses one op at the start of `buf`: `Ok(Some((op, used_bytes)))`, `Ok(None)` when more bytes
/// are needed, or the error that makes the stream unusable.
pub fn parse<'a>(buf: &'a [u8], limits: &Limits) -> Result<Option<(ServerOp<'a>, usize)>, ParseError> {
    // The op name decides everything else, and garbage is refused on its first bytes so that a
    // stream that is not NATS at all fails at once instead of after a whole control line.
    let Some((kind, name_len)) = op_name(buf)? else {
        // At most `LONGEST_OP_NAME` bytes are held here, so waiting is bounded.
        return Ok(None);
    };
    let max = limits.max_control_line;
    // A legal line is at most `max` bytes plus CRLF: scanning further would only let a hostile
    // server make every call slower, so the scan (and thus the buffered line) stops there.
    let scan_end = buf.len().min(max.saturating_add(2));
    let Some(lf) = find_lf(buf.get(..scan_end).unwrap_or(buf)) else {
        // No LF yet. With more than `max` line bytes present the line is already too long, unless
        // the byte just past `max` is the CR that may start the terminator.
        if buf.len() > max && !(buf.len() - 1 == max && buf.get(max) == Some(&b'\r')) {
            return Err(ParseError::ControlLineTooLong);
        }
        return Ok(None);
    };
    let line = match lf.checked_sub(1) {
        Some(cr) if buf.get(cr) == Some(&b'\r') => buf.get(..cr).unwrap_or_default(),
        // A bare LF: the line is `lf` bytes long and not CRLF-terminated.
        _ if lf > max => return Err(ParseError::ControlLineTooLong),
        _ => return Err(ParseError::BadArguments),
    };
    let after_line = lf + 1;
    let rest = line.get(name_len..).unwrap_or_default();
    match kind {
        OpKind::Msg | OpKind::HMsg => parse_msg(buf, rest, after_line, kind, limits),
        OpKind::Info => {
            let json = trim_sep(rest);
            if json.is_empty() {
                return Err(ParseError::BadArguments);
            }
            Ok(Some((ServerOp::Info(json), after_line)))
        }
        OpKind::Err => Ok(Some((ServerOp::Err(trim_sep(rest)), after_line))),
        OpKind::Ping | OpKind::Pong | OpKind::Ok => {
            if !trim_sep(rest).is_empty() {
                return Err(ParseError::BadArguments);
            }
            let op = match kind {
                OpKind::Ping => ServerOp::Ping,
                OpKind::Pong => ServerOp::Pong,
                _ => ServerOp::Ok,
            };
            Ok(Some((op, after_line)))
        }
    }
}

/// The ops a server sends, as recognised from the op name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Info,
    Msg,
    HMsg,
    Ping,
    Pong,
    Ok,
    Err,
}

/// Every op name the server may send, upper case (matching ignores case).
const OP_NAMES: [(&[u8], OpKind); 7] = [
    (b"MSG", OpKind::Msg),
    (b"HMSG", OpKind::HMsg),
    (b"PING", OpKind::Ping),
    (b"PONG", OpKind::Pong),
    (b"+OK", OpKind::Ok),
    (b"-ERR", OpKind::Err),
    (b"INFO", OpKind::Info),
];

/// Length in bytes of the longest op name: an undelimited name longer than this is garbage.
const LONGEST_OP_NAME: usize = 4;

/// Most arguments any op takes (`HMSG <subject> <sid> <reply> <hdr> <total>`): anything beyond
/// is a malformed line, and a fixed array keeps argument splitting allocation-free.
const MAX_ARGS: usize = 5;

/// Spaces and tabs separate arguments; any run of them counts as one separator.
#[inline]
fn is_sep(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The name ends at the first separator or line-ending byte.
#[inline]
fn ends_name(b: u8) -> bool {
    is_sep(b) || b == b'\r' || b == b'\n'
}

/// Recognises the op name at the start of `buf`: `Some((kind, name_len))` once the name is
/// delimited, `None` while it is still an incomplete prefix of some op name, `UnknownOp` as soon
/// as it cannot be one.
fn op_name(buf: &[u8]) -> Result<Option<(OpKind, usize)>, ParseError> {
    // Only the first LONGEST_OP_NAME + 1 bytes can hold a name and its delimiter.
    let head = buf.get(..buf.len().min(LONGEST_OP_NAME + 1)).unwrap_or(buf);
    match head.iter().position(|&b| ends_name(b)) {
        Some(len) => {
            let name = head.get(..len).unwrap_or_default();
            OP_NAMES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|&(_, kind)| Some((kind, len)))
                .ok_or(ParseError::UnknownOp)
        }
        None if head.len() > LONGEST_OP_NAME => Err(ParseError::UnknownOp),
        None => {
            let could_be = OP_NAMES
                .iter()
                .any(|(n, _)| n.get(..head.len()).is_some_and(|p| p.eq_ignore_ascii_case(head)));
            if could_be { Ok(None) } else { Err(ParseError::UnknownOp) }
        }
    }
}

/// Position of the first LF. A plain loop over bytes: the compiler vectorises it well enough for
/// control lines (tens of bytes) and it costs nothing in wasm size.
#[inline]
fn find_lf(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// `bytes` without leading and trailing spaces and tabs.
fn trim_sep(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_sep(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !is_sep(b)).map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Splits `rest` into separator-delimited arguments. Returns how many there are, or
/// `BadArguments` when there are more than `MAX_ARGS`.
fn split_args<'a>(rest: &'a [u8], args: &mut [&'a [u8]; MAX_ARGS]) -> Result<usize, ParseError> {
    let mut count = 0;
    for token in rest.split(|&b| is_sep(b)).filter(|t| !t.is_empty()) {
        let slot = args.get_mut(count).ok_or(ParseError::BadArguments)?;
        *slot = token;
        count += 1;
    }
    Ok(count)
}

/// A decimal number: ASCII digits only (no sign, no spaces), overflow refused.
fn parse_u64(digits: &[u8]) -> Result<u64, ParseError> {
    if digits.is_empty() {
        return Err(ParseError::BadArguments);
    }
    let mut n: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(ParseError::BadArguments);
        }
        n = n.checked_mul(10).and_then(|n| n.checked_add(u64::from(d))).ok_or(ParseError::BadArguments)?;
    }
    Ok(n)
}

/// A size announced by MSG/HMSG, refused above `max_payload` before any payload byte arrives, so
/// a hostile claim never makes the caller buffer it.
fn parse_size(digits: &[u8], limits: &Limits) -> Result<usize, ParseError> {
    let n = parse_u64(digits)?;
    match usize::try_from(n) {
        Ok(n) if n <= limits.max_payload => Ok(n),
        _ => Err(ParseError::PayloadTooLarge),
    }
}

/// MSG and HMSG: the arguments, then the payload area of `total` bytes and its CRLF.
fn parse_msg<'a>(
    buf: &'a [u8],
    rest: &'a [u8],
    after_line: usize,
    kind: OpKind,
    limits: &Limits,
) -> Result<Option<(ServerOp<'a>, usize)>, ParseError> {
    let mut args: [&[u8]; MAX_ARGS] = [&[]; MAX_ARGS];
    let count = split_args(rest, &mut args)?;
    let (subject, sid, reply, hdr, total) = match (kind, count, args) {
        (OpKind::Msg, 3, [s, i, t, _, _]) => (s, i, None, None, t),
        (OpKind::Msg, 4, [s, i, r, t, _]) => (s, i, Some(r), None, t),
        (OpKind::HMsg, 4, [s, i, h, t, _]) => (s, i, None, Some(h), t),
        (OpKind::HMsg, 5, [s, i, r, h, t]) => (s, i, Some(r), Some(h), t),
        _ => return Err(ParseError::BadArguments),
    };
    let sid = parse_u64(sid)?;
    let total = parse_size(total, limits)?;
    let hdr = match hdr {
        Some(h) => {
            let h = parse_u64(h)?;
            // The header block is part of the payload area, so it cannot be larger than it.
            match usize::try_from(h) {
                Ok(h) if h <= total => Some(h),
                _ => return Err(ParseError::PayloadTooLarge),
            }
        }
        None => None,
    };
    let payload_end = after_line.checked_add(total).ok_or(ParseError::PayloadTooLarge)?;
    let op_end = payload_end.checked_add(2).ok_or(ParseError::PayloadTooLarge)?;
    // Refuse a wrong terminator as soon as its first bytes are visible; wait for the rest.
    if let Some(&b) = buf.get(payload_end)
        && b != b'\r'
    {
        return Err(ParseError::MissingPayloadTerminator);
    }
    if let Some(&b) = buf.get(payload_end + 1)
        && b != b'\n'
    {
        return Err(ParseError::MissingPayloadTerminator);
    }
    let Some(area) = buf.get(after_line..payload_end) else {
        return Ok(None);
    };
    if buf.len() < op_end {
        return Ok(None);
    }
    let (headers, payload) = match hdr {
        Some(h) => {
            let (headers, payload) = area.split_at_checked(h).ok_or(ParseError::BadArguments)?;
            (Some(headers), payload)
        }
        None => (None, area),
    };
    let op = ServerOp::Msg { subject, sid, reply, headers, payload };
    Ok(Some((op, op_end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An op copied out of the buffer, so ops from different reassembly runs can be compared.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Owned {
        Info(Vec<u8>),
        Msg { subject: Vec<u8>, sid: u64, reply: Option<Vec<u8>>, headers: Option<Vec<u8>>, payload: Vec<u8> },
        Ping,
        Pong,
        Ok,
        Err(Vec<u8>),
    }

    impl From<ServerOp<'_>> for Owned {
        fn from(op: ServerOp<'_>) -> Owned {
            match op {
                ServerOp::Info(j) => Owned::Info(j.to_vec()),
                ServerOp::Msg { subject, sid, reply, headers, payload } => Owned::Msg {
                    subject: subject.to_vec(),
                    sid,
                    reply: reply.map(<[u8]>::to_vec),
                    headers: headers.map(<[u8]>::to_vec),
                    payload: payload.to_vec(),
                },
                ServerOp::Ping => Owned::Ping,
                ServerOp::Pong => Owned::Pong,
                ServerOp::Ok => Owned::Ok,
                ServerOp::Err(t) => Owned::Err(t.to_vec()),
            }
        }
    }

    /// What a connection would see: the ops in order, then the error that stopped the stream
    /// (if any), and how many bytes were left unconsumed.
    #[derive(Debug, PartialEq, Eq)]
    struct Outcome {
        ops: Vec<Owned>,
        error: Option<ParseError>,
        leftover: usize,
    }

    /// The reassembly loop a connection runs: append each chunk, parse until more bytes are
    /// needed, drop what was consumed.
    fn run(chunks: &[&[u8]], limits: &Limits) -> Outcome {
        let mut pending: Vec<u8> = Vec::new();
        let mut ops = Vec::new();
        for chunk in chunks {
            pending.extend_from_slice(chunk);
            loop {
                match parse(&pending, limits) {
                    Ok(Some((op, used))) => {
                        assert!(used > 0 && used <= pending.len());
                        ops.push(Owned::from(op));
                        pending.drain(..used);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Outcome { ops, error: Some(e), leftover: pending.len() };
                    }
                }
            }
        }
        Outcome { ops, error: None, leftover: pending.len() }
    }

    /// The whole stream at once, split in two at every point, and one byte at a time all give
    /// the same ops (and the same final error, when there is one).
    fn assert_split_invariant(stream: &[u8], limits: &Limits) -> Outcome {
        let whole = run(&[stream], limits);
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            let split = run(&[a, b], limits);
            assert_eq!(split.ops, whole.ops, "split at {at}");
            assert_eq!(split.error, whole.error, "split at {at}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        let one = run(&bytes, limits);
        assert_eq!(one.ops, whole.ops, "byte at a time");
        assert_eq!(one.error, whole.error, "byte at a time");
        whole
    }

    fn one(stream: &[u8]) -> Owned {
        let out = assert_split_invariant(stream, &Limits::default());
        assert_eq!(out.error, None);
        assert_eq!(out.leftover, 0);
        assert_eq!(out.ops.len(), 1, "{:?}", out.ops);
        out.ops.into_iter().next().unwrap()
    }

    fn err_of(stream: &[u8], limits: &Limits) -> ParseError {
        let out = assert_split_invariant(stream, limits);
        out.error.expect("an error")
    }

    fn msg(subject: &str, sid: u64, reply: Option<&str>, hdr: Option<&[u8]>, p: &[u8]) -> Owned {
        Owned::Msg {
            subject: subject.as_bytes().to_vec(),
            sid,
            reply: reply.map(|r| r.as_bytes().to_vec()),
            headers: hdr.map(<[u8]>::to_vec),
            payload: p.to_vec(),
        }
    }

    #[test]
    fn empty_buffer_needs_more() {
        assert_eq!(parse(b"", &Limits::default()), Ok(None));
    }

    #[test]
    fn op_info() {
        let op = one(b"INFO {\"server_id\":\"x\",\"proto\":1} \r\n");
        assert_eq!(op, Owned::Info(b"{\"server_id\":\"x\",\"proto\":1}".to_vec()));
    }

    #[test]
    fn op_info_borrows_from_buffer() {
        let buf = b"INFO {}\r\n";
        let (op, used) = parse(buf, &Limits::default()).unwrap().unwrap();
        assert_eq!(used, buf.len());
        let ServerOp::Info(json) = op else { panic!("{op:?}") };
        assert_eq!(json.as_ptr(), buf[5..].as_ptr());
    }

    #[test]
    fn op_msg() {
        assert_eq!(
            one(b"MSG foo.bar 9 11\r\nHello World\r\n"),
            msg("foo.bar", 9, None, None, b"Hello World")
        );
    }

    #[test]
    fn op_msg_with_reply() {
        let op = one(b"MSG foo 1 _INBOX.abc 3\r\nabc\r\n");
        assert_eq!(op, msg("foo", 1, Some("_INBOX.abc"), None, b"abc"));
    }

    #[test]
    fn op_msg_empty_payload() {
        assert_eq!(one(b"MSG foo 1 0\r\n\r\n"), msg("foo", 1, None, None, b""));
    }

    #[test]
    fn op_msg_payload_with_crlf_inside() {
        let op = one(b"MSG foo 1 6\r\na\r\nb\r\n\r\n");
        assert_eq!(op, msg("foo", 1, None, None, b"a\r\nb\r\n"));
    }

    #[test]
    fn op_hmsg() {
        let op = one(b"HMSG foo 2 bar 24 29\r\nNATS/1.0\r\nK: v\r\nA: b\r\n\r\nhello\r\n");
        let hdr: &[u8] = b"NATS/1.0\r\nK: v\r\nA: b\r\n\r\n";
        assert_eq!(op, msg("foo", 2, Some("bar"), Some(hdr), b"hello"));
    }

    #[test]
    fn op_hmsg_without_reply() {
        let op = one(b"HMSG foo 2 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
        assert_eq!(op, msg("foo", 2, None, Some(b"NATS/1.0\r\n\r\n"), b"hi"));
    }

    #[test]
    fn op_hmsg_status_only() {
        let op = one(b"HMSG _INBOX.x.1 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
        assert_eq!(op, msg("_INBOX.x.1", 1, None, Some(b"NATS/1.0 503\r\n\r\n"), b""));
        let Owned::Msg { headers, .. } = op else { unreachable!() };
        assert_eq!(crate::proto::Headers::status_code(&headers.unwrap()), 503);
    }

    #[test]
    fn op_ping_pong_ok() {
        assert_eq!(one(b"PING\r\n"), Owned::Ping);
        assert_eq!(one(b"PONG\r\n"), Owned::Pong);
        assert_eq!(one(b"+OK\r\n"), Owned::Ok);
    }

    #[test]
    fn op_err_keeps_the_text_as_sent() {
        let op = one(b"-ERR 'Authorization Violation'\r\n");
        assert_eq!(op, Owned::Err(b"'Authorization Violation'".to_vec()));
        assert_eq!(one(b"-ERR Stale Connection \r\n"), Owned::Err(b"Stale Connection".to_vec()));
        assert_eq!(one(b"-ERR 'open\r\n"), Owned::Err(b"'open".to_vec()));
        assert_eq!(one(b"-ERR\r\n"), Owned::Err(Vec::new()));
    }

    #[test]
    fn op_names_ignore_case() {
        assert_eq!(one(b"ping\r\n"), Owned::Ping);
        assert_eq!(one(b"pOnG\r\n"), Owned::Pong);
        assert_eq!(one(b"+ok\r\n"), Owned::Ok);
        assert_eq!(one(b"-err 'x'\r\n"), Owned::Err(b"'x'".to_vec()));
        assert_eq!(one(b"info {}\r\n"), Owned::Info(b"{}".to_vec()));
        assert_eq!(one(b"msg a 1 1\r\nx\r\n"), msg("a", 1, None, None, b"x"));
        assert_eq!(one(b"hMsG a 1 0 1\r\nx\r\n"), msg("a", 1, None, Some(b""), b"x"));
    }

    #[test]
    fn tabs_and_runs_of_spaces_separate_arguments() {
        let op = one(b"MSG\tfoo \t 7\t\treply   2 \t\r\nhi\r\n");
        assert_eq!(op, msg("foo", 7, Some("reply"), None, b"hi"));
        assert_eq!(one(b"PING \t \r\n"), Owned::Ping);
        assert_eq!(one(b"INFO\t{}\t\r\n"), Owned::Info(b"{}".to_vec()));
    }

    const STREAM: &[u8] = b"INFO {\"server_id\":\"S\",\"headers\":true}\r\n+OK\r\nPING\r\n\
        MSG a.b 1 5\r\nhello\r\nHMSG a.c 2 r.1 12 15\r\nNATS/1.0\r\n\r\nabc\r\nPONG\r\n\
        -ERR 'Slow Consumer'\r\nmsg x 3 0\r\n\r\nHMSG y 4 16 16\r\nNATS/1.0 503\r\n\r\n\r\n";

    #[test]
    fn several_ops_in_one_buffer() {
        let out = assert_split_invariant(STREAM, &Limits::default());
        assert_eq!(out.error, None);
        assert_eq!(out.leftover, 0);
        assert_eq!(
            out.ops,
            vec![
                Owned::Info(b"{\"server_id\":\"S\",\"headers\":true}".to_vec()),
                Owned::Ok,
                Owned::Ping,
                msg("a.b", 1, None, None, b"hello"),
                msg("a.c", 2, Some("r.1"), Some(b"NATS/1.0\r\n\r\n"), b"abc"),
                Owned::Pong,
                Owned::Err(b"'Slow Consumer'".to_vec()),
                msg("x", 3, None, None, b""),
                msg("y", 4, None, Some(b"NATS/1.0 503\r\n\r\n"), b""),
            ]
        );
    }

    #[test]
    fn partial_op_is_never_consumed() {
        let limits = Limits::default();
        let last = STREAM.len();
        for end in 0..last {
            // Whatever prefix is present, parse only returns complete ops lying inside it.
            if let Ok(Some((_, used))) = parse(&STREAM[..end], &limits) {
                assert!(used <= end);
            }
        }
        assert_eq!(parse(b"MSG a 1 5\r\nhell", &limits), Ok(None));
        assert_eq!(parse(b"MSG a 1 5\r\nhello\r", &limits), Ok(None));
        assert_eq!(parse(b"PING\r", &limits), Ok(None));
        assert_eq!(parse(b"PIN", &limits), Ok(None));
    }

    #[test]
    fn streams_with_errors_fail_the_same_at_every_split() {
        let limits = Limits { max_control_line: 32, max_payload: 16 };
        let cases: &[(&[u8], ParseError)] = &[
            (b"PING\r\nMSG a 1 5\r\nhelloXX", ParseError::MissingPayloadTerminator),
            (b"PONG\r\nMSG a 1 17\r\n", ParseError::PayloadTooLarge),
            (b"+OK\r\nNOPE\r\n", ParseError::UnknownOp),
            (b"PING\r\nMSG a b 1\r\nx\r\n", ParseError::BadArguments),
            (b"PING\r\nINFO 0123456789012345678901234567890123", ParseError::ControlLineTooLong),
            (b"+OK\r\nPING\nPONG\r\n", ParseError::BadArguments),
        ];
        for (stream, want) in cases {
            let out = assert_split_invariant(stream, &limits);
            assert_eq!(out.error.as_ref(), Some(want), "{:?}", String::from_utf8_lossy(stream));
            assert_eq!(out.ops.len(), 1);
        }
    }

    #[test]
    fn huge_size_claim_rejected_from_the_control_line_alone() {
        let limits = Limits::default();
        // 1 GiB announced; not one payload byte present.
        assert_eq!(parse(b"MSG foo 1 1073741824\r\n", &limits), Err(ParseError::PayloadTooLarge));
        assert_eq!(parse(b"HMSG foo 1 12 1073741824\r\n", &limits), Err(ParseError::PayloadTooLarge));
        // Exactly the limit is allowed (and waits for its bytes).
        let at_limit = format!("MSG foo 1 {}\r\n", limits.max_payload);
        assert_eq!(parse(at_limit.as_bytes(), &limits), Ok(None));
        let above = format!("MSG foo 1 {}\r\n", limits.max_payload + 1);
        assert_eq!(parse(above.as_bytes(), &limits), Err(ParseError::PayloadTooLarge));
    }

    #[test]
    fn header_size_above_total_is_rejected() {
        assert_eq!(err_of(b"HMSG a 1 5 4\r\n", &Limits::default()), ParseError::PayloadTooLarge);
    }

    #[test]
    fn long_line_without_crlf_rejected_once_past_the_limit() {
        let limits = Limits::default();
        let max = limits.max_control_line;
        // A 1 MiB control line that never ends: refused by the time the limit is exceeded,
        // without waiting for (or scanning) the whole MiB.
        let mut line = b"INFO ".to_vec();
        line.resize(1024 * 1024, b'x');
        assert_eq!(parse(&line, &limits), Err(ParseError::ControlLineTooLong));
        assert_eq!(parse(&line[..=max], &limits), Err(ParseError::ControlLineTooLong));
        // Up to the limit it may still be a legal line.
        assert_eq!(parse(&line[..max], &limits), Ok(None));
        // A line of exactly `max` bytes with its CRLF is fine, even when the CR is the byte
        // just past the limit and the LF has not arrived.
        let mut exact = line[..max].to_vec();
        exact.push(b'\r');
        assert_eq!(parse(&exact, &limits), Ok(None));
        exact.push(b'\n');
        let (op, used) = parse(&exact, &limits).unwrap().unwrap();
        assert_eq!(used, max + 2);
        assert!(matches!(op, ServerOp::Info(j) if j.len() == max - 5));
        // One byte more than `max` is too long, CRLF or not.
        let mut over = line[..=max].to_vec();
        over.extend_from_slice(b"\r\n");
        assert_eq!(parse(&over, &limits), Err(ParseError::ControlLineTooLong));
    }

    #[test]
    fn small_line_limit_boundaries() {
        let limits = Limits { max_control_line: 4, max_payload: 8 };
        assert_eq!(parse(b"PING\r\n", &limits), Ok(Some((ServerOp::Ping, 6))));
        assert_eq!(parse(b"PING \r\n", &limits), Err(ParseError::ControlLineTooLong));
        assert_eq!(parse(b"PING \n", &limits), Err(ParseError::ControlLineTooLong));
        assert_eq!(parse(b"PING\rx", &limits), Err(ParseError::ControlLineTooLong));
    }

    #[test]
    fn garbage_is_unknown_at_once() {
        let limits = Limits::default();
        assert_eq!(parse(b"\x00\x01", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"\x00", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"GET / HTTP/1.1", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"MX", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"PINGS", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"MSGS a 1 1\r\n", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"PUB a 1\r\n", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b"\r\n", &limits), Err(ParseError::UnknownOp));
        assert_eq!(parse(b" PING\r\n", &limits), Err(ParseError::UnknownOp));
        assert_eq!(err_of(b"+OK\r\n\xff\xfe garbage", &limits), ParseError::UnknownOp);
    }

    #[test]
    fn bad_arguments() {
        let limits = Limits::default();
        let cases: &[&[u8]] = &[
            b"MSG foo\r\n",
            b"MSG foo 1\r\n",
            b"MSG foo 1 a b 3\r\n",
            b"MSG foo x 3\r\n",
            b"MSG foo 1 -3\r\n",
            b"MSG foo 1 +3\r\n",
            b"MSG foo 1 3x\r\n",
            b"MSG foo 18446744073709551616 3\r\n",
            b"MSG foo 1 99999999999999999999999\r\n",
            b"HMSG foo 1 3\r\n",
            b"HMSG foo 1 a b 1 2 3\r\n",
            b"HMSG foo 1 x 3\r\n",
            b"PING x\r\n",
            b"+OK x\r\n",
            b"INFO\r\n",
            b"INFO  \t \r\n",
            b"PING\n",
        ];
        for case in cases {
            assert_eq!(
                parse(case, &limits),
                Err(ParseError::BadArguments),
                "{:?}",
                String::from_utf8_lossy(case)
            );
        }
    }

    #[test]
    fn sid_at_u64_max() {
        let op = one(b"MSG a 18446744073709551615 1\r\nx\r\n");
        assert_eq!(op, msg("a", u64::MAX, None, None, b"x"));
    }

    #[test]
    fn missing_payload_terminator() {
        let limits = Limits::default();
        assert_eq!(parse(b"MSG a 1 2\r\nabc\r\n", &limits), Err(ParseError::MissingPayloadTerminator));
        assert_eq!(parse(b"MSG a 1 2\r\nab\rx", &limits), Err(ParseError::MissingPayloadTerminator));
        assert_eq!(parse(b"MSG a 1 2\r\nab\n", &limits), Err(ParseError::MissingPayloadTerminator));
        assert_eq!(err_of(b"MSG a 1 2\r\nab\n\r", &limits), ParseError::MissingPayloadTerminator);
    }
}
