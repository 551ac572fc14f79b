//! Fuzz target: header block decoding over arbitrary bytes, and the encode → decode round trip of
//! whatever decodes. It must never panic; it must not be used to test semantics (the unit tests
//! do that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nats_wasm::proto::Headers;

fuzz_target!(|data: &[u8]| {
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
});
