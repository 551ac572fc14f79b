//! Fuzz target: the server-op parser over arbitrary bytes. It must never panic, never claim more
//! bytes than it was given, and always make progress when it returns an op; it must not be used
//! to test semantics (the unit tests do that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nats_wasm::proto::{Limits, ServerOp, parse};

fuzz_target!(|data: &[u8]| {
    // Small limits so that the size and line-length paths are reached by short inputs.
    let limits = Limits { max_control_line: 64, max_payload: 128 };
    let mut rest = data;
    loop {
        match parse(rest, &limits) {
            Ok(Some((op, used))) => {
                assert!(used > 0 && used <= rest.len(), "used {used} of {}", rest.len());
                if let ServerOp::Msg { headers, payload, .. } = op {
                    let area = headers.map_or(0, <[u8]>::len) + payload.len();
                    assert!(area <= limits.max_payload);
                    if let Some(h) = headers {
                        // The status fast path must cope with whatever the server put there.
                        let _ = nats_wasm::proto::Headers::status_code(h);
                    }
                }
                rest = &rest[used..];
            }
            Ok(None) | Err(_) => break,
        }
    }
});
