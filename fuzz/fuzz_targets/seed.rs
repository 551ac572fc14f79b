//! Fuzz target: nkey seed and public key decoding (`auth::nkey`) over arbitrary bytes. It must
//! never panic; a seed that decodes re-encodes to the same text (modulo surrounding whitespace),
//! its public key decodes with the same role, and a signature made with it verifies.
//! The check itself lives in `src/checks.rs`, where the replay tests run saved inputs through it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nats_wasm_fuzz::seed(data));
