//! The JS-facing credential functions (`src/auth` behind them), used by `js/authenticator.ts`
//! and by the `nkeys` namespace in `js/nkeys.ts`. Seeds and creds cross as the bytes of their
//! text, so the shim can pass nats.deno's `Uint8Array` arguments straight through.
//!
//! Errors: the login helpers (`nkeySignNonce`, `credsSignNonce`) throw JS `Error`s whose `code`
//! is `BAD_CREDS` and whose message says what is wrong. The `nkeys` helpers throw `Error`s whose
//! `code` is the nkeys.js `NKeysErrorCode` text (`"nkeys: invalid checksum"`, ...) and whose
//! message is the detail; the shim rethrows them as `NKeysError`.
//!
//! Must not: keep any key material between calls, or hold the connection driver (these are
//! called from inside authenticators while a handshake is being processed).

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::bindings::js_error;
use crate::auth::nkey::{self, NkeyError, Role};
use crate::auth::{base64, creds};
use crate::text::cat;

/// A JS `Error` carrying an nkeys.js error code.
fn nkeys_error(e: NkeyError) -> JsValue {
    let err = js_sys::Error::new(&e.detail);
    let _ = Reflect::set(&err, &"code".into(), &e.kind.code().into());
    err.into()
}

/// `[nkey, sig]` for an nkey login: the seed's public key and the nonce's signature (standard
/// base64; `""` without a nonce). Throws BAD_CREDS for an unusable seed.
#[wasm_bindgen(js_name = nkeySignNonce)]
pub fn nkey_sign_nonce(seed: &[u8], nonce: Option<String>) -> Result<Array, JsValue> {
    let (nkey, sig) = nkey::sign_nonce(seed, nonce.as_deref()).map_err(|e| js_error(e.into()))?;
    Ok(Array::of2(&nkey.into(), &sig.into()))
}

/// `[jwt, nkey, sig]` from a creds file's bytes, parsed at each call. Throws BAD_CREDS naming
/// the problem (a missing or empty block, a seed that does not decode).
#[wasm_bindgen(js_name = credsSignNonce)]
pub fn creds_sign_nonce(creds: &[u8], nonce: Option<String>) -> Result<Array, JsValue> {
    let (jwt, nkey, sig) = creds::sign_nonce(creds, nonce.as_deref()).map_err(js_error)?;
    Ok(Array::of3(&jwt.into(), &nkey.into(), &sig.into()))
}

/// A new random seed (its text) for the role whose public prefix byte is `prefix`.
#[wasm_bindgen(js_name = nkeyCreateSeed)]
pub fn nkey_create_seed(prefix: u8) -> Result<String, JsValue> {
    let role = Role::from_prefix(prefix).ok_or_else(|| {
        nkeys_error(NkeyError {
            kind: nkey::NkeyErrorKind::InvalidPrefixByte,
            detail: cat!(prefix, " is not the prefix of an operator, account, user, server or cluster"),
        })
    })?;
    let mut random = [0u8; 32];
    // getrandom's own text for its error would keep std's `io::Error` formatting in the .wasm;
    // in a browser or Deno the only source is crypto.getRandomValues, so name it.
    getrandom_04::fill(&mut random).map_err(|_| {
        js_error(crate::error::NatsError::new(
            crate::error::ErrorCode::Unknown,
            "no randomness: crypto.getRandomValues is unavailable or failed",
        ))
    })?;
    Ok(nkey::encode_seed(role, random))
}

/// The public key (`U…`, `A…`, ...) of a seed.
#[wasm_bindgen(js_name = nkeyPublicKey)]
pub fn nkey_public_key(seed: &[u8]) -> Result<String, JsValue> {
    Ok(nkey::decode_seed(seed).map_err(nkeys_error)?.public_key())
}

/// The encoded private key (`P…`) of a seed.
#[wasm_bindgen(js_name = nkeyPrivateKey)]
pub fn nkey_private_key(seed: &[u8]) -> Result<String, JsValue> {
    nkey::private_key(&nkey::decode_seed(seed).map_err(nkeys_error)?).map_err(nkeys_error)
}

/// The 64-byte Ed25519 signature of `data` by the seed's key.
#[wasm_bindgen(js_name = nkeySign)]
pub fn nkey_sign(seed: &[u8], data: &[u8]) -> Result<Vec<u8>, JsValue> {
    Ok(nkey::sign(&nkey::decode_seed(seed).map_err(nkeys_error)?, data))
}

/// Whether `sig` is the signature of `data` by the public key `public` (its text).
#[wasm_bindgen(js_name = nkeyVerify)]
pub fn nkey_verify(public: &[u8], data: &[u8], sig: &[u8]) -> Result<bool, JsValue> {
    let key = nkey::decode_public(public).map_err(nkeys_error)?;
    Ok(nkey::verify(&key, data, sig))
}

/// Throws unless `public` is a valid operator, account, user, server or cluster public key.
#[wasm_bindgen(js_name = nkeyCheckPublic)]
pub fn nkey_check_public(public: &[u8]) -> Result<(), JsValue> {
    nkey::decode_public(public).map(|_| ()).map_err(nkeys_error)
}

/// Standard base64 with padding (nkeys.js `encode`).
#[wasm_bindgen(js_name = base64Encode)]
pub fn base64_encode(bytes: &[u8]) -> String {
    base64::encode(bytes)
}

/// Standard or URL-safe base64, padding optional (nkeys.js `decode`); throws on anything else.
#[wasm_bindgen(js_name = base64Decode)]
pub fn base64_decode(text: &str) -> Result<Vec<u8>, JsValue> {
    base64::decode(text).ok_or_else(|| {
        js_error(crate::error::NatsError::new(crate::error::ErrorCode::ApiError, "invalid base64 text"))
    })
}
