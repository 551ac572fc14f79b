/**
 * `SubscriptionImpl`: a core subscription as the user sees it. Iterator mode (a QueuedIterator
 * of Msg) or callback mode (`callback(err, msg)` called synchronously per message; iterating it
 * throws "unsupported iterator"). It mirrors what the engine reports: messages are handed over by
 * the connection's batch router, the end (unsubscribe, max reached, drain done, timeout,
 * permission error, connection closed) arrives as `ended(err?)`. Leaving a `for await` loop
 * unsubscribes.
 *
 * An iterator queues batch records, not message objects: a run of consecutive records of one
 * batch is one queue entry, and the Msg is built when it is yielded, so a backlog costs a few
 * bytes per message instead of an object each.
 *
 * Pending limits (nats.go's, 65,536 messages / 64 MiB by default): the driver reads every frame
 * as it arrives, so a subscriber that does not keep up piles messages up here, not on the server
 * (where a backlog would end in a slow-consumer disconnect or a 64 MiB frame Deno refuses). Past
 * either limit new messages are dropped and counted, and the connection is told once per episode
 * (it emits `Events.Error` / `SLOW_CONSUMER`); the episode ends when the backlog is back to half
 * the limits. The engine cannot hold this limit: it hands every message out at once and never
 * learns when an iterator takes one.
 *
 * Must not: count towards `max`, run the `timeout` timer or decide when the subscription ends
 * (the engine does); it only keeps the counters nats.deno exposes.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { MsgImpl } from "./msg.ts";
import { QueuedIteratorImpl } from "./queued_iterator.ts";
import {
  F_EVENT_BODY,
  F_EVENT_DATA,
  F_EVENT_KIND,
  F_EVENT_NAME,
  field,
  fieldLen,
  fieldStart,
  msgBytes,
  STRIDE,
} from "./records.ts";
import { deferred } from "./util.ts";
import type { Deferred, Msg, Publisher, Subscription, SubscriptionOptions } from "./types.ts";

/** Messages an iterator may hold before it is a slow consumer (nats.go's default). */
export const DEFAULT_PENDING_MSGS = 65_536;
/** Header + payload bytes an iterator may hold before it is a slow consumer (nats.go's). */
export const DEFAULT_PENDING_BYTES = 64 * 1024 * 1024;

/** Bytes a queued message object is counted for. */
function msgSize(m: Msg): number {
  return m.data.length;
}

/** A pending limit option: undefined = the default, -1 = none (0 here), else the value. */
function limit(v: number | undefined, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  return v < 0 ? 0 : v;
}

/** Queued messages: a run of consecutive MSG records `[from, to)` of one batch, or one Msg. */
class Run {
  constructor(
    public records: Uint32Array | null,
    public buf: Uint8Array | null,
    public frame: Uint8Array | undefined,
    public from: number,
    public to: number,
    public msg: Msg | null,
  ) {}
}

/**
 * Receives the events of the engine hook attached to a subscription (a JetStream consumer run),
 * in order with its messages: kind, name, data, body (docs/jetstream.md "Consumer runs").
 */
export type SubEventHandler = (kind: string, name: string, data: string, body: Uint8Array) => void;

/** What a subscription needs from its connection (which also publishes replies). */
export interface SubscriptionHost extends Publisher {
  /** Sends UNSUB (`max` 0 = now); with 0 the connection also forgets the subscription. */
  unsubscribeSid(sub: SubscriptionImpl, max: number): void;
  /** Starts the engine's subscription drain (SUB_END follows once it is done). */
  drainSid(sub: SubscriptionImpl): void;
  isClosed(): boolean;
  /** The iterator went past its pending limits and started dropping (once per episode). */
  slowConsumer?(sub: SubscriptionImpl): void;
}

/** Reports an exception thrown by user code without breaking the delivery loop. */
export function reportUserError(err: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (typeof g.reportError === "function") {
    g.reportError(err);
  } else {
    console.error(err);
  }
}

/** A core NATS subscription. */
export class SubscriptionImpl extends QueuedIteratorImpl<Msg> implements Subscription {
  sid = 0;
  subject: string;
  queue?: string;
  max?: number;
  timeout?: number;
  draining = false;
  closed: Deferred<void>;
  private host: SubscriptionHost;
  private cb: ((err: NatsError | null, msg: Msg) => void) | undefined;
  private drained: Deferred<void> | undefined;
  /** Iterator backlog: runs[head..] hold `queued` messages. */
  private runs: Run[] = [];
  private head = 0;
  private queued = 0;
  /** Header + payload bytes of the queued messages. */
  private pendingBytes = 0;
  /** Limits on `queued` / `pendingBytes`; 0 = none. */
  readonly maxPendingMsgs: number;
  readonly maxPendingBytes: number;
  /** Messages dropped past the limits, and whether a slow-consumer episode is under way. */
  private dropped = 0;
  private slow = false;
  /** The connection has forgotten this subscription (or was told to). */
  private released = false;
  /** What `holdProcessed` added to `whenProcessed()`. */
  private processing: (() => Promise<void>) | undefined;
  /** @internal Events of the engine hook on this subscription (callback subscriptions only). */
  onEvent?: SubEventHandler;

