//! `.creds` files (docs/contract.md "Authentication"): two blocks, each between a dash line before and after
//! (`-----BEGIN NATS USER JWT-----` … `------END NATS USER JWT------`, then the user seed's block).
//! The first block is the user JWT, the second the nkey seed; text outside the blocks (the
//! "IMPORTANT" banner) is ignored, lines may end in CRLF and the last line needs no newline.
//!
//! Must not: accept a file it cannot use (a missing or empty block, a first block that is not a
//! JWT, a second that is not a seed are `BAD_CREDS` naming the problem), or panic on any bytes.

use super::nkey;
use crate::error::{ErrorCode, NatsError};
use crate::text::cat;

/// The credentials a creds file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creds {
    /// The user JWT (three base64url parts joined by dots).
    pub jwt: String,
    /// The nkey seed text (`SU…`), already checked to decode.
    pub seed: String,
}

fn bad(message: impl Into<String>) -> NatsError {
    NatsError::new(ErrorCode::BadCreds, message)
}

/// A dash line: at least three dashes, any text, at least three dashes (after trimming).
fn is_dash_line(line: &str) -> bool {
    let t = line.trim();
    // Six dashes at least, so that "---" alone is not both the opening and the closing run.
    t.len() >= 6 && t.starts_with("---") && t.ends_with("---")
}

/// The trimmed contents of every block, in order. An opening dash line without a closing one
/// ends the list (that block is incomplete).
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut current, is_dash_line(line)) {
            (None, true) => current = Some(Vec::new()),
            (None, false) => {}
            (Some(lines), true) => {
                out.push(lines.join("\n").trim().to_string());
                current = None;
            }
            (Some(lines), false) => lines.push(line),
        }
    }
    out
}

/// True for `header.payload.signature`, each part base64url without padding.
fn looks_like_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Parses a creds file's bytes.
pub fn parse(bytes: &[u8]) -> Result<Creds, NatsError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(bad("the creds are not UTF-8 text"));
    };
    let blocks = blocks(text);
    let Some(jwt) = blocks.first() else {
        return Err(bad(
            "the creds have no user JWT block (-----BEGIN NATS USER JWT----- ... ------END NATS USER JWT------)",
        ));
    };
    if jwt.is_empty() {
        return Err(bad("the creds' user JWT block is empty"));
    }
    if !looks_like_jwt(jwt) {
        return Err(bad("the creds' first block is not a JWT (header.payload.signature in base64url)"));
    }
    let Some(seed) = blocks.get(1) else {
        return Err(bad(
            "the creds have no nkey seed block (-----BEGIN USER NKEY SEED----- ... ------END USER NKEY SEED------)",
        ));
    };
    if seed.is_empty() {
        return Err(bad("the creds' nkey seed block is empty"));
    }
    nkey::decode_seed(seed.as_bytes()).map_err(|e| bad(cat!("the creds' seed is not usable: ", e)))?;
    Ok(Creds { jwt: jwt.clone(), seed: seed.clone() })
}

/// The CONNECT fields of a creds login: `(jwt, nkey, sig)`, the signature over the nonce.
pub fn sign_nonce(bytes: &[u8], nonce: Option<&str>) -> Result<(String, String, String), NatsError> {
    let creds = parse(bytes)?;
    let (nkey, sig) = nkey::sign_nonce(creds.seed.as_bytes(), nonce)?;
    Ok((creds.jwt, nkey, sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVIn0.c2ln";
    const SEED: &str = "SUAKGJAOF4EFRH3TZACU72G5EF3EB2VMPOHFYAVY6R26WJTOBETT3AVKDM";

    /// The layout `nsc` writes, with its banner between the blocks.
    fn creds(jwt: &str, seed: &str) -> String {
        format!(
            "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
             ************************* IMPORTANT *************************\n\
             NKEY Seed printed below can be used to sign and prove identity.\n\n\
             -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n\n\
             *************************************************************\n"
        )
    }

    fn message(text: &str) -> String {
        let e = parse(text.as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadCreds);
        e.message
    }

    #[test]
    fn parses_the_nsc_layout() {
        let c = parse(creds(JWT, SEED).as_bytes()).unwrap();
        assert_eq!(c, Creds { jwt: JWT.into(), seed: SEED.into() });
    }

    #[test]
    fn tolerates_indentation_crlf_and_no_final_newline() {
        let text = format!(
            "  -----BEGIN NATS USER JWT-----\r\n    {JWT}\r\n  ------END NATS USER JWT------\r\n\
             -----BEGIN USER NKEY SEED-----\r\n{SEED}\r\n------END USER NKEY SEED------"
        );
        assert_eq!(parse(text.as_bytes()).unwrap().seed, SEED);
    }

    #[test]
    fn missing_or_empty_blocks_are_bad_creds() {
        assert!(message("").contains("no user JWT block"));
        assert!(message("just text\n").contains("no user JWT block"));
        let only_jwt = "-----BEGIN NATS USER JWT-----\nx.y.z\n------END NATS USER JWT------\n";
        assert!(message(only_jwt).contains("no nkey seed block"));
        assert!(message(&creds("", SEED)).contains("JWT block is empty"));
        assert!(message(&creds(JWT, "")).contains("seed block is empty"));
        // an unterminated seed block is missing
        let cut = creds(JWT, SEED);
        let cut = &cut[..cut.find("------END USER").unwrap()];
        assert!(message(cut).contains("no nkey seed block"));
    }

    #[test]
    fn wrong_contents_are_bad_creds() {
        assert!(message(&creds("not a jwt", SEED)).contains("not a JWT"));
        assert!(message(&creds(SEED, JWT)).contains("not a JWT"), "swapped blocks");
        let m = message(&creds(JWT, &SEED[..40]));
        assert!(m.contains("seed is not usable") && m.contains("58 characters"), "{m}");
        assert!(message(&creds(JWT, &format!("{SEED}\n{SEED}"))).contains("outside base32"));
        let bytes = [b"-----BEGIN X-----\n\xff\xfe\n------END X------\n".as_slice()].concat();
        assert_eq!(parse(&bytes).unwrap_err().code, ErrorCode::BadCreds);
    }

    #[test]
    fn signs_with_the_seed() {
        let (jwt, nkey, sig) = sign_nonce(creds(JWT, SEED).as_bytes(), Some("abc")).unwrap();
        assert_eq!(jwt, JWT);
        assert_eq!(nkey, "UBZBNFXELOHXSZDVIPJFQ7PQPQMQ564KQH5PRN434PURFJUHRI4BMSIB");
        assert_eq!(sig.len(), 88);
    }
}
