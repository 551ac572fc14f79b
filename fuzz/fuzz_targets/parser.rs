//! Fuzz target: the server-op parser over arbitrary bytes. It must never panic, never claim more
//! bytes than it was given, always make progress when it returns an op, and give the same ops
//! and error whether the bytes arrive at once or in two chunks (the WebSocket frame boundary is
//! arbitrary). It does not check what the ops mean: the unit tests do that.
//! The check itself lives in `src/checks.rs`, where the replay tests run saved inputs through it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nats_wasm_fuzz::parser(data));
