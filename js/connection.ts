/**
 * `connect()` and `NatsConnectionImpl`: the nats.deno v1 `NatsConnection` over one wasm
 * `WasmConnection`. Commands go straight to the engine (errors it throws are rewrapped as
 * NatsError with their code); the engine's output records arrive in `onBatch` and are routed:
 * MSG to the subscription by sid, REPLY / REQ_END to the pending request by token, SUB_END ends a
 * subscription, FLUSH_END settles a flush, STATUS feeds every `status()` iterator, INFO updates
 * `info`, CONNECTED resolves `connect()`, CLOSED settles everything and `closed()`.
 *
 * Records produced while the shim is inside an engine call that returns an id (subscribe,
 * request, flush) are held until the id is registered, then routed in order.
 *
 * Plain publishes (no reply, no headers, payload within the staging buffer) take the engine's
 * fast path: the subject as a cached integer handle, the payload written into wasm memory.
 *
 * Must not: parse the protocol, run timers for requests/subscriptions/pings, or decide reconnects
 * (the engine does); allocate closures or promises per message.
 */
import { ErrorCode, NatsError, recordError, toNatsError } from "./errors.ts";
import { Empty, TD, TE } from "./encoders.ts";
import { DebugEvents, Events, RequestStrategy } from "./enums.ts";
import { encodeHeaderBlock } from "./headers.ts";
import { createInbox } from "./inbox.ts";
import { isNoResponders, MsgImpl } from "./msg.ts";
import { type Parsed, type ParsedOptions, parseOptions } from "./options.ts";
import { QueuedIteratorImpl } from "./queued_iterator.ts";
import { PendingRequest, requestManyNoMux, requestNoMux } from "./requests.ts";
import { SubscriptionImpl } from "./subscription.ts";
import { deferred } from "./util.ts";
import { isWasmView, normalizeServerUrl, WasmConnection } from "./wasm.ts";
import type {
  ConnectionOptions,
  Deferred,
  Msg,
  NatsConnection,
  Payload,
  PublishOptions,
  RequestManyOptions,
  RequestOptions,
  ServerInfo,
  ServersChanged,
  Stats,
  Status,
  SubscriptionOptions,
} from "./types.ts";

/** u32 words per batch record (docs/design.md). */
const STRIDE = 8;
const K_MSG = 1;
const K_REPLY = 2;
const K_SUB_END = 3;
const K_REQ_END = 4;
const K_FLUSH_END = 5;
const K_STATUS = 6;
const K_INFO = 7;
const K_CONNECTED = 8;
const K_CLOSED = 9;
const K_DRAINED = 10;
const K_SUBS_DRAINED = 11;

function str(arena: Uint8Array, off: number, len: number): string {
  return len === 0 ? "" : TD.decode(arena.subarray(off, off + len));
}

/**
 * The batch arrays to keep beyond the onBatch call: a view into wasm memory is copied (once per
 * batch), an array the driver already copied out is used as is.
 */
function keep<T extends Uint8Array | Uint32Array>(a: T): T {
  return isWasmView(a) ? a.slice() as T : a;
}

/** Payload to bytes: strings UTF-8 encoded, Uint8Array as-is, undefined empty, else BAD_PAYLOAD. */
function toBytes(payload: Payload | undefined): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  if (typeof payload === "string") return TE.encode(payload);
  if (payload === undefined) return Empty;
  throw NatsError.errorForCode(ErrorCode.BadPayload);
}

/** Connects; resolves once the first handshake is done, rejects with the dial error. */
export function connect(opts: ConnectionOptions = {}): Promise<NatsConnection> {
  try {
    const nc = new NatsConnectionImpl(parseOptions(opts, normalizeServerUrl));
    return nc.start();
  } catch (err) {
    return Promise.reject(toNatsError(err));
  }
}

