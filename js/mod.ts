/**
 * nats-wasm: the full public API, matching nats.deno v1.29 / nats.ws: the core (js/core.ts, every
 * name re-exported) plus JetStream, KV, ObjectStore and services, which importing this module
 * registers with the connection (js/extensions_full.ts). Swap the import of nats.deno/nats.ws for
 * this module and keep the code. Every public name is exported explicitly (the core's in core.ts).
 *
 * Not exported yet: `Bench`.
 *
 * Must not: contain logic.
 */
export * from "./core.ts";
import "./extensions_full.ts";

export { checkJsError, isFlowControlMsg, isHeartbeatMsg } from "./jetstream/api.ts";
export { toJsMsg } from "./jetstream/jsmsg.ts";
export { consumerOpts, isConsumerOptsBuilder } from "./jetstream/consumer_opts.ts";
export type { DeliveryInfo, JsMsg } from "./jetstream/jsmsg.ts";

export { ServiceErrorCodeHeader, ServiceErrorHeader } from "./constants.ts";

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
