//! NATS JWTs (the v2 format nats-server reads): `base64url(header).base64url(claims).base64url(sig)`
//! with header `{"typ":"JWT","alg":"ed25519-nkey"}`, claims `{jti, iat, iss, name, sub, exp?,
//! nats: {..., type, version: 2}}`, and the signature the issuer's nkey makes over the first two
//! parts joined by a dot. Used to mint operator, account and user JWTs for tests and tools; the
//! client itself only forwards a user's JWT, so none of this is reachable from the wasm exports.
//!
//! Must not: decide claim contents beyond `type` and `version` (callers pass the other members of
//! the `nats` object as JSON text), read the clock (`iat`/`exp` are arguments), or pull in a JSON
//! library (the claims are a handful of strings and integers).

use data_encoding::BASE64URL_NOPAD;

use super::nkey::{self, NkeyError, NkeyErrorKind, Seed};

/// The fixed JWT header of NATS JWTs.
const HEADER: &str = r#"{"typ":"JWT","alg":"ed25519-nkey"}"#;

/// What a JWT says, apart from the issuer (the signing seed).
#[derive(Debug, Clone, Default)]
pub struct Claims {
    /// Unique id of this JWT (nats-server does not check its form).
    pub jti: String,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expiry, seconds since the Unix epoch; `None` = never.
    pub exp: Option<u64>,
    /// The public key the JWT is about (`O…`, `A…`, `U…`).
    pub sub: String,
    pub name: String,
    /// `operator`, `account` or `user`.
    pub kind: String,
    /// The `nats` object's other members as JSON text without the braces, e.g.
    /// `"pub":{"deny":["x.>"]},"bearer_token":true`; empty for none.
    pub nats_members: String,
}

/// `s` as a JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The claims JSON text for `issuer` (its public key is `iss`).
fn claims_json(c: &Claims, iss: &str) -> String {
    let exp = c.exp.map(|e| format!(",\"exp\":{e}")).unwrap_or_default();
    let sep = if c.nats_members.trim().is_empty() { "" } else { "," };
    format!(
        "{{\"jti\":{},\"iat\":{},\"iss\":{},\"name\":{},\"sub\":{}{exp},\"nats\":{{{}{sep}\"type\":{},\"version\":2}}}}",
        json_str(&c.jti),
        c.iat,
        json_str(iss),
        json_str(&c.name),
        json_str(&c.sub),
        c.nats_members,
        json_str(&c.kind),
    )
}

/// Encodes and signs `claims` with `issuer`'s key.
pub fn encode(claims: &Claims, issuer: &Seed) -> String {
    let body = claims_json(claims, &issuer.public_key());
    let signing_input =
        format!("{}.{}", BASE64URL_NOPAD.encode(HEADER.as_bytes()), BASE64URL_NOPAD.encode(body.as_bytes()));
    let sig = nkey::sign(issuer, signing_input.as_bytes());
    format!("{signing_input}.{}", BASE64URL_NOPAD.encode(&sig))
}

/// Checks a JWT's signature against `issuer` (a public key) and returns its claims JSON text.
/// For tests and tools: the server does the real validation.
pub fn decode_verified(jwt: &str, issuer: &str) -> Result<String, NkeyError> {
    let bad = |what: &str| NkeyError {
        kind: NkeyErrorKind::InvalidEncoding,
        detail: format!("not a NATS JWT: {what}"),
    };
    let mut parts = jwt.rsplitn(2, '.');
    let (Some(sig), Some(signed)) = (parts.next(), parts.next()) else { return Err(bad("no signature")) };
    let sig = BASE64URL_NOPAD.decode(sig.as_bytes()).map_err(|_| bad("signature encoding"))?;
    let payload = signed.split('.').nth(1).ok_or_else(|| bad("no claims"))?;
    let payload = BASE64URL_NOPAD.decode(payload.as_bytes()).map_err(|_| bad("claims encoding"))?;
    let claims = String::from_utf8(payload).map_err(|_| bad("claims text"))?;
    if !claims.contains(&format!("\"iss\":{}", json_str(issuer))) {
        return Err(bad("issued by another key"));
    }
    let public = nkey::decode_public(issuer.as_bytes())?;
    if !nkey::verify(&public, signed.as_bytes(), &sig) {
        return Err(bad("the signature does not match the issuer"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::nkey::{Role, decode_seed, encode_seed};

    fn seed(role: Role, b: u8) -> Seed {
        decode_seed(encode_seed(role, [b; 32]).as_bytes()).unwrap()
    }

    #[test]
    fn a_user_jwt_signed_by_its_account() {
        let account = seed(Role::Account, 1);
        let user = seed(Role::User, 2);
        let claims = Claims {
            jti: "J1".into(),
            iat: 1_700_000_000,
            exp: Some(1_700_000_100),
            sub: user.key_pair.public_key(),
            name: "a \"quoted\" name".into(),
            kind: "user".into(),
            nats_members: r#""pub":{"deny":["secret.>"]}"#.into(),
        };
        let jwt = encode(&claims, &account);
        let header = BASE64URL_NOPAD.decode(jwt.split('.').next().unwrap().as_bytes()).unwrap();
        assert_eq!(header, HEADER.as_bytes());
        let iss = account.key_pair.public_key();
        let c = decode_verified(&jwt, &iss).unwrap();
        let want = format!(
            r#"{{"jti":"J1","iat":1700000000,"iss":"{iss}","name":"a \"quoted\" name","sub":"{}","exp":1700000100,"nats":{{"pub":{{"deny":["secret.>"]}},"type":"user","version":2}}}}"#,
            user.key_pair.public_key()
        );
        assert_eq!(c, want);
        // someone else's key, or a changed claim, fails the check
        assert!(decode_verified(&jwt, &user.key_pair.public_key()).is_err());
        let mut parts: Vec<String> = jwt.split('.').map(String::from).collect();
        parts[1] = BASE64URL_NOPAD.encode(c.replace("J1", "J2").as_bytes());
        let err = decode_verified(&parts.join("."), &iss).unwrap_err();
        assert!(err.detail.contains("signature"), "{err}");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        let c = Claims { kind: "operator".into(), ..Default::default() };
        assert!(claims_json(&c, "O").ends_with(r#""nats":{"type":"operator","version":2}}"#));
    }
}
