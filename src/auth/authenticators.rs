//! [`Credentials`]: every login form (docs/contract.md "Authentication") as one [`Authenticator`]
//! for wasm32 Rust callers: user/password, token, an nkey seed, a JWT with or without a seed, or a
//! creds file. The nonce is signed at each handshake and a creds file is re-parsed each time, so
//! what the caller gave is checked when it is used, with `BAD_CREDS` naming the problem.
//!
//! Must not: cache a signature or decoded seed between handshakes.

use super::{creds, nkey};
use crate::client::{AuthFields, Authenticator};
use crate::error::NatsError;

/// Credentials sent in CONNECT; several may be combined (as nats.deno merges authenticators).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub user: Option<String>,
    pub pass: Option<String>,
    pub token: Option<String>,
    /// An nkey seed (`SU…`): its public key and the nonce signature are sent.
    pub seed: Option<String>,
    /// A user JWT, signed with `seed` when one is set (a bearer JWT otherwise).
    pub jwt: Option<String>,
    /// The contents of a `.creds` file (JWT and seed).
    pub creds: Option<Vec<u8>>,
}

impl Credentials {
    /// True when nothing would be sent.
    pub fn is_empty(&self) -> bool {
        self.user.is_none()
            && self.pass.is_none()
            && self.token.is_none()
            && self.seed.is_none()
            && self.jwt.is_none()
            && self.creds.is_none()
    }

    /// The CONNECT fields for this handshake's nonce.
    pub fn fields(&self, nonce: Option<&str>) -> Result<AuthFields, NatsError> {
        let mut f = AuthFields {
            user: self.user.clone(),
            pass: self.pass.clone(),
            auth_token: self.token.clone(),
            jwt: self.jwt.clone(),
            ..AuthFields::default()
        };
        if let Some(seed) = &self.seed {
            let (nkey, sig) = nkey::sign_nonce(seed.as_bytes(), nonce)?;
            f.nkey = Some(nkey);
            f.sig = Some(sig);
        }
        if let Some(bytes) = &self.creds {
            let (jwt, nkey, sig) = creds::sign_nonce(bytes, nonce)?;
            f.jwt = Some(jwt);
            f.nkey = Some(nkey);
            f.sig = Some(sig);
        }
        Ok(f)
    }
}

impl Authenticator for Credentials {
    fn authenticate(&mut self, nonce: Option<&str>) -> Result<AuthFields, NatsError> {
        self.fields(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const SEED: &str = "SUAKGJAOF4EFRH3TZACU72G5EF3EB2VMPOHFYAVY6R26WJTOBETT3AVKDM";
    const PUB: &str = "UBZBNFXELOHXSZDVIPJFQ7PQPQMQ564KQH5PRN434PURFJUHRI4BMSIB";

    #[test]
    fn user_pass_token_and_nkey() {
        let mut c = Credentials { user: Some("u".into()), pass: Some("p".into()), ..Default::default() };
        let f = c.authenticate(Some("n")).unwrap();
        assert_eq!((f.user.as_deref(), f.pass.as_deref(), f.nkey), (Some("u"), Some("p"), None));
        let mut c = Credentials { seed: Some(SEED.into()), jwt: Some("a.b.c".into()), ..Default::default() };
        let f = c.authenticate(Some("abc")).unwrap();
        assert_eq!(f.nkey.as_deref(), Some(PUB));
        assert_eq!(f.jwt.as_deref(), Some("a.b.c"));
        assert_eq!(f.sig.map(|s| s.len()), Some(88));
    }

    #[test]
    fn bad_seed_and_bad_creds_fail_each_handshake_with_bad_creds() {
        let mut c = Credentials { seed: Some("SUNOPE".into()), ..Default::default() };
        assert_eq!(c.authenticate(None).unwrap_err().code, ErrorCode::BadCreds);
        let mut c = Credentials { creds: Some(b"nothing".to_vec()), ..Default::default() };
        let e = c.authenticate(Some("x")).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadCreds);
        assert!(e.message.contains("no user JWT block"), "{}", e.message);
    }
}
