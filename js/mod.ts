/**
 * nats-wasm: the public API, matching nats.deno v1.29 / nats.ws (core NATS). Swap the import of
 * nats.deno/nats.ws for this module and keep the code. Every public name is exported explicitly.
 *
 * Importing this module loads the wasm engine (top-level await).
 *
 * Not exported yet: JetStream, services, `Bench`, `ServiceError`.
 *
 * Must not: contain logic.
 */

// functions
export { connect } from "./connection.ts";
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
export { ServiceErrorCodeHeader, ServiceErrorHeader } from "./constants.ts";

// enums
export { DebugEvents, Events, Match, RequestStrategy } from "./enums.ts";

// types
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