  constructor(host: SubscriptionHost, subject: string, opts: SubscriptionOptions = {}) {
    super();
    this.host = host;
    this.subject = subject;
    this.queue = opts.queue || undefined;
    this.max = opts.max || undefined;
    this.timeout = opts.timeout || undefined;
    this.maxPendingMsgs = limit(opts.pendingMsgsLimit, DEFAULT_PENDING_MSGS);
    this.maxPendingBytes = limit(opts.pendingBytesLimit, DEFAULT_PENDING_BYTES);
    this.closed = deferred<void>();
    this.drained = undefined;
    if (typeof opts.callback === "function") {
      this.noIterator = true;
      this.cb = opts.callback;
    } else {
      this.cb = undefined;
      // the iterator finished: all queued messages were yielded, or the user left the loop
      this.onStop = () => {
        this.release();
        this.closed.resolve();
      };
    }
  }

  /** Builds the Msg of batch record `i`. */
  private msgAt(
    records: Uint32Array,
    buf: Uint8Array,
    frame: Uint8Array | undefined,
    i: number,
  ): MsgImpl {
    return new MsgImpl(this.host, records, i, buf, frame);
  }

  /**
   * Delivers the MSG record at word `i` of `records` (bytes in `buf` and `frame`, records.ts),
   * the connection's router's entry point. They must stay valid (JS-owned) while it is queued.
   */
  deliverRecord(
    records: Uint32Array,
    buf: Uint8Array,
    frame: Uint8Array | undefined,
    i: number,
  ): void {
    if (this.done) return;
    this.received++;
    const cb = this.cb;
    if (cb !== undefined) {
      try {
        cb(null, this.msgAt(records, buf, frame, i));
      } catch (err) {
        reportUserError(err);
      }
      return;
    }
    if (this.waiting()) {
      this.handOff(this.msgAt(records, buf, frame, i));
      return;
    }
    const size = msgBytes(records, i);
    if (this.full(size)) return;
    const runs = this.runs;
    const last = runs.length > this.head ? runs[runs.length - 1] : undefined;
    if (last !== undefined && last.records === records && last.to === i) {
      last.to = i + STRIDE;
    } else {
      runs.push(new Run(records, buf, frame, i, i + STRIDE, null));
    }
    this.queued++;
    this.pendingBytes += size;
  }

  /**
   * Delivers the SUB_EVENT record at word `i` to `onEvent`. Only callback subscriptions carry
   * hooks, so events and messages are both handled as they arrive, in order.
   */
  deliverEvent(records: Uint32Array, buf: Uint8Array, i: number): void {
    const h = this.onEvent;
    if (this.done || h === undefined) return;
    const start = fieldStart(records, i, F_EVENT_BODY);
    try {
      h(
        field(records, buf, i, F_EVENT_KIND),
        field(records, buf, i, F_EVENT_NAME),
        field(records, buf, i, F_EVENT_DATA),
        buf.subarray(start, start + fieldLen(records, i, F_EVENT_BODY)),
      );
    } catch (err) {
      reportUserError(err);
    }
  }

  /**
   * True (and the message counted as dropped) when queueing `size` more bytes would pass a
   * pending limit; the first drop of an episode is reported to the connection.
   */
  private full(size: number): boolean {
    const max = this.maxPendingMsgs;
    const maxBytes = this.maxPendingBytes;
    if (
      (max === 0 || this.queued < max) &&
      (maxBytes === 0 || this.pendingBytes + size <= maxBytes)
    ) {
      return false;
    }
    this.dropped++;
    if (!this.slow) {
      this.slow = true;
      this.host.slowConsumer?.(this);
    }
    return true;
  }

  /** Messages dropped because the iterator was past its pending limits. */
  getDropped(): number {
    return this.dropped;
  }

  /** Header + payload bytes of the messages the iterator holds. */
  getPendingBytes(): number {
    return this.pendingBytes;
  }

  /** Delivers one message object. */
  deliver(m: Msg): void {
    const cb = this.cb;
    if (cb === undefined) {
      this.push(m);
      return;
    }
    if (this.done) return;
    this.received++;
    try {
      cb(null, m);
    } catch (err) {
      reportUserError(err);
    }
  }

