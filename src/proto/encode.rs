//! Client-to-server ops written straight into the outbound buffer. Arguments are assumed valid:
//! the connection checks subjects and sizes first. Every op ends with CRLF.

/// `CONNECT <json>\r\n`
pub fn connect(out: &mut Vec<u8>, json: &str) {
    let _ = (out, json);
    todo!("proto helper")
}

/// `PUB <subject> [reply] <len>\r\n<payload>\r\n`, or `HPUB <subject> [reply] <hdr_len> <total_len>\r\n<headers><payload>\r\n`
/// when `headers` is `Some` (an encoded block, see `Headers::encode`).
pub fn publish(out: &mut Vec<u8>, subject: &str, reply: Option<&str>, headers: Option<&[u8]>, payload: &[u8]) {
    let _ = (out, subject, reply, headers, payload);
    todo!("proto helper")
}

/// `SUB <subject> [queue] <sid>\r\n`
pub fn subscribe(out: &mut Vec<u8>, subject: &str, queue: Option<&str>, sid: u64) {
    let _ = (out, subject, queue, sid);
    todo!("proto helper")
}

/// `UNSUB <sid> [max]\r\n`
pub fn unsubscribe(out: &mut Vec<u8>, sid: u64, max: Option<u64>) {
    let _ = (out, sid, max);
    todo!("proto helper")
}

/// `PING\r\n`
pub fn ping(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PING\r\n");
}

/// `PONG\r\n`
pub fn pong(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PONG\r\n");
}
