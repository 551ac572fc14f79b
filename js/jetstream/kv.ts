/**
 * `js.views.kv(bucket)`: nats.deno's KV over JetStream (ADR-8, docs/jetstream.md "KV"). A bucket
 * is the stream `KV_<bucket>` capturing `$KV.<bucket>.>`; a key is the last token(s) of a subject,
 * a revision the stream sequence of a message on it, and a delete or purge a message with the
 * `KV-Operation` header. `Bucket` opens or creates the stream, writes with acknowledged publishes,
 * reads one key with a direct get (ADR-31) when the stream allows it, else STREAM.MSG.GET;
 * watch, history and keys are in kv_watch.ts. Also `jsm.streams.listKvs()`.
 *
 * Subjects (ADR-19): writes carry the client's API prefix when it is not `$JS.API` (a bucket
 * reached through another domain); a mirror reads and writes under its origin's `$KV.<origin>`,
 * an external one writes through the origin's API prefix.
 *
 * Must not: send anything for a bucket or key name the rules refuse (kv_codecs.ts), update an
 * existing stream's configuration, or hold per-key state (every read asks the server).
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { Empty, TE } from "../encoders.ts";
import { headers } from "../headers.ts";
import { MsgImpl } from "../msg.ts";
import type { Msg, NatsConnection, Payload, QueuedIterator } from "../types.ts";
import { nanos } from "../util.ts";
import type { JetStreamClientImpl } from "./client.ts";
import { streamsOfKind } from "./lister.ts";
import { DirectStreamAPIImpl } from "./direct.ts";
import {
  defaultBucketOpts,
  hasWildcards,
  keepKey,
  mapTokens,
  NoopKvCodecs,
  validateBucket,
  validateKey,
} from "./kv_codecs.ts";
import { KvEntryImpl, kvOperationHdr, KvStatusImpl } from "./kv_entry.ts";
import { kvPrefix } from "./kv_types.ts";
import type {
  KV,
  KvCodecs,
  KvDeleteOptions,
  KvEntry,
  KvOptions,
  KvPutOptions,
  KvRemove,
  KvStatus,
  KvWatchOptions,
} from "./kv_types.ts";
import { kvHistory, kvKeys, kvLatest, kvWatch } from "./kv_watch.ts";
import { StreamAPIImpl } from "./streams.ts";
import {
  DiscardPolicy,
  JsHeaders,
  PubHeaders,
  RetentionPolicy,
  StoreCompression,
} from "./types.ts";
import type {
  JetStreamPublishOptions,
  Lister,
  MsgRequest,
  PurgeOpts,
  PurgeResponse,
  StoredMsg,
  StreamConfig,
  StreamInfo,
  StreamSource,
} from "./types.ts";

/** The API's code for "wrong last sequence" (create finds the key set). */
const ERR_WRONG_LAST_SEQUENCE = 10071;
/** The API's code for "stream not found". */
const ERR_STREAM_NOT_FOUND = 10059;
/** Keys deleted or purged at once by a wildcard delete/purge (nats.deno's batch). */
const WILDCARD_BATCH = 100;
/** Delete markers younger than this survive `purgeDeletes()` by default, ms (30 minutes). */
const PURGE_DELETES_AGE = 30 * 60 * 1000;

type Version = { major: number; minor: number; micro: number };

/** True when the server is at least `major.minor.micro` (unknown: false). */
function atLeast(v: Version | undefined, major: number, minor: number, micro: number): boolean {
  if (!v) return false;
  return v.major !== major
    ? v.major > major
    : v.minor !== minor
    ? v.minor > minor
    : v.micro >= micro;
}

function serverVersion(js: JetStreamClientImpl): Version | undefined {
  return (js.nc as unknown as { getServerVersion(): Version | undefined }).getServerVersion();
}

export class Bucket implements KV, KvRemove {
  readonly js: JetStreamClientImpl;
  readonly streams: StreamAPIImpl;
  readonly directApi: DirectStreamAPIImpl;
  readonly bucket: string;
  stream = "";
  /** Reads use direct get. */
  direct = false;
  codec: KvCodecs = NoopKvCodecs();
  /** `$KV.<bucket>` (of the origin for a mirror): what reads and filters start with. */
  prefix: string;
  /** Where writes go when not under `prefix` (a mirror's origin). */
  editPrefix = "";
  /** Writes carry the client's API prefix (not the default one). */
  useJsPrefix = false;

  constructor(bucket: string, js: JetStreamClientImpl) {
    validateBucket(bucket);
    this.js = js;
    this.bucket = bucket;
    this.streams = new StreamAPIImpl(js.nc, js.opts);
    this.directApi = new DirectStreamAPIImpl(js.nc, js.opts);
    this.prefix = `$KV.${bucket}`;
  }