/** The NatsConnection implementation. */
export class NatsConnectionImpl implements NatsConnection {
  /** The options in effect (defaults applied). */
  options: ParsedOptions;
  /** The engine; null once closed (and freed). */
  private wc: WasmConnection | null;
  /** Resolves with this connection on the first CONNECTED, rejects if it closes before. */
  private connected$: Deferred<NatsConnection>;
  private _info: ServerInfo | undefined = undefined;
  private subs = new Map<number, SubscriptionImpl>();
  private requests = new Map<number, PendingRequest>();
  private flushes = new Map<number, Deferred<void>>();
  private listeners = new Set<QueuedIteratorImpl<Status>>();
  private closed$: Deferred<void | Error>;
  private _closed = false;
  private connectedOnce = false;
  private isConnected = false;
  private draining = false;
  /** The subscriptions a connection drain ends, as they were when it started. */
  private drainingSubs: SubscriptionImpl[] = [];
  private server = "";
  private lastStats: Stats = { inBytes: 0, outBytes: 0, inMsgs: 0, outMsgs: 0 };
  private asyncTraces: boolean;
  /** >0 while inside an engine call whose returned id is not registered yet. */
  private hold = 0;
  private routing = false;
  private held: [Uint32Array, Uint8Array][] = [];
  /** Publish fast path: subject handles registered with the engine, and its staging view. */
  private handles = new Map<string, number>();
  private staging: Uint8Array | null = null;

  /** Creates the engine for validated options (see `connect`); nothing is dialled yet. */
  constructor(parsed: Parsed) {
    this.options = parsed.options;
    this.asyncTraces = !parsed.options.noAsyncTraces;
    this.connected$ = deferred<NatsConnection>();
    this.closed$ = deferred<void | Error>();
    this.wc = new WasmConnection(
      parsed.wasm,
      parsed.auth,
      (records: Uint32Array, arena: Uint8Array) => this.batch(records, arena),
    );
  }

  /** Starts dialling; resolves once connected, rejects if the client closes first. */
  start(): Promise<NatsConnection> {
    this.wc!.start();
    return this.connected$;
  }

  // ---- batch routing ----

  private batch(records: Uint32Array, arena: Uint8Array): void {
    if (this.hold > 0 || this.routing) {
      this.held.push([keep(records), keep(arena)]);
      return;
    }
    this.routing = true;
    try {
      this.route(records, arena);
      this.routeHeld();
    } finally {
      this.routing = false;
    }
  }

  private routeHeld(): void {
    while (this.held.length > 0 && this.hold === 0) {
      const [r, a] = this.held.shift()!;
      this.route(r, a);
    }
  }

  /** Leaves an engine call that returned an id; routes records held meanwhile. */
  private unhold(): void {
    if (--this.hold === 0 && this.held.length > 0 && !this.routing) {
      this.routing = true;
      try {
        this.routeHeld();
      } finally {
        this.routing = false;
      }
    }
  }

  private route(records: Uint32Array, arena: Uint8Array): void {
    let buf: Uint8Array | null = null;
    let recs: Uint32Array | null = null;
    // consecutive messages usually share a subscription: look it up once per run (a sid is never
    // reused, and a subscription that ended meanwhile drops what it is given)
    let lastSid = -1;
    let sub: SubscriptionImpl | undefined = undefined;
    const n = records.length;
    for (let i = 0; i < n; i += STRIDE) {
      const kind = records[i];
      if (kind === K_MSG) {
        const sid = records[i + 1];
        if (sid !== lastSid) {
          sub = this.subs.get(sid);
          lastSid = sid;
        }
        if (sub === undefined) continue;
        if (buf === null) {
          buf = keep(arena);
          recs = keep(records);
        }
        sub.deliverRecord(recs!, buf, i);
        continue;
      }
      const id = records[i + 1];
      const off = records[i + 2];
      const l0 = records[i + 3];
      const l1 = records[i + 4];
      const l2 = records[i + 5];
      switch (kind) {
        case K_REPLY: {
          const r = this.requests.get(id);
          if (r === undefined) break;
          if (buf === null) buf = keep(arena);
          const m = new MsgImpl(this, 0, buf, off, l0, l1, l2, records[i + 6], records[i + 7]);
          this.reply(id, r, m);
          break;
        }
        case K_REQ_END: {
          const r = this.requests.get(id);
          if (r === undefined) break;
          this.requests.delete(id);
          const code = str(arena, off, l0);
          r.fail(
            code === "" ? undefined : recordError(
              code,
              str(arena, off + l0, l1),
              str(arena, off + l0 + l1, l2),
            ),
          );
          break;
        }
        case K_SUB_END: {
          const s = this.subs.get(id);
          if (s === undefined) break;
          this.subs.delete(id);
          const code = str(arena, off, l0);
          s.ended(
            code === "" ? undefined : recordError(
              code,
              str(arena, off + l0, l1),
              str(arena, off + l0 + l1, l2),
            ),
          );
          break;
        }
        case K_FLUSH_END: {
          const d = this.flushes.get(id);
          if (d === undefined) break;
          this.flushes.delete(id);
          const code = str(arena, off, l0);
          if (code === "") d.resolve();
          else d.reject(recordError(code, str(arena, off + l0, l1)));
          break;
        }
        case K_STATUS: {
          const perm = str(arena, off + l0 + l1, l2);
          if (perm !== "") this.publishDenied(perm);
          this.status$(
            str(arena, off, l0),
            str(arena, off + l0, l1),
            perm,
            str(arena, off + l0 + l1 + l2, records[i + 6]),
          );
          break;
        }
        case K_INFO:
          try {
            this._info = JSON.parse(str(arena, off, l0));
          } catch {
            // the engine validated it; keep the previous INFO if not
          }
          break;
        case K_CONNECTED:
          this.server = str(arena, off, l0);
          this.isConnected = true;
          if (!this.connectedOnce) {
            this.connectedOnce = true;
            this.connected$.resolve(this);
          }
          break;
        case K_CLOSED: {
          const code = str(arena, off, l0);
          this.closedByEngine(
            code === "" ? undefined : recordError(code, str(arena, off + l0, l1)),
          );
          break;
        }
        case K_SUBS_DRAINED:
          this.subsDrained();
          break;
        case K_DRAINED:
          break;
        default:
          break;
      }
    }
  }

