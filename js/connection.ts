/**
 * `connect()` and `NatsConnectionImpl`: the nats.deno v1 `NatsConnection` API over one wasm
 * `WasmConnection`, and the connection's own state (connected, server, info, draining, closed).
 * Commands go straight to the engine (errors it throws are rewrapped as NatsError with their
 * code) and register the id they return with the router (router.ts), which settles them from the
 * engine's records; the status fan-out is status.ts, the plain-publish fast path
 * publish_fast.ts. At CLOSED it tears down: leftovers end, iterators end, the engine is freed.
 *
 * Must not: read records (router.ts and records.ts do), parse the protocol, run timers for
 * requests/subscriptions/pings, or decide reconnects (the engine does); allocate closures or
 * promises per message.
 */
import { ErrorCode, NatsError, toNatsError } from "./errors.ts";
import { Empty, TE } from "./encoders.ts";
import { Events, RequestStrategy } from "./enums.ts";
import { encodeHeaderBlock } from "./headers.ts";
import { type Parsed, type ParsedOptions, parseOptions } from "./options.ts";
import { FastPublisher } from "./publish_fast.ts";
import { QueuedIteratorImpl } from "./queued_iterator.ts";
import { extensions } from "./extensions.ts";
import type { JetStreamHost } from "./jetstream/host.ts";
import type {
  JetStreamClient,
  JetStreamManager,
  JetStreamManagerOptions,
  JetStreamOptions,
} from "./jetstream/types.ts";
import { PendingRequest } from "./requests.ts";
import type { ServicesAPI } from "./services/types.ts";
import { BatchRouter, type RouterHost } from "./router.ts";
import { StatusFanout } from "./status.ts";
import { SubscriptionImpl } from "./subscription.ts";
import { deferred } from "./util.ts";
import { loadEngine, normalizeServerUrl, WasmConnection } from "./wasm.ts";
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
  Stats,
  Status,
  SubscriptionOptions,
} from "./types.ts";

/** Payload to bytes: strings UTF-8 encoded, Uint8Array as-is, undefined empty, else BAD_PAYLOAD. */
function toBytes(payload: Payload | undefined): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  if (typeof payload === "string") return TE.encode(payload);
  if (payload === undefined) return Empty;
  throw NatsError.errorForCode(ErrorCode.BadPayload);
}

/**
 * Connects; resolves once the first handshake is done, rejects with the dial error. Loads the
 * wasm engine first (once; a failed load rejects with its error and is retried next time).
 */
export async function connect(opts: ConnectionOptions = {}): Promise<NatsConnection> {
  await loadEngine();
  let nc: NatsConnectionImpl;
  try {
    nc = new NatsConnectionImpl(parseOptions(opts, normalizeServerUrl));
  } catch (err) {
    throw toNatsError(err);
  }
  return nc.start();
}

const closedError = () => NatsError.errorForCode(ErrorCode.ConnectionClosed);

/** The NatsConnection implementation. */
export class NatsConnectionImpl implements NatsConnection, RouterHost, JetStreamHost {
  /** The options in effect (defaults applied). */
  options: ParsedOptions;
  /** The engine; null once closed (and freed). */
  private wc: WasmConnection | null;
  /** Resolves with this connection on the first CONNECTED, rejects if it closes before. */
  private connected$: Deferred<NatsConnection>;
  private _info: ServerInfo | undefined = undefined;
  private router: BatchRouter;
  private statuses = new StatusFanout();
  private fast = new FastPublisher();
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
  private _services: ServicesAPI | undefined = undefined;

  /** Creates the engine for validated options (see `connect`); nothing is dialled yet. */
  constructor(parsed: Parsed) {
    this.options = parsed.options;
    this.asyncTraces = !parsed.options.noAsyncTraces;
    this.connected$ = deferred<NatsConnection>();
    this.closed$ = deferred<void | Error>();
    const router = this.router = new BatchRouter(this);
    this.wc = new WasmConnection(
      parsed.wasm,
      parsed.auth,
      (records: Uint32Array, arena: Uint8Array, frame: Uint8Array | undefined) =>
        router.route(records, arena, frame),
    );
  }

  /** Starts dialling; resolves once connected, rejects if the client closes first. */
  start(): Promise<NatsConnection> {
    this.wc!.start();
    return this.connected$;
  }

  // ---- RouterHost: connection-wide records ----

  /** @internal */
  onStatus(type: string, data: string, perm: string, detail: string): void {
    if (type === Events.Disconnect) this.isConnected = false;
    else if (type === Events.Reconnect) {
      this.isConnected = true;
      if (data) this.server = data;
    }
    this.statuses.record(type, data, perm, detail);
  }

  /** @internal */
  onInfo(json: string): void {
    try {
      this._info = JSON.parse(json);
    } catch {
      // the engine validated it; keep the previous INFO if not
    }
  }

