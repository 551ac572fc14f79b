/**
 * JetStream names of the nats.deno v1.29 API: the enums (same string values as nats.deno), the
 * JSON shapes of the `$JS.API` requests and replies (ADR-1), and the interfaces of the manager and
 * of the publishing client. The one table of JetStream header names is here.
 *
 * Must not: contain logic (the manager, streams, consumers and publish modules do), or declare
 * consumer/view names that nats-wasm does not implement yet.
 */
import type { ApiError, NatsError } from "../errors.ts";
import type { MsgHdrs, Nanos, QueuedIterator, ReviverFn } from "../types.ts";
import type { JsMsg } from "./jsmsg.ts";
import type { KV, KvOptions, KvStatus } from "./kv_types.ts";
import type { ObjectStore, ObjectStoreOptions, ObjectStoreStatus } from "./os_types.ts";

export enum AckPolicy {
  None = "none",
  All = "all",
  Explicit = "explicit",
  NotSet = "",
}

export enum DeliverPolicy {
  All = "all",
  Last = "last",
  New = "new",
  StartSequence = "by_start_sequence",
  StartTime = "by_start_time",
  LastPerSubject = "last_per_subject",
}

export enum RetentionPolicy {
  Limits = "limits",
  Interest = "interest",
  Workqueue = "workqueue",
}

export enum DiscardPolicy {
  Old = "old",
  New = "new",
}

export enum StorageType {
  File = "file",
  Memory = "memory",
}

export enum ReplayPolicy {
  Instant = "instant",
  Original = "original",
}

export enum StoreCompression {
  None = "none",
  S2 = "s2",
}

/** Headers the server sets on JetStream messages. */
export enum JsHeaders {
  StreamSourceHdr = "Nats-Stream-Source",
  LastConsumerSeqHdr = "Nats-Last-Consumer",
  LastStreamSeqHdr = "Nats-Last-Stream",
  ConsumerStalledHdr = "Nats-Consumer-Stalled",
  MessageSizeHdr = "Nats-Msg-Size",
  RollupHdr = "Nats-Rollup",
  RollupValueSubject = "sub",
  RollupValueAll = "all",
  PendingMessagesHdr = "Nats-Pending-Messages",
  PendingBytesHdr = "Nats-Pending-Bytes",
}

/** Headers of a direct get reply (ADR-31). */
export enum DirectMsgHeaders {
  Stream = "Nats-Stream",
  Sequence = "Nats-Sequence",
  TimeStamp = "Nats-Time-Stamp",
  Subject = "Nats-Subject",
}

/** Headers of a message a stream republishes. */
export enum RepublishHeaders {
  Stream = "Nats-Stream",
  Subject = "Nats-Subject",
  Sequence = "Nats-Sequence",
  LastSequence = "Nats-Last-Sequence",
  Size = "Nats-Msg-Size",
}

/** Headers a JetStream publish sets from its options (the server checks them). */
export enum PubHeaders {
  MsgIdHdr = "Nats-Msg-Id",
  ExpectedStreamHdr = "Nats-Expected-Stream",
  ExpectedLastSeqHdr = "Nats-Expected-Last-Sequence",
  ExpectedLastMsgIdHdr = "Nats-Expected-Last-Msg-Id",
  ExpectedLastSubjectSequenceHdr = "Nats-Expected-Last-Subject-Sequence",
}

/** The last token of an advisory's `type` (`io.nats.jetstream.advisory.v1.<kind>`). */
export enum AdvisoryKind {
  API = "api_audit",
  StreamAction = "stream_action",
  ConsumerAction = "consumer_action",
  SnapshotCreate = "snapshot_create",
  SnapshotComplete = "snapshot_complete",
  RestoreCreate = "restore_create",
  RestoreComplete = "restore_complete",
  MaxDeliver = "max_deliver",
  Terminated = "terminated",
  Ack = "consumer_ack",
  StreamLeaderElected = "stream_leader_elected",
  StreamQuorumLost = "stream_quorum_lost",
  ConsumerLeaderElected = "consumer_leader_elected",
  ConsumerQuorumLost = "consumer_quorum_lost",
}

