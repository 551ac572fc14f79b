//! The little JSON the protocol needs, by hand: reading the flat INFO object (strings, integers,
//! booleans, string arrays; anything else is skipped) and writing CONNECT and event payloads.
//! A general JSON library (serde_json) costs the wasm module about a fifth of its size for
//! these few fields, so this module trades generality for size.
//!
//! Must not: panic or recurse without bound on hostile input (nesting is limited), or accept
//! malformed JSON as valid.

/// Deepest nesting of arrays/objects skipped inside INFO: far beyond anything nats-server sends,
/// small enough that a hostile server cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

/// A top-level INFO value the reader keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// Integers and other numbers, as f64 (every field INFO carries fits exactly).
    Num(f64),
    Bool(bool),
    Null,
    /// An array whose elements are all strings (connect_urls); other arrays are `Other`.
    StrList(Vec<String>),
    /// A nested object, or an array of non-strings: skipped, never needed by the engine.
    Other,
}

/// Why JSON could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub &'static str);

impl crate::text::Piece for JsonError {
    fn push_to(&self, out: &mut String) {
        out.push_str("invalid JSON: ");
        out.push_str(self.0);
    }
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::text::cat!(self))
    }
}

/// A top-level field: its key, its value, and the value's JSON text (so that a caller can read a
/// nested object, such as the `error` of a JetStream API reply, with `read_object` again).
pub type RawField<'a> = (String, Value, &'a [u8]);

