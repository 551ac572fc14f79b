//! The `NATS/1.0` header block, both ways (ADR-4): an optional inline status (`NATS/1.0 503`,
//! `NATS/1.0 100 Idle Heartbeat`), then `key: value` lines, then a blank line.
//! Keys keep their case; repeated keys keep every value in order. Lookup policy (exact,
//! case-insensitive, canonical MIME) belongs to the callers, not here.
//!
//! Decoding is lenient where nats.deno is (lines without `:` are skipped, values are trimmed) and
//! strict where a wrong guess would corrupt data (version, status digits, the final blank line).
//! Encoding must never write a block that decodes differently, so it refuses what it cannot
//! represent instead of escaping it. Nothing here may panic on input bytes.

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
    /// The status code is not a 3-digit number in 100..=999 (on decode or encode).
    BadStatus,
    /// The block does not end with the blank line.
    Malformed,
    /// A key or value that cannot be encoded (CR/LF in a value, `:` or a char outside 33..=126 in a key).
    InvalidField,
}

impl HeaderError {
    /// The variant's name: what the JS bindings put in their `BAD_HEADER` messages (the text of
    /// `{:?}`, without the formatting machinery).
    pub fn name(&self) -> &'static str {
        match self {
            HeaderError::MissingVersion => "MissingVersion",
            HeaderError::BadStatus => "BadStatus",
            HeaderError::Malformed => "Malformed",
            HeaderError::InvalidField => "InvalidField",
        }
    }
}

/// The version line every block starts with.
const VERSION: &[u8] = b"NATS/1.0";

/// The blank line that ends every block (the CRLF of the last line plus an empty line).
const END: &[u8] = b"\r\n\r\n";

/// Once a block has more lines than this, values are grouped by key by sorting instead of a linear
/// scan per line, so a hostile block of many keys costs O(n log n) instead of O(n²). Real blocks
/// have a handful of keys, where the scan is faster and allocates nothing.
const LINEAR_LOOKUP_KEYS: usize = 16;

