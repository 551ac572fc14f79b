/**
 * The nats.deno v1 core API's public interfaces and type aliases (docs/contract.md "Public surface"),
 * with nats.deno's names and shapes, so user code typed against nats.deno/nats.ws keeps compiling.
 *
 * Must not: contain implementations (the `*Impl` classes live in their own files), JetStream
 * types (jetstream/types.ts has them) or services types (services/types.ts has them).
 */
import type {
  JetStreamClient,
  JetStreamManager,
  JetStreamManagerOptions,
  JetStreamOptions,
} from "./jetstream/types.ts";
import type { ServicesAPI } from "./services/types.ts";
import type { DebugEvents, Events, Match, RequestStrategy } from "./enums.ts";
import type { NatsError } from "./errors.ts";

/** Value expressed as nanoseconds: use `nanos(millis)` to convert. */
export type Nanos = number;

/** A message payload: bytes as-is, or a string sent UTF-8 encoded. */
export type Payload = Uint8Array | string;

/** A reviver function for `JSON.parse`. */
// deno-lint-ignore no-explicit-any
export type ReviverFn = (key: string, value: any) => any;

/** A Promise with `resolve` and `reject` methods. */
export interface Deferred<T> extends Promise<T> {
  resolve: (value?: T | PromiseLike<T>) => void;
  // deno-lint-ignore no-explicit-any
  reject: (reason?: any) => void;
}

/** A Promise that resolves after a delay, with `cancel()`. */
export interface Delay extends Promise<void> {
  cancel: () => void;
}

/** A Promise that rejects with a TIMEOUT after a delay unless cancelled. */
export interface Timeout<T> extends Promise<T> {
  cancel: () => void;
}

/** A backoff policy: the delay (ms, jittered) before the given attempt. */
export interface Backoff {
  backoff(attempt: number): number;
}

/** Encodes/decodes payloads. */
export interface Codec<T> {
  encode(d: T): Uint8Array;
  decode(a: Uint8Array): T;
}

/** Message headers (iterates as `[key, values[]]`). Lookups default to `Match.Exact`. */
export interface MsgHdrs extends Iterable<[string, string[]]> {
  hasError: boolean;
  status: string;
  code: number;
  description: string;
  get(k: string, match?: Match): string;
  set(k: string, v: string, match?: Match): void;
  append(k: string, v: string, match?: Match): void;
  has(k: string, match?: Match): boolean;
  keys(): string[];
  values(k: string, match?: Match): string[];
  delete(k: string, match?: Match): void;
  last(k: string, match?: Match): string;
}

/** Options of a publish. */
export interface PublishOptions {
  /** A subject where a response should be sent (subscribe to it before publishing). */
  reply?: string;
  /** Headers to include with the message. */
  headers?: MsgHdrs;
}

/** A message delivered by NATS. */
export interface Msg {
  /** The subject the message was sent to */
  subject: string;
  /** The subscription ID where the message was dispatched */
  sid: number;
  /** A subject where the recipient may publish a reply */
  reply?: string;
  /** The message's payload (the header block excluded) */
  data: Uint8Array;
  /** Headers set by the publisher or the server, if any */
  headers?: MsgHdrs;
  /** Publishes `payload` to `reply`; false when the message has no reply subject. */
  respond(payload?: Payload, opts?: PublishOptions): boolean;
  /** Parses the payload as JSON (throws NatsError BAD_JSON). */
  json<T>(reviver?: ReviverFn): T;
  /** The payload decoded as UTF-8. */
  string(): string;
}

/** Anything that can publish (a connection). */
export interface Publisher {
  publish(
    subject: string,
    data: Payload,
    options?: { reply?: string; headers?: MsgHdrs },
  ): void;
}

