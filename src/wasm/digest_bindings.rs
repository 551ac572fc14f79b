//! The JS-facing ObjectStore digests (`src/jetstream/digest.rs` behind them), used by
//! `js/jetstream/objectstore.ts`: one running SHA-256 per object being put or read, fed from a
//! fixed staging buffer in wasm memory that JS copies each chunk into (`digestStage`), so hashing
//! a chunk costs one copy and no allocation or crossing of a byte array.
//!
//! Must not: keep a chunk after `digestUpdate` returns, hold more than `MAX_LIVE` running hashes
//! (a caller that forgets `digestDrop` gets an error, not a growing heap), or panic/trap on any id,
//! length or digest text.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::bindings::js_error;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::digest::{Hash, ObjectDigest, digest_text, parse_digest};
use crate::text::cat;

/// Bytes JS copies per `digestUpdate`: half an object chunk (128 KiB by default), so a chunk
/// costs two calls (~1 µs each against ~400 µs of hashing at ~330 MB/s) and the buffer stays
/// small in the module's memory (it is zeroed data, not code: it does not grow the .wasm file).
const STAGE_BYTES: usize = 64 * 1024;

/// Running hashes at once: every put and get in flight holds one; thousands mean a leak.
const MAX_LIVE: usize = 1024;

/// One object's running hash and the stored digest it must match (a get), if any.
struct Running {
    id: u32,
    digest: ObjectDigest,
    expected: Option<(Hash, String)>,
}

struct Digests {
    next_id: u32,
    live: Vec<Running>,
}

thread_local! {
    static STAGE: RefCell<[u8; STAGE_BYTES]> = const { RefCell::new([0; STAGE_BYTES]) };
    static DIGESTS: RefCell<Digests> = const { RefCell::new(Digests { next_id: 1, live: Vec::new() }) };
}

fn bad(code: ErrorCode, message: String) -> JsValue {
    js_error(NatsError::new(code, message))
}

fn unknown(id: u32) -> JsValue {
    bad(ErrorCode::InvalidOption, cat!("no running digest ", id))
}

/// `[address, bytes]` of the staging buffer in wasm memory (fixed for the module's life).
#[wasm_bindgen(js_name = digestStage)]
pub fn digest_stage() -> Vec<u32> {
    STAGE.with(|s| vec![s.borrow().as_ptr() as u32, STAGE_BYTES as u32])
}

/// Starts a running hash and returns its id. `expected` is the stored digest text a get checks
/// against (`""` for a put); one that is not `SHA-256=` + hex or base64 of 32 bytes throws
/// BAD_PAYLOAD ("unknown digest type: ..." / "unable to parse digest: ...") before any chunk
/// is read.
#[wasm_bindgen(js_name = digestStart)]
pub fn digest_start(expected: &str) -> Result<u32, JsValue> {
    let expected = if expected.is_empty() {
        None
    } else {
        let hash = parse_digest(expected).map_err(|e| bad(ErrorCode::BadPayload, cat!(e)))?;
        Some((hash, expected.to_owned()))
    };
    DIGESTS.with(|d| {
        let mut d = d.borrow_mut();
        if d.live.len() >= MAX_LIVE {
            return Err(bad(ErrorCode::InvalidOption, cat!("more than ", MAX_LIVE, " running digests")));
        }
        let id = d.next_id;
        // 0 is never an id, so JS can use it for "none"
        d.next_id = d.next_id.checked_add(1).unwrap_or(1);
        d.live.push(Running { id, digest: ObjectDigest::new(), expected });
        Ok(id)
    })
}

/// Hashes the first `len` bytes of the staging buffer into running hash `id`.
#[wasm_bindgen(js_name = digestUpdate)]
pub fn digest_update(id: u32, len: usize) -> Result<(), JsValue> {
    if len > STAGE_BYTES {
        return Err(bad(ErrorCode::InvalidOption, cat!(len, " bytes staged, the stage holds ", STAGE_BYTES)));
    }
    DIGESTS.with(|d| {
        let mut d = d.borrow_mut();
        let r = d.live.iter_mut().find(|r| r.id == id).ok_or_else(|| unknown(id))?;
        STAGE.with(|s| r.digest.update(&s.borrow()[..len]));
        Ok(())
    })
}

/// Ends running hash `id` and returns its digest text (`SHA-256=` + base64url, padded). When it
/// was started with a stored digest that differs, throws BAD_PAYLOAD naming both.
#[wasm_bindgen(js_name = digestFinish)]
pub fn digest_finish(id: u32) -> Result<String, JsValue> {
    let r = DIGESTS.with(|d| {
        let mut d = d.borrow_mut();
        let at = d.live.iter().position(|r| r.id == id).ok_or_else(|| unknown(id))?;
        Ok::<_, JsValue>(d.live.swap_remove(at))
    })?;
    let hash = r.digest.finish();
    let text = digest_text(&hash);
    match r.expected {
        Some((want, stored)) if want != hash => Err(bad(
            ErrorCode::BadPayload,
            cat!("received a corrupt object, digests do not match: stored ", stored, ", computed ", text),
        )),
        _ => Ok(text),
    }
}

/// Forgets running hash `id` (a put or get that failed or was cancelled); unknown ids are ignored.
#[wasm_bindgen(js_name = digestDrop)]
pub fn digest_drop(id: u32) {
    DIGESTS.with(|d| d.borrow_mut().live.retain(|r| r.id != id));
}

/// The UTF-8 of `text` in base64url with padding: an object name in its meta subject (ADR-20,
/// as nats.go writes it).
#[wasm_bindgen(js_name = base64UrlEncode)]
pub fn base64_url_encode(text: &str) -> String {
    crate::auth::base64::encode_url(text.as_bytes())
}
