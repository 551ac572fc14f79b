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
    /// `-ERR '<text>'`: the text with the surrounding single quotes removed.
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

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            ParseError::UnknownOp => "unknown protocol operation",
            ParseError::ControlLineTooLong => "control line exceeds the limit",
            ParseError::BadArguments => "malformed protocol arguments",
            ParseError::PayloadTooLarge => "message size exceeds the limit",
            ParseError::MissingPayloadTerminator => "payload not terminated by CRLF",
        };
        f.write_str(text)
    }
}

/// Parses one op at the start of `buf`: `Ok(Some((op, used_bytes)))`, `Ok(None)` when more bytes
/// are needed, or the error that makes the stream unusable.
pub fn parse<'a>(buf: &'a [u8], limits: &Limits) -> Result<Option<(ServerOp<'a>, usize)>, ParseError> {
    let _ = (buf, limits);
    todo!("proto helper")
}
