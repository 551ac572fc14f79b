//! NATS JWTs (the v2 format nats-server reads): `base64url(header).base64url(claims).base64url(sig)`
//! with header `{"typ":"JWT","alg":"ed25519-nkey"}`, claims `{jti, iat, iss, name, sub, exp?,
//! nats: {..., type, version: 2}}`, and the signature the issuer's nkey makes over the first two
//! parts joined by a dot. Used to mint operator, account and user JWTs for tests and tools; the
//! client itself only forwards a user's JWT.
//!
//! Must not: decide claim contents beyond `type` and `version` (callers pass the `nats` object),
//! or read the clock (`iat`/`exp` are arguments).

use data_encoding::BASE64URL_NOPAD;
use serde_json::{Map, Value, json};

use super::nkey::{self, NkeyError, Seed};

/// The fixed JWT header of NATS JWTs.
const HEADER: &str = r#"{"typ":"JWT","alg":"ed25519-nkey"}"#;

/// What a JWT says, apart from the issuer (the signing seed).
#[derive(Debug, Clone)]
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
    /// The `nats` object's other fields (limits, permissions, `bearer_token`, ...).
    pub nats: Map<String, Value>,
}

/// Encodes and signs `claims` with `issuer`'s key (`iss` is its public key).
pub fn encode(claims: &Claims, issuer: &Seed) -> String {
    let mut nats = claims.nats.clone();
    nats.insert("type".into(), json!(claims.kind));
    nats.insert("version".into(), json!(2));
    let mut body = json!({
        "jti": claims.jti,
        "iat": claims.iat,
        "iss": issuer.key_pair.public_key(),
        "name": claims.name,
        "sub": claims.sub,
        "nats": nats,
    });
    if let (Some(exp), Some(obj)) = (claims.exp, body.as_object_mut()) {
        obj.insert("exp".into(), json!(exp));
    }
    let signing_input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(HEADER.as_bytes()),
        BASE64URL_NOPAD.encode(body.to_string().as_bytes())
    );
    let sig = nkey::sign(issuer, signing_input.as_bytes());
    format!("{signing_input}.{}", BASE64URL_NOPAD.encode(&sig))
}

/// Checks a JWT's signature against its `iss` and returns its claims JSON. For tests and tools:
/// the server does the real validation.
pub fn decode_verified(jwt: &str) -> Result<Value, NkeyError> {
    let bad = |what: &str| NkeyError {
        kind: nkey::NkeyErrorKind::InvalidEncoding,
        detail: format!("not a NATS JWT: {what}"),
    };
    let mut parts = jwt.rsplitn(2, '.');
    let (Some(sig), Some(signed)) = (parts.next(), parts.next()) else { return Err(bad("no signature")) };
    let sig = BASE64URL_NOPAD.decode(sig.as_bytes()).map_err(|_| bad("signature encoding"))?;
    let payload = signed.split('.').nth(1).ok_or_else(|| bad("no claims"))?;
    let payload = BASE64URL_NOPAD.decode(payload.as_bytes()).map_err(|_| bad("claims encoding"))?;
    let claims: Value = serde_json::from_slice(&payload).map_err(|_| bad("claims JSON"))?;
    let iss = claims.get("iss").and_then(Value::as_str).ok_or_else(|| bad("no iss"))?;
    let (_, public) = nkey::decode_public(iss.as_bytes())?;
    if !nkey::verify(&public, signed.as_bytes(), &sig) {
        return Err(bad("the signature does not match iss"));
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
        let mut nats = Map::new();
        nats.insert("pub".into(), json!({"deny": ["secret.>"]}));
        let claims = Claims {
            jti: "J1".into(),
            iat: 1_700_000_000,
            exp: Some(1_700_000_100),
            sub: user.key_pair.public_key(),
            name: "u".into(),
            kind: "user".into(),
            nats,
        };
        let jwt = encode(&claims, &account);
        let header = BASE64URL_NOPAD.decode(jwt.split('.').next().unwrap().as_bytes()).unwrap();
        assert_eq!(header, HEADER.as_bytes());
        let c = decode_verified(&jwt).unwrap();
        assert_eq!(c["iss"], json!(account.key_pair.public_key()));
        assert_eq!(c["sub"], json!(user.key_pair.public_key()));
        assert_eq!(c["exp"], json!(1_700_000_100u64));
        assert_eq!(c["nats"]["type"], json!("user"));
        assert_eq!(c["nats"]["version"], json!(2));
        assert_eq!(c["nats"]["pub"]["deny"][0], json!("secret.>"));
        // a changed claim breaks the signature
        let mut parts: Vec<String> = jwt.split('.').map(String::from).collect();
        let mut changed = c.clone();
        changed["name"] = json!("someone else");
        parts[1] = BASE64URL_NOPAD.encode(changed.to_string().as_bytes());
        let err = decode_verified(&parts.join(".")).unwrap_err();
        assert!(err.detail.contains("signature"), "{err}");
    }
}
