//! Fuzz target: creds file parsing (`auth::creds::parse`) over arbitrary bytes, and the base64
//! decoder of the nkeys helpers. They must never panic; whatever parses holds a JWT-shaped first
//! block and a seed that decodes, and signs a nonce. Semantics are the unit tests' job.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nats_wasm::auth::{base64, creds, nkey};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = creds::parse(data) {
        assert_eq!(c.jwt.split('.').count(), 3, "a parsed JWT has three parts");
        let seed = nkey::decode_seed(c.seed.as_bytes()).expect("a parsed seed decodes");
        assert_eq!(nkey::sign(&seed, b"nonce").len(), nkey::SIGNATURE_BYTES);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(bytes) = base64::decode(text)
    {
        // decoding then encoding gives back the bytes
        assert_eq!(base64::decode(&base64::encode(&bytes)).as_deref(), Some(&bytes[..]));
    }
});
