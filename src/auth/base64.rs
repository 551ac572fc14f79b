//! Base64 as nkeys.js's `encode`/`decode` helpers do it: standard alphabet with padding out;
//! in, the "forgiving" decode of `atob` (ASCII whitespace ignored, padding optional, the unused
//! low bits of the last character ignored) that also takes the URL-safe alphabet (`-`, `_`), as
//! nkeys.js maps them before `atob`. `encode_url` writes the URL-safe alphabet, padded (ADR-20's
//! digests and object names). Both directions are written out here rather than taken from
//! `data-encoding`, whose generic decoder and encoder cost the wasm module about 22 KB and 10 KB
//! of code.
//!
//! Must not: panic on any text; a string that is not base64 is `None`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        // The chunk's bytes as the top of a 24-bit group; a short chunk is zero-filled.
        let group = chunk.iter().enumerate().fold(0u32, |g, (i, &b)| g | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            // n bytes fill n + 1 characters; '=' pads the group to 4.
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

/// Base64url with padding (`-` and `_` for `+` and `/`): ADR-20's object digests and meta
/// subject names (nats.deno's `Base64UrlPaddedCodec`).
pub fn encode_url(bytes: &[u8]) -> String {
    encode(bytes).replace('+', "-").replace('/', "_")
}

/// The 6-bit value of a base64 character of either alphabet.
fn value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes standard or URL-safe base64, with or without padding; `None` when it is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut s: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    // `atob` accepts one or two '=' only where they complete a 4-character group.
    if s.len().is_multiple_of(4) {
        for _ in 0..2 {
            if s.last() == Some(&b'=') {
                s.pop();
            }
        }
    }
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_forgives_like_atob() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        for n in 0..8 {
            assert_eq!(decode(&encode(&bytes[..n])).unwrap(), &bytes[..n], "{n} bytes");
        }
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(encode_url(&[0xfb, 0xff]), "-_8=", "url alphabet, padded");
        for n in 0..=bytes.len() {
            assert_eq!(encode(&bytes[n..]), data_encoding::BASE64.encode(&bytes[n..]), "{n}");
        }
        assert_eq!(decode("YWI").unwrap(), b"ab");
        assert_eq!(decode(" YW\nI= ").unwrap(), b"ab");
        assert_eq!(decode("-_8").unwrap(), decode("+/8=").unwrap());
        assert_eq!(decode("YWJ").unwrap(), b"ab", "trailing bits ignored");
        assert_eq!(decode(""), Some(vec![]));
        for bad in ["Y", "YW=I", "YWI==", "Y!==", "é", "YQ==="] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