/** Status events of consumers (emitted once consumers exist). */
export enum ConsumerEvents {
  HeartbeatsMissed = "heartbeats_missed",
  ConsumerNotFound = "consumer_not_found",
  StreamNotFound = "stream_not_found",
  ConsumerDeleted = "consumer_deleted",
  OrderedConsumerRecreated = "ordered_consumer_recreated",
}

/** Debug status events of consumers. */
export enum ConsumerDebugEvents {
  DebugEvent = "debug",
  Discard = "discard",
  Reset = "reset",
  Next = "next",
}

/** Options of `jetstream()` and `jetstreamManager()`. */
export interface JetStreamOptions {
  /** API subject prefix (default `$JS.API`). */
  apiPrefix?: string;
  /** Milliseconds each API request waits for its reply (default 5000). */
  timeout?: number;
  /** JetStream domain: sets `apiPrefix` to `$JS.<domain>.API`. */
  domain?: string;
}

export interface JetStreamManagerOptions extends JetStreamOptions {
  /** Check that JetStream answers (an account info request) before returning (default true). */
  checkAPI?: boolean;
}

export interface ApiPaged {
  total: number;
  offset: number;
  limit: number;
}

export interface ApiPagedRequest {
  offset: number;
}

export interface ApiResponse {
  type: string;
  error?: ApiError;
}

export interface Placement {
  cluster: string;
  tags: string[];
}

export interface Republish {
  src?: string;
  dest: string;
  headers_only?: boolean;
}

export interface SubjectTransformConfig {
  src?: string;
  dest: string;
}

export interface ExternalStream {
  api: string;
  deliver?: string;
}

export interface StreamSource {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: string;
  filter_subject?: string;
  external?: ExternalStream;
  domain?: string;
  subject_transforms?: SubjectTransformConfig[];
}

export interface StreamConsumerLimits {
  inactive_threshold?: Nanos;
  max_ack_pending?: number;
}

/** The parts of a stream's configuration that can change after it is created. */
export interface StreamUpdateConfig {
  subjects: string[];
  description?: string;
  max_msgs_per_subject: number;
  max_msgs: number;
  max_age: Nanos;
  max_bytes: number;
  max_msg_size: number;
  discard: DiscardPolicy;
  discard_new_per_subject?: boolean;
  no_ack?: boolean;
  duplicate_window: Nanos;
  num_replicas: number;
  sources?: StreamSource[];
  allow_rollup_hdrs: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_direct: boolean;
  mirror_direct: boolean;
  republish?: Republish;
  subject_transform?: SubjectTransformConfig;
  compression?: StoreCompression;
  metadata?: Record<string, string>;
  consumer_limits?: StreamConsumerLimits;
  placement?: Placement;
}

export interface StreamConfig extends StreamUpdateConfig {
  name: string;
  retention: RetentionPolicy;
  storage: StorageType;
  max_consumers: number;
  mirror?: StreamSource;
  sealed: boolean;
  first_seq?: number;
}

export interface LostStreamData {
  msgs: number[];
  bytes: number;
}

export interface StreamState {
  messages: number;
  bytes: number;
  first_seq: number;
  first_ts: string;
  last_seq: number;
  last_ts: string;
  num_deleted: number;
  deleted?: number[];
  lost?: LostStreamData;
  consumer_count: number;
  num_subjects?: number;
  subjects?: Record<string, number>;
}

export interface PeerInfo {
  name: string;
  current: boolean;
  offline: boolean;
  active: Nanos;
  lag: number;
}

export interface ClusterInfo {
  name?: string;
  leader?: string;
  replicas?: PeerInfo[];
}

export interface StreamSourceInfo {
  name: string;
  lag: number;
  active: Nanos;
  error?: ApiError;
}

export interface StreamAlternate {
  name: string;
  domain?: string;
  cluster: string;
}

export interface StreamInfo extends ApiPaged {
  config: StreamConfig;
  created: string;
  state: StreamState;
  cluster?: ClusterInfo;
  mirror?: StreamSourceInfo;
  sources?: StreamSourceInfo[];
  alternates?: StreamAlternate[];
  ts?: string;
}

