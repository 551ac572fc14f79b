//! ObjectStore digests (ADR-20): a streaming SHA-256 over an object's chunks, its text
//! `SHA-256=` + base64url with padding, and the reading of a stored digest text, which older
//! clients wrote as hex (`SHA-256=` + 64 hex digits, one case).
//!
//! Must not: hold more than the hash state (chunks are hashed as they pass, never kept), or panic
//! on any digest text (a stored meta entry is data anyone with write access can change).

use sha2::{Digest as _, Sha256};

use crate::auth::base64;
use crate::text::Piece;

/// The prefix of every ADR-20 digest text; the only algorithm the spec names.
pub const DIGEST_PREFIX: &str = "SHA-256=";

/// Bytes of a SHA-256 hash.
pub const HASH_BYTES: usize = 32;

/// A SHA-256 hash.
pub type Hash = [u8; HASH_BYTES];

/// Why a stored digest text cannot be checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestError {
    /// The text does not start with `SHA-256=`.
    UnknownType(String),
    /// After the prefix: neither 64 hex digits nor base64 of 32 bytes.
    Unparsable(String),
}

impl Piece for DigestError {
    fn push_to(&self, out: &mut String) {
        let (what, text) = match self {
            Self::UnknownType(t) => ("unknown digest type: ", t),
            Self::Unparsable(t) => ("unable to parse digest: ", t),
        };
        out.push_str(what);
        out.push_str(text);
    }
}

crate::text::display_as_piece!(DigestError);

impl std::error::Error for DigestError {}

/// The running SHA-256 of one object: `update` with each chunk in order, then `finish`.
#[derive(Clone, Default)]
pub struct ObjectDigest(Sha256);

impl ObjectDigest {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> Hash {
        self.0.finalize().into()
    }
}

/// The digest text of a hash: `SHA-256=` + base64url with padding (44 characters).
pub fn digest_text(hash: &Hash) -> String {
    [DIGEST_PREFIX, &base64::encode_url(hash)].concat()
}

/// Hex digits in one case (nats.deno's rule: mixed case is taken for base64), even in number.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let lower = b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
    let upper = b.iter().all(|c| matches!(c, b'0'..=b'9' | b'A'..=b'F'));
    if b.is_empty() || !(lower || upper) || !b.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// The hash a stored digest text names: hex (older clients) or base64 in either alphabet, padded
/// or not (ADR-20). Anything that is not 32 bytes is unparsable.
pub fn parse_digest(text: &str) -> Result<Hash, DigestError> {
    let Some(value) = text.strip_prefix(DIGEST_PREFIX) else {
        return Err(DigestError::UnknownType(text.to_owned()));
    };
    // Hex first: 64 hex digits are also valid base64 text (of 48 bytes) and must not be read so.
    let bytes = hex_bytes(value).or_else(|| {
        // `base64::decode` forgives whitespace (as `atob` does); a digest text has none.
        if value.bytes().any(|c| c.is_ascii_whitespace()) { None } else { base64::decode(value) }
    });
    bytes
        .and_then(|b| Hash::try_from(b.as_slice()).ok())
        .ok_or_else(|| DigestError::Unparsable(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 180-2 vectors: "", "abc", the 448-bit message, a million 'a's.
    const VECTORS: [(&[u8], &str); 3] = [
        (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ];

    fn one_shot(bytes: &[u8]) -> Hash {
        let mut d = ObjectDigest::new();
        d.update(bytes);
        d.finish()
    }

    fn hex(hash: &Hash) -> String {
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn known_vectors() {
        for (input, want) in VECTORS {
            assert_eq!(hex(&one_shot(input)), want);
        }
        let mut d = ObjectDigest::new();
        for _ in 0..1000 {
            d.update(&[b'a'; 1000]);
        }
        assert_eq!(hex(&d.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    #[test]
    fn chunked_equals_one_shot() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let whole = one_shot(&data);
        // 128 KiB chunks (the object store's), odd sizes, one byte at a time over a short prefix
        for size in [128 * 1024, 64 * 1024 + 1, 1000, 63, 1] {
            let part = if size == 1 { &data[..5000] } else { &data[..] };
            let mut d = ObjectDigest::new();
            part.chunks(size).for_each(|c| d.update(c));
            let want = if size == 1 { one_shot(part) } else { whole };
            assert_eq!(d.finish(), want, "chunks of {size}");
        }
        // empty updates change nothing
        let mut d = ObjectDigest::new();
        d.update(&[]);
        d.update(&data);
        d.update(&[]);
        assert_eq!(d.finish(), whole);
    }

    #[test]
    fn text_is_padded_base64url() {
        let h = one_shot(b"abc");
        let text = digest_text(&h);
        assert_eq!(text, "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=");
        assert_eq!(text.len(), DIGEST_PREFIX.len() + 44);
        // an empty object's digest, as nats.deno writes it
        assert_eq!(digest_text(&one_shot(b"")), "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn reads_new_and_old_forms() {
        let h = one_shot(b"abc");
        let url = digest_text(&h);
        assert_eq!(parse_digest(&url), Ok(h));
        assert_eq!(parse_digest(url.trim_end_matches('=')), Ok(h), "unpadded");
        let std = format!("{DIGEST_PREFIX}{}", base64::encode(&h));
        assert_eq!(parse_digest(&std), Ok(h), "standard alphabet");
        let lower = format!("{DIGEST_PREFIX}{}", hex(&h));
        assert_eq!(parse_digest(&lower), Ok(h), "old hex form");
        assert_eq!(parse_digest(&lower.to_uppercase()), Ok(h), "upper hex");
    }

    #[test]
    fn bad_digest_text() {
        let h = hex(&one_shot(b"abc"));
        for t in ["", "sha-256=abc", "SHA-512=ungWv48Bz", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="] {
            assert_eq!(parse_digest(t), Err(DigestError::UnknownType(t.into())), "{t}");
        }
        let mixed = format!("{}{}", &h[..32], h[32..].to_uppercase());
        let bad = [
            "SHA-256=".to_owned(),
            "SHA-256=!!!!".to_owned(),
            "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=x".to_owned(),
            "SHA-256=ungW v48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=".to_owned(),
            format!("SHA-256={}", &h[..62]), // 31 bytes of hex
            format!("SHA-256={h}00"),        // 33 bytes of hex
            format!("SHA-256={mixed}"),      // mixed case: read as base64, 48 bytes
            "SHA-256=YWJj".to_owned(),       // base64 of 3 bytes
            "SHA-256=é".to_owned(),
        ];
        for t in bad {
            let err = parse_digest(&t).unwrap_err();
            assert_eq!(err, DigestError::Unparsable(t.clone()));
            assert_eq!(err.to_string(), format!("unable to parse digest: {t}"));
        }
        assert_eq!(DigestError::UnknownType("x".into()).to_string(), "unknown digest type: x");
    }
}
