/**
 * The bytes of an object on their way through the engine's SHA-256 (src/jetstream/digest.rs):
 * `hashChunk` copies a chunk into the fixed staging buffer in wasm memory and hashes it there;
 * `chunkStream` is a get's `data` stream over the ordered consumer of the object's chunks.
 *
 * Must not: hash in JavaScript, take a chunk before the reader asks for one (that is the
 * backpressure), or end a read as a success before the digest and the size were checked.
 */
import { ErrorCode, NatsError } from "../errors.ts";
import type { Deferred } from "../types.ts";
import { digestDrop, digestFinish, digestStage, digestUpdate } from "./engine.ts";
import { wasmMemory } from "../wasm.ts";
import type { JsMsg } from "./jsmsg.ts";
import type { ServerObjectInfo } from "./os_meta.ts";

/**
 * Ms a get's reader may wait for the next chunk before the read fails. An ordered consumer lost
 * in a server restart is noticed after two missed heartbeats (10 s) and recreated, each retry
 * `jitter(5 s)` apart; 60 s rides out a restart and still ends a read whose chunks are gone (or a
 * store deleted under it) with an error instead of a wait without end.
 */
const GET_STALL_MS = 60_000;

/** `[address, bytes]` of the engine's digest staging buffer (fixed for the module's life). */
let stage: Uint32Array | undefined;

/** Hashes `bytes` into running digest `id`, a staging buffer's worth at a time. */
export function hashChunk(id: number, bytes: Uint8Array): void {
  stage ??= digestStage();
  const [at, size] = stage;
  for (let off = 0; off < bytes.length; off += size) {
    const part = bytes.subarray(off, Math.min(off + size, bytes.length));
    // a fresh view each time: a wasm call may have grown (and so replaced) the memory's buffer
    new Uint8Array(wasmMemory().buffer, at, part.length).set(part);
    digestUpdate(id, part.length);
  }
}

/**
 * The data stream of a get: each pull takes the next chunk from the ordered consumer, hashes
 * it in wasm memory and hands it on; the chunk the server says is the last (pending 0) ends the
 * read with the digest check. Every way out settles `error` once and releases the subscription.
 */
export function chunkStream(
  chunks: AsyncIterable<JsMsg>,
  stop: () => void,
  digest: number,
  info: ServerObjectInfo,
  error: Deferred<Error | null>,
): ReadableStream<Uint8Array> {
  const iter = chunks[Symbol.asyncIterator]();
  let settled = false;
  let size = 0;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    // finished or not, the running hash is no longer wanted (an unknown id is ignored)
    digestDrop(digest);
    stop();
    error.resolve(err);
  };
  const next = (): Promise<IteratorResult<JsMsg>> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new NatsError(
            `object ${info.name}: no chunk arrived for ${GET_STALL_MS} ms ` +
              `(${size} of ${info.size} bytes read)`,
            ErrorCode.Timeout,
          ),
        );
      }, GET_STALL_MS);
    });
    return Promise.race([iter.next(), stalled]).finally(() => clearTimeout(timer));
  };
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      let failed: Error | null = null;
      try {
        const r = await next();
        if (r.done) {
          throw new NatsError(
            `object ${info.name}: the chunk consumer ended after ${size} of ${info.size} bytes`,
            ErrorCode.SubClosed,
          );
        }
        const jm = r.value;
        size += jm.data.length;
        if (jm.data.length > 0) {
          hashChunk(digest, jm.data);
          c.enqueue(jm.data);
        }
        // the server's count of what is left: 0 on the object's last chunk
        if (jm.info.pending !== 0) return;
        // throws when the bytes' digest differs from the stored one
        digestFinish(digest);
        if (size !== info.size) {
          throw new NatsError(
            `object ${info.name}: read ${size} bytes, the meta says ${info.size}`,
            ErrorCode.BadPayload,
          );
        }
      } catch (err) {
        failed = err as Error;
      }
      if (failed) c.error(failed);
      else c.close();
      settle(failed);
    },
    cancel() {
      settle(null);
    },
  }, { highWaterMark: 1 });
}
