/**
 * The publish fast path (no reply, no headers, payload up to the engine's 64 KiB staging
 * buffer): the subject crosses the wasm boundary once as a string and then as a cached integer
 * handle, and the payload is written straight into the engine's staging buffer, so a plain
 * publish allocates nothing on the JS side.
 *
 * Must not: publish anything with a reply or headers, keep a staging view across memory growth
 * (a detached view has length 0 and is asked for again), or hold handles past the connection's
 * end (`reset()`).
 */
import { ErrorCode, NatsError, toNatsError } from "./errors.ts";
import { TE } from "./encoders.ts";
import type { Payload } from "./types.ts";
import type { WasmConnection } from "./wasm.ts";

/**
 * Subjects seen once that are remembered (so the second publish registers a handle) before the
 * set starts over: a handle pays off only for a subject published again, and most subjects
 * published once stay once (acks to `$JS.ACK...`, replies to inboxes).
 */
const MAX_SEEN_ONCE = 4096;

/** Subject handles and the staging view of one connection. */
export class FastPublisher {
  private handles = new Map<string, number>();
  private seenOnce = new Set<string>();
  private staging: Uint8Array | null = null;

  /**
   * Publishes `payload` to `subject` through the staging buffer; false (nothing sent) when the
   * payload does not fit or the subject is new, so that the caller takes the ordinary path. Throws BAD_PAYLOAD for a
   * payload that is not bytes, a string or undefined, and the engine's error as a NatsError.
   */
  publish(wc: WasmConnection, subject: string, payload: Payload | undefined): boolean {
    let h = this.handles.get(subject);
    if (h === undefined) {
      // the first publish to a subject takes the ordinary path (one crossing); registering a
      // handle (a second crossing and a stored copy) waits until the subject comes back
      if (!this.seenOnce.has(subject)) {
        if (this.seenOnce.size >= MAX_SEEN_ONCE) this.seenOnce.clear();
        this.seenOnce.add(subject);
        return false;
      }
      this.seenOnce.delete(subject);
      // registering may grow wasm memory: done before the staging view is checked and written
      h = wc.subjectHandle(subject);
      if (h < 0) {
        wc.clearSubjects();
        this.handles.clear();
        h = wc.subjectHandle(subject);
      }
      this.handles.set(subject, h);
    }
    let st = this.staging;
    if (st === null || st.length === 0) st = this.staging = wc.stagingBuffer();
    let len: number;
    if (payload instanceof Uint8Array) {
      len = payload.length;
      if (len > st.length) return false;
      st.set(payload);
    } else if (typeof payload === "string") {
      // a UTF-16 code unit encodes to at most 3 UTF-8 bytes
      if (payload.length * 3 > st.length) return false;
      len = TE.encodeInto(payload, st).written;
    } else if (payload === undefined) {
      len = 0;
    } else {
      throw NatsError.errorForCode(ErrorCode.BadPayload);
    }
    if (wc.publishStaged(h, len) !== 0) throw toNatsError(wc.takeError());
    return true;
  }

  /** Forgets the handles and the view (the engine is gone). */
  reset(): void {
    this.staging = null;
    this.handles.clear();
    this.seenOnce.clear();
  }
}