  /** Binds with no request at all (`bindOnly`): the stream is taken on trust. */
  bind(opts: Partial<KvOptions>): void {
    this.stream = opts.streamName ?? `${kvPrefix}${this.bucket}`;
    this.codec = opts.codec || NoopKvCodecs();
    this.direct = opts.allow_direct ?? false;
    this.initializePrefixes({ name: this.stream } as StreamConfig);
  }

  /** Opens the stream, creating it (never updating it) when STREAM.INFO says it does not exist. */
  async init(opts: Partial<KvOptions>): Promise<void> {
    const bo = Object.assign(defaultBucketOpts(), opts) as KvOptions;
    this.codec = bo.codec;
    const sc = {} as StreamConfig;
    this.stream = sc.name = opts.streamName ?? `${kvPrefix}${this.bucket}`;
    sc.retention = RetentionPolicy.Limits;
    sc.max_msgs_per_subject = bo.history;
    // the deprecated name wins, as in nats.deno, but only when set
    if (bo.maxBucketSize) bo.max_bytes = bo.maxBucketSize;
    if (bo.max_bytes) sc.max_bytes = bo.max_bytes;
    sc.max_msg_size = bo.maxValueSize;
    sc.storage = bo.storage;
    const placement = opts.placementCluster
      ? { cluster: opts.placementCluster, tags: [] }
      : opts.placement;
    if (placement) sc.placement = placement;
    if (opts.republish) sc.republish = opts.republish;
    if (opts.description) sc.description = opts.description;
    if (opts.mirror) {
      const mirror = { ...opts.mirror };
      if (!mirror.name.startsWith(kvPrefix)) mirror.name = `${kvPrefix}${mirror.name}`;
      sc.mirror = mirror;
      sc.mirror_direct = true;
    } else if (opts.sources) {
      sc.sources = opts.sources.map((s) => this.source(s));
      sc.subjects = [`$KV.${this.bucket}.>`];
    } else {
      sc.subjects = [`$KV.${this.bucket}.>`];
    }
    if (opts.metadata) sc.metadata = opts.metadata;
    if (typeof opts.compression === "boolean") {
      sc.compression = opts.compression ? StoreCompression.S2 : StoreCompression.None;
    }
    const version = serverVersion(this.js);
    // discard new makes a full bucket refuse writes instead of dropping old keys (2.7.2+)
    sc.discard = atLeast(version, 2, 7, 2) ? DiscardPolicy.New : DiscardPolicy.Old;
    const canDirect = atLeast(version, 2, 9, 0);
    if (!canDirect && opts.allow_direct === true) {
      const v = version ? `${version.major}.${version.minor}.${version.micro}` : "unknown";
      throw new NatsError(
        `allow_direct is not available on server version ${v} - requires 2.9.0`,
        ErrorCode.ServerOptionNotAvailable,
      );
    }
    this.direct = sc.allow_direct = typeof opts.allow_direct === "boolean"
      ? opts.allow_direct
      : canDirect;
    sc.num_replicas = bo.replicas;
    if (bo.ttl) sc.max_age = nanos(bo.ttl);
    sc.allow_rollup_hdrs = true;

    let info: StreamInfo;
    try {
      info = await this.streams.info(sc.name);
      // an existing stream without direct get is read the slow way
      if (!info.config.allow_direct) this.direct = false;
    } catch (err) {
      const e = err as NatsError;
      if (e.api_error?.err_code !== ERR_STREAM_NOT_FOUND && e.message !== "stream not found") {
        throw err;
      }
      info = await this.streams.add(sc);
    }
    this.initializePrefixes(info.config);
  }

  /** A source bucket: `KV_` added, and its subjects mapped into this bucket's (not external). */
  private source(s: StreamSource): StreamSource {
    const c = { ...s };
    const srcBucket = c.name.startsWith(kvPrefix) ? c.name.substring(kvPrefix.length) : c.name;
    if (!c.name.startsWith(kvPrefix)) c.name = `${kvPrefix}${c.name}`;
    if (!s.external && srcBucket !== this.bucket) {
      c.subject_transforms = [{ src: `$KV.${srcBucket}.>`, dest: `$KV.${this.bucket}.>` }];
    }
    return c;
  }

  private initializePrefixes(config: StreamConfig): void {
    this.prefix = `$KV.${this.bucket}`;
    this.editPrefix = "";
    this.useJsPrefix = this.js.prefix !== "$JS.API";
    const mirror = config.mirror;
    if (!mirror) return;
    const origin = mirror.name.startsWith(kvPrefix)
      ? mirror.name.substring(kvPrefix.length)
      : mirror.name;
    // a mirror stores its origin's subjects: reads look there, writes go to the origin
    this.prefix = `$KV.${origin}`;
    if (mirror.external && mirror.external.api !== "") {
      this.useJsPrefix = false;
      this.editPrefix = `${mirror.external.api}.$KV.${origin}`;
    } else {
      this.editPrefix = this.prefix;
    }
  }

