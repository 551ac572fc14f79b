//! The driver's view of its host: a monotonic clock, randomness for the engine,
//! `queueMicrotask`, and the console (`debug` frames, errors thrown by JS callbacks). Bound
//! through the global scope (not `window`) so the same code runs in Deno, browsers and workers.

use crate::client::Entropy;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    #[wasm_bindgen(js_name = queueMicrotask)]
    pub(crate) fn queue_microtask(f: &js_sys::Function);

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub(crate) fn console_error(msg: &str, err: &JsValue);

    #[wasm_bindgen(js_namespace = console, js_name = log)]
    pub(crate) fn console_log(msg: &str);
}

/// Milliseconds on a monotonic clock (only differences matter to the engine).
pub(crate) fn now_ms() -> u64 {
    performance_now() as u64
}

/// xorshift64* seeded from the platform's CSPRNG; nuids from the `nuid` crate. Jitter and shuffling
/// need uniformity, not secrecy; inbox names come from `nuid`, which reads the CSPRNG itself.
pub(crate) struct HostEntropy {
    state: u64,
}

impl HostEntropy {
    pub(crate) fn new() -> Self {
        let mut seed = [0u8; 8];
        // A failing CSPRNG would leave the seed zero; xorshift needs a non-zero state, so fall
        // back to the clock rather than trapping.
        if getrandom_04::fill(&mut seed).is_err() {
            seed = (performance_now().to_bits() | 1).to_le_bytes();
        }
        HostEntropy { state: u64::from_le_bytes(seed) | 1 }
    }
}

impl Entropy for HostEntropy {
    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn nuid(&mut self) -> String {
        nuid::next().as_str().to_owned()
    }
}