  /**
   * Connection drain: the engine has ended every subscription and waits. Once each has processed
   * the messages it had queued (`whenProcessed()`: iterators yielded them all and their loop came
   * back for more, callbacks ran), the engine blocks publishing, flushes and closes; until then
   * handlers can still respond.
   */
  private subsDrained(): void {
    const subs = this.drainingSubs;
    this.drainingSubs = [];
    Promise.all(subs.map((s) => s.whenProcessed())).then(() => {
      try {
        this.wc?.drainContinue();
      } catch {
        // closed meanwhile
      }
    });
  }

  private reply(token: number, r: PendingRequest, m: MsgImpl): void {
    if (r.single !== null) {
      this.requests.delete(token);
      if (isNoResponders(m)) {
        r.fail(NatsError.errorForCode(ErrorCode.NoResponders));
      } else {
        r.single.resolve(m);
      }
      return;
    }
    if (isNoResponders(m)) {
      this.requests.delete(token);
      this.cancelToken(token);
      r.fail(NatsError.errorForCode(ErrorCode.NoResponders));
      return;
    }
    r.many!.push(m);
  }

  private cancelToken(token: number): void {
    try {
      this.wc?.cancelRequest(token);
    } catch {
      // already gone
    }
  }

  /**
   * Dispatches a status event to every `status()` iterator. `detail` (what happened, in words)
   * becomes `Status.error`: with the event's code for `error`, DISCONNECT otherwise.
   */
  /**
   * A publish permission violation also ends the noMux requests (their reply subscriptions, which
   * only the shim knows) that published to the denied subject, as nats.deno does; mux requests
   * are ended by the engine.
   */
  private publishDenied(permJson: string): void {
    let subject = "";
    try {
      const ctx = JSON.parse(permJson) as { operation?: string; subject?: string };
      if (ctx.operation !== "publish" || typeof ctx.subject !== "string") return;
      subject = ctx.subject;
    } catch {
      return;
    }
    for (const [sid, sub] of this.subs) {
      if (sub.requestSubject !== subject) continue;
      this.subs.delete(sid);
      try {
        this.wc?.unsubscribe(sid, 0);
      } catch {
        // closed meanwhile: nothing to unsubscribe
      }
      sub.ended(recordError(
        ErrorCode.PermissionsViolation,
        `Permissions Violation for Publish to "${subject}"`,
        permJson,
      ));
    }
  }

  private status$(type: string, data: string, perm: string, detail = ""): void {
    if (type === Events.Disconnect) this.isConnected = false;
    else if (type === Events.Reconnect) {
      this.isConnected = true;
      if (data) this.server = data;
    }
    if (this.listeners.size === 0) return;
    let d: string | ServersChanged = data;
    if (type === Events.Update) {
      try {
        const u = JSON.parse(data);
        d = { added: u.added ?? [], deleted: u.deleted ?? [] };
      } catch {
        d = { added: [], deleted: [] };
      }
    }
    const s: Status = { type: type as Events | DebugEvents, data: d };
    if (detail) {
      s.error = new NatsError(detail, type === Events.Error ? data : ErrorCode.Disconnect);
    }
    if (perm) {
      try {
        const ctx = JSON.parse(perm);
        s.permissionContext = { operation: ctx.operation, subject: ctx.subject };
        if (ctx.queue) (s.permissionContext as { queue?: string }).queue = ctx.queue;
      } catch {
        // ignored: the event still carries its type and data
      }
    }
    for (const l of this.listeners) l.push(s);
  }