  /** @internal */
  onConnected(server: string): void {
    this.server = server;
    this.isConnected = true;
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      this.connected$.resolve(this);
    }
  }

  /**
   * Connection drain: the engine has ended every subscription and waits. Once each has processed
   * the messages it had queued (`whenProcessed()`: iterators yielded them all and their loop came
   * back for more, callbacks ran), the engine blocks publishing, flushes and closes; until then
   * handlers can still respond.
   * @internal
   */
  onSubsDrained(): void {
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

  /** Teardown at the CLOSED record. @internal */
  onClosed(err: NatsError | undefined): void {
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
    this.fast.reset();
    if (!this.connectedOnce) this.connected$.reject(err ?? closedError());
    this.router.endAll(closedError);
    this.statuses.end();
    this.closed$.resolve(err);
    if (wc !== null) {
      // freed outside the driver's call stack (CLOSED is delivered from inside its pump); a
      // microtask, not a timer, so that nothing is left pending once close() resolves
      queueMicrotask(() => {
        try {
          wc.free();
        } catch {
          // already freed
        }
      });
    }
  }

  private cancelToken(token: number): void {
    try {
      this.wc?.cancelRequest(token);
    } catch {
      // already gone
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
    const subs = this.router.subs;
    if (subs.get(sub.sid) !== sub) return;
    subs.delete(sub.sid);
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
    this.statuses.push(s);
  }

  /**
   * @internal Makes `sub` (a callback subscription on the run's inbox) a JetStream pull consumer
   * run in the engine (docs/jetstream.md "Consumer runs"); its events reach `sub.onEvent`.
   */
  consumePull(
    sub: SubscriptionImpl,
    nextPrefix: string,
    consumer: string,
    fetch: boolean,
    opts: Record<string, unknown>,
    ordered?: Record<string, unknown>,
  ): void {
    const wc = this.wc;
    if (wc === null) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    try {
      wc.consumePull(sub.sid, nextPrefix, consumer, fetch, opts, ordered);
    } catch (err) {
      throw toNatsError(err);
    }
  }

  /**
   * @internal Makes `sub` a legacy JetStream subscription in the engine (docs/jetstream.md
   * "Legacy subscriptions"); its events reach `sub.onEvent`.
   */
  attachLegacy(
    sub: SubscriptionImpl,
    kind: string,
    idleHeartbeat: number,
    inbox: string,
    name: string,
    batch: number,
    maxBytes: number,
    expires: number,
  ): void {
    const wc = this.wc;
    if (wc === null) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    try {
      wc.attachLegacy(sub.sid, kind, idleHeartbeat, inbox, name, batch, maxBytes, expires);
    } catch (err) {
      throw toNatsError(err);
    }
  }

  /** @internal The answer to a consumer run's `check` or `create` event. */
  hookInput(sub: SubscriptionImpl, code: number, data: string): void {
    this.wc?.hookInput(sub.sid, code, data);
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
      this.fast.publish(wc, subject, payload)
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
    try {
      sub.sid = wc.subscribe(subject, sub.queue, sub.max ?? 0, sub.timeout ?? 0);
    } catch (err) {
      throw toNatsError(err);
    }
    this.router.subs.set(sub.sid, sub);
    return sub;
  }

  /**
   * A request; with `noMux` the engine serves it on its own subscription (on `reply` when given),
   * else on the shared inbox. Either way its REPLY / REQ_END records settle it.
   */
  request(subject: string, payload?: Payload, opts?: RequestOptions): Promise<Msg> {
    try {
      const wc = this.check(subject, true);
      const o: Partial<RequestOptions> = opts ?? {};
      const timeout = o.timeout || 1000;
      if (typeof timeout !== "number" || timeout < 1) {
        throw new NatsError("timeout", ErrorCode.InvalidOption);
      }
      const data = toBytes(payload);
      const hdrs = o.headers ? encodeHeaderBlock(o.headers) : undefined;
      const ctx = this.asyncTraces ? new Error() : null;
      const d = deferred<Msg>();
      const token = wc.request(
        subject,
        hdrs,
        data,
        timeout,
        o.noMux === true,
        o.reply || undefined,
      );
      this.router.requests.set(token, new PendingRequest(d, null, ctx));
      return d;
    } catch (err) {
      return Promise.reject(toNatsError(err));
    }
  }

  /** Gathers replies until the strategy is satisfied; `noMux` as for `request`. */
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
      const token = wc.requestMany(
        subject,
        hdrs,
        data,
        maxWait,
        engineStrategy,
        param,
        opts.noMux === true,
      );
      const requests = this.router.requests;
      requests.set(token, new PendingRequest(null, qi, ctx));
      // the user left the loop early: cancel the request in the engine
      qi.onStop = () => {
        if (requests.get(token) !== undefined) {
          requests.delete(token);
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
    try {
      this.router.flushes.set(wc.flush(), d);
    } catch (err) {
      return Promise.reject(toNatsError(err));
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
    // taken before drain(): the subscriptions it ends are those the drain waits for
    this.drainingSubs = Array.from(this.router.subs.values());
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
    return this.statuses.iterator();
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

  /** JetStream, KV and ObjectStore: the full entry's (js/extensions.ts); core throws `BAD API`. */
  jetstream(opts: JetStreamOptions | JetStreamManagerOptions = {}): JetStreamClient {
    return extensions("nc.jetstream()").jetstream(this, opts);
  }

  /** With `checkAPI` (default true), an account info request first: its error is the answer. */
  async jetstreamManager(opts: JetStreamManagerOptions = {}): Promise<JetStreamManager> {
    return await extensions("nc.jetstreamManager()").jetstreamManager(this, opts);
  }

  /** The Service API (docs/services.md), created on first use; the full entry's, as above. */
  get services(): ServicesAPI {
    return this._services ??= extensions("nc.services").services(this);
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
