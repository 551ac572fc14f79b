/**
 * ObjectStore names of the nats.deno v1.29 API (ADR-20): options, object info and meta, links,
 * the `ObjectStore` interface, `ObjectResult`, the store status.
 *
 * Must not: contain logic (objectstore.ts does).
 */
import type { MsgHdrs, Nanos, QueuedIterator } from "../types.ts";
import type {
  Placement,
  PubAck,
  PurgeResponse,
  StorageType,
  StreamInfo,
  StreamInfoRequestOptions,
} from "./types.ts";

/** Where a link points: a store, and in it one object (no name: the whole store). */
export type ObjectStoreLink = {
  /** The object store holding the data. */
  bucket: string;
  /** The object linked to; absent for a link to the whole store. */
  name?: string;
};

/** `ObjectLink`: the same shape as {@link ObjectStoreLink}. */
export interface ObjectLink {
  bucket: string;
  name?: string;
}

export type ObjectStoreMetaOptions = {
  /** Set on a link: the object is a reference to another entry or store. */
  link?: ObjectStoreLink;
  /** Bytes per chunk (128 KiB unless set), never more than the server's max_payload. */
  max_chunk_size?: number;
};

/** What the user says about an object when putting or updating it. */
export type ObjectStoreMeta = {
  name: string;
  description?: string;
  headers?: MsgHdrs;
  options?: ObjectStoreMetaOptions;
  metadata?: Record<string, string>;
};

/** An object's stored description (its meta message), as `info`, `put` and `list` return it. */
export interface ObjectInfo extends ObjectStoreMeta {
  /** The store the object is in. */
  bucket: string;
  /** The id in the subject of the object's chunks (`$O.<bucket>.C.<nuid>`). */
  nuid: string;
  /** Bytes of the object. */
  size: number;
  /** Messages holding the object's bytes. */
  chunks: number;
  /** `SHA-256=` + base64url of the object's bytes (older clients wrote hex). */
  digest: string;
  /** True once the object was deleted (its meta stays, as a tombstone). */
  deleted: boolean;
  /** When it was put, as an ISO 8601 UTC text. */
  mtime: string;
  /** The stream sequence of the meta message. */
  revision: number;
}

export type ObjectStoreStatus = {
  bucket: string;
  description: string;
  /** How long objects live, in nanoseconds (0: forever). */
  ttl: Nanos;
  storage: StorageType;
  replicas: number;
  /** True once `seal()` made the store read-only. */
  sealed: boolean;
  /** Bytes the store's stream holds. */
  size: number;
  /** Always "JetStream". */
  backingStore: string;
  streamInfo: StreamInfo;
  metadata?: Record<string, string> | undefined;
  /** True when the stream is compressed (servers 2.10+). */
  compression: boolean;
};

/** @deprecated use {@link ObjectStoreStatus} */
export type ObjectStoreInfo = ObjectStoreStatus;

export type ObjectStoreOptions = {
  description?: string;
  /** How long objects live, in nanoseconds (`nanos()` converts ms). */
  ttl?: Nanos;
  storage: StorageType;
  replicas: number;
  /** Bytes the store may hold. */
  "max_bytes": number;
  placement: Placement;
  /** Stream metadata (servers 2.10+; keys starting `_nats` are the server's). */
  metadata?: Record<string, string>;
  /** S2 compression of the stream (servers 2.10+). */
  compression?: boolean;
};

/** What `get` returns: the object's info, its bytes as a stream, and the outcome of the read. */
export type ObjectResult = {
  info: ObjectInfo;
  /** The object's bytes, chunk by chunk; errors when the read fails or the digest differs. */
  data: ReadableStream<Uint8Array>;
  /** Settles once the data was read to the end: null, or why the read failed. */
  error: Promise<Error | null>;
};

export type ObjectStorePutOpts = {
  /** Ms each chunk's and the meta's publish may wait for its ack (the client's timeout unless set). */
  timeout?: number;
  /** The put succeeds only if the object's meta is still at this stream sequence. */
  previousRevision?: number;
};

export interface ObjectStore {
  /** The object's info (deleted ones too), or null when there is none. */
  info(name: string): Promise<ObjectInfo | null>;
  /** Every object that is not deleted. */
  list(): Promise<ObjectInfo[]>;
  /** The object's bytes and info (following links), or null when missing or deleted. */
  get(name: string): Promise<ObjectResult | null>;
  /** All of the object's bytes at once, or null when missing or deleted. */
  getBlob(name: string): Promise<Uint8Array | null>;
  /** Stores the stream's bytes under `meta.name`, replacing any object of that name. */
  put(
    meta: ObjectStoreMeta,
    rs: ReadableStream<Uint8Array>,
    opts?: ObjectStorePutOpts,
  ): Promise<ObjectInfo>;
  /** Stores `data` (null: no bytes) under `meta.name`. */
  putBlob(
    meta: ObjectStoreMeta,
    data: Uint8Array | null,
    opts?: ObjectStorePutOpts,
  ): Promise<ObjectInfo>;
  /** Marks the object deleted and purges its chunks. */
  delete(name: string): Promise<PurgeResponse>;
  /** Adds `name` as a link to the object `meta` describes (in this store or another). */
  link(name: string, meta: ObjectInfo): Promise<ObjectInfo>;
  /** Adds `name` as a link to a whole store. */
  linkStore(name: string, bucket: ObjectStore): Promise<ObjectInfo>;
  /** Infos as objects change; with `includeHistory` the current ones first, then null. */
  watch(
    opts?: Partial<{ ignoreDeletes?: boolean; includeHistory?: boolean }>,
  ): Promise<QueuedIterator<ObjectInfo | null>>;
  /** Makes the store read-only. */
  seal(): Promise<ObjectStoreStatus>;
  status(opts?: Partial<StreamInfoRequestOptions>): Promise<ObjectStoreStatus>;
  /** Changes an object's meta; a new name renames it. */
  update(name: string, meta: Partial<ObjectStoreMeta>): Promise<PubAck>;
  /** Deletes the store and every object in it. */
  destroy(): Promise<boolean>;
}