  /** The stream's name. */
  bucketName(): string {
    return this.stream || `${kvPrefix}${this.bucket}`;
  }

  /** The subject of an (encoded) key: where it is read, or with `edit` where it is written. */
  subjectForKey(k: string, edit = false): string {
    if (!edit) return `${this.prefix}.${k}`;
    const parts: string[] = [];
    if (this.useJsPrefix) parts.push(this.js.prefix);
    parts.push(this.editPrefix || this.prefix, k);
    return parts.join(".");
  }

  /** Characters before the key in a stored subject. */
  get prefixLen(): number {
    return this.prefix.length + 1;
  }

  encodeKey(key: string): string {
    // the default codec keeps every token: no split and join per get or put
    if (this.codec.key.encode === keepKey) return key;
    return mapTokens(key, (t) => this.codec.key.encode(t));
  }

  decodeKey(ekey: string): string {
    // the default codec keeps every token: no split and join per entry of a watch
    if (this.codec.key.decode === keepKey) return ekey;
    return mapTokens(ekey, (t) => this.codec.key.decode(t));
  }

  /**
   * The key of a delivered message, decoded: read from the subject's bytes after the prefix
   * (ASCII: bucket names are), so a watch does not decode the prefix every entry shares.
   */
  keyOfMsg(m: Msg): string {
    const p = this.prefixLen;
    return this.decodeKey(m instanceof MsgImpl ? m.subjectFrom(p) : m.subject.substring(p));
  }

  private encodeValue(data?: Payload): Uint8Array {
    const v = data === undefined ? Empty : typeof data === "string" ? TE.encode(data) : data;
    return this.codec.value.encode(v);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async create(k: string, data: Payload): Promise<number> {
    let first: NatsError;
    try {
      return await this.put(k, data, { previousSeq: 0 });
    } catch (err) {
      first = err as NatsError;
      if (first.api_error?.err_code !== ERR_WRONG_LAST_SEQUENCE) throw err;
    }
    // the key exists: allowed only when its latest revision deleted or purged it
    const e = await this.get(k);
    if (e?.operation === "DEL" || e?.operation === "PURGE") {
      return this.update(k, data, e.revision);
    }
    throw first;
  }

  update(k: string, data: Payload, version: number): Promise<number> {
    if (version <= 0) {
      throw new NatsError("version must be greater than 0", ErrorCode.InvalidOption);
    }
    return this.put(k, data, { previousSeq: version });
  }

  async put(k: string, data: Payload, opts: Partial<KvPutOptions> = {}): Promise<number> {
    const ek = this.encodeKey(k);
    validateKey(ek);
    const o: Partial<JetStreamPublishOptions> = {};
    if (opts.previousSeq !== undefined) {
      const h = headers();
      h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${opts.previousSeq}`);
      o.headers = h;
    }
    return (await this.publish(this.subjectForKey(ek, true), this.encodeValue(data), o)).seq;
  }

  /** A publish whose API error keeps the server's own text, and its status as the code. */
  private async publish(subj: string, data: Uint8Array, o: Partial<JetStreamPublishOptions>) {
    try {
      return await this.js.publish(subj, data, o);
    } catch (err) {
      const ae = (err as NatsError).api_error;
      if (ae) {
        (err as NatsError).message = ae.description;
        (err as NatsError).code = `${ae.code}`;
      }
      throw err;
    }
  }

  async get(k: string, opts?: { revision: number }): Promise<KvEntry | null> {
    const ek = this.encodeKey(k);
    validateKey(ek);
    const arg: MsgRequest = opts && opts.revision > 0
      ? { seq: opts.revision }
      : { last_by_subj: this.subjectForKey(ek) };
    let sm: StoredMsg;
    try {
      sm = this.direct
        ? await this.directApi.getMessage(this.bucketName(), arg)
        : await this.streams.getMessage(this.bucketName(), arg);
    } catch (err) {
      if ((err as NatsError).code === ErrorCode.JetStream404NoMessages) return null;
      throw err;
    }
    // a revision of another key is not this key's
    if (sm.subject.substring(this.prefixLen) !== ek) return null;
    return new KvEntryImpl(
      this.bucket,
      this.decodeKey(ek),
      sm.data,
      sm.header,
      sm.seq,
      sm.timestamp,
      this.codec.value,
    );
  }

  purge(k: string, opts?: Partial<KvDeleteOptions>): Promise<void> {
    return this.deleteOrPurge(k, "PURGE", opts);
  }

  delete(k: string, opts?: Partial<KvDeleteOptions>): Promise<void> {
    return this.deleteOrPurge(k, "DEL", opts);
  }

  /** @deprecated use purge(k) */
  remove(k: string): Promise<void> {
    return this.purge(k);
  }

  /** A wildcard key deletes (or purges) every key it matches, `WILDCARD_BATCH` at a time. */
  private async deleteOrPurge(
    k: string,
    op: "DEL" | "PURGE",
    opts?: Partial<KvDeleteOptions>,
  ): Promise<void> {
    if (!hasWildcards(k)) return this.mark(k, op, opts);
    const batch: Promise<void>[] = [];
    for await (const key of await this.keys(k)) {
      batch.push(this.mark(key, op));
      if (batch.length === WILDCARD_BATCH) {
        await Promise.all(batch);
        batch.length = 0;
      }
    }
    await Promise.all(batch);
  }

  /** Publishes the marker of a delete or purge (a purge also rolls up the key's history). */
  private async mark(k: string, op: "DEL" | "PURGE", opts?: Partial<KvDeleteOptions>) {
    const ek = this.encodeKey(k);
    validateKey(ek);
    const h = headers();
    h.set(kvOperationHdr, op);
    if (op === "PURGE") h.set(JsHeaders.RollupHdr, JsHeaders.RollupValueSubject);
    if (opts?.previousSeq) {
      h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${opts.previousSeq}`);
    }
    await this.publish(this.subjectForKey(ek, true), Empty, { headers: h });
  }

