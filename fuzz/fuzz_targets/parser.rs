//! Fuzz target: the server-op parser over arbitrary bytes. It must never panic, never claim more
//! bytes than it was given, always make progress when it returns an op, and give the same ops
//! and error whether the bytes arrive at once or in two chunks (the WebSocket frame boundary is
//! arbitrary). It does not check what the ops mean: the unit tests do that.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nats_wasm::proto::{Limits, ParseError, ServerOp, parse};

/// Small limits so that the size and line-length paths are reached by short inputs (bytes).
const LIMITS: Limits = Limits { max_control_line: 64, max_payload: 128 };

/// Owned summary of an op: enough to compare runs.
type Seen = (String, Vec<Vec<u8>>, u64);

fn summary(op: &ServerOp<'_>) -> Seen {
    match op {
        ServerOp::Msg { subject, sid, reply, headers, payload } => {
            let area = headers.map_or(0, <[u8]>::len) + payload.len();
            assert!(area <= LIMITS.max_payload, "payload area above the limit");
            if let Some(h) = headers {
                // The status fast path must cope with whatever the server put there.
                let _ = nats_wasm::proto::Headers::status_code(h);
            }
            let parts = vec![
                subject.to_vec(),
                reply.map(<[u8]>::to_vec).unwrap_or_default(),
                headers.map(<[u8]>::to_vec).unwrap_or_default(),
                payload.to_vec(),
            ];
            (format!("msg r{} h{}", reply.is_some(), headers.is_some()), parts, *sid)
        }
        other => (format!("{other:?}"), Vec::new(), 0),
    }
}

/// The connection's reassembly loop over `chunks`.
fn run(chunks: &[&[u8]]) -> (Vec<Seen>, Option<ParseError>) {
    let mut pending = Vec::new();
    let mut ops = Vec::new();
    for chunk in chunks {
        pending.extend_from_slice(chunk);
        loop {
            match parse(&pending, &LIMITS) {
                Ok(Some((op, used))) => {
                    assert!(used > 0 && used <= pending.len(), "used {used} of {}", pending.len());
                    ops.push(summary(&op));
                    pending.drain(..used);
                }
                Ok(None) => break,
                Err(e) => return (ops, Some(e)),
            }
        }
    }
    (ops, None)
}

fuzz_target!(|data: &[u8]| {
    let whole = run(&[data]);
    // The first byte picks the split point, so the fuzzer can steer it.
    let at = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (a, b) = data.split_at(at);
    assert_eq!(run(&[a, b]), whole, "split at {at} changed the result");
});
