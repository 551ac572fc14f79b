/**
 * KV names of the nats.deno v1.29 API (ADR-8, docs/jetstream.md "KV"): the bucket options and
 * limits, entries, codecs, the `KV`/`RoKV` interfaces, watch options and `KvWatchInclude`, the
 * bucket status.
 *
 * Must not: contain logic (kv.ts, kv_codecs.ts, kv_entry.ts and kv_watch.ts do).
 */
import type { Payload, QueuedIterator } from "../types.ts";
import type { Placement, Republish, StorageType, StreamInfo, StreamSource } from "./types.ts";

/** Prefix of the stream that backs a bucket: `KV_<bucket>`. */
export const kvPrefix = "KV_";

/** What a stored revision is: a value, a delete marker, or a purge marker. */
export type KvOperation = "PUT" | "DEL" | "PURGE";

export interface KvEntry {
  bucket: string;
  key: string;
  value: Uint8Array;
  created: Date;
  /** The stream sequence of this revision. */
  revision: number;
  /** Watch/history: revisions still to come when this one was delivered; 0 for `get`. */
  delta?: number;
  operation: KvOperation;
  /** Bytes of the value (from `Nats-Msg-Size` when only headers were delivered). */
  length: number;
  /** The value parsed as JSON (throws when it is not). */
  json<T>(): T;
  /** The value as UTF-8 text. */
  string(): string;
}

/** Encodes a key token or a value before it is stored, and decodes it when read back. */
export interface KvCodec<T> {
  encode(k: T): T;
  decode(k: T): T;
}

export interface KvCodecs {
  /** Applied to each key token (`*` and `>` are left alone). */
  key: KvCodec<string>;
  /** Applied to values on `put` and to `KvEntry.value`. */
  value: KvCodec<Uint8Array>;
}

export interface KvLimits {
  description: string;
  /** Copies of the bucket in a cluster (1, 3 or 5). */
  replicas: number;
  /** Revisions kept per key. */
  history: number;
  /** Bytes the bucket may hold (-1: no limit). */
  max_bytes: number;
  /** @deprecated use max_bytes */
  maxBucketSize: number;
  /** Bytes one value may have (-1: no limit). */
  maxValueSize: number;
  /** Milliseconds a revision lives (0: for ever); delete markers expire too. */
  ttl: number;
  storage: StorageType;
  placement: Placement;
  /** Edits are republished on a core NATS subject as well. */
  republish: Republish;
  /** A read-only copy of another bucket (its name, with or without `KV_`). */
  mirror?: StreamSource;
  /** Buckets whose edits flow into this one. */
  sources?: StreamSource[];
  /** @deprecated use placement */
  placementCluster: string;
  /** @deprecated use storage */
  backingStore: StorageType;
  /** S2 compression of the stored messages (server 2.10+). */
  compression?: boolean;
}

export interface KvStatus extends KvLimits {
  /** The bucket's name (the stream's without `KV_`). */
  bucket: string;
  /** Revisions stored (the stream's message count). */
  values: number;
  /** @deprecated the cluster of the connected server */
  bucket_location: string;
  streamInfo: StreamInfo;
  /** Bytes stored. */
  size: number;
  metadata?: Record<string, string>;
}

export interface KvOptions extends KvLimits {
  /** Milliseconds to wait for an answer (nats.deno's option; requests use the client's). */
  timeout: number;
  /** The stream's name, when it is not `KV_<bucket>`. */
  streamName: string;
  codec: KvCodecs;
  /** Use the bucket without asking the server anything (no info, no create). */
  bindOnly: boolean;
  /** Reads through direct get (ADR-31): faster, possibly a little behind on replicas. */
  allow_direct: boolean;
  metadata?: Record<string, string>;
}

/** @deprecated use purge(k) */
export interface KvRemove {
  remove(k: string): Promise<void>;
}

export enum KvWatchInclude {
  /** The last value of every key, then the updates. */
  LastValue = "",
  /** Every stored revision of every key, then the updates. */
  AllHistory = "history",
  /** Only updates made after the watch started. */
  UpdatesOnly = "updates",
}

export type KvWatchOptions = {
  /** A key, a wildcard key, or several of them (server 2.10+). */
  key?: string | string[];
  /** Deliver entries without their values (`length` still tells the size). */
  headers_only?: boolean;
  /** Called once, when the initial values have been handed out (then only updates follow). */
  initializedFn?: () => void;
  /** Skip delete markers. */
  ignoreDeletes?: boolean;
  include?: KvWatchInclude;
  /** Start at this revision (a watcher resuming where it stopped). */
  resumeFromRevision?: number;
};

export interface KvPutOptions {
  /** The key's latest revision must be this one (0: the key must not exist). */
  previousSeq: number;
}

export interface KvDeleteOptions {
  /** The key's latest revision must be this one. */
  previousSeq: number;
}

export interface RoKV {
  /** The latest entry (or the one at `revision`) of the key, markers included; null if none. */
  get(k: string, opts?: { revision: number }): Promise<KvEntry | null>;
  /** Every stored revision of the key(s), ending when caught up. */
  history(
    opts?: { key?: string | string[]; headers_only?: boolean },
  ): Promise<QueuedIterator<KvEntry>>;
  /** Entries as they change, until stopped. */
  watch(opts?: KvWatchOptions): Promise<QueuedIterator<KvEntry>>;
  /** @deprecated nothing to close */
  close(): Promise<void>;
  status(): Promise<KvStatus>;
  /** The keys with a value (not deleted or purged), optionally filtered; ends when caught up. */
  keys(filter?: string | string[]): Promise<QueuedIterator<string>>;
}

export interface KV extends RoKV {
  /** Puts only if the key has no value (never set, deleted or purged). */
  create(k: string, data: Payload): Promise<number>;
  /** Puts only if the key's latest revision is `version`. */
  update(k: string, data: Payload, version: number): Promise<number>;
  /** Stores a value; resolves with its revision. */
  put(k: string, data: Payload, opts?: Partial<KvPutOptions>): Promise<number>;
  /** Adds a delete marker (history stays until it ages out). */
  delete(k: string, opts?: Partial<KvDeleteOptions>): Promise<void>;
  /** Adds a purge marker and drops the key's earlier revisions. */
  purge(k: string, opts?: Partial<KvDeleteOptions>): Promise<void>;
  /** Deletes the bucket's stream and everything in it. */
  destroy(): Promise<boolean>;
}