export interface StreamInfoRequestOptions extends ApiPagedRequest {
  /** Also report the sequences of deleted messages. */
  deleted_details: boolean;
  /** Also report message counts of the subjects matching this filter. */
  subjects_filter: string;
}

export interface PurgeBySeq {
  filter?: string;
  /** Purge messages below this sequence. */
  seq: number;
}

export interface PurgeTrimOpts {
  filter?: string;
  /** Keep this many of the newest messages. */
  keep: number;
}

export interface PurgeBySubject {
  filter: string;
}

export type PurgeOpts = PurgeBySeq | PurgeTrimOpts | PurgeBySubject;

export interface PurgeResponse {
  success: boolean;
  purged: number;
}

export interface SeqMsgRequest {
  seq: number;
}

export interface LastForMsgRequest {
  last_by_subj: string;
}

/** Which message to read: by sequence, the last of a subject, or the next of a subject from seq. */
export interface MsgRequest {
  seq?: number;
  last_by_subj?: string;
  next_by_subj?: string;
}

export interface MsgDeleteRequest {
  seq: number;
  /** Leave the bytes in place (the default overwrites them). */
  no_erase?: boolean;
}

export interface StreamNames {
  streams: string[];
}

export type DirectMsgRequest = MsgRequest;

/** A batch direct get: the last message of each of these subjects. */
export type DirectBatchOptions = {
  batch?: number;
  max_bytes?: number;
  multi_last: string[];
  up_to_seq?: number;
  up_to_time?: Date | string;
};

export interface ConsumerUpdateConfig {
  description?: string;
  ack_wait?: Nanos;
  max_deliver?: number;
  sample_freq?: string;
  max_ack_pending?: number;
  max_waiting?: number;
  headers_only?: boolean;
  deliver_subject?: string;
  max_batch?: number;
  max_expires?: Nanos;
  inactive_threshold?: Nanos;
  backoff?: Nanos[];
  max_bytes?: number;
  num_replicas?: number;
  mem_storage?: boolean;
  filter_subject?: string;
  filter_subjects?: string[];
  metadata?: Record<string, string>;
}

export interface ConsumerConfig extends ConsumerUpdateConfig {
  ack_policy: AckPolicy;
  deliver_policy: DeliverPolicy;
  deliver_group?: string;
  durable_name?: string;
  name?: string;
  flow_control?: boolean;
  idle_heartbeat?: Nanos;
  opt_start_seq?: number;
  opt_start_time?: string;
  rate_limit_bps?: number;
  replay_policy: ReplayPolicy;
  pause_until?: string;
}

export interface SequenceInfo {
  consumer_seq: number;
  stream_seq: number;
  last_active: Nanos;
}

export interface ConsumerInfo {
  type: string;
  stream_name: string;
  name: string;
  created: string;
  config: ConsumerConfig;
  delivered: SequenceInfo;
  ack_floor: SequenceInfo;
  num_ack_pending: number;
  num_redelivered: number;
  num_waiting: number;
  num_pending: number;
  cluster?: ClusterInfo;
  push_bound: boolean;
  paused?: boolean;
  pause_remaining?: Nanos;
  ts?: string;
}

export interface JetStreamApiStats {
  total: number;
  errors: number;
}

export interface JetStreamUsageAccountLimits {
  memory: number;
  storage: number;
  streams: number;
  consumers: number;
  limits: AccountLimits;
}

export interface JetStreamAccountStats extends JetStreamUsageAccountLimits {
  api: JetStreamApiStats;
  domain?: string;
  tiers?: Record<string, JetStreamUsageAccountLimits>;
}

export interface AccountLimits {
  max_memory: number;
  max_storage: number;
  max_streams: number;
  max_consumers: number;
  max_ack_pending: number;
  memory_max_stream_bytes: number;
  storage_max_stream_bytes: number;
  max_bytes_required: boolean;
}

/** A JetStream advisory or metric (`$JS.EVENT.ADVISORY.>`). */
export interface Advisory {
  kind: AdvisoryKind;
  data: unknown;
}

/** The acknowledgement of a JetStream publish. */
export interface PubAck {
  stream: string;
  domain?: string;
  seq: number;
  duplicate: boolean;
}