  private closedByEngine(err: NatsError | undefined): void {
    if (this._closed) return;
    this._closed = true;
    this.isConnected = false;
    const wc = this.wc;
    if (wc !== null) {
      try {
        this.lastStats = this.readStats(wc);
      } catch {
        // keep the previous snapshot
      }
    }
    this.wc = null;
    this.staging = null;
    this.handles.clear();
    if (!this.connectedOnce) {
      this.connected$.reject(err ?? NatsError.errorForCode(ErrorCode.ConnectionClosed));
    }
    // the engine ends requests, flushes and subscriptions before CLOSED; these are leftovers
    const closedErr = NatsError.errorForCode(ErrorCode.ConnectionClosed);
    for (const d of this.flushes.values()) d.reject(closedErr);
    this.flushes.clear();
    const reqs = Array.from(this.requests.values());
    this.requests.clear();
    for (const r of reqs) r.fail(r.many ? undefined : NatsError.errorForCode(ErrorCode.Timeout));
    const subs = Array.from(this.subs.values());
    this.subs.clear();
    for (const s of subs) s.ended();
    for (const l of this.listeners) l.end();
    this.listeners.clear();
    this.closed$.resolve(err);
    if (wc !== null) {
      // freed outside the engine's call stack (CLOSED may be delivered from inside a command);
      // a microtask, not a timer, so that nothing is left pending once close() resolves
      queueMicrotask(() => {
        try {
          wc.free();
        } catch {
          // already freed
        }
      });
    }
  }

  // ---- SubscriptionHost ----

  /** @internal */
  unsubscribeSid(sub: SubscriptionImpl, max: number): void {
    const wc = this.wc;
    if (max > 0) {
      if (wc !== null) {
        try {
          wc.unsubscribe(sub.sid, max);
        } catch (err) {
          throw toNatsError(err);
        }
      }
      return;
    }
    if (this.subs.get(sub.sid) !== sub) return;
    this.subs.delete(sub.sid);
    if (wc !== null) {
      try {
        wc.unsubscribe(sub.sid, 0);
      } catch {
        // the engine already forgot it
      }
    }
  }

  /** @internal An iterator started dropping messages: `Events.Error` / `SLOW_CONSUMER`. */
  slowConsumer(sub: SubscriptionImpl): void {
    const limits = `${sub.maxPendingMsgs || "no"} messages / ${sub.maxPendingBytes || "no"} bytes`;
    const err = new NatsError(
      `slow consumer: the iterator of subscription ${sub.sid} on '${sub.subject}' holds ` +
        `${sub.getPending()} messages (${sub.getPendingBytes()} bytes) its loop has not taken ` +
        `(limits: ${limits}); new messages are dropped and counted by getDropped() until it ` +
        `catches up`,
      ErrorCode.SlowConsumer,
    );
    const s: Status = { type: Events.Error, data: ErrorCode.SlowConsumer, error: err };
    for (const l of this.listeners) l.push(s);
  }

  /** @internal */
  drainSid(sub: SubscriptionImpl): void {
    const wc = this.wc;
    if (wc === null) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    try {
      wc.drainSubscription(sub.sid);
    } catch (err) {
      throw toNatsError(err);
    }
  }

  // ---- NatsConnection ----

  get info(): ServerInfo | undefined {
    return this._closed ? undefined : this._info;
  }

  closed(): Promise<void | Error> {
    return this.closed$;
  }

  async close(): Promise<void> {
    const wc = this.wc;
    if (wc !== null && !this._closed) wc.close();
    await this.closed$;
  }

  isClosed(): boolean {
    return this._closed;
  }

  isDraining(): boolean {
    return this.draining;
  }

  getServer(): string {
    return this.server;
  }

  publish(subject: string, payload?: Payload, options?: PublishOptions): void {
    const wc = this.wc;
    if (wc === null) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    if (!subject) throw NatsError.errorForCode(ErrorCode.BadSubject);
    if (
      (options === undefined || (!options.reply && !options.headers)) &&
      this.publishStaged(wc, subject, payload)
    ) {
      return;
    }
    const data = toBytes(payload);
    let reply: string | undefined = undefined;
    let hdrs: Uint8Array | undefined = undefined;
    if (options !== undefined) {
      if (options.reply) reply = options.reply;
      if (options.headers) hdrs = encodeHeaderBlock(options.headers);
    }
    try {
      wc.publish(subject, reply, hdrs, data);
    } catch (err) {
      throw toNatsError(err);
    }
  }

