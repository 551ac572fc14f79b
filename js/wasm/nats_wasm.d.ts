/* tslint:disable */
/* eslint-disable */

/**
 * One NATS connection, driven from JS.
 */
export class WasmConnection {
    free(): void;
    [Symbol.dispose](): void;
    cancelRequest(token: number): void;
    close(): void;
    currentServer(): string;
    drainSubscription(sid: number): void;
    drain(): void;
    flush(): number;
    infoJson(): string | undefined;
    isClosed(): boolean;
    isDraining(): boolean;
    constructor(opts: any, authenticator: Function | null | undefined, on_batch: Function);
    publish(subject: string, reply: string | null | undefined, headers: Uint8Array | number[] | null | undefined, payload: Uint8Array | number[]): void;
    reconnect(): void;
    requestMany(subject: string, headers: Uint8Array | number[] | null | undefined, payload: Uint8Array | number[], max_wait: number, strategy: string, param: number): number;
    request(subject: string, headers: Uint8Array | number[] | null | undefined, payload: Uint8Array | number[], timeout: number): number;
    start(): void;
    /**
     * `[inMsgs, outMsgs, inBytes, outBytes]`
     */
    stats(): Float64Array;
    subscribe(subject: string, queue: string | null | undefined, max: number, timeout: number): number;
    unsubscribe(sid: number, max: number): void;
}

/**
 * Decodes a raw header block into `{code, description, entries: [key, values[]][]}`.
 */
export function decodeHeaders(block: Uint8Array | number[]): any;

/**
 * Encodes a header block from a status and a flat `[k1, v1, k2, v2, ...]` list; repeated keys
 * keep every value.
 */
export function encodeHeaders(code: number, description: string, flat: string[]): Uint8Array;

export function hostPort(url: string): string;

export function nextNuid(): string;

export function normalizeServerUrl(server: string): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_wasmconnection_free: (a: number, b: number) => void;
    readonly decodeHeaders: (a: number, b: number) => [number, number, number];
    readonly encodeHeaders: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly hostPort: (a: number, b: number) => [number, number];
    readonly nextNuid: () => [number, number];
    readonly normalizeServerUrl: (a: number, b: number) => [number, number, number, number];
    readonly wasmconnection_cancelRequest: (a: number, b: number) => void;
    readonly wasmconnection_close: (a: number) => void;
    readonly wasmconnection_currentServer: (a: number) => [number, number];
    readonly wasmconnection_drain: (a: number) => [number, number];
    readonly wasmconnection_drainSubscription: (a: number, b: number) => [number, number];
    readonly wasmconnection_flush: (a: number) => [number, number, number];
    readonly wasmconnection_infoJson: (a: number) => [number, number];
    readonly wasmconnection_isClosed: (a: number) => number;
    readonly wasmconnection_isDraining: (a: number) => number;
    readonly wasmconnection_new: (a: any, b: number, c: any) => [number, number, number];
    readonly wasmconnection_publish: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => [number, number];
    readonly wasmconnection_reconnect: (a: number) => [number, number];
    readonly wasmconnection_request: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => [number, number, number];
    readonly wasmconnection_requestMany: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number) => [number, number, number];
    readonly wasmconnection_start: (a: number) => void;
    readonly wasmconnection_stats: (a: number) => [number, number];
    readonly wasmconnection_subscribe: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => [number, number, number];
    readonly wasmconnection_unsubscribe: (a: number, b: number, c: number) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h3e8675619edf5ab7: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h3e8675619edf5ab7_24: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__he6180c982d026d61: (a: number, b: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
