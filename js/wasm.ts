/**
 * Loads the wasm engine (top-level await) and re-exports what the shim uses from the
 * wasm-bindgen glue. Once loaded it installs the header wire codec into headers.ts.
 *
 * The .wasm file sits beside the bundle (dist/mod.js + dist/nats_wasm_bg.wasm); when the sources
 * are run directly (this file is js/wasm.ts) it is in js/wasm/. Deno loads file: URLs with fetch,
 * browsers over http.
 *
 * Must not: wrap or re-implement engine functions (callers rewrap thrown errors as NatsError).
 */
// @deno-types="./wasm/nats_wasm.d.ts"
import init, { decodeHeaders, encodeHeaders } from "./wasm/nats_wasm.js";
import { setHeaderWire } from "./headers.ts";

const here = import.meta.url;
const wasmUrl = new URL(
  here.endsWith(".ts") ? "./wasm/nats_wasm_bg.wasm" : "./nats_wasm_bg.wasm",
  here,
);

const exports = await init({ module_or_path: wasmUrl });

/** The wasm module's memory (for views on fixed buffers such as `ackStage()`'s). */
export function wasmMemory(): WebAssembly.Memory {
  return exports.memory;
}

setHeaderWire({
  encode: encodeHeaders,
  decode: decodeHeaders,
});

// @deno-types="./wasm/nats_wasm.d.ts"
export {
  ackStage,
  base64Decode,
  base64Encode,
  credsSignNonce,
  decodeHeaders,
  encodeHeaders,
  nkeyCheckPublic,
  nkeyCreateSeed,
  nkeyPrivateKey,
  nkeyPublicKey,
  nkeySign,
  nkeySignNonce,
  nkeyVerify,
  normalizeServerUrl,
  parseAckStaged,
  parseAckSubject,
  WasmConnection,
} from "./wasm/nats_wasm.js";