export interface JetStreamPublishOptions {
  /** Sets Nats-Msg-Id: the stream drops a second message with the same id in its window. */
  msgID: string;
  /** Milliseconds to wait for the acknowledgement (default: the client's timeout). */
  timeout: number;
  headers: MsgHdrs;
  expect: Partial<{
    lastMsgID: string;
    streamName: string;
    lastSequence: number;
    lastSubjectSequence: number;
  }>;
  /** Attempts when nothing answers (503), default 1. */
  retries: number;
  /** Milliseconds between those attempts (default 250). */
  retry_delay: number;
}

/** A message read from a stream (STREAM.MSG.GET or a direct get). */
export interface StoredMsg {
  subject: string;
  seq: number;
  header: MsgHdrs;
  data: Uint8Array;
  time: Date;
  timestamp: string;
  json<T = unknown>(reviver?: ReviverFn): T;
  string(): string;
}

/** A message of a direct get: a StoredMsg that also names its stream. */
export interface DirectMsg extends StoredMsg {
  stream: string;
}

/** A paged listing: iterate it, or read page by page with next(). */
export interface Lister<T> {
  [Symbol.asyncIterator](): AsyncIterator<T>;
  next(): Promise<T[]>;
}

export interface Stream {
  name: string;
  info(cached?: boolean, opts?: Partial<StreamInfoRequestOptions>): Promise<StreamInfo>;
  alternates(): Promise<StreamAlternate[]>;
  best(): Promise<Stream>;
  getMessage(query: MsgRequest): Promise<StoredMsg>;
  deleteMessage(seq: number, erase?: boolean): Promise<boolean>;
}

export interface StreamAPI {
  info(stream: string, opts?: Partial<StreamInfoRequestOptions>): Promise<StreamInfo>;
  add(cfg: Partial<StreamConfig>): Promise<StreamInfo>;
  update(name: string, cfg: Partial<StreamUpdateConfig>): Promise<StreamInfo>;
  purge(stream: string, opts?: PurgeOpts): Promise<PurgeResponse>;
  delete(stream: string): Promise<boolean>;
  list(subject?: string): Lister<StreamInfo>;
  deleteMessage(stream: string, seq: number, erase?: boolean): Promise<boolean>;
  getMessage(stream: string, query: MsgRequest): Promise<StoredMsg>;
  find(subject: string): Promise<string>;
  names(subject?: string): Lister<string>;
  get(name: string): Promise<Stream>;
  /** The KV buckets of the account (streams named `KV_<bucket>`). */
  listKvs(): Lister<KvStatus>;
  /** The object stores of the account (streams named `OBJ_<bucket>`). */
  listObjectStores(): Lister<ObjectStoreStatus>;
}

export interface ConsumerAPI {
  info(stream: string, consumer: string): Promise<ConsumerInfo>;
  add(stream: string, cfg: Partial<ConsumerConfig>): Promise<ConsumerInfo>;
  update(
    stream: string,
    durable: string,
    cfg: Partial<ConsumerUpdateConfig>,
  ): Promise<ConsumerInfo>;
  delete(stream: string, consumer: string): Promise<boolean>;
  list(stream: string): Lister<ConsumerInfo>;
  pause(
    stream: string,
    name: string,
    until?: Date,
  ): Promise<{ paused: boolean; pause_until?: string }>;
  resume(stream: string, name: string): Promise<{ paused: boolean; pause_until?: string }>;
}

export interface DirectStreamAPI {
  getMessage(stream: string, query: DirectMsgRequest): Promise<StoredMsg>;
  getBatch(stream: string, opts: DirectBatchOptions): Promise<QueuedIterator<StoredMsg>>;
}

export interface JetStreamManager {
  streams: StreamAPI;
  consumers: ConsumerAPI;
  direct: DirectStreamAPI;
  getAccountInfo(): Promise<JetStreamAccountStats>;
  advisories(): AsyncIterable<Advisory>;
  getOptions(): JetStreamOptions;
  jetstream(): JetStreamClient;
}

