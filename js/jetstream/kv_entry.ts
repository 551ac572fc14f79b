/**
 * What KV hands out: `KvEntry` (one stored revision, from a get's stored message or a watch's
 * JsMsg) and `KvStatus` (a bucket's limits and counts, read off its StreamInfo).
 *
 * Must not: request anything, or decode headers, dates or values before they are read (a watch
 * over many keys builds one entry per message).
 */
import { TD } from "../encoders.ts";
import type { MsgHdrs } from "../types.ts";
import { millis } from "../util.ts";
import { JsHeaders, StorageType, StoreCompression } from "./types.ts";
import type { Placement, Republish, StreamInfo } from "./types.ts";
import { ackNumbersOf, type JsMsgImpl, PENDING, STREAM_SEQ, TS_NANOS } from "./jsmsg.ts";
import { kvPrefix } from "./kv_types.ts";
import type { KvCodec, KvEntry, KvOperation, KvStatus } from "./kv_types.ts";

/** The header that marks a delete or purge revision (absent: a PUT). */
export const kvOperationHdr = "KV-Operation";

/** The operation a revision's headers say. */
export function operationOf(h?: MsgHdrs): KvOperation {
  return (h?.get(kvOperationHdr) as KvOperation) || "PUT";
}

/**
 * What the two kinds of entry share: the value and everything read off the headers. `hdrs()` and
 * `time()` come from the subclass, so that a watch's entry decodes them only when read.
 */
abstract class KvEntryBase implements KvEntry {
  constructor(
    readonly bucket: string,
    readonly key: string,
    private readonly raw: Uint8Array,
    private readonly codec: KvCodec<Uint8Array>,
  ) {}

  abstract readonly revision: number;
  abstract readonly delta: number;
  protected abstract hdrs(): MsgHdrs | undefined;
  /** The store time: ns since the epoch (watch) or an RFC 3339 string (get). */
  protected abstract time(): number | string;

  get value(): Uint8Array {
    return this.codec.decode(this.raw);
  }

  get created(): Date {
    const t = this.time();
    return new Date(typeof t === "number" ? millis(t) : Date.parse(t));
  }

  get operation(): KvOperation {
    return operationOf(this.hdrs());
  }

  /** A headers-only delivery says the stored size in `Nats-Msg-Size`. */
  get length(): number {
    const n = this.hdrs()?.get(JsHeaders.MessageSizeHdr) || "";
    return n !== "" ? parseInt(n, 10) : this.raw.length;
  }

  json<T>(): T {
    return JSON.parse(this.string());
  }

  string(): string {
    return TD.decode(this.value);
  }
}

/** One revision of a key, from a stored message (`get`, `history` and friends). */
export class KvEntryImpl extends KvEntryBase {
  constructor(
    bucket: string,
    key: string,
    raw: Uint8Array,
    private readonly headers: MsgHdrs | undefined,
    readonly revision: number,
    private readonly stored: string,
    codec: KvCodec<Uint8Array>,
  ) {
    super(bucket, key, raw, codec);
  }

  /** A stored message is read, not delivered: nothing is pending behind it. */
  get delta(): number {
    return 0;
  }

  protected hdrs(): MsgHdrs | undefined {
    return this.headers;
  }

  protected time(): string {
    return this.stored;
  }
}

/**
 * One revision of a key as a watch delivers it. Its revision, time and delta are on the message's
 * ack subject and its operation in its headers: each is read when first asked for, since a watch
 * over many keys builds one entry per message and most readers take only the key and value.
 */
export class KvWatchEntry extends KvEntryBase {
  /** The ack subject's numbers, once read (`ackNumbersOf`'s array is reused: copied out). */
  private seq = -1;
  private nanos = 0;
  private pending = 0;

  constructor(
    bucket: string,
    key: string,
    private readonly jm: JsMsgImpl,
    codec: KvCodec<Uint8Array>,
  ) {
    super(bucket, key, jm.data, codec);
  }

  private read(): void {
    if (this.seq >= 0) return;
    const n = ackNumbersOf(this.jm);
    this.seq = n[STREAM_SEQ];
    this.nanos = n[TS_NANOS];
    this.pending = n[PENDING];
  }

  get revision(): number {
    this.read();
    return this.seq;
  }

  get delta(): number {
    this.read();
    return this.pending;
  }

  protected hdrs(): MsgHdrs | undefined {
    return this.jm.headers;
  }

  protected time(): number {
    this.read();
    return this.nanos;
  }
}

/** A bucket's status, read off the StreamInfo of its stream. */
export class KvStatusImpl implements KvStatus {
  constructor(readonly si: StreamInfo, readonly cluster = "") {}

  get bucket(): string {
    const n = this.si.config.name;
    return n.startsWith(kvPrefix) ? n.substring(kvPrefix.length) : n;
  }
  get values(): number {
    return this.si.state.messages;
  }
  get history(): number {
    return this.si.config.max_msgs_per_subject;
  }
  /** Milliseconds (the stream keeps nanoseconds). */
  get ttl(): number {
    return millis(this.si.config.max_age);
  }
  get bucket_location(): string {
    return this.cluster;
  }
  get backingStore(): StorageType {
    return this.si.config.storage;
  }
  get storage(): StorageType {
    return this.si.config.storage;
  }
  get replicas(): number {
    return this.si.config.num_replicas;
  }
  get description(): string {
    return this.si.config.description ?? "";
  }
  get maxBucketSize(): number {
    return this.si.config.max_bytes;
  }
  get maxValueSize(): number {
    return this.si.config.max_msg_size;
  }
  get max_bytes(): number {
    return this.si.config.max_bytes;
  }
  get placement(): Placement {
    return this.si.config.placement || { cluster: "", tags: [] };
  }
  get placementCluster(): string {
    return this.si.config.placement?.cluster ?? "";
  }
  get republish(): Republish {
    return this.si.config.republish ?? { src: "", dest: "" };
  }
  get streamInfo(): StreamInfo {
    return this.si;
  }
  get size(): number {
    return this.si.state.bytes;
  }
  get metadata(): Record<string, string> {
    return this.si.config.metadata ?? {};
  }
  get compression(): boolean {
    const c = this.si.config.compression;
    return c !== undefined && c !== StoreCompression.None;
  }
}
