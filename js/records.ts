/**
 * The engine's batch record layout, the one TypeScript home of it (the Rust home is
 * `src/client/batch.rs`; docs/design.md specifies both): the stride, the record kinds, the word
 * indices, and readers for a record's four byte fields. A new record kind is added here and in
 * `batch.rs`, nowhere else.
 *
 * A batch is `records: Uint32Array` (`STRIDE` words per record) over `arena: Uint8Array`; field
 * `n` (0..3) of the record at word `i` is `arena[fieldStart(records, i, n) .. + records[i + W_LEN0 + n]]`,
 * except the body of a message that stayed in the batch's frame (`W_BODY`).
 *
 * Must not: route records, decide what a record means, or allocate beyond the string it returns
 * (the readers run on the per-message hot path).
 */
import { TD } from "./encoders.ts";

/** u32 words per record: kind, id, offset, four field lengths, extra, body. */
export const STRIDE = 9;

/** Word 0: the record kind. */
export const W_KIND = 0;
/** Word 1: sid (MSG, SUB_END), request token (REPLY, REQ_END), flush id (FLUSH_END), else 0. */
export const W_ID = 1;
/** Word 2: where the record's fields start in the arena. */
export const W_OFF = 2;
/** Words 3..6: the lengths of fields 0..3, stored back to back from the offset. */
export const W_LEN0 = 3;
/** Word 7: a small integer whose meaning depends on the kind (MSG/REPLY: status code). */
export const W_EXTRA = 7;
/**
 * Word 8 of a MSG / REPLY: where its header block and payload (fields 2 and 3, back to back)
 * start in the batch's frame, the socket's own buffer handed over with the batch; or
 * `BODY_IN_ARENA` when they follow the reply in the arena like any other field.
 */
export const W_BODY = 8;
/** Word 8 of a record whose fields are all in the arena. */
export const BODY_IN_ARENA = 0xffff_ffff;

/** Record kinds (word 0). */
export const K_MSG = 1;
export const K_REPLY = 2;
export const K_SUB_END = 3;
export const K_REQ_END = 4;
export const K_FLUSH_END = 5;
export const K_STATUS = 6;
export const K_INFO = 7;
export const K_CONNECTED = 8;
export const K_CLOSED = 9;
export const K_DRAINED = 10;
export const K_SUBS_DRAINED = 11;
/** An event of a subscription hook, in order with that subscription's MSGs (id = sid). */
export const K_SUB_EVENT = 12;

/** Fields of a MSG / REPLY record. */
export const F_SUBJECT = 0;
export const F_REPLY = 1;
export const F_HEADERS = 2;
export const F_PAYLOAD = 3;

/** Fields of an end record (SUB_END, REQ_END, FLUSH_END, CLOSED) and of STATUS. */
export const F_CODE = 0;
export const F_MESSAGE = 1;
export const F_PERMISSION = 2;
/** STATUS: f0 type, f1 data, f2 permission context JSON, f3 detail in words. */
export const F_STATUS_TYPE = 0;
export const F_STATUS_DATA = 1;
export const F_STATUS_DETAIL = 3;

/** Fields of a SUB_EVENT record (what each kind puts there: docs/jetstream.md "Consumer runs"). */
export const F_EVENT_KIND = 0;
export const F_EVENT_NAME = 1;
export const F_EVENT_DATA = 2;
export const F_EVENT_BODY = 3;

/** Length of field `n` of the record at word `i`. */
export function fieldLen(records: Uint32Array, i: number, n: number): number {
  return records[i + W_LEN0 + n];
}

/** Arena offset where field `n` of the record at word `i` starts. */
export function fieldStart(records: Uint32Array, i: number, n: number): number {
  let at = records[i + W_OFF];
  for (let k = 0; k < n; k++) at += records[i + W_LEN0 + k];
  return at;
}

/** Field `n` of the record at word `i` as UTF-8 text ("" when empty). */
export function field(records: Uint32Array, arena: Uint8Array, i: number, n: number): string {
  const len = records[i + W_LEN0 + n];
  if (len === 0) return "";
  const start = fieldStart(records, i, n);
  return TD.decode(arena.subarray(start, start + len));
}

/** Header + payload bytes of the MSG / REPLY record at word `i` (what pending limits count). */
export function msgBytes(records: Uint32Array, i: number): number {
  return records[i + W_LEN0 + F_HEADERS] + records[i + W_LEN0 + F_PAYLOAD];
}