/** `js.views`: open (or create) a KV bucket or an object store. */
export interface Views {
  kv(name: string, opts?: Partial<KvOptions>): Promise<KV>;
  os(name: string, opts?: Partial<ObjectStoreOptions>): Promise<ObjectStore>;
}

export interface JetStreamClient {
  publish(
    subj: string,
    payload?: Uint8Array | string,
    options?: Partial<JetStreamPublishOptions>,
  ): Promise<PubAck>;
  getOptions(): JetStreamOptions;
  /** The consumers of the simplified API (`get` a named or an ordered consumer). */
  consumers: Consumers;
  /** KV buckets and object stores. */
  views: Views;
  /** Legacy: one message of a pull consumer; `expires` 0 asks with no_wait. */
  pull(stream: string, durable: string, expires?: number): Promise<JsMsg>;
  /** Legacy: one batch of a pull consumer, ending with the batch, its expiry or its status. */
  fetch(stream: string, durable: string, opts?: Partial<PullOptions>): QueuedIterator<JsMsg>;
  /** Legacy: a push subscription (creating or binding the consumer). */
  subscribe(
    subject: string,
    opts?: ConsumerOptsBuilder | Partial<ConsumerOpts>,
  ): Promise<JetStreamSubscription>;
  /** Legacy: a pull subscription (creating or binding the consumer). */
  pullSubscribe(
    subject: string,
    opts?: ConsumerOptsBuilder | Partial<ConsumerOpts>,
  ): Promise<JetStreamPullSubscription>;
}

// ---- consumers (simplified API; nats.deno's names and option spellings, times in ms) ----

export type MaxMessages = { max_messages: number };
export type MaxBytes = { max_bytes: number };
export type ThresholdMessages = { threshold_messages: number };
export type ThresholdBytes = { threshold_bytes: number };
/** Milliseconds the server keeps a pull open (default 30000, at least 1000). */
export type Expires = { expires?: number };
/** Milliseconds between the server's idle heartbeats (default expires / 2, at most 30000). */
export type IdleHeartbeat = { idle_heartbeat?: number };
/** Stop instead of retrying when the stream or consumer is gone. */
export type AbortOnMissingResource = { abort_on_missing_resource?: boolean };
/** Never check the consumer: a reset just pulls again. */
export type Bind = { bind?: boolean };
/** A `consume()` callback (the simplified API). */
export type ConsumerCallbackFn = (r: JsMsg) => void;
export type ConsumeCallback = { callback?: ConsumerCallbackFn };
export type NextOptions = Expires & Bind;
export type FetchBytes = MaxBytes & Partial<MaxMessages> & Expires & IdleHeartbeat & Bind;
export type FetchMessages = Partial<MaxMessages> & Expires & IdleHeartbeat & Bind;
export type FetchOptions = FetchBytes | FetchMessages;
export type ConsumeBytes =
  & MaxBytes
  & Partial<MaxMessages>
  & Partial<ThresholdBytes>
  & Expires
  & IdleHeartbeat
  & ConsumeCallback
  & AbortOnMissingResource
  & Bind;
export type ConsumeMessages =
  & Partial<MaxMessages>
  & Partial<ThresholdMessages>
  & Expires
  & IdleHeartbeat
  & ConsumeCallback
  & AbortOnMissingResource
  & Bind;
export type ConsumeOptions = ConsumeBytes | ConsumeMessages;
export type PullConsumerOptions = FetchOptions | ConsumeOptions;

/** Options of an ordered consumer (`js.consumers.get(stream, opts)`). */
export type OrderedConsumerOptions = {
  name_prefix: string;
  filterSubjects: string[] | string;
  deliver_policy: DeliverPolicy;
  opt_start_seq: number;
  opt_start_time: string;
  replay_policy: ReplayPolicy;
  /** Milliseconds (default 5 minutes). */
  inactive_threshold: number;
  headers_only: boolean;
};

/** One event of `ConsumerMessages.status()`. */
export type ConsumerStatus = {
  type: ConsumerEvents | ConsumerDebugEvents | string;
  data: unknown;
};