/** Request options. */
export interface RequestOptions {
  /** Milliseconds before the request times out (default 1000). */
  timeout: number;
  /** Headers to include with the request. */
  headers?: MsgHdrs;
  /** Use a dedicated subscription for the response instead of the shared mux inbox. */
  noMux?: boolean;
  /** The reply subject (only with `noMux`). */
  reply?: string;
}

/** requestMany options. */
export interface RequestManyOptions {
  strategy: RequestStrategy;
  maxWait: number;
  headers?: MsgHdrs;
  maxMessages?: number;
  noMux?: boolean;
  jitter?: number;
}

/** Subscription options. */
export interface SubOpts<T> {
  /** Queue group name. */
  queue?: string;
  /** Messages to deliver before the subscription auto-unsubscribes. */
  max?: number;
  /** Milliseconds to wait for the first message before failing with TIMEOUT. */
  timeout?: number;
  /** Handles messages instead of the async iterator. */
  callback?: (err: NatsError | null, msg: T) => void;
  /**
   * nats-wasm extension (as nats.go's `SetPendingLimits`): messages an iterator may hold that
   * the loop has not taken yet. Past it new messages are dropped and counted (`getDropped()`),
   * and `status()` reports `Events.Error` with data `SLOW_CONSUMER`. Default 65,536; -1 = no
   * limit. Callback subscriptions hold nothing.
   */
  pendingMsgsLimit?: number;
  /** Like `pendingMsgsLimit`, in header + payload bytes. Default 64 MiB; -1 = no limit. */
  pendingBytesLimit?: number;
}

/** Core subscription options. */
export type SubscriptionOptions = SubOpts<Msg>;

/** A subscription: an async iterable of T (unless it has a callback). */
export interface Sub<T> extends AsyncIterable<T> {
  /** Resolves when the subscription closes (for iterators: after queued messages were yielded). */
  closed: Promise<void>;
  /** Stops now, or after `max` messages in total. */
  unsubscribe(max?: number): void;
  /** Unsubscribes and resolves once messages in flight were delivered. */
  drain(): Promise<void>;
  isDraining(): boolean;
  isClosed(): boolean;
  /** @ignore */
  callback(err: NatsError | null, msg: Msg): void;
  getSubject(): string;
  getReceived(): number;
  getProcessed(): number;
  /** Messages waiting to be yielded (iterators only). */
  getPending(): number;
  /** nats-wasm extension: messages dropped because the iterator was past its pending limits. */
  getDropped(): number;
  /** @ignore */
  getID(): number;
  getMax(): number | undefined;
}

/** A core NATS subscription. */
export type Subscription = Sub<Msg>;

/** Something values can be pushed to. */
export interface Dispatcher<T> {
  push(v: T): void;
}

/** An async iterable fed by the client. */
export interface QueuedIterator<T> extends Dispatcher<T> {
  [Symbol.asyncIterator](): AsyncIterator<T>;
  stop(err?: Error): void;
  getProcessed(): number;
  getPending(): number;
  getReceived(): number;
}

/** `next()` resolves the next value, or null once the source is done. */
export type SyncIterator<T> = {
  next(): Promise<T | null>;
};

export type IngestionFilterFnResult = { ingest: boolean; protocol: boolean };
export type IngestionFilterFn<T = unknown> = (
  data: T | null,
  src?: unknown,
) => IngestionFilterFnResult;
export type ProtocolFilterFn<T = unknown> = (data: T | null) => boolean;
export type DispatchedFn<T = unknown> = (data: T | null) => void;
export type MsgAdapter<T> = (err: NatsError | null, msg: Msg) => [NatsError | null, T | null];
export type TypedCallback<T> = (err: NatsError | null, msg: T | null) => void;

/** Options of a typed subscription (internal-facing in nats.deno). */
export interface TypedSubscriptionOptions<T> extends SubOpts<T> {
  adapter: MsgAdapter<T>;
  callback?: TypedCallback<T>;
  ingestionFilterFn?: IngestionFilterFn<T>;
  protocolFilterFn?: ProtocolFilterFn<T>;
  dispatchedFn?: DispatchedFn<T>;
  cleanupFn?: (sub: Subscription, info?: unknown) => void;
}

