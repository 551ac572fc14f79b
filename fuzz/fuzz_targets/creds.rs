//! Fuzz target: creds file parsing (`auth::creds::parse`) over arbitrary bytes, and the base64
//! decoder of the nkeys helpers. They must never panic; whatever parses holds a JWT-shaped first
//! block and a seed that decodes, and signs a nonce. Semantics are the unit tests' job.
//! The check itself lives in `src/checks.rs`, where the replay tests run saved inputs through it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nats_wasm_fuzz::creds(data));