  /** Queues a message object (iterator mode). */
  override push(m: Msg): void {
    if (this.done) return;
    this.received++;
    if (this.handOff(m)) return;
    const size = msgSize(m);
    if (this.full(size)) return;
    this.runs.push(new Run(null, null, undefined, 0, 1, m));
    this.queued++;
    this.pendingBytes += size;
  }

  protected override hasQueued(): boolean {
    return this.queued > 0;
  }

  protected override take(): Msg {
    const r = this.runs[this.head];
    this.queued--;
    let m: Msg;
    if (r.msg !== null) {
      m = r.msg;
      r.from = r.to;
      this.pendingBytes -= msgSize(m);
    } else {
      m = this.msgAt(r.records!, r.buf!, r.frame, r.from);
      this.pendingBytes -= msgBytes(r.records!, r.from);
      r.from += STRIDE;
    }
    // a slow-consumer episode ends once the backlog is down to half the limits
    if (
      this.slow && this.queued <= this.maxPendingMsgs / 2 &&
      this.pendingBytes <= this.maxPendingBytes / 2
    ) {
      this.slow = false;
    }
    if (r.from >= r.to) {
      this.runs[this.head++] = undefined as unknown as Run;
      if (this.head === this.runs.length) {
        this.runs.length = 0;
        this.head = 0;
      }
    }
    return m;
  }

  protected override queuedCount(): number {
    return this.queued;
  }

  protected override clearQueued(): void {
    this.runs.length = 0;
    this.head = 0;
    this.queued = 0;
    this.pendingBytes = 0;
  }

  /** nats.deno's internal entry point: an error ends the subscription, a message is delivered. */
  callback(err: NatsError | null, msg: Msg): void {
    if (err) this.ended(err);
    else this.deliver(msg);
  }

  /**
   * The subscription is over (the connection has forgotten it). Iterators yield what is queued,
   * then end (throwing `err` if given); callbacks get `(err, {})` for an error.
   */
  ended(err?: NatsError): void {
    this.released = true;
    if (this.done) return;
    // an iterator nobody started: see whenProcessed()
    if (this.drained && this.cb === undefined && !this.yielding) this.drained.resolve();
    const cb = this.cb;
    if (cb !== undefined) {
      this.done = true;
      if (err) {
        try {
          cb(err, {} as Msg);
        } catch (e) {
          reportUserError(e);
        }
      }
      this.closed.resolve();
      return;
    }
    this.end(err);
  }

  /** Unsubscribes now, or after `max` messages in total. */
  unsubscribe(max?: number): void {
    if (this.done || this.host.isClosed()) return;
    if (max && max > 0) {
      this.max = max;
      if (this.received < max) {
        this.host.unsubscribeSid(this, max);
        return;
      }
    }
    this.release();
    this.ended();
  }

  /** Tells the connection to forget this subscription (once). */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.host.unsubscribeSid(this, 0);
  }

  /**
   * Resolves once the messages this subscription queued are processed: its `closed`, which
   * resolves when an iterator has yielded everything and its loop came back for more (or left),
   * or when a callback subscription ended (each message ran its callback on arrival). An iterator
   * that was never started counts as processed: nothing would ever take its messages, and a
   * connection drain must not wait for them forever (nats.deno resolves a drain once the
   * iterator is stopped, not once it is read). Its messages stay queued for a late loop.
   */
  whenProcessed(): Promise<void> {
    const queued = this.cb === undefined && !this.yielding ? Promise.resolve() : this.closed;
    const held = this.processing;
    return held === undefined ? queued : queued.then(held);
  }

  /**
   * Work the callback started and has not finished (a service handler's promise) that a drain
   * must also wait for: `whenProcessed()` resolves only once `until()` does too.
   */
  holdProcessed(until: () => Promise<void>): void {
    this.processing = until;
  }

  /**
   * Unsubscribes; resolves once the server confirmed no more messages are in flight and the
   * queued ones are processed (`closed`; see `whenProcessed()` for an iterator never started).
   */
  drain(): Promise<void> {
    if (this.host.isClosed()) {
      return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed));
    }
    if (this.done) {
      return Promise.reject(NatsError.errorForCode(ErrorCode.SubClosed));
    }
    if (!this.drained) {
      this.draining = true;
      const drained = this.drained = deferred<void>();
      this.closed.then(() => drained.resolve());
      try {
        this.host.drainSid(this);
      } catch (err) {
        this.drained.reject(err);
      }
    }
    return this.drained;
  }

  isDraining(): boolean {
    return this.draining;
  }

  isClosed(): boolean {
    return this.done;
  }

  getSubject(): string {
    return this.subject;
  }

  getMax(): number | undefined {
    return this.max;
  }

  getID(): number {
    return this.sid;
  }
}
