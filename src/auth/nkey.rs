//! NKeys: decoding and checking seeds (`S…`) and public keys (`U…`, `A…`, `O…`, `N…`, `C…`),
//! signing and verifying with the Ed25519 key they hold, encoding new seeds from caller-supplied
//! random bytes, and the nonce signature of the CONNECT handshake (docs/contract.md "Authentication").
//!
//! Roles and error kinds follow nkeys.js (the reference clients' library): the five public roles
//! of its `Prefix`, and one [`NkeyErrorKind`] per `NKeysErrorCode` text, so the JS `nkeys`
//! namespace can rethrow the same codes. Each error also carries a sentence saying what exactly is
//! wrong with the input (length, alphabet, checksum, role).
//!
//! Key pairs and signing are the `nkeys` crate's. Key text (base32 and the CRC16) is decoded and
//! encoded here, and verify-only public keys are ed25519-dalek's `VerifyingKey` (the type nkeys
//! wraps): `data-encoding`, which nkeys uses for key text, costs the wasm module about 22 KB of
//! code for its decoder and 10 KB for its encoder, for what is 50 lines below. Since nkeys only
//! gives a pair's public key as text (through that encoder), [`Seed`] derives the key bytes
//! itself with ed25519-dalek, as nkeys does: one more Ed25519 base-point multiplication per
//! decoded seed (tens of microseconds, once per handshake), not on any message path.
//!
//! Must not: panic on any bytes, or keep key material: a seed is decoded per call and dropped.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use nkeys::KeyPair;
use nkeys::KeyPairType;

use crate::error::{ErrorCode, NatsError};
use crate::text::cat;

/// Characters in an encoded seed: base32 of 2 prefix bytes + 32 key bytes + 2 CRC bytes.
pub const SEED_CHARS: usize = 58;
/// Characters in an encoded public key: base32 of 1 prefix byte + 32 key bytes + 2 CRC bytes.
pub const PUBLIC_CHARS: usize = 56;
/// Bytes of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = 64;
/// Prefix byte of an encoded seed (base32 `S`); the role follows in the next 5 bits.
const PREFIX_SEED: u8 = 18 << 3;
/// Prefix byte of an encoded private key (base32 `P`).
const PREFIX_PRIVATE: u8 = 15 << 3;

/// The role a key has, encoded in its prefix byte (nkeys.js `Prefix`, the public ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Operator,
    Server,
    Cluster,
    Account,
    User,
}

impl Role {
    /// The role of a public-key prefix byte; `None` for any other byte.
    pub fn from_prefix(byte: u8) -> Option<Role> {
        Some(match byte {
            b if b == 14 << 3 => Role::Operator,
            b if b == 13 << 3 => Role::Server,
            b if b == 2 << 3 => Role::Cluster,
            0 => Role::Account,
            b if b == 20 << 3 => Role::User,
            _ => return None,
        })
    }

    /// The prefix byte (the first base32 character of a public key: O, N, C, A, U).
    pub fn prefix(self) -> u8 {
        match self {
            Role::Operator => 14 << 3,
            Role::Server => 13 << 3,
            Role::Cluster => 2 << 3,
            Role::Account => 0,
            Role::User => 20 << 3,
        }
    }

    fn kind(self) -> KeyPairType {
        match self {
            Role::Operator => KeyPairType::Operator,
            Role::Server => KeyPairType::Server,
            Role::Cluster => KeyPairType::Cluster,
            Role::Account => KeyPairType::Account,
            Role::User => KeyPairType::User,
        }
    }
}

/// What went wrong, as nkeys.js names it (`NKeysErrorCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NkeyErrorKind {
    InvalidPrefixByte,
    InvalidPublicKey,
    InvalidSeedLen,
    InvalidSeed,
    InvalidEncoding,
    InvalidChecksum,
}

impl NkeyErrorKind {
    /// The nkeys.js `NKeysErrorCode` text.
    pub fn code(self) -> &'static str {
        match self {
            NkeyErrorKind::InvalidPrefixByte => "nkeys: invalid prefix byte",
            NkeyErrorKind::InvalidPublicKey => "nkeys: invalid public key",
            NkeyErrorKind::InvalidSeedLen => "nkeys: invalid seed length",
            NkeyErrorKind::InvalidSeed => "nkeys: invalid seed",
            NkeyErrorKind::InvalidEncoding => "nkeys: invalid encoded key",
            NkeyErrorKind::InvalidChecksum => "nkeys: invalid checksum",
        }
    }
}