  /**
   * The publish fast path (no reply, no headers, payload up to the staging size): the subject
   * crosses once as a string and then as a cached integer handle, the payload is written
   * straight into the engine's staging buffer. False when the payload does not fit.
   */
  private publishStaged(
    wc: WasmConnection,
    subject: string,
    payload: Payload | undefined,
  ): boolean {
    let h = this.handles.get(subject);
    if (h === undefined) {
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

  publishMessage(msg: Msg): void {
    this.publish(msg.subject, msg.data, { reply: msg.reply, headers: msg.headers });
  }

  respondMessage(msg: Msg): boolean {
    if (msg.reply) {
      this.publish(msg.reply, msg.data, { reply: msg.reply, headers: msg.headers });
      return true;
    }
    return false;
  }

  /** Throws the error nats.deno raises for a command on a closed or draining connection. */
  private check(subject: string, sub: boolean): WasmConnection {
    const wc = this.wc;
    if (wc === null) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    if (sub && this.draining) throw NatsError.errorForCode(ErrorCode.ConnectionDraining);
    if (!subject) throw NatsError.errorForCode(ErrorCode.BadSubject);
    return wc;
  }

  subscribe(subject: string, opts: SubscriptionOptions = {}): SubscriptionImpl {
    const wc = this.check(subject, true);
    if (opts.max !== undefined && opts.max !== null) checkCount("max", opts.max);
    if (opts.timeout !== undefined && opts.timeout !== null) checkCount("timeout", opts.timeout);
    checkLimit("pendingMsgsLimit", opts.pendingMsgsLimit);
    checkLimit("pendingBytesLimit", opts.pendingBytesLimit);
    if (opts.queue !== undefined && opts.queue !== null && typeof opts.queue !== "string") {
      throw new NatsError("'queue' must be a string", ErrorCode.InvalidOption);
    }
    const sub = new SubscriptionImpl(this, subject, opts);
    this.hold++;
    try {
      const sid = wc.subscribe(subject, sub.queue, sub.max ?? 0, sub.timeout ?? 0);
      sub.sid = sid;
      this.subs.set(sid, sub);
    } catch (err) {
      throw toNatsError(err);
    } finally {
      this.unhold();
    }
    return sub;
  }

  request(subject: string, payload?: Payload, opts?: RequestOptions): Promise<Msg> {
    try {
      const wc = this.check(subject, true);
      const o: Partial<RequestOptions> = opts ?? {};
      const timeout = o.timeout || 1000;
      if (typeof timeout !== "number" || timeout < 1) {
        throw new NatsError("timeout", ErrorCode.InvalidOption);
      }
      if (!o.noMux && o.reply) {
        throw new NatsError("reply can only be used with noMux", ErrorCode.InvalidOption);
      }
      const data = toBytes(payload);
      const ctx = this.asyncTraces ? new Error() : null;
      const d = deferred<Msg>();
      if (o.noMux) {
        const inbox = o.reply ? o.reply : createInbox(this.options.inboxPrefix);
        requestNoMux(this, subject, data, inbox, timeout, o.headers, d, ctx);
        return d;
      }
      const hdrs = o.headers ? encodeHeaderBlock(o.headers) : undefined;
      this.hold++;
      try {
        const token = wc.request(subject, hdrs, data, timeout);
        this.requests.set(token, new PendingRequest(d, null, ctx));
      } finally {
        this.unhold();
      }
      return d;
    } catch (err) {
      return Promise.reject(toNatsError(err));
    }
  }

  requestMany(
    subject: string,
    payload?: Payload,
    opts: Partial<RequestManyOptions> = { maxWait: 1000, maxMessages: -1 },
  ): Promise<QueuedIteratorImpl<Msg>> {
    try {
      const wc = this.check(subject, true);
      const strategy = opts.strategy || RequestStrategy.Timer;
      const maxWait = opts.maxWait || 1000;
      if (typeof maxWait !== "number" || maxWait < 1) {
        throw new NatsError("timeout", ErrorCode.InvalidOption);
      }
      const data = toBytes(payload);
      if (opts.noMux) {
        const inbox = createInbox(this.options.inboxPrefix);
        return Promise.resolve(
          requestManyNoMux(this, subject, data, inbox, { ...opts, strategy, maxWait }),
        );
      }
      let engineStrategy: string = strategy;
      let param = 0;
      if (strategy === RequestStrategy.Count) {
        if (typeof opts.maxMessages === "number" && opts.maxMessages > 0) {
          param = opts.maxMessages;
        } else {
          // no count: nats.deno then simply waits for maxWait
          engineStrategy = RequestStrategy.Timer;
        }
      } else if (strategy === RequestStrategy.JitterTimer) {
        param = opts.jitter || 300;
      }
      const hdrs = opts.headers ? encodeHeaderBlock(opts.headers) : undefined;
      const qi = new QueuedIteratorImpl<Msg>();
      const ctx = this.asyncTraces ? new Error() : null;
      this.hold++;
      let token: number;
      try {
        token = wc.requestMany(subject, hdrs, data, maxWait, engineStrategy, param);
        this.requests.set(token, new PendingRequest(null, qi, ctx));
      } finally {
        this.unhold();
      }
      // the user left the loop early: cancel the request in the engine
      qi.onStop = () => {
        if (this.requests.get(token) !== undefined) {
          this.requests.delete(token);
          this.cancelToken(token);
        }
      };
      return Promise.resolve(qi);
    } catch (err) {
      return Promise.reject(toNatsError(err));
    }
  }

  flush(): Promise<void> {
    const wc = this.wc;
    if (wc === null) return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed));
    const d = deferred<void>();
    this.hold++;
    try {
      this.flushes.set(wc.flush(), d);
    } catch (err) {
      return Promise.reject(toNatsError(err));
    } finally {
      this.unhold();
    }
    return d;
  }

