//! Fuzz target: nkey seed and public key decoding (`auth::nkey`) over arbitrary bytes. It must
//! never panic; a seed that decodes re-encodes to the same text (modulo surrounding whitespace),
//! its public key decodes with the same role, and a signature made with it verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nats_wasm::auth::nkey;

fuzz_target!(|data: &[u8]| {
    if let Ok(seed) = nkey::decode_seed(data) {
        let text = seed.key_pair.seed().expect("a decoded seed has its seed");
        assert_eq!(text.as_bytes(), data.trim_ascii(), "decode → encode changed the seed");
        let public = nkey::decode_public(seed.key_pair.public_key().as_bytes()).expect("its public key decodes");
        assert_eq!(public.role, seed.role);
        assert!(nkey::verify(&public, data, &nkey::sign(&seed, data)));
        assert!(nkey::private_key(&seed).is_ok());
    }
    let _ = nkey::decode_public(data);
    let _ = nkey::sign_nonce(data, Some("nonce"));
});
