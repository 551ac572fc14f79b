/**
 * nats-wasm: the public API, matching nats.deno v1.29 / nats.ws (core NATS). Swap the import of
 * nats.deno/nats.ws for this module and keep the code. Every public name is exported explicitly.
 *
 * Importing this module loads nothing: the wasm engine is loaded on first need (`connect()`, or
 * `loadEngine()` to load it ahead, e.g. for `nkeys` in a page before any connection).
 *
 * Not exported yet: JetStream consumers and views, `Bench`.
 *
 * Must not: contain logic.
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

export { checkJsError, isFlowControlMsg, isHeartbeatMsg } from "./jetstream/api.ts";
export { toJsMsg } from "./jetstream/jsmsg.ts";
export { consumerOpts, isConsumerOptsBuilder } from "./jetstream/consumer_opts.ts";
export type { DeliveryInfo, JsMsg } from "./jetstream/jsmsg.ts";

// namespaces
export * as nkeys from "./nkeys.ts";

// classes and values
export { ErrorCode, NatsError } from "./errors.ts";
export { Nuid, nuid } from "./nuid.ts";
export { Empty } from "./encoders.ts";
export { ServiceErrorCodeHeader, ServiceErrorHeader } from "./constants.ts";

// enums
export { DebugEvents, Events, Match, RequestStrategy } from "./enums.ts";

// JetStream enums
export {
  AckPolicy,
  AdvisoryKind,
  ConsumerDebugEvents,
  ConsumerEvents,
  DeliverPolicy,
  DirectMsgHeaders,
  DiscardPolicy,
  JsHeaders,
  ReplayPolicy,
  RepublishHeaders,
  RetentionPolicy,
  StorageType,
  StoreCompression,
} from "./jetstream/types.ts";

// types
export type {
  AbortOnMissingResource,
  AccountLimits,
  Advisory,
  ApiPaged,
  ApiPagedRequest,
  ApiResponse,
  Bind,
  ClusterInfo,
  ConsumeBytes,
  ConsumeCallback,
  ConsumeMessages,
  ConsumeOptions,
  Consumer,
  ConsumerAPI,
  ConsumerCallbackFn,
  ConsumerConfig,
  ConsumerInfo,
  ConsumerMessages,
  ConsumerOpts,
  ConsumerOptsBuilder,
  Consumers,
  ConsumerStatus,
  ConsumerUpdateConfig,
  DirectBatchOptions,
  DirectMsg,
  DirectMsgRequest,
  DirectStreamAPI,
  Expires,
  ExportedConsumer,
  ExternalStream,
  FetchBytes,
  FetchMessages,
  FetchOptions,
  IdleHeartbeat,
  JetStreamAccountStats,
  JetStreamApiStats,
  JetStreamClient,
  JetStreamManager,
  JetStreamManagerOptions,
  JetStreamOptions,
  JetStreamPublishOptions,
  JetStreamPullSubscription,
  JetStreamSubscription,
  JetStreamUsageAccountLimits,
  JsMsgCallback,
  LastForMsgRequest,
  Lister,
  LostStreamData,
  MaxBytes,
  MaxMessages,
  MsgDeleteRequest,
  MsgRequest,
  NextOptions,
  OrderedConsumerOptions,
  PeerInfo,
  Placement,
  PubAck,
  PullConsumerOptions,
  PullOptions,
  PurgeBySeq,
  PurgeBySubject,
  PurgeOpts,
  PurgeResponse,
  PurgeTrimOpts,
  Republish,
  SeqMsgRequest,
  SequenceInfo,
  StoredMsg,
  Stream,
  StreamAlternate,
  StreamAPI,
  StreamConfig,
  StreamConsumerLimits,
  StreamInfo,
  StreamInfoRequestOptions,
  StreamNames,
  StreamSource,
  StreamSourceInfo,
  StreamState,
  StreamUpdateConfig,
  SubjectTransformConfig,
  ThresholdBytes,
  ThresholdMessages,
  Views,
} from "./jetstream/types.ts";
// KV (ADR-8)
export { KvWatchInclude } from "./jetstream/kv_types.ts";
export { Base64KeyCodec, defaultBucketOpts, NoopKvCodecs } from "./jetstream/kv_codecs.ts";
export type {
  KV,
  KvCodec,
  KvCodecs,
  KvDeleteOptions,
  KvEntry,
  KvLimits,
  KvOptions,
  KvPutOptions,
  KvStatus,
  KvWatchOptions,
  RoKV,
} from "./jetstream/kv_types.ts";
// ObjectStore (ADR-20)
export type {
  ObjectInfo,
  ObjectLink,
  ObjectResult,
  ObjectStore,
  ObjectStoreInfo,
  ObjectStoreLink,
  ObjectStoreMeta,
  ObjectStoreMetaOptions,
  ObjectStoreOptions,
  ObjectStorePutOpts,
  ObjectStoreStatus,
} from "./jetstream/os_types.ts";
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
// Services (ADR-32; docs/services.md)
export { ServiceError } from "./services/error.ts";
export { ServiceResponseType, ServiceVerb } from "./services/types.ts";
export type {
  Endpoint,
  EndpointInfo,
  EndpointOptions,
  EndpointStats,
  NamedEndpointStats,
  Service,
  ServiceClient,
  ServiceConfig,
  ServiceGroup,
  ServiceHandler,
  ServiceIdentity,
  ServiceInfo,
  ServiceMetadata,
  ServiceMsg,
  ServiceResponse,
  ServicesAPI,
  ServiceStats,
} from "./services/types.ts";
