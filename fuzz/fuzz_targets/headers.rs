//! Fuzz target: header block decoding over arbitrary bytes, and the encode → decode round trip of
//! whatever decodes. It must never panic; it must not be used to test semantics (the unit tests
//! do that).
//! The check itself lives in `src/checks.rs`, where the replay tests run saved inputs through it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nats_wasm_fuzz::headers(data));