/** A `consume()` or `fetch()` in progress: its messages, and its status events. */
export interface ConsumerMessages extends QueuedIterator<JsMsg> {
  status(): Promise<AsyncIterable<ConsumerStatus>>;
  /** Stops; resolves once the iterator has ended (with the error that ended it, if any). */
  close(): Promise<void | Error>;
  /** Resolves once the iterator has ended (with the error that ended it, if any). */
  closed(): Promise<void | Error>;
}

export interface ExportedConsumer {
  next(opts?: NextOptions): Promise<JsMsg | null>;
  fetch(opts?: FetchOptions): Promise<ConsumerMessages>;
  consume(opts?: ConsumeOptions): Promise<ConsumerMessages>;
}

export interface Consumer extends ExportedConsumer {
  info(cached?: boolean): Promise<ConsumerInfo>;
  delete(): Promise<boolean>;
}

export interface Consumers {
  /** A named consumer (checked to exist), or with no name / options an ordered consumer. */
  get(stream: string, name?: string | Partial<OrderedConsumerOptions>): Promise<Consumer>;
}

// ---- legacy subscriptions (js.subscribe, js.pullSubscribe, js.fetch, js.pull) ----

/** A legacy subscription's callback: an error (then `msg` is null) or a message. */
export type JsMsgCallback = (err: NatsError | null, msg: JsMsg | null) => void;

/** A legacy pull request (`pull()`, `js.fetch`); times in ms. */
export interface PullOptions {
  batch: number;
  no_wait: boolean;
  expires: number;
  max_bytes: number;
  idle_heartbeat: number;
}

/** What `consumerOpts()` builds (nats.deno's `ConsumerOpts`). */
export interface ConsumerOpts {
  config: Partial<ConsumerConfig>;
  /** Manual ack: without it every message is acknowledged as it is handed out. */
  mack: boolean;
  stream: string;
  callbackFn?: JsMsgCallback;
  name?: string;
  ordered: boolean;
  max?: number;
  queue?: string;
  debug?: boolean;
  isBind?: boolean;
}

/** The `consumerOpts()` builder (each method sets one option and returns the builder). */
export interface ConsumerOptsBuilder {
  description(description: string): this;
  deliverTo(subject: string): this;
  durable(name: string): this;
  startSequence(seq: number): this;
  startTime(time: Date): this;
  deliverAll(): this;
  deliverLastPerSubject(): this;
  deliverLast(): this;
  deliverNew(): this;
  startAtTimeDelta(millis: number): this;
  headersOnly(): this;
  ackNone(): this;
  ackAll(): this;
  ackExplicit(): this;
  ackWait(millis: number): this;
  maxDeliver(max: number): this;
  filterSubject(s: string): this;
  replayInstantly(): this;
  replayOriginal(): this;
  sample(n: number): this;
  limit(bps: number): this;
  maxWaiting(max: number): this;
  maxAckPending(max: number): this;
  idleHeartbeat(millis: number): this;
  flowControl(): this;
  deliverGroup(name: string): this;
  manualAck(): this;
  maxMessages(max: number): this;
  queue(n: string): this;
  callback(fn: JsMsgCallback): this;
  orderedConsumer(): this;
  bind(stream: string, durable: string): this;
  bindStream(stream: string): this;
  inactiveEphemeralThreshold(millis: number): this;
  maxPullBatch(n: number): this;
  maxPullRequestExpires(millis: number): this;
  memory(): this;
  numReplicas(n: number): this;
  consumerName(n: string): this;
  getOpts(): ConsumerOpts;
}

/** A legacy JetStream subscription: a subscription of JsMsg. */
export interface JetStreamSubscription extends QueuedIterator<JsMsg> {
  unsubscribe(max?: number): void;
  drain(): Promise<void>;
  isDraining(): boolean;
  isClosed(): boolean;
  getSubject(): string;
  getID(): number;
  getMax(): number | undefined;
  closed: Promise<void>;
  /** Drains, then deletes the consumer. */
  destroy(): Promise<void>;
  consumerInfo(): Promise<ConsumerInfo>;
}

/** A legacy pull subscription: the user asks for messages with `pull()`. */
export interface JetStreamPullSubscription extends JetStreamSubscription {
  pull(opts?: Partial<PullOptions>): void;
}