/// Spaces and tabs are the only whitespace trimmed from values, descriptions and keys: other
/// bytes are data, and trimming only these keeps decode → encode → decode stable.
fn trim_ws(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// An inline status code: exactly three ASCII digits, the first not 0 (HTTP-style 100..=999, so
/// that 0 can mean "no status").
fn status_digits(digits: &[u8]) -> Option<u16> {
    match *digits {
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

/// A key the encoder can write: non-empty, visible ASCII (33..=126), no `:` (it would split the
/// line at the wrong place on decode).
fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// A value or description the encoder can write: a CR or LF would end the line early.
fn valid_text(text: &str) -> bool {
    !text.bytes().any(|b| b == b'\r' || b == b'\n')
}

/// Groups `(key, value)` lines into entries in first-seen key order, values in line order: what
/// repeated `push_value` calls give, in O(n log n). By sorting rather than with a map: a
/// `BTreeMap` costs the wasm module about 8 KB, and std's `HashMap` is not seeded randomly on
/// wasm32-unknown-unknown, so a hostile block of colliding keys could make it quadratic.
fn group_by_key(lines: Vec<(&str, &str)>) -> Vec<(String, Vec<String>)> {
    // By key, then by line: each key's lines form one run, its first line first.
    let mut order: Vec<(&str, usize)> = lines.iter().enumerate().map(|(i, (key, _))| (*key, i)).collect();
    order.sort_unstable();
    // Each key's entry, at the index of its first line (a slot table rather than a second sort).
    let mut slots: Vec<Option<(String, Vec<String>)>> = vec![None; lines.len()];
    let mut first = 0;
    for (n, &(key, i)) in order.iter().enumerate() {
        if n == 0 || order[n - 1].0 != key {
            first = i;
            slots[i] = Some((key.to_owned(), Vec::new()));
        }
        if let Some((_, values)) = &mut slots[first] {
            values.push(lines[i].1.to_owned());
        }
    }
    slots.into_iter().flatten().collect()
}

impl Headers {
    /// Decodes a raw header block (what HMSG's `hdr_len` covers). Lines without `:` are ignored,
    /// values are trimmed, invalid UTF-8 becomes U+FFFD.
    pub fn decode(block: &[u8]) -> Result<Headers, HeaderError> {
        let after_version = block.strip_prefix(VERSION).ok_or(HeaderError::MissingVersion)?;
        let body = after_version.strip_suffix(END).ok_or(HeaderError::Malformed)?;
        // Bytes that are not UTF-8 (a peer's Latin-1 value) are replaced, not refused: one odd
        // value must not make a whole message unreadable (nats.deno decodes leniently too).
        let body = String::from_utf8_lossy(body);
        let mut lines_iter = body.split("\r\n");
        // `split` always yields at least one item: the rest of the version line.
        let status = lines_iter.next().unwrap_or_default();
        let (code, description) = decode_status(status)?;
        let mut headers = Headers { code, description: description.to_owned(), entries: Vec::new() };
        let mut lines: Vec<(&str, &str)> = Vec::new();
        for line in lines_iter {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = trim_ws(key);
            // An empty key names nothing and could not be encoded again: skip it like a line
            // without `:`.
            if key.is_empty() {
                continue;
            }
            lines.push((key, trim_ws(value)));
        }
        if lines.len() <= LINEAR_LOOKUP_KEYS {
            for (key, value) in lines {
                headers.push_value(key, value);
            }
        } else {
            headers.entries = group_by_key(lines);
        }
        Ok(headers)
    }

    /// The decoded block as lines, each ended by CRLF, which no piece can hold (`decode` splits
    /// the block there): the status code, the description, then per key the key, its number of
    /// values and the values. The JS shim gets it as one string (one crossing, one decode) and
    /// splits it (`js/headers.ts` `MsgHdrsImpl.decode`); an object of arrays took about twenty.
    pub fn to_lines(&self) -> String {
        use crate::text::Piece;
        let mut out = String::new();
        let mut line = |piece: &dyn Piece| {
            piece.push_to(&mut out);
            out.push_str("\r\n");
        };
        line(&self.code);
        line(&self.description);
        for (key, values) in &self.entries {
            line(key);
            line(&values.len());
            for v in values {
                line(v);
            }
        }
        out
    }

    /// Appends `value` under `key`, keeping first-seen key order (a linear scan: few keys).
    fn push_value(&mut self, key: &str, value: &str) {
        if let Some(values) = self.entries.iter_mut().find(|(k, _)| k == key) {
            values.1.push(value.to_owned());
            return;
        }
        self.entries.push((key.to_owned(), vec![value.to_owned()]));
    }

    /// Appends the encoded block to `out`, always starting `NATS/1.0` and ending with the blank
    /// line. The status is written when `code != 0`: ` <code>`, plus ` <description>` when the
    /// description is not empty; a code outside 100..=999 is `BadStatus`. Keys and values are
    /// written as given (values trimmed of spaces and tabs), one `key: value` line per value; a
    /// key with no values writes nothing. On error `out` is left as it was.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), HeaderError> {
        let start = out.len();
        let result = self.encode_into(out);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), HeaderError> {
        out.extend_from_slice(VERSION);
        if self.code != 0 {
            if !(100..=999).contains(&self.code) {
                return Err(HeaderError::BadStatus);
            }
            out.push(b' ');
            crate::proto::encode::push_u64(out, u64::from(self.code));
            let description = trim_ws(&self.description);
            if !description.is_empty() {
                if !valid_text(description) {
                    return Err(HeaderError::InvalidField);
                }
                out.push(b' ');
                out.extend_from_slice(description.as_bytes());
            }
        }
        out.extend_from_slice(b"\r\n");
        for (key, values) in &self.entries {
            if !valid_key(key) {
                return Err(HeaderError::InvalidField);
            }
            for value in values {
                let value = trim_ws(value);
                if !valid_text(value) {
                    return Err(HeaderError::InvalidField);
                }
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(value.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Reads only the inline status code of a raw block (0 when none), without allocating.
    /// It checks the version line and the final blank line, not the rest, and gives the same
    /// code as `decode` whenever `decode` succeeds.
    pub fn status_code(block: &[u8]) -> u16 {
        if !block.ends_with(END) {
            return 0;
        }
        let Some(rest) = block.strip_prefix(VERSION) else {
            return 0;
        };
        // At least one separator between the version and the code.
        let skip = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        if skip == 0 {
            return 0;
        }
        let rest = rest.get(skip..).unwrap_or_default();
        let Some(code) = rest.get(..3).and_then(status_digits) else {
            return 0;
        };
        // The code must stand alone: followed by a separator or the end of the line.
        match rest.get(3..) {
            Some([b' ' | b'\t', ..]) | Some([b'\r', b'\n', ..]) => code,
            _ => 0,
        }
    }

    /// The first value of `key` (exact, case-sensitive match).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values(key).first().map(String::as_str)
    }

    /// Every value of `key` in order (exact, case-sensitive match); empty when absent.
    pub fn values(&self, key: &str) -> &[String] {
        self.entries.iter().find(|(k, _)| k == key).map_or(&[], |(_, v)| v.as_slice())
    }

    /// Adds `value` under `key` as given (exact match for an existing key), keeping first-seen
    /// key order. Validation happens in `encode`.
    pub fn append(&mut self, key: &str, value: &str) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_owned()),
            None => self.entries.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
}

/// The rest of the version line: empty, or a separator, a 3-digit code and an optional
/// description.
fn decode_status(status: &str) -> Result<(u16, &str), HeaderError> {
    if status.is_empty() {
        return Ok((0, ""));
    }
    // `NATS/1.01` or `NATS/1.0x` is another version, not a status.
    if !status.starts_with([' ', '\t']) {
        return Err(HeaderError::MissingVersion);
    }
    let status = trim_ws(status);
    if status.is_empty() {
        return Ok((0, ""));
    }
    let (digits, description) = match status.find([' ', '\t']) {
        Some(i) => status.split_at(i),
        None => (status, ""),
    };
    let code = status_digits(digits.as_bytes()).ok_or(HeaderError::BadStatus)?;
    Ok((code, trim_ws(description)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(h: &Headers) -> Vec<u8> {
        let mut out = Vec::new();
        h.encode(&mut out).expect("encodable");
        out
    }

    fn with(code: u16, description: &str, entries: &[(&str, &[&str])]) -> Headers {
        Headers {
            code,
            description: description.to_owned(),
            entries: entries
                .iter()
                .map(|(k, vs)| ((*k).to_owned(), vs.iter().map(|v| (*v).to_owned()).collect()))
                .collect(),
        }
    }

    #[test]
    fn error_names_are_the_debug_text() {
        // The JS bindings' BAD_HEADER messages name the variant as `{:?}` did before `name`.
        use HeaderError::*;
        for e in [MissingVersion, BadStatus, Malformed, InvalidField] {
            assert_eq!(e.name(), format!("{e:?}"));
        }
    }

    #[test]
    fn decode_keys_and_values() {
        let h = Headers::decode(b"NATS/1.0\r\nNats-Msg-Id: abc\r\nfoo:  bar baz \t\r\n\r\n").unwrap();
        assert_eq!(h, with(0, "", &[("Nats-Msg-Id", &["abc"]), ("foo", &["bar baz"])]));
        assert_eq!(h.get("Nats-Msg-Id"), Some("abc"));
        assert_eq!(h.get("nats-msg-id"), None, "lookup is exact");
    }

    #[test]
    fn decode_keeps_key_case_and_splits_on_first_colon() {
        let h = Headers::decode(b"NATS/1.0\r\nX-URL: http://a:1/b\r\nx-url: low\r\n\r\n").unwrap();
        assert_eq!(h.values("X-URL"), ["http://a:1/b"]);
        assert_eq!(h.values("x-url"), ["low"]);
        assert_eq!(h.entries.len(), 2);
    }

    #[test]
    fn decode_multi_valued_keys_in_order() {
        let h = Headers::decode(b"NATS/1.0\r\nA: 1\r\nB: x\r\nA: 2\r\nA: 3\r\n\r\n").unwrap();
        assert_eq!(h, with(0, "", &[("A", &["1", "2", "3"]), ("B", &["x"])]));
        assert_eq!(h.get("A"), Some("1"));
    }

    #[test]
    fn decode_status_only() {
        let h = Headers::decode(b"NATS/1.0 503\r\n\r\n").unwrap();
        assert_eq!(h, with(503, "", &[]));
    }

    #[test]
    fn decode_status_with_description_and_keys() {
        let block = b"NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 5\r\nNats-Last-Stream: 9\r\n\r\n";
        let h = Headers::decode(block).unwrap();
        assert_eq!(h.code, 100);
        assert_eq!(h.description, "Idle Heartbeat");
        assert_eq!(h.get("Nats-Last-Stream"), Some("9"));
        let h = Headers::decode(b"NATS/1.0\t408 \t Request Timeout \r\n\r\n").unwrap();
        assert_eq!((h.code, h.description.as_str()), (408, "Request Timeout"));
    }

    #[test]
    fn decode_ignores_lines_without_colon_and_empty_keys() {
        let h = Headers::decode(b"NATS/1.0\r\njunk\r\n\r\n: v\r\nK: v\r\n\r\n").unwrap();
        assert_eq!(h, with(0, "", &[("K", &["v"])]));
    }

    #[test]
    fn decode_errors() {
        assert_eq!(Headers::decode(b""), Err(HeaderError::MissingVersion));
        assert_eq!(Headers::decode(b"NATS/2.0\r\n\r\n"), Err(HeaderError::MissingVersion));
        assert_eq!(Headers::decode(b"NATS/1.01\r\n\r\n"), Err(HeaderError::MissingVersion));
        assert_eq!(Headers::decode(b"nats/1.0\r\n\r\n"), Err(HeaderError::MissingVersion));
        assert_eq!(Headers::decode(b"NATS/1.0"), Err(HeaderError::Malformed));
        assert_eq!(Headers::decode(b"NATS/1.0\r\n"), Err(HeaderError::Malformed));
        assert_eq!(Headers::decode(b"NATS/1.0\r\nA: b\r\n"), Err(HeaderError::Malformed));
        // Not UTF-8 is not malformed: a peer's Latin-1 byte is replaced, the message stays readable.
        let latin1 = Headers::decode(b"NATS/1.0\r\nX-Name: caf\xe9\r\n\r\n").unwrap();
        assert_eq!(latin1.get("X-Name"), Some("caf\u{FFFD}"));
        assert_eq!(Headers::decode(b"NATS/1.0 50\r\n\r\n"), Err(HeaderError::BadStatus));
        assert_eq!(Headers::decode(b"NATS/1.0 5030\r\n\r\n"), Err(HeaderError::BadStatus));
        assert_eq!(Headers::decode(b"NATS/1.0 abc\r\n\r\n"), Err(HeaderError::BadStatus));
        assert_eq!(Headers::decode(b"NATS/1.0 099\r\n\r\n"), Err(HeaderError::BadStatus));
        assert_eq!(Headers::decode(b"NATS/1.0 503x\r\n\r\n"), Err(HeaderError::BadStatus));
    }

    #[test]
    fn encode_plain() {
        let h = with(0, "", &[("A", &["b"])]);
        assert_eq!(encoded(&h), b"NATS/1.0\r\nA: b\r\n\r\n");
    }

    #[test]
    fn encode_empty_is_a_bare_version_block() {
        assert_eq!(encoded(&Headers::default()), b"NATS/1.0\r\n\r\n");
    }

    #[test]
    fn encode_status_forms() {
        assert_eq!(encoded(&with(503, "", &[])), b"NATS/1.0 503\r\n\r\n");
        assert_eq!(encoded(&with(408, "Request Timeout", &[])), b"NATS/1.0 408 Request Timeout\r\n\r\n");
        // A description without a code has no place on the wire.
        assert_eq!(encoded(&with(0, "ignored", &[])), b"NATS/1.0\r\n\r\n");
        let mut out = Vec::new();
        assert_eq!(with(42, "", &[]).encode(&mut out), Err(HeaderError::BadStatus));
        assert_eq!(with(1000, "", &[]).encode(&mut out), Err(HeaderError::BadStatus));
    }

    #[test]
    fn encode_multi_valued_one_line_each() {
        let h = with(0, "", &[("A", &["1", "2"]), ("b", &[" 3 "]), ("Empty", &[])]);
        assert_eq!(encoded(&h), b"NATS/1.0\r\nA: 1\r\nA: 2\r\nb: 3\r\n\r\n");
    }

    #[test]
    fn encode_appends_to_out() {
        let mut out = b"prefix".to_vec();
        with(0, "", &[("A", &["1"])]).encode(&mut out).unwrap();
        assert_eq!(out, b"prefixNATS/1.0\r\nA: 1\r\n\r\n");
    }

    #[test]
    fn encode_invalid_fields() {
        let bad: &[Headers] = &[
            with(0, "", &[("a b", &["v"])]),
            with(0, "", &[("a:b", &["v"])]),
            with(0, "", &[("", &["v"])]),
            with(0, "", &[("ké", &["v"])]),
            with(0, "", &[("k\x7f", &["v"])]),
            with(0, "", &[("k", &["v\r\nInjected: 1"])]),
            with(0, "", &[("k", &["a\nb"])]),
            with(0, "", &[("k", &["a\rb"])]),
            with(503, "No\r\nResponders", &[]),
        ];
        for h in bad {
            let mut out = b"keep".to_vec();
            assert_eq!(h.encode(&mut out), Err(HeaderError::InvalidField), "{h:?}");
            assert_eq!(out, b"keep", "out is left as it was");
        }
        // Every visible ASCII char but ':' is a valid key char.
        let key: String = (33u8..=126).filter(|&b| b != b':').map(char::from).collect();
        assert!(with(0, "", &[(&key, &["v"])]).encode(&mut Vec::new()).is_ok());
    }

    #[test]
    fn round_trips() {
        let samples = [
            with(0, "", &[]),
            with(503, "", &[]),
            with(100, "Idle Heartbeat", &[("Nats-Last-Consumer", &["1"])]),
            with(409, "Exceeded MaxWaiting", &[]),
            with(0, "", &[("A", &["1", "2", ""]), ("a", &["lower"]), ("B-c", &["x: y", "ü"])]),
        ];
        for h in samples {
            let block = encoded(&h);
            assert_eq!(Headers::decode(&block), Ok(h.clone()));
            assert_eq!(Headers::status_code(&block), h.code);
        }
    }

    #[test]
    fn many_distinct_keys_keep_order_and_merge() {
        let mut block = b"NATS/1.0\r\n".to_vec();
        for round in 0..3 {
            for k in 0..100 {
                block.extend_from_slice(format!("K{k}: {round}\r\n").as_bytes());
            }
        }
        block.extend_from_slice(b"\r\n");
        let h = Headers::decode(&block).unwrap();
        assert_eq!(h.entries.len(), 100);
        for (i, (k, v)) in h.entries.iter().enumerate() {
            assert_eq!(k, &format!("K{i}"));
            assert_eq!(v, &["0", "1", "2"]);
        }
        assert_eq!(Headers::decode(&encoded(&h)), Ok(h));
    }

    #[test]
    fn grouping_by_sort_equals_the_linear_scan() {
        // keys repeat out of order, with case variants (exact match) and empty values
        let lines: Vec<(String, String)> =
            (0..200).map(|i| (format!("k{}", (i * 7) % 23), format!("v{i}"))).collect();
        let mut lines: Vec<(&str, &str)> = lines.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        lines.extend([("K1", ""), ("k1", "last")]);
        let mut linear = Headers::default();
        for &(k, v) in &lines {
            linear.push_value(k, v);
        }
        assert_eq!(group_by_key(lines), linear.entries);
    }

    #[test]
    fn status_code_fast_path() {
        assert_eq!(Headers::status_code(b"NATS/1.0 503\r\n\r\n"), 503);
        assert_eq!(Headers::status_code(b"NATS/1.0 100 Idle Heartbeat\r\n\r\n"), 100);
        assert_eq!(Headers::status_code(b"NATS/1.0\t404\tNo Messages\r\nK: v\r\n\r\n"), 404);
        assert_eq!(Headers::status_code(b"NATS/1.0\r\nK: v\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b"NATS/1.0 503"), 0, "no final blank line");
        assert_eq!(Headers::status_code(b"NATS/1.0503\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b"NATS/1.0 5034\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b"NATS/1.0 50\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b"NATS/1.0 503\r\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b"HTTP/1.1 503\r\n\r\n"), 0);
        assert_eq!(Headers::status_code(b""), 0);
    }

    #[test]
    fn append_merges_exact_keys() {
        let mut h = Headers::default();
        h.append("A", "1");
        h.append("a", "2");
        h.append("A", "3");
        assert_eq!(h, with(0, "", &[("A", &["1", "3"]), ("a", &["2"])]));
        assert_eq!(h.values("missing"), [] as [String; 0]);
    }

    #[test]
    fn to_lines_puts_every_piece_behind_crlf() {
        let h = Headers::decode(b"NATS/1.0 503 No Responders\r\nA: 1\r\nb: x\ry\r\nA: 2\r\n\r\n").unwrap();
        assert_eq!(h.to_lines(), "503\r\nNo Responders\r\nA\r\n2\r\n1\r\n2\r\nb\r\n1\r\nx\ry\r\n");
        let empty = Headers::decode(b"NATS/1.0\r\n\r\n").unwrap();
        assert_eq!(empty.to_lines(), "0\r\n\r\n");
    }
}