/** Servers added to or removed from the pool by a cluster update. */
export interface ServersChanged {
  readonly added: string[];
  readonly deleted: string[];
}

/** A status event. */
export interface Status {
  type: Events | DebugEvents;
  data: string | ServersChanged | number;
  permissionContext?: { operation: string; subject: string };
  /**
   * nats-wasm extension: what happened, in words, when the client knows more than `data` says:
   * why a connection was lost (`disconnect`, `staleConnection`: a close frame, `-ERR`, missing
   * PONGs, or a silent end of stream and its likely causes), or the full error of an `error`
   * event (`SLOW_CONSUMER`, a server `-ERR`).
   */
  error?: NatsError;
}

/** The INFO of the connected server. */
export interface ServerInfo {
  "auth_required"?: boolean;
  "client_id": number;
  "client_ip"?: string;
  cluster?: string;
  "connect_urls"?: string[];
  "git_commit"?: string;
  go: string;
  headers?: boolean;
  host: string;
  jetstream?: boolean;
  ldm?: boolean;
  "max_payload": number;
  nonce?: string;
  port: number;
  proto: number;
  "server_id": string;
  "server_name": string;
  "tls_available"?: boolean;
  "tls_required"?: boolean;
  "tls_verify"?: boolean;
  version: string;
}

/** Message and byte counters (messages and their header+payload bytes, not protocol bytes). */
export interface Stats {
  inBytes: number;
  outBytes: number;
  inMsgs: number;
  outMsgs: number;
}

/** No credentials. */
export type NoAuth = void;

/** Token credentials. */
export interface TokenAuth {
  "auth_token": string;
}

/** User and password credentials. */
export interface UserPass {
  user: string;
  pass?: string;
}

/** NKey credentials: the public key and the signature of the nonce. */
export interface NKeyAuth {
  nkey: string;
  sig: string;
}

/** JWT credentials (nkey/sig absent for bearer tokens). */
export interface JwtAuth {
  jwt: string;
  nkey?: string;
  sig?: string;
}

export type Auth = NoAuth | TokenAuth | UserPass | NKeyAuth | JwtAuth;

/** Returns credentials for a handshake, given the server nonce. */
export interface Authenticator {
  (nonce?: string): Auth;
}

/**
 * TLS options. Over WebSocket the browser or Deno does TLS for `wss://`: an object without
 * certificate/key/CA fields means "every server must be wss://"; naming certificates, keys or CA
 * files is INVALID_OPTION (in Deno a custom CA comes from `--cert` / `DENO_CERT`).
 */
export interface TlsOptions {
  handshakeFirst?: boolean;
  certFile?: string;
  cert?: string;
  caFile?: string;
  ca?: string;
  keyFile?: string;
  key?: string;
}

