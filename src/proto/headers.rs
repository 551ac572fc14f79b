//! The `NATS/1.0` header block, both ways (ADR-4): an optional inline status (`NATS/1.0 503`,
//! `NATS/1.0 100 Idle Heartbeat`), then `key: value` lines, then a blank line.
//! Keys keep their case; repeated keys keep every value in order. Lookup policy (exact,
//! case-insensitive, canonical MIME) belongs to the callers, not here.

/// A decoded header block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// Inline status code (0 when absent).
    pub code: u16,
    /// Inline status description ("" when absent).
    pub description: String,
    /// Keys in first-seen order with their values in order.
    pub entries: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// The block does not start with `NATS/1.0`.
    MissingVersion,
    /// The status code is not a 3-digit number.
    BadStatus,
    /// The block is not valid UTF-8 or does not end with the blank line.
    Malformed,
    /// A key or value that cannot be encoded (CR/LF in a value, `:` or a char outside 33..=126 in a key).
    InvalidField,
}

impl Headers {
    /// Decodes a raw header block (what HMSG's `hdr_len` covers). Lines without `:` are ignored,
    /// values are trimmed.
    pub fn decode(block: &[u8]) -> Result<Headers, HeaderError> {
        let _ = block;
        todo!("proto helper")
    }

    /// Appends the encoded block to `out`, always starting `NATS/1.0` and ending with the blank
    /// line, the status written only when both code and description are set.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), HeaderError> {
        let _ = out;
        todo!("proto helper")
    }

    /// Reads only the inline status code of a raw block (0 when none), without allocating.
    pub fn status_code(block: &[u8]) -> u16 {
        let _ = block;
        todo!("proto helper")
    }
}