  /**
   * Drops delete and purge markers with the history behind them: markers older than
   * `olderMillis` go entirely, younger ones stay as the key's only revision.
   */
  async purgeDeletes(olderMillis = PURGE_DELETES_AGE): Promise<PurgeResponse> {
    const markers: KvEntry[] = [];
    for await (const e of await kvLatest(this, ">")) {
      if (e.operation === "DEL" || e.operation === "PURGE") markers.push(e);
    }
    const min = Date.now() - olderMillis;
    const purged = await Promise.all(markers.map((e) =>
      this.streams.purge(this.bucketName(), {
        filter: this.subjectForKey(this.encodeKey(e.key)),
        keep: e.created.getTime() >= min ? 1 : 0,
      })
    ));
    let total = 0;
    for (const p of purged) total += p.purged;
    return { success: true, purged: total };
  }

  purgeBucket(opts?: PurgeOpts): Promise<PurgeResponse> {
    return this.streams.purge(this.bucketName(), opts);
  }

  destroy(): Promise<boolean> {
    return this.streams.delete(this.bucketName());
  }

  async status(): Promise<KvStatus> {
    const cluster = (this.js.nc as NatsConnection).info?.cluster ?? "";
    return new KvStatusImpl(await this.streams.info(this.bucketName()), cluster);
  }

  history(
    opts: { key?: string | string[]; headers_only?: boolean } = {},
  ): Promise<QueuedIterator<KvEntry>> {
    return kvHistory(this, opts);
  }

  watch(opts: KvWatchOptions = {}): Promise<QueuedIterator<KvEntry>> {
    return kvWatch(this, opts);
  }

  keys(k: string | string[] = ">"): Promise<QueuedIterator<string>> {
    return kvKeys(this, k);
  }
}

/**
 * `js.views.kv(name, opts)`: the bucket, its stream created when it does not exist yet (with
 * `bindOnly`, taken on trust). Unless the client was made with `checkAPI: false`, JetStream is
 * asked for the account info first (its error is the answer), as nats.deno's
 * `js.jetstreamManager()` does, `bindOnly` or not.
 */
export async function openKv(
  js: JetStreamClientImpl,
  name: string,
  opts: Partial<KvOptions>,
): Promise<KV> {
  const version = serverVersion(js);
  if (version && !atLeast(version, 2, 6, 2)) {
    throw new NatsError(
      "kv is only supported on servers 2.6.2 or better",
      ErrorCode.ServerOptionNotAvailable,
    );
  }
  const bucket = new Bucket(name, js);
  if ((js.opts as { checkAPI?: boolean }).checkAPI !== false) {
    await js._request(`${js.prefix}.INFO`);
  }
  if (opts.bindOnly) {
    bucket.bind(opts);
    return bucket;
  }
  await bucket.init(opts);
  return bucket;
}

/** `jsm.streams.listKvs()`: the status of each stream named `KV_<bucket>`. */
export function listKvs(streams: StreamAPIImpl): Lister<KvStatus> {
  const cluster = () => (streams.nc as NatsConnection).info?.cluster ?? "";
  return streamsOfKind(streams.list(), kvPrefix, (si) => new KvStatusImpl(si, cluster()));
}