/** Connection options (nats.deno v1 names and defaults; milliseconds for durations). */
export interface ConnectionOptions {
  /** An authenticator, or several whose results are merged. */
  authenticator?: Authenticator | Authenticator[];
  /** Logs every protocol frame sent (`>`) and received (`<`) to the console (the wasm driver does). */
  debug?: boolean;
  /** Unanswered PINGs before the connection is stale (default 2). */
  maxPingOut?: number;
  /** Dial failures per server before it leaves the pool; -1 = unlimited (default 10). */
  maxReconnectAttempts?: number;
  /** Client name sent in CONNECT. */
  name?: string;
  /** Do not receive this client's own publishes. */
  noEcho?: boolean;
  /** Keep the configured server order. */
  noRandomize?: boolean;
  /** Password (with `user`). */
  pass?: string;
  /** Strict subject checks by the server. */
  pedantic?: boolean;
  /** Milliseconds between client PINGs (default 120000). */
  pingInterval?: number;
  /** Shorthand for `servers: "127.0.0.1:<port>"`; not with `servers`. */
  port?: number;
  /** Reconnect after a disconnect (default true). */
  reconnect?: boolean;
  /** Replaces the reconnect delay formula. */
  reconnectDelayHandler?: () => number;
  /** Upper bound of the random extra reconnect delay, ms (default 100). */
  reconnectJitter?: number;
  /** The same when `tls` is set (default 1000). */
  reconnectJitterTLS?: number;
  /** Milliseconds before redialling a server (default 2000). */
  reconnectTimeWait?: number;
  /** Server(s): `host[:port]` (wss, port 443), `ws://…` or `wss://…` (default 127.0.0.1:443). */
  servers?: Array<string> | string;
  /** Dial plus handshake limit per attempt, ms (default 20000). */
  timeout?: number;
  /** Require TLS (every server wss://); `null` never requires it. */
  tls?: TlsOptions | null;
  /** Authorization token. */
  token?: string;
  /** User name. */
  user?: string;
  /** Ask for `+OK` acknowledgements (ignored by the client). */
  verbose?: boolean;
  /** Keep retrying the first connect. */
  waitOnFirstConnect?: boolean;
  /** Ignore servers gossiped by the cluster. */
  ignoreClusterUpdates?: boolean;
  /** Prefix of generated inboxes (default `_INBOX`). */
  inboxPrefix?: string;
  /** Keep reconnecting after two identical auth errors in a row. */
  ignoreAuthErrorAbort?: boolean;
  /** Skip capturing call-site stacks for async errors. */
  noAsyncTraces?: boolean;
  /** Hostname resolution: not available over WebSocket (`true` is INVALID_OPTION). */
  resolve?: boolean;
  /**
   * nats-wasm extension: bytes of publishes buffered while reconnecting and sent after the
   * reconnect (default 8 MiB); past it a publish fails instead of being dropped silently.
   */
  reconnectBufferSize?: number;
}

/** A connection to a NATS server. */
export interface NatsConnection {
  /** The last INFO received; undefined once closed. */
  info?: ServerInfo;
  /** Resolves when the connection closes: undefined, or the Error that closed it. Never rejects. */
  closed(): Promise<void | Error>;
  /** Closes the connection (pending requests reject, subscriptions end). Idempotent. */
  close(): Promise<void>;
  publish(subject: string, payload?: Payload, options?: PublishOptions): void;
  publishMessage(msg: Msg): void;
  respondMessage(msg: Msg): boolean;
  subscribe(subject: string, opts?: SubscriptionOptions): Subscription;
  request(subject: string, payload?: Payload, opts?: RequestOptions): Promise<Msg>;
  requestMany(
    subject: string,
    payload?: Payload,
    opts?: Partial<RequestManyOptions>,
  ): Promise<AsyncIterable<Msg>>;
  /** Resolves when the server answered a PING sent after everything published so far. */
  flush(): Promise<void>;
  /** Drains every subscription, then closes. */
  drain(): Promise<void>;
  isClosed(): boolean;
  isDraining(): boolean;
  /** `host:port` of the current server ("" if none). */
  getServer(): string;
  /** A new iterator of status events (ends when the connection closes). */
  status(): AsyncIterable<Status>;
  stats(): Stats;
  /** Round-trip time of a flush, ms. */
  rtt(): Promise<number>;
  /** Drops the current transport and reconnects (experimental). */
  reconnect(): Promise<void>;
  /** The JetStream publishing client (no request is made). */
  jetstream(opts?: JetStreamOptions | JetStreamManagerOptions): JetStreamClient;
  /** The JetStream manager; with `checkAPI` (default) it first checks that JetStream answers. */
  jetstreamManager(opts?: JetStreamManagerOptions): Promise<JetStreamManager>;
  /** The Service API: `add()` a service, or a discovery `client()` (created on first use). */
  services: ServicesAPI;
}
