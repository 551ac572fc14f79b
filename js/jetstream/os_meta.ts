/**
 * ObjectStore meta (ADR-20): the JSON of a meta message and the `ObjectInfo` read from it, the
 * store's `ObjectStoreStatus` read from its stream's info, the headers of a meta write, and
 * `jsm.streams.listObjectStores()`.
 *
 * Must not: send requests of its own (objectstore.ts and the lister it is given do).
 */
import { TE } from "../encoders.ts";
import { headers, MsgHdrsImpl } from "../headers.ts";
import type { MsgHdrs } from "../types.ts";
import { streamsOfKind } from "./lister.ts";
import type { StreamAPIImpl } from "./streams.ts";
import { JsHeaders, PubHeaders, StoreCompression } from "./types.ts";
import type { Lister, StorageType, StreamInfo } from "./types.ts";
import type {
  ObjectInfo,
  ObjectStoreMeta,
  ObjectStoreMetaOptions,
  ObjectStoreStatus,
} from "./os_types.ts";

/** The prefix of an object store's stream name (ADR-20). */
export const osPrefix = "OBJ_";

/** The bucket of a stream named `OBJ_<bucket>` (other names as they are). */
export function objectStoreBucketName(stream: string): string {
  return stream.startsWith(osPrefix) ? stream.substring(osPrefix.length) : stream;
}

/** The store's status, read from its stream's info. */
export class ObjectStoreStatusImpl implements ObjectStoreStatus {
  readonly backingStore = "JetStream";
  constructor(readonly si: StreamInfo) {}
  get bucket(): string {
    return objectStoreBucketName(this.si.config.name);
  }
  get description(): string {
    return this.si.config.description ?? "";
  }
  get ttl(): number {
    return this.si.config.max_age;
  }
  get storage(): StorageType {
    return this.si.config.storage;
  }
  get replicas(): number {
    return this.si.config.num_replicas;
  }
  get sealed(): boolean {
    return this.si.config.sealed;
  }
  get size(): number {
    return this.si.state.bytes;
  }
  get streamInfo(): StreamInfo {
    return this.si;
  }
  get metadata(): Record<string, string> | undefined {
    return this.si.config.metadata;
  }
  get compression(): boolean {
    const c = this.si.config.compression;
    return c !== undefined && c !== StoreCompression.None;
  }
}

/** The JSON of a meta message (ADR-20's field names). */
export interface ServerObjectInfo {
  name: string;
  description?: string;
  headers?: Record<string, string[]>;
  options?: ObjectStoreMetaOptions;
  metadata?: Record<string, string>;
  bucket: string;
  nuid: string;
  size: number;
  chunks: number;
  digest: string;
  deleted?: boolean;
  mtime: string;
  /** Not stored: the meta message's stream sequence, set when it is read. */
  revision?: number;
}

export class ObjectInfoImpl implements ObjectInfo {
  #headers?: MsgHdrs;
  constructor(readonly info: ServerObjectInfo) {}
  get name(): string {
    return this.info.name;
  }
  get description(): string {
    return this.info.description ?? "";
  }
  get headers(): MsgHdrs {
    this.#headers ??= MsgHdrsImpl.fromRecord(this.info.headers ?? {});
    return this.#headers;
  }
  get options(): ObjectStoreMetaOptions | undefined {
    return this.info.options;
  }
  get bucket(): string {
    return this.info.bucket;
  }
  get chunks(): number {
    return this.info.chunks;
  }
  get deleted(): boolean {
    return this.info.deleted ?? false;
  }
  get digest(): string {
    return this.info.digest;
  }
  get mtime(): string {
    return this.info.mtime;
  }
  get nuid(): string {
    return this.info.nuid;
  }
  get size(): number {
    return this.info.size;
  }
  get revision(): number {
    return this.info.revision ?? 0;
  }
  get metadata(): Record<string, string> {
    return this.info.metadata ?? {};
  }
  isLink(): boolean {
    return this.info.options?.link !== undefined && this.info.options?.link !== null;
  }
}

/** The stored fields of what the user says about an object. */
export function toServerMeta(meta: Partial<ObjectStoreMeta>): Partial<ServerObjectInfo> {
  const v: Partial<ServerObjectInfo> = {
    name: meta.name,
    description: meta.description ?? "",
    options: meta.options,
    metadata: meta.metadata,
  };
  if (meta.headers) v.headers = (meta.headers as MsgHdrsImpl).toRecord();
  return v;
}

/** The JSON of a meta message, without the revision (a read-side value). */
export function metaJson(info: ServerObjectInfo): Uint8Array {
  const copy = { ...info };
  delete copy.revision;
  return TE.encode(JSON.stringify(copy));
}

/** Headers of a meta write: a rollup of the name's subject, maybe a revision to expect. */
export function rollup(previousRevision?: number): MsgHdrs {
  const h = headers();
  if (typeof previousRevision === "number") {
    h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${previousRevision}`);
  }
  h.set(JsHeaders.RollupHdr, JsHeaders.RollupValueSubject);
  return h;
}

/** `jsm.streams.listObjectStores()`: the status of each stream named `OBJ_<bucket>`. */
export function listObjectStores(streams: StreamAPIImpl): Lister<ObjectStoreStatus> {
  return streamsOfKind(streams.list(), osPrefix, (si) => new ObjectStoreStatusImpl(si));
}
