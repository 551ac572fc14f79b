/**
 * Loads the wasm engine on first need and re-exports what the shim uses from the wasm-bindgen
 * glue. Importing this module loads nothing (no top-level await, no fetch): bundlers with their
 * default targets (Vite) and Node's `import` accept it (docs/toolchain.md "Packaging").
 *
 * Two ways in, one instance:
 * - `loadEngine()`, async, one shared promise: `connect()` awaits it. From a `file:` URL (Deno,
 *   Node) it reads the .wasm from disk and instantiates it at once (Node's fetch has no `file:`);
 *   elsewhere the glue fetches `new URL("nats_wasm_bg.wasm", import.meta.url)`, a literal that
 *   bundlers see and ship as an asset. A failed load is forgotten, so the next call retries.
 * - Every engine function below (and `new WasmConnection`) checks one flag first. Not loaded yet
 *   (nkeys, header encode/decode or an authenticator used before any connect): from a `file:` URL
 *   it loads synchronously; elsewhere it throws NatsError `BAD API` saying to await
 *   `loadEngine()` first, instead of the glue's TypeError on an undefined instance.
 * After loading, every call stays synchronous: the check is one comparison, no await per message.
 *
 * The .wasm file sits beside the bundle (dist/mod.js + dist/nats_wasm_bg.wasm); when the sources
 * are run directly (this file is js/wasm.ts) it is in js/wasm/, beside the glue.
 *
 * Must not: re-implement or rewrap engine errors (callers rewrap thrown errors as NatsError), or
 * start a load at import.
 */
// @deno-types="./wasm/nats_wasm.d.ts"
import init, * as glue from "./wasm/nats_wasm.js";
// @deno-types="./wasm/nats_wasm.d.ts"
import type { InitOutput } from "./wasm/nats_wasm.js";
import { setHeaderWire } from "./headers.ts";
import { ErrorCode, NatsError } from "./errors.ts";

/** The instance's exports once loaded (only `memory` is read here). */
let instance: InitOutput | undefined;
/** The pending asynchronous load, shared by every caller; cleared when it fails. */
let loading: Promise<void> | undefined;

/** What this module reads from the host to find a synchronous file reader (Deno or Node). */
type Host = {
  Deno?: { readFileSync(path: URL): Uint8Array };
  process?: {
    getBuiltinModule?(id: string): { readFileSync(path: URL): Uint8Array } | undefined;
  };
};

/** The .wasm bytes when this module was loaded from a `file:` URL and the host can read files
 * synchronously; undefined otherwise (a browser, or an `https:` import in Deno). */
function localBytes(): Uint8Array | undefined {
  const here = import.meta.url;
  if (!here.startsWith("file:")) return undefined;
  const url = new URL(
    here.endsWith(".ts") ? "./wasm/nats_wasm_bg.wasm" : "./nats_wasm_bg.wasm",
    here,
  );
  const host = globalThis as Host;
  if (host.Deno?.readFileSync) return host.Deno.readFileSync(url);
  const fs = host.process?.getBuiltinModule?.("node:fs");
  return fs ? fs.readFileSync(url) : undefined;
}

/** The load error callers see: which file could not be loaded and why (the cause chained). */
function loadError(err: unknown): NatsError {
  const why = err instanceof Error ? err.message : String(err);
  return new NatsError(
    `cannot load the nats-wasm engine (nats_wasm_bg.wasm): ${why}`,
    ErrorCode.Unknown,
    err instanceof Error ? err : undefined,
  );
}

/**
 * Loads the wasm engine once (later calls share the same promise; resolved at once when loaded).
 * `connect()` awaits it; call it yourself before using `nkeys` or header encoding ahead of any
 * connection in a browser. Rejects with NatsError `UNKNOWN_ERROR` when the .wasm cannot be
 * fetched or instantiated.
 */
export function loadEngine(): Promise<void> {
  if (instance) return Promise.resolve();
  return loading ??= (async () => {
    try {
      const bytes = localBytes();
      // From disk the bytes are here already: instantiate synchronously, so a synchronous load
      // (engine()) can never run beside this one and make a second instance.
      instance = bytes ? glue.initSync({ module: bytes }) : await init();
    } catch (err) {
      loading = undefined;
      throw loadError(err);
    }
  })();
}

/** Loads the engine synchronously if it is not loaded (see the module header), else throws. */
function engine(): void {
  if (instance) return;
  let bytes: Uint8Array | undefined;
  try {
    bytes = localBytes();
    if (bytes) instance = glue.initSync({ module: bytes });
  } catch (err) {
    throw loadError(err);
  }
  if (!instance) {
    throw new NatsError(
      "the nats-wasm engine is not loaded yet: await connect() or loadEngine() first",
      ErrorCode.ApiError,
    );
  }
}

/** `fn` behind the loaded-engine check (js/jetstream/engine.ts wraps its functions with it too). */
export function checked<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    if (instance === undefined) engine();
    return fn(...args);
  };
}

/** The wasm module's memory (for views on fixed buffers such as js/jetstream/engine.ts's stages). */
export function wasmMemory(): WebAssembly.Memory {
  if (instance === undefined) engine();
  return instance!.memory;
}

/** One NATS connection driven from JS (the glue's class, built only on a loaded engine). */
export class WasmConnection extends glue.WasmConnection {
  constructor(...args: ConstructorParameters<typeof glue.WasmConnection>) {
    if (instance === undefined) engine();
    super(...args);
  }
}

export const base64Decode = checked(glue.base64Decode);
export const base64Encode = checked(glue.base64Encode);
export const credsSignNonce = checked(glue.credsSignNonce);
export const decodeHeaders = checked(glue.decodeHeaders);
export const encodeHeaders = checked(glue.encodeHeaders);
export const nkeyCheckPublic = checked(glue.nkeyCheckPublic);
export const nkeyCreateSeed = checked(glue.nkeyCreateSeed);
export const nkeyPrivateKey = checked(glue.nkeyPrivateKey);
export const nkeyPublicKey = checked(glue.nkeyPublicKey);
export const nkeySign = checked(glue.nkeySign);
export const nkeySignNonce = checked(glue.nkeySignNonce);
export const nkeyVerify = checked(glue.nkeyVerify);
export const normalizeServerUrl = checked(glue.normalizeServerUrl);
export const reconnectDelay = checked(glue.reconnectDelay);

// Installed at import (no engine call): the codec loads the engine on its first use.
setHeaderWire({ encode: encodeHeaders, decode: decodeHeaders });
