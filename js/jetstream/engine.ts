/**
 * The engine functions only JetStream, KV and ObjectStore use (src/wasm/jetstream_bindings.rs and
 * digest_bindings.rs): ack subject parsing, SHA-256 digests and an ordered consumer's first
 * config, each behind js/wasm.ts's loaded-engine check. They live apart from js/wasm.ts because
 * the core-only wasm (`nats-wasm/core`) is built without them: only the full entry may import
 * this module.
 *
 * Must not: load the engine itself (js/wasm.ts does), or be imported by core modules.
 */
// @deno-types="../wasm/nats_wasm.d.ts"
import * as glue from "../wasm/nats_wasm.js";
import { checked } from "../wasm.ts";

export const ackStage = checked(glue.ackStage);
export const base64UrlEncode = checked(glue.base64UrlEncode);
export const digestDrop = checked(glue.digestDrop);
export const digestFinish = checked(glue.digestFinish);
export const digestStage = checked(glue.digestStage);
export const digestStart = checked(glue.digestStart);
export const digestUpdate = checked(glue.digestUpdate);
export const parseAckStaged = checked(glue.parseAckStaged);
export const parseAckSubject = checked(glue.parseAckSubject);
export const orderedFirstConsumer = checked(glue.orderedFirstConsumer);
