/**
 * nats-wasm/core: the core NATS API, matching nats.deno v1.29 / nats.ws: connect, publish,
 * subscribe, request, headers, codecs, every authenticator, reconnect. Its bundle (dist/core/)
 * carries no JetStream, KV, ObjectStore or services code, in its JS or its wasm: on a connection
 * from this entry `nc.jetstream()`, `nc.jetstreamManager()` and `nc.services` throw NatsError
 * `BAD API` naming the full entry (js/mod.ts), which re-exports all of this and adds them.
 *
 * Importing this module loads nothing: the wasm engine is loaded on first need (`connect()`, or
 * `loadEngine()` to load it ahead, e.g. for `nkeys` in a page before any connection).
 *
 * Must not: contain logic, or import anything of JetStream or services but types.
 */

// functions
export { connect } from "./connection.ts";
export { loadEngine } from "./wasm.ts";
export { createInbox } from "./inbox.ts";
export { canonicalMIMEHeaderKey, headers, MsgHdrsImpl } from "./headers.ts";
export { JSONCodec, StringCodec } from "./codecs.ts";
export { syncIterator } from "./queued_iterator.ts";
export {
  buildAuthenticator,
  credsAuthenticator,
  jwtAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "./authenticator.ts";
export { backoff, deadline, deferred, delay, millis, nanos } from "./util.ts";

// namespaces
export * as nkeys from "./nkeys.ts";

// classes and values
export { ErrorCode, NatsError } from "./errors.ts";
export { Nuid, nuid } from "./nuid.ts";
export { Empty } from "./encoders.ts";

// enums
export { DebugEvents, Events, Match, RequestStrategy } from "./enums.ts";

export type { ApiError } from "./errors.ts";
export type {
  Auth,
  Authenticator,
  Backoff,
  Codec,
  ConnectionOptions,
  Deferred,
  Delay,
  DispatchedFn,
  IngestionFilterFn,
  IngestionFilterFnResult,
  JwtAuth,
  Msg,
  MsgAdapter,
  MsgHdrs,
  Nanos,
  NatsConnection,
  NKeyAuth,
  NoAuth,
  Payload,
  ProtocolFilterFn,
  Publisher,
  PublishOptions,
  QueuedIterator,
  RequestManyOptions,
  RequestOptions,
  ReviverFn,
  ServerInfo,
  ServersChanged,
  Stats,
  Status,
  Sub,
  SubOpts,
  Subscription,
  SubscriptionOptions,
  SyncIterator,
  Timeout,
  TlsOptions,
  TokenAuth,
  TypedCallback,
  TypedSubscriptionOptions,
  UserPass,
} from "./types.ts";