/// A key that cannot be used, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NkeyError {
    pub kind: NkeyErrorKind,
    pub detail: String,
}

impl NkeyError {
    fn new(kind: NkeyErrorKind, detail: impl Into<String>) -> Self {
        NkeyError { kind, detail: detail.into() }
    }
}

impl crate::text::Piece for NkeyError {
    fn push_to(&self, out: &mut String) {
        out.push_str(&self.detail);
        out.push_str(" (");
        out.push_str(self.kind.code());
        out.push(')');
    }
}

crate::text::display_as_piece!(NkeyError);

/// A bad seed or key given as a credential is `BAD_CREDS`.
impl From<NkeyError> for NatsError {
    fn from(e: NkeyError) -> NatsError {
        NatsError::new(ErrorCode::BadCreds, cat!(e))
    }
}

/// The text of a key: ASCII whitespace around it is ignored (creds files, copy and paste), the
/// rest must be base32 (A-Z, 2-7). `what` names the key in messages.
fn base32_text<'a>(text: &'a [u8], what: &str) -> Result<&'a str, NkeyError> {
    let text = text.trim_ascii();
    if text.is_empty() {
        return Err(NkeyError::new(NkeyErrorKind::InvalidEncoding, cat!("the ", what, " is empty")));
    }
    if let Some(i) = text.iter().position(|b| !matches!(b, b'A'..=b'Z' | b'2'..=b'7')) {
        return Err(NkeyError::new(
            NkeyErrorKind::InvalidEncoding,
            cat!("the ", what, " has a character outside base32 (A-Z, 2-7) at position ", i),
        ));
    }
    // Only ASCII bytes are left, so this cannot fail; an error here would still not panic.
    std::str::from_utf8(text).map_err(|_| NkeyError::new(NkeyErrorKind::InvalidEncoding, "not text"))
}

/// The RFC 4648 base32 value of an upper-case letter or digit 2-7 (`base32_text` checked them).
fn b32_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'2'..=b'7' => c - b'2' + 26,
        _ => 0,
    }
}

/// Decodes checked base32 text (no padding) and its trailing CRC16: the payload bytes.
fn decode_text(s: &str, what: &str) -> Result<Vec<u8>, NkeyError> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << 5) | u32::from(b32_value(c));
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // The bits past the last whole byte are padding and must be zero, as in RFC 4648 (and in
    // the nkeys crate's decoder): otherwise two texts would decode to one key.
    if acc != 0 {
        return Err(NkeyError::new(
            NkeyErrorKind::InvalidEncoding,
            cat!("the ", what, "'s last character is not valid"),
        ));
    }
    let Some(payload_len) = out.len().checked_sub(2) else {
        return Err(NkeyError::new(NkeyErrorKind::InvalidEncoding, cat!("the ", what, " is too short")));
    };
    let crc = u16::from_le_bytes([out[payload_len], out[payload_len + 1]]);
    out.truncate(payload_len);
    if crc16(&out) != crc {
        return Err(NkeyError::new(
            NkeyErrorKind::InvalidChecksum,
            cat!("the ", what, "'s checksum does not match its characters (mistyped or truncated?)"),
        ));
    }
    Ok(out)
}

/// A decoded seed: its role, the raw 32-byte Ed25519 seed, its public key and the key pair it
/// holds.
pub struct Seed {
    pub role: Role,
    raw: [u8; 32],
    public: [u8; 32],
    pub key_pair: KeyPair,
}

impl Seed {
    /// The encoded public key (`U…`, `A…`, …): what `key_pair.public_key()` returns, without
    /// data-encoding's encoder.
    pub fn public_key(&self) -> String {
        encode_key(&[self.role.prefix()], &self.public)
    }
}

/// Key text: base32 (RFC 4648 alphabet, no padding) of `prefix`, `key` and their CRC16
/// (little-endian), as the nkeys crate encodes every key.
fn encode_key(prefix: &[u8], key: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut raw = Vec::with_capacity(prefix.len() + key.len() + 2);
    raw.extend_from_slice(prefix);
    raw.extend_from_slice(key);
    raw.extend_from_slice(&crc16(&raw).to_le_bytes());
    let mut out = String::with_capacity((raw.len() * 8).div_ceil(5));
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in raw {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[(acc >> bits) as usize & 31]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[(acc << (5 - bits)) as usize & 31]));
    }
    out
}