/// Reads a JSON object into its top-level fields, in order.
pub fn read_object(text: &[u8]) -> Result<Vec<RawField<'_>>, JsonError> {
    let mut r = Reader { b: text, at: 0 };
    r.ws();
    r.expect(b'{')?;
    let mut out = Vec::new();
    r.ws();
    if r.eat(b'}') {
        return r.end(out);
    }
    loop {
        r.ws();
        let key = r.string()?;
        r.ws();
        r.expect(b':')?;
        r.ws();
        let start = r.at;
        let value = r.value(0)?;
        out.push((key, value, &text[start..r.at]));
        r.ws();
        if r.eat(b',') {
            continue;
        }
        r.expect(b'}')?;
        return r.end(out);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), JsonError> {
        if self.eat(c) { Ok(()) } else { Err(JsonError("unexpected character")) }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn end<T>(&mut self, v: T) -> Result<T, JsonError> {
        self.ws();
        if self.at == self.b.len() { Ok(v) } else { Err(JsonError("trailing characters")) }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.b.get(self.at..self.at + word.len()) == Some(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(JsonError("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError("nested too deeply"));
        }
        match self.peek() {
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.literal(b"true").map(|_| Value::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|_| Value::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|_| Value::Null),
            Some(b'{') => self.skip_object(depth).map(|_| Value::Other),
            Some(b'[') => self.array(depth),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Num),
            _ => Err(JsonError("unexpected character")),
        }
    }

    /// An array: kept as `StrList` when every element is a string.
    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.at += 1; // '['
        let mut strings = Some(Vec::new());
        self.ws();
        if self.eat(b']') {
            return Ok(Value::StrList(Vec::new()));
        }
        loop {
            self.ws();
            match self.value(depth + 1)? {
                Value::Str(s) => {
                    if let Some(list) = strings.as_mut() {
                        list.push(s);
                    }
                }
                _ => strings = None,
            }
            self.ws();
            if self.eat(b',') {
                continue;
            }
            self.expect(b']')?;
            return Ok(strings.map_or(Value::Other, Value::StrList));
        }
    }

    fn skip_object(&mut self, depth: usize) -> Result<(), JsonError> {
        self.at += 1; // '{'
        self.ws();
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            self.ws();
            self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            self.value(depth + 1)?;
            self.ws();
            if self.eat(b',') {
                continue;
            }
            return self.expect(b'}');
        }
    }

    /// A number, accepting exactly the texts the reader first parsed with `str::parse::<f64>`
    /// (`-`? then digits with an optional `.`, at least one digit, then an optional exponent),
    /// but without core's float parser: its code and power-of-five table cost the wasm module
    /// about 14 KB, for INFO fields that are all integers. The value is exact for integers up to
    /// 2^53; other numbers may differ from the correctly rounded one in the last bits.
    fn number(&mut self) -> Result<f64, JsonError> {
        const BAD: JsonError = JsonError("bad number");
        let negative = self.eat(b'-');
        let (mut mantissa, mut exp) = (0u64, 0i32);
        let mut digits = self.digits(&mut mantissa, &mut exp, false);
        if self.eat(b'.') {
            digits += self.digits(&mut mantissa, &mut exp, true);
        }
        if digits == 0 {
            return Err(BAD);
        }
        if self.eat(b'e') || self.eat(b'E') {
            let exp_negative = self.eat(b'-');
            if !exp_negative {
                self.eat(b'+');
            }
            let (mut e, mut n) = (0i32, 0);
            while let Some(d @ b'0'..=b'9') = self.peek() {
                e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
                n += 1;
                self.at += 1;
            }
            if n == 0 {
                return Err(BAD);
            }
            exp = exp.saturating_add(if exp_negative { -e } else { e });
        }
        // The old reader took the whole run of these characters as the number's text.
        if matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            return Err(BAD);
        }
        let mut value = mantissa as f64;
        // 10^±400 is past f64's range either way (inf or 0); the cap bounds the loop.
        for _ in 0..exp.unsigned_abs().min(400) {
            if exp > 0 { value *= 10.0 } else { value /= 10.0 }
        }
        Ok(if negative { -value } else { value })
    }

    /// A run of decimal digits into `mantissa` (kept below 2^64: later integer digits raise
    /// `exp`, later fraction digits are dropped); fraction digits lower `exp`. The digit count.
    fn digits(&mut self, mantissa: &mut u64, exp: &mut i32, fraction: bool) -> usize {
        let mut n = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            self.at += 1;
            n += 1;
            match mantissa.checked_mul(10).and_then(|m| m.checked_add(u64::from(d - b'0'))) {
                Some(m) => {
                    *mantissa = m;
                    *exp = exp.saturating_sub(i32::from(fraction));
                }
                None => *exp = exp.saturating_add(i32::from(!fraction)),
            }
        }
        n
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.b.get(self.at..self.at + 4).ok_or(JsonError("short \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char).to_digit(16).ok_or(JsonError("bad \\u escape"))?;
            v = v * 16 + n;
        }
        self.at += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else { return Err(JsonError("unterminated string")) };
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else { return Err(JsonError("unterminated string")) };
                    self.at += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(JsonError("bad escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(JsonError("control character in string")),
                _ => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| JsonError("string is not UTF-8"))
    }

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.b.get(self.at..self.at + 2) == Some(b"\\u") {
            let save = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.at = save;
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

/// Writes JSON objects field by field. Fields are written in call order.
pub struct ObjectWriter {
    out: String,
    first: bool,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        ObjectWriter { out: String::from("{"), first: true }
    }
}

impl ObjectWriter {
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_string(&mut self.out, key);
        self.out.push(':');
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        push_string(&mut self.out, value);
        self
    }

    /// Writes the field only when `value` is `Some`, as JSON.stringify leaves out `undefined`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.str(key, v);
        }
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub fn int(&mut self, key: &str, value: u64) -> &mut Self {
        self.key(key);
        let mut digits = Vec::new();
        crate::proto::encode::push_u64(&mut digits, value);
        self.out.extend(digits.iter().map(|&d| d as char));
        self
    }

    /// Writes `json`, already JSON text (a config written by another `ObjectWriter`), as is.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub fn str_list(&mut self, key: &str, values: &[String]) -> &mut Self {
        self.key(key);
        self.out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            push_string(&mut self.out, v);
        }
        self.out.push(']');
        self
    }

    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// Appends `s` as a JSON string literal.
fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flat_info_fields_and_skips_nested_values() {
        let v = read_object(
            br#" {"a":"x\"y\\u00e9\u00e9","n":1048576,"neg":-3,"t":true,"f":false,"z":null,
               "urls":["h:1","h:2"],"mixed":[1,"a"],"obj":{"k":[{"d":1}]},"e":[]} "#,
        )
        .unwrap();
        let get = |k: &str| v.iter().find(|(key, ..)| key == k).map(|(_, v, _)| v.clone()).unwrap();
        assert_eq!(get("a"), Value::Str("x\"y\\u00e9é".into()));
        assert_eq!(get("n"), Value::Num(1_048_576.0));
        assert_eq!(get("neg"), Value::Num(-3.0));
        assert_eq!(get("t"), Value::Bool(true));
        assert_eq!(get("f"), Value::Bool(false));
        assert_eq!(get("z"), Value::Null);
        assert_eq!(get("urls"), Value::StrList(vec!["h:1".into(), "h:2".into()]));
        assert_eq!(get("mixed"), Value::Other);
        assert_eq!(get("obj"), Value::Other);
        assert_eq!(get("e"), Value::StrList(vec![]));
    }

    #[test]
    fn raw_values_read_nested_objects_and_write_back() {
        let text = br#"{"error": {"code":404,"err_code":10059,"description":"stream not found"} ,"s":"x"}"#;
        let v = read_object(text).unwrap();
        assert_eq!(v[0].2, br#"{"code":404,"err_code":10059,"description":"stream not found"}"#);
        assert_eq!(v[1].2, br#""x""#);
        let inner = read_object(v[0].2).unwrap();
        assert_eq!((&inner[1].0[..], &inner[1].1), ("err_code", &Value::Num(10059.0)));
        let config = ObjectWriter::default().int("a", 1).finish();
        let out = ObjectWriter::default().str("s", "n").raw("config", &config).finish();
        assert_eq!(out, r#"{"s":"n","config":{"a":1}}"#);
        assert!(read_object(br#"{"a":{"b":1}"#).is_err());
    }

    /// What INFO does with a number (`ServerInfo::parse`): refuse negatives, truncate to u64.
    fn as_info_field(n: f64) -> Option<u64> {
        (n >= 0.0).then_some(n as u64)
    }

    #[test]
    fn numbers_are_read_as_the_float_parser_read_them() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "7",
            "01",
            "1.",
            "-.5",
            "1.5",
            "1e3",
            "1E+3",
            "1e-3",
            "2.5e1",
            "-",
            "-.",
            ".",
            "1e",
            "1e+",
            "1-2",
            "1..2",
            "--1",
            "-+1",
            "1e5e",
            "9007199254740992",
            "18446744073709551615",
            "18446744073709551616",
            "123456789012345678901234567890",
            "1e400",
            "1e-400",
            "0.0000001e7",
            "4294967296",
            "1048576",
            "100000000000000000000e-2",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // and random runs of the characters the old reader took as a number
        let alphabet = b"-+.eE0123456789";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 1 + (seed % 7) as usize;
            let mut t = String::from(if seed & 64 == 0 { "-" } else { "1" });
            for i in 0..len {
                t.push(alphabet[((seed >> (8 + 4 * i)) % 15) as usize] as char);
            }
            texts.push(t);
        }
        for t in texts {
            let ours = read_object(format!("{{\"n\":{t}}}").as_bytes()).map(|v| match v[0].1 {
                Value::Num(n) => n,
                _ => panic!("{t}: not a number"),
            });
            let float = t.parse::<f64>();
            assert_eq!(ours.is_ok(), float.is_ok(), "{t}");
            if let (Ok(a), Ok(b)) = (ours, float) {
                assert_eq!(as_info_field(a), as_info_field(b), "{t}: {a} vs {b}");
                if !t.contains(['.', 'e', 'E']) && b.abs() <= 9007199254740992.0 {
                    assert_eq!(a, b, "{t}");
                }
            }
        }
    }

    #[test]
    fn surrogate_pairs_join_and_lone_ones_are_replaced() {
        let v = read_object(br#"{"s":"\ud83d\ude00","l":"\ud800x"}"#).unwrap();
        assert_eq!(v[0].1, Value::Str("😀".into()));
        assert_eq!(v[1].1, Value::Str("\u{FFFD}x".into()));
    }

    #[test]
    fn malformed_json_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\"}",
            b"{\"a\":}",
            b"{\"a\":tru}",
            b"{\"a\":\"x}",
            b"{\"a\":1,}",
            b"{\"a\":1} x",
            b"[1]",
            b"{\"a\":\"\\u12\"}",
            b"{\"a\":\"\x01\"}",
            b"{\"a\":\"\xff\"}",
            b"{\"a\":-}",
        ] {
            assert!(read_object(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_exhausting_the_stack() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(read_object(deep.as_bytes()), Err(JsonError("nested too deeply")));
        let ok = format!("{{\"a\":{}{}}}", "[".repeat(10), "]".repeat(10));
        assert!(read_object(ok.as_bytes()).is_ok());
    }

    #[test]
    fn writer_escapes_and_round_trips_through_serde_json() {
        let s = ObjectWriter::default()
            .str("s", "q\"b\\n\n\u{1}é")
            .opt_str("none", None)
            .opt_str("some", Some("v"))
            .bool("t", true)
            .int("n", 18_446_744_073_709_551_615)
            .str_list("l", &["a".into(), "b\"".into()])
            .finish();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["s"], "q\"b\\n\n\u{1}é");
        assert!(v.get("none").is_none());
        assert_eq!(v["some"], "v");
        assert_eq!(v["t"], true);
        assert_eq!(v["n"].as_u64(), Some(u64::MAX));
        assert_eq!(v["l"][1], "b\"");
        assert_eq!(ObjectWriter::default().finish(), "{}");
    }
}