  async rtt(): Promise<number> {
    if (!this._closed && !this.isConnected) {
      throw NatsError.errorForCode(ErrorCode.Disconnect);
    }
    const start = Date.now();
    await this.flush();
    return Date.now() - start;
  }

  drain(): Promise<void> {
    const wc = this.wc;
    if (wc === null) return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed));
    if (this.draining) {
      return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionDraining));
    }
    this.draining = true;
    // taken first: the engine may end the subscriptions from inside drain() (when disconnected)
    this.drainingSubs = Array.from(this.subs.values());
    try {
      wc.drain();
    } catch (err) {
      this.drainingSubs = [];
      return Promise.reject(toNatsError(err));
    }
    return this.closed$.then(() => {});
  }

  reconnect(): Promise<void> {
    const wc = this.wc;
    if (wc === null) return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed));
    if (this.draining) {
      return Promise.reject(NatsError.errorForCode(ErrorCode.ConnectionDraining));
    }
    try {
      wc.reconnect();
    } catch (err) {
      return Promise.reject(toNatsError(err));
    }
    return Promise.resolve();
  }

  status(): AsyncIterable<Status> {
    const iter = new QueuedIteratorImpl<Status>();
    if (this._closed) {
      iter.end();
      return iter;
    }
    iter.onStop = () => {
      this.listeners.delete(iter);
    };
    this.listeners.add(iter);
    return iter;
  }

  stats(): Stats {
    const wc = this.wc;
    if (wc === null) return { ...this.lastStats };
    return this.readStats(wc);
  }

  private readStats(wc: WasmConnection): Stats {
    const s = wc.stats();
    return { inMsgs: s[0], outMsgs: s[1], inBytes: s[2], outBytes: s[3] };
  }

  /** The user info the server has for this connection (`$SYS.REQ.USER.INFO`). */
  async context(): Promise<unknown> {
    const r = await this.request(`$SYS.REQ.USER.INFO`);
    return r.json((key, value) => {
      if (key === "time") return new Date(Date.parse(value));
      return value;
    });
  }

  /** The connected server's version, parsed, or undefined. */
  getServerVersion(): { major: number; minor: number; micro: number } | undefined {
    const v = this.info?.version;
    if (!v) return undefined;
    const m = v.replace(/^v/, "").split("-")[0].split(".");
    return { major: parseInt(m[0]) || 0, minor: parseInt(m[1]) || 0, micro: parseInt(m[2]) || 0 };
  }
}

/** A pending limit: absent, -1 (no limit) or a positive integer. */
function checkLimit(name: string, v: unknown): void {
  if (v === undefined || v === null || v === -1) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new NatsError(`'${name}' must be a positive integer or -1`, ErrorCode.InvalidOption);
  }
}

function checkCount(name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new NatsError(`'${name}' must be a non-negative number`, ErrorCode.InvalidOption);
  }
}