/// Decodes a seed (`SU…`, `SA…`, `SO…`, …) given as the bytes of its text.
pub fn decode_seed(text: &[u8]) -> Result<Seed, NkeyError> {
    let s = base32_text(text, "nkey seed")?;
    if s.len() != SEED_CHARS {
        if s.len() == PUBLIC_CHARS && !s.starts_with('S') {
            return Err(NkeyError::new(
                NkeyErrorKind::InvalidSeed,
                "this is a public key, not a seed (a seed starts with S and has 58 characters)",
            ));
        }
        return Err(NkeyError::new(
            NkeyErrorKind::InvalidSeedLen,
            cat!("an nkey seed has ", SEED_CHARS, " characters, this one has ", s.len()),
        ));
    }
    if !s.starts_with('S') {
        return Err(NkeyError::new(NkeyErrorKind::InvalidSeed, "an nkey seed starts with S"));
    }
    let raw = decode_text(s, "nkey seed")?;
    // 58 characters are 36 bytes: 2 prefix bytes + 32 key bytes + the CRC just removed.
    let (Some(&b0), Some(&b1), Ok(key)) =
        (raw.first(), raw.get(1), <[u8; 32]>::try_from(raw.get(2..).unwrap_or_default()))
    else {
        return Err(NkeyError::new(NkeyErrorKind::InvalidSeedLen, "the seed does not hold 32 key bytes"));
    };
    if b0 & 0xf8 != PREFIX_SEED {
        return Err(NkeyError::new(NkeyErrorKind::InvalidSeed, "an nkey seed starts with S"));
    }
    let role = Role::from_prefix(((b0 & 7) << 5) | ((b1 & 0xf8) >> 3)).ok_or_else(|| {
        NkeyError::new(
            NkeyErrorKind::InvalidPrefixByte,
            "the seed's role is not operator, account, user, server or cluster",
        )
    })?;
    let key_pair = KeyPair::new_from_raw(role.kind(), key).map_err(|e| {
        NkeyError::new(NkeyErrorKind::InvalidSeed, cat!("the seed is not usable: ", e.kind().as_str()))
    })?;
    // The same derivation nkeys makes inside `new_from_raw` (its `pk`), which it does not expose.
    let public = SigningKey::from_bytes(&key).verifying_key().to_bytes();
    Ok(Seed { role, raw: key, public, key_pair })
}

/// A verify-only public key.
pub struct PublicKey {
    pub role: Role,
    key: VerifyingKey,
}

/// Decodes a public key (`U…`, `A…`, `O…`, `N…`, `C…`).
pub fn decode_public(text: &[u8]) -> Result<PublicKey, NkeyError> {
    let s = base32_text(text, "public key")?;
    if s.len() != PUBLIC_CHARS {
        return Err(NkeyError::new(
            NkeyErrorKind::InvalidPublicKey,
            cat!("an nkey public key has ", PUBLIC_CHARS, " characters, this one has ", s.len()),
        ));
    }
    let raw = decode_text(s, "public key")?;
    // 56 characters are 35 bytes: the prefix + 32 key bytes + the CRC just removed.
    let (Some(&prefix), Ok(key)) = (raw.first(), <[u8; 32]>::try_from(raw.get(1..).unwrap_or_default()))
    else {
        return Err(NkeyError::new(NkeyErrorKind::InvalidPublicKey, "the key does not hold 32 bytes"));
    };
    let role = Role::from_prefix(prefix).ok_or_else(|| {
        NkeyError::new(
            NkeyErrorKind::InvalidPublicKey,
            "the key's role is not operator, account, user, server or cluster",
        )
    })?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| {
        NkeyError::new(NkeyErrorKind::InvalidPublicKey, "the key is not a valid Ed25519 public key")
    })?;
    Ok(PublicKey { role, key })
}

/// Encodes a new seed for `role` from 32 random bytes (the caller's cryptographic source).
pub fn encode_seed(role: Role, random: [u8; 32]) -> String {
    // Any 32 bytes are an Ed25519 seed. The two prefix bytes: `S` in the top 5 bits, then the
    // role's prefix byte (as nkeys's `encode_seed`).
    let prefix = role.prefix();
    encode_key(&[PREFIX_SEED | prefix >> 5, (prefix & 31) << 3], &random)
}

/// The encoded private key (`P…`): the 64-byte Ed25519 secret (seed then public key), as
/// nkeys.js's `getPrivateKey()` returns it.
pub fn private_key(seed: &Seed) -> Result<String, NkeyError> {
    let mut secret = [0u8; 64];
    secret[..32].copy_from_slice(&seed.raw);
    secret[32..].copy_from_slice(&seed.public);
    Ok(encode_key(&[PREFIX_PRIVATE], &secret))
}

