//! The invariants each fuzz target checks (see the target files for what each must hold). They
//! panic on a broken invariant, which libFuzzer (and the replay tests) report as a crash.

use nats_wasm::auth::{base64, creds as creds_file, nkey};
use nats_wasm::proto::{Headers, Limits, ParseError, ServerOp, parse};

/// Creds file parsing and the nkeys helpers' base64: never a panic; whatever parses holds a
/// JWT-shaped first block and a seed that decodes and signs; base64 round-trips.
pub fn creds(data: &[u8]) {
    if let Ok(c) = creds_file::parse(data) {
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
}

/// Header block decoding, and the encode → decode round trip of whatever decodes.
pub fn headers(data: &[u8]) {
    let status = Headers::status_code(data);
    let Ok(headers) = Headers::decode(data) else {
        return;
    };
    // The allocation-free status reader agrees with the full decoder.
    assert_eq!(status, headers.code, "status_code disagrees with decode");
    let mut block = Vec::new();
    if headers.encode(&mut block).is_ok() {
        let again = Headers::decode(&block).expect("an encoded block decodes");
        assert_eq!(again, headers, "round trip changed the headers");
        assert_eq!(Headers::status_code(&block), headers.code);
    }
}

/// Small parser limits so that the size and line-length paths are reached by short inputs (bytes).
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
                let _ = Headers::status_code(h);
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

/// The server-op parser: never a panic, never more bytes claimed than given, progress on every
/// op, and the same ops and error whether the bytes arrive at once or in two chunks (the
/// WebSocket frame boundary is arbitrary).
pub fn parser(data: &[u8]) {
    let whole = run(&[data]);
    // The first byte picks the split point, so the fuzzer can steer it.
    let at = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (a, b) = data.split_at(at);
    assert_eq!(run(&[a, b]), whole, "split at {at} changed the result");
}

/// Nkey seed and public key decoding: a seed that decodes re-encodes to the same text (modulo
/// surrounding whitespace), its public key decodes with the same role, and its signature verifies.
pub fn seed(data: &[u8]) {
    if let Ok(seed) = nkey::decode_seed(data) {
        let text = seed.key_pair.seed().expect("a decoded seed has its seed");
        assert_eq!(text.as_bytes(), data.trim_ascii(), "decode → encode changed the seed");
        let public =
            nkey::decode_public(seed.key_pair.public_key().as_bytes()).expect("its public key decodes");
        assert_eq!(public.role, seed.role);
        assert!(nkey::verify(&public, data, &nkey::sign(&seed, data)));
        assert!(nkey::private_key(&seed).is_ok());
    }
    let _ = nkey::decode_public(data);
    let _ = nkey::sign_nonce(data, Some("nonce"));
}