/// CRC-16/XMODEM (polynomial 0x1021, initial 0), as nkeys append to every encoded key.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// Signs `data` with the seed's key: the 64-byte Ed25519 signature.
pub fn sign(seed: &Seed, data: &[u8]) -> Vec<u8> {
    // Ed25519 signing cannot fail. Signed here rather than by `key_pair.sign`, whose error path
    // formats a message and would keep `alloc::fmt` in the .wasm (docs/design.md "Size"); the
    // same key gives the same signature (the tests check it against nkeys.js's).
    SigningKey::from_bytes(&seed.raw).sign(data).to_bytes().to_vec()
}

/// True when `sig` is `public`'s signature of `data` (false for any other signature or length).
pub fn verify(public: &PublicKey, data: &[u8], sig: &[u8]) -> bool {
    Signature::from_slice(sig).is_ok_and(|sig| public.key.verify(data, &sig).is_ok())
}

/// The CONNECT fields of an nkey login: the public key and the signature of the nonce's UTF-8
/// bytes as standard base64 with padding, as nats.deno sends it (nats-server also accepts
/// unpadded base64url). Without a nonce there is nothing to sign and `sig` is empty.
pub fn sign_nonce(seed_text: &[u8], nonce: Option<&str>) -> Result<(String, String), NkeyError> {
    let seed = decode_seed(seed_text)?;
    let sig = nonce.map(|n| super::base64::encode(&sign(&seed, n.as_bytes()))).unwrap_or_default();
    Ok((seed.public_key(), sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::BASE32_NOPAD;

    // A throwaway user key; the signature of "nonce-abc" was cross-checked against nkeys.js 1.0.4.
    const SEED: &str = "SUAKGJAOF4EFRH3TZACU72G5EF3EB2VMPOHFYAVY6R26WJTOBETT3AVKDM";
    const PUB: &str = "UBZBNFXELOHXSZDVIPJFQ7PQPQMQ564KQH5PRN434PURFJUHRI4BMSIB";
    const SIG_ABC: &str =
        "EpDXy/iv+sYpB9zHONKU60uUhZSvZZKnlE0CVPq9NIXfq33qg+CoZNJpvF1v2aAqp8yUWgUeJsqw/WcjBL12DQ==";

    fn with_crc(payload: &[u8]) -> Vec<u8> {
        let mut v = payload.to_vec();
        v.extend_from_slice(&crc16(payload).to_le_bytes());
        v
    }

    #[test]
    fn decodes_what_the_nkeys_crate_encodes_and_rejects_what_it_rejects() {
        for b in (0..=255u8).step_by(15) {
            let kp = KeyPair::new_from_raw(KeyPairType::User, [b; 32]).unwrap();
            let seed = decode_seed(kp.seed().unwrap().as_bytes()).unwrap();
            assert_eq!(seed.raw, [b; 32]);
            assert_eq!(seed.key_pair.public_key(), kp.public_key());
            assert_eq!(seed.public_key(), kp.public_key());
            for role in [Role::User, Role::Account, Role::Operator, Role::Server, Role::Cluster] {
                let theirs = KeyPair::new_from_raw(role.kind(), [b; 32]).unwrap();
                assert_eq!(encode_seed(role, [b; 32]), theirs.seed().unwrap());
            }
            let public = decode_public(kp.public_key().as_bytes()).unwrap();
            assert!(verify(&public, b"x", &kp.sign(b"x").unwrap()));
        }
        // every single-character change of a seed: refused here exactly when nkeys refuses it
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for i in 0..SEED.len() {
            for &c in alphabet {
                let mut t = SEED.as_bytes().to_vec();
                t[i] = c;
                let t = String::from_utf8(t).unwrap();
                let ours = decode_seed(t.as_bytes()).map(|s| s.key_pair.public_key());
                let theirs = KeyPair::from_seed(&t).map(|k| k.public_key());
                assert_eq!(ours.is_ok(), theirs.is_ok(), "{t}: {:?}", ours.err());
                if let (Ok(a), Ok(b)) = (ours, theirs) {
                    assert_eq!(a, b);
                }
            }
        }
    }

    fn kind(text: &str) -> NkeyErrorKind {
        decode_seed(text.as_bytes()).err().expect("an error").kind
    }

    #[test]
    fn signs_the_nonce_like_nkeys_js() {
        let (nkey, sig) = sign_nonce(SEED.as_bytes(), Some("nonce-abc")).unwrap();
        assert_eq!(nkey, PUB);
        assert_eq!(sig, SIG_ABC);
        // whitespace around the seed (a creds file line) is ignored; no nonce, no signature
        let (nkey, sig) = sign_nonce(format!("  {SEED}\r\n").as_bytes(), None).unwrap();
        assert_eq!((nkey.as_str(), sig.as_str()), (PUB, ""));
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let seed = decode_seed(SEED.as_bytes()).unwrap();
        let sig = sign(&seed, b"data");
        let public = decode_public(PUB.as_bytes()).unwrap();
        assert_eq!(public.role, Role::User);
        assert!(verify(&public, b"data", &sig));
        assert!(!verify(&public, b"other", &sig));
        assert!(!verify(&public, b"data", &sig[..63]));
    }

    #[test]
    fn malformed_seeds_say_what_is_wrong() {
        assert_eq!(kind(""), NkeyErrorKind::InvalidEncoding);
        assert_eq!(kind("su-not-base32"), NkeyErrorKind::InvalidEncoding);
        assert_eq!(kind(&SEED[..57]), NkeyErrorKind::InvalidSeedLen);
        assert_eq!(kind(PUB), NkeyErrorKind::InvalidSeed);
        // one character changed: the CRC catches it
        let mut typo = SEED.to_string();
        typo.replace_range(10..11, if &SEED[10..11] == "A" { "B" } else { "A" });
        assert_eq!(kind(&typo), NkeyErrorKind::InvalidChecksum);
        let e = decode_seed(typo.as_bytes()).err().unwrap();
        let n: NatsError = e.into();
        assert_eq!(n.code, ErrorCode::BadCreds);
        assert!(n.message.contains("checksum"), "{}", n.message);
        // 58 base32 characters that do not start with S
        assert_eq!(kind(&format!("A{}", &SEED[1..])), NkeyErrorKind::InvalidSeed);
    }

    #[test]
    fn encodes_seeds_for_each_role() {
        for (role, first) in
            [(Role::User, "SU"), (Role::Account, "SA"), (Role::Operator, "SO"), (Role::Server, "SN")]
        {
            let text = encode_seed(role, [7; 32]);
            assert!(text.starts_with(first), "{text}");
            let seed = decode_seed(text.as_bytes()).unwrap();
            assert_eq!(seed.role, role);
            let public = seed.key_pair.public_key();
            assert_eq!(decode_public(public.as_bytes()).unwrap().role, role);
            // the nkeys crate reads what this module wrote, and agrees on the public key
            let kp = KeyPair::from_seed(&text).unwrap();
            assert_eq!(kp.public_key(), public);
            assert_eq!(kp.sign(b"m").unwrap(), sign(&seed, b"m"));
        }
    }

    #[test]
    fn private_key_is_p_prefixed_with_a_valid_crc() {
        let seed = decode_seed(SEED.as_bytes()).unwrap();
        let p = private_key(&seed).unwrap();
        assert!(p.starts_with('P'), "{p}");
        let raw = BASE32_NOPAD.decode(p.as_bytes()).unwrap();
        assert_eq!(raw.len(), 67);
        let crc = u16::from_le_bytes([raw[65], raw[66]]);
        assert_eq!(crc16(&raw[..65]), crc);
        // the secret's second half is the public key (as the nkeys crate decodes it)
        let (_, pk) = nkeys::from_public_key(PUB).unwrap();
        assert_eq!(&raw[33..65], &pk[..]);
        // and its first half the raw seed
        let (_, raw_seed) = nkeys::decode_seed(SEED).unwrap();
        assert_eq!(&raw[1..33], &raw_seed[..]);
    }

    #[test]
    fn public_keys_are_checked() {
        let e = |t: &str| decode_public(t.as_bytes()).err().unwrap().kind;
        // a seed's role byte pattern in a public key's place is refused
        assert_eq!(e(&BASE32_NOPAD.encode(&with_crc(&[18 << 3; 33]))), NkeyErrorKind::InvalidPublicKey);
        assert_eq!(e(&PUB[..55]), NkeyErrorKind::InvalidPublicKey);
        assert_eq!(e("U!"), NkeyErrorKind::InvalidEncoding);
        let mut typo = PUB.to_string();
        typo.replace_range(20..21, if &PUB[20..21] == "A" { "B" } else { "A" });
        assert_eq!(e(&typo), NkeyErrorKind::InvalidChecksum);
    }
}
