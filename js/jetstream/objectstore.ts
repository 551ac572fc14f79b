/**
 * `js.views.os(bucket)`: nats.deno's ObjectStore over JetStream (ADR-20, docs/jetstream.md
 * "ObjectStore"). An object is a run of chunk messages on `$O.<bucket>.C.<nuid>` plus one meta
 * message (JSON, `Nats-Rollup: sub`) on `$O.<bucket>.M.<base64url of the name>`, both in the
 * stream `OBJ_<bucket>`. The meta JSON and the status are in os_meta.ts; the SHA-256 (in the
 * engine) and a get's data stream in os_data.ts.
 *
 * Memory does not grow with the object: `put` reads the user's stream one value at a time and
 * keeps at most `PUT_WINDOW` chunks unacknowledged; `get`'s data stream takes a chunk only when
 * its reader pulls, and it reads over an ordered pull consumer that keeps at most `GET_WINDOW`
 * chunks (of the default size; their bytes for smaller ones) requested, pulling more only as the
 * reader drains them.
 *
 * Must not: resolve a get whose bytes do not match the stored digest (the data stream errors and
 * `error` settles with the reason), hash in JavaScript, or hold a whole object in memory (only
 * `getBlob`/`putBlob`, which the user asks for, do).
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { TD, TE } from "../encoders.ts";
import { nuid } from "../nuid.ts";
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import type { QueuedIterator } from "../types.ts";
import { deferred } from "../util.ts";
import { base64UrlEncode, digestDrop, digestFinish, digestStart } from "./engine.ts";
import type { JetStreamClientImpl } from "./client.ts";
import { consumerOpts } from "./consumer_opts.ts";
import type { JsMsg } from "./jsmsg.ts";
import { chunkStream, hashChunk } from "./os_data.ts";
import {
  metaJson,
  ObjectInfoImpl,
  ObjectStoreStatusImpl,
  osPrefix,
  rollup,
  type ServerObjectInfo,
  toServerMeta,
} from "./os_meta.ts";
import { StreamAPIImpl } from "./streams.ts";
import { DiscardPolicy, StoreCompression } from "./types.ts";
import type {
  ConsumerMessages,
  PubAck,
  PurgeResponse,
  StreamConfig,
  StreamInfo,
  StreamInfoRequestOptions,
} from "./types.ts";
import type {
  ObjectInfo,
  ObjectResult,
  ObjectStore,
  ObjectStoreMeta,
  ObjectStoreOptions,
  ObjectStorePutOpts,
  ObjectStoreStatus,
} from "./os_types.ts";

/** Bytes per chunk unless the meta says otherwise (ADR-20, nats.deno), capped by max_payload. */
const DEFAULT_CHUNK = 128 * 1024;
/**
 * Chunks of the default size a get keeps requested ahead of its reader (8 of 128 KiB = 1 MiB):
 * enough to keep the server streaming while the reader hashes, small enough that a get holds
 * about two windows of memory. Smaller chunks get more of them (the same bytes); a refill pull
 * leaves when half the window is read, asking for that half.
 */
const GET_WINDOW = 8;
/** max_payload when the server's INFO is not known yet, bytes (nats.deno's fallback). */
const FALLBACK_MAX_PAYLOAD = 1024;
/**
 * Chunks a put keeps published but unacknowledged, so memory holds at most this many chunks (1 MiB
 * at the default size) while acks overlap the next chunks' publishing; nats.deno keeps them all.
 */
const PUT_WINDOW = 8;
/** Bucket names ADR-8/ADR-20 allow. */
const VALID_BUCKET = /^[-\w]+$/;

function invalid(message: string): NatsError {
  return new NatsError(message, ErrorCode.InvalidOption);
}

/** Throws unless `bucket` is a usable store name. */
export function validateBucket(bucket: string): void {
  if (typeof bucket !== "string" || !VALID_BUCKET.test(bucket)) {
    throw invalid(`invalid bucket name: ${bucket}`);
  }
}

export { objectStoreBucketName, osPrefix } from "./os_meta.ts";

/** `OBJ_<bucket>`, after checking the bucket's name. */
export function objectStoreStreamName(bucket: string): string {
  validateBucket(bucket);
  return `${osPrefix}${bucket}`;
}

/** An object's name must not be empty (ADR-20 allows any other text). */
function checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0) throw invalid("name cannot be empty");
}

export class ObjectStoreImpl implements ObjectStore {
  readonly stream: string;
  readonly streams: StreamAPIImpl;

  constructor(readonly name: string, readonly js: JetStreamClientImpl) {
    this.stream = objectStoreStreamName(name);
    this.streams = new StreamAPIImpl(js.nc, js.opts);
  }

  _chunkSubject(id: string): string {
    return `$O.${this.name}.C.${id}`;
  }

  _metaSubject(name: string): string {
    return `$O.${this.name}.M.${base64UrlEncode(name)}`;
  }

  _metaSubjectAll(): string {
    return `$O.${this.name}.M.>`;
  }

  /** Creates the stream unless it exists (nats.deno's options and stream settings). */
  async init(opts: Partial<ObjectStoreOptions>): Promise<void> {
    const o = { ...opts };
    const max_age = o.ttl || 0;
    delete o.ttl;
    const compression = o.compression;
    delete o.compression;
    const replicas = o.replicas ?? 1;
    delete (o as Partial<{ replicas: number }>).replicas;
    const sc = { ...o, max_age } as unknown as Partial<StreamConfig>;
    sc.name = this.stream;
    sc.num_replicas = replicas;
    sc.allow_direct = true;
    sc.allow_rollup_hdrs = true;
    sc.discard = DiscardPolicy.New;
    sc.subjects = [`$O.${this.name}.C.>`, `$O.${this.name}.M.>`];
    if (typeof compression === "boolean") {
      sc.compression = compression ? StoreCompression.S2 : StoreCompression.None;
    }
    try {
      await this.streams.info(this.stream);
    } catch (err) {
      if ((err as Error).message !== "stream not found") throw err;
      await this.streams.add(sc);
    }
  }

  /** The meta message of `name` as stored, or null when there is none. */
  async rawInfo(name: string): Promise<ServerObjectInfo | null> {
    checkName(name);
    let m;
    try {
      m = await this.streams.getMessage(this.stream, { last_by_subj: this._metaSubject(name) });
    } catch (err) {
      if ((err as NatsError).code === "404") return null;
      throw err;
    }
    let soi: ServerObjectInfo;
    try {
      soi = JSON.parse(TD.decode(m.data));
    } catch (err) {
      throw new NatsError(
        `object store ${this.name}: the meta entry of '${name}' (seq ${m.seq}) is not JSON`,
        ErrorCode.BadJson,
        err as Error,
      );
    }
    if (soi === null || typeof soi !== "object") {
      throw new NatsError(
        `object store ${this.name}: the meta entry of '${name}' (seq ${m.seq}) is not an object`,
        ErrorCode.BadJson,
      );
    }
    soi.revision = m.seq;
    return soi;
  }

  async info(name: string): Promise<ObjectInfo | null> {
    const info = await this.rawInfo(name);
    return info ? new ObjectInfoImpl(info) : null;
  }

  async list(): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const iter = await this.watch({ ignoreDeletes: true, includeHistory: true });
    for await (const info of iter) {
      // null marks the end of the current entries
      if (info === null) break;
      out.push(info);
    }
    return out;
  }

  async _si(opts?: Partial<StreamInfoRequestOptions>): Promise<StreamInfo | null> {
    try {
      return await this.streams.info(this.stream, opts);
    } catch (err) {
      if ((err as NatsError).code === "404") return null;
      throw err;
    }
  }

  async seal(): Promise<ObjectStoreStatus> {
    const info = await this._si();
    if (info === null) throw new Error("object store not found");
    info.config.sealed = true;
    return new ObjectStoreStatusImpl(await this.streams.update(this.stream, info.config));
  }

  async status(opts?: Partial<StreamInfoRequestOptions>): Promise<ObjectStoreStatus> {
    const info = await this._si(opts);
    if (info === null) throw new Error("object store not found");
    return new ObjectStoreStatusImpl(info);
  }

  destroy(): Promise<boolean> {
    return this.streams.delete(this.stream);
  }

  async _put(
    meta: ObjectStoreMeta,
    rs: ReadableStream<Uint8Array> | null,
    opts: ObjectStorePutOpts = {},
  ): Promise<ObjectInfo> {
    meta = meta ?? {} as ObjectStoreMeta;
    checkName(meta.name);
    const timeout = opts.timeout || this.js.timeout;
    const maxPayload = this.js.nc.info?.max_payload || FALLBACK_MAX_PAYLOAD;
    const options = { ...meta.options };
    const chunkSize = Math.min(options.max_chunk_size || DEFAULT_CHUNK, maxPayload);
    options.max_chunk_size = chunkSize;
    meta = { ...meta, options };

    const old = await this.info(meta.name);
    const id = nuid.next();
    const chunkSubj = this._chunkSubject(id);
    const info = {
      bucket: this.name,
      nuid: id,
      size: 0,
      chunks: 0,
      ...toServerMeta(meta),
    } as ServerObjectInfo;

    const digest = digestStart("");
    const inflight: Promise<PubAck>[] = [];
    const publish = async (payload: Uint8Array) => {
      hashChunk(digest, payload);
      info.chunks++;
      info.size += payload.length;
      const p = this.js.publish(chunkSubj, payload, { timeout });
      // awaited below, in order; this only keeps a failure from counting as unhandled meanwhile
      p.catch(() => {});
      inflight.push(p);
      if (inflight.length >= PUT_WINDOW) await inflight.shift();
    };
    const reader = rs?.getReader();
    try {
      const buf = new Uint8Array(chunkSize);
      let fill = 0;
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!(value instanceof Uint8Array)) {
          throw invalid("put: the stream must yield Uint8Array values");
        }
        for (let off = 0; off < value.length;) {
          if (fill === 0 && value.length - off >= chunkSize) {
            // a whole chunk inside the value goes as a view: hashing and publishing (one
            // attempt, no retry) both copy the bytes before they return, so neither a copy here
            // nor a later change of the value by its producer matters; `buf` is reused likewise
            await publish(value.subarray(off, off + chunkSize));
            off += chunkSize;
            continue;
          }
          const n = Math.min(chunkSize - fill, value.length - off);
          buf.set(value.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === chunkSize) {
            await publish(buf);
            fill = 0;
          }
        }
      }
      if (fill > 0) await publish(buf.subarray(0, fill));
      await Promise.all(inflight);
      info.digest = digestFinish(digest);
      info.mtime = new Date().toISOString();
      info.deleted = false;
      const pa = await this.js.publish(this._metaSubject(meta.name), metaJson(info), {
        headers: rollup(opts.previousRevision ?? undefined),
        timeout,
      });
      info.revision = pa.seq;
    } catch (err) {
      digestDrop(digest);
      reader?.cancel(err).catch(() => {});
      // the chunks published so far belong to no object: remove them
      await this.streams.purge(this.stream, { filter: chunkSubj }).catch(() => {});
      throw err;
    }
    if (old && old.nuid && old.nuid !== id) {
      // the new object is live; a failure here leaves stale chunks, not a failed put
      await this.streams.purge(this.stream, { filter: this._chunkSubject(old.nuid) })
        .catch(() => {});
    }
    return new ObjectInfoImpl(info);
  }

  put(
    meta: ObjectStoreMeta,
    rs: ReadableStream<Uint8Array> | null,
    opts?: ObjectStorePutOpts,
  ): Promise<ObjectInfo> {
    if (meta?.options?.link) {
      return Promise.reject(invalid("link cannot be set when putting the object in bucket"));
    }
    return this._put(meta, rs, opts);
  }

  putBlob(
    meta: ObjectStoreMeta,
    data: Uint8Array | null,
    opts?: ObjectStorePutOpts,
  ): Promise<ObjectInfo> {
    const bytes = data ?? new Uint8Array(0);
    const rs = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(bytes);
        c.close();
      },
    });
    return this.put(meta, rs, opts);
  }

  async getBlob(name: string): Promise<Uint8Array | null> {
    const r = await this.get(name);
    if (r === null) return null;
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = r.data.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        size += value.length;
      }
    } catch (err) {
      // the reason is also `error`'s; prefer it (it is the same error)
      throw (await r.error) ?? err;
    }
    const err = await r.error;
    if (err) throw err;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async get(name: string): Promise<ObjectResult | null> {
    const info = await this.rawInfo(name);
    if (info === null || info.deleted) return null;
    const link = info.options?.link;
    if (link) {
      const ln = link.name || "";
      if (ln === "") throw new Error("link is a bucket");
      const os = link.bucket !== this.name ? await openObjectStore(this.js, link.bucket, {}) : this;
      return os.get(ln);
    }
    // a stored digest that cannot be checked against fails here, before anything is read
    const digest = digestStart(info.digest ?? "");
    const error = deferred<Error | null>();
    const oi = new ObjectInfoImpl(info);
    if (info.size === 0) {
      let finished: Error | null = null;
      try {
        digestFinish(digest);
      } catch (err) {
        finished = err as Error;
      }
      error.resolve(finished);
      const data = new ReadableStream<Uint8Array>({
        start(c) {
          if (finished) c.error(finished);
          else c.close();
        },
      });
      return { info: oi, data, error };
    }
    // An ordered pull consumer that keeps at most a window of chunks requested: the next pull
    // goes out only as the reader drains them, so memory is bounded by the window, not by the
    // object (a push consumer's flow-control window grows to 16 MiB and more). The window counts
    // messages, not bytes: a byte-limited pull ends in a 409 status when the next chunk does not
    // fit, and each such end drew another pull, about three pull requests per chunk read (the
    // client's and the server's CPU, measured: ~10% of a get's time).
    let msgs: ConsumerMessages;
    try {
      const size = Number(info.options?.max_chunk_size);
      const chunk = Number.isFinite(size) && size > 0 ? size : DEFAULT_CHUNK;
      const window = Math.max(1, Math.floor((GET_WINDOW * Math.max(chunk, DEFAULT_CHUNK)) / chunk));
      const c = await this.js.consumers.get(this.stream, {
        filterSubjects: [this._chunkSubject(info.nuid)],
      });
      msgs = await c.consume({
        max_messages: window,
        threshold_messages: Math.floor(window / 2),
      });
    } catch (err) {
      digestDrop(digest);
      throw err;
    }
    const data = chunkStream(msgs, () => msgs.stop(), digest, info, error);
    return { info: oi, data, error };
  }

  async linkStore(name: string, bucket: ObjectStore): Promise<ObjectInfo> {
    if (!(bucket instanceof ObjectStoreImpl)) throw invalid("bucket required");
    checkName(name);
    return await this._put({ name, options: { link: { bucket: bucket.name } } }, null);
  }

  async link(name: string, info: ObjectInfo): Promise<ObjectInfo> {
    checkName(name);
    if (info.deleted) throw new Error("src object is deleted");
    if ((info as ObjectInfoImpl).isLink?.() ?? info.options?.link) {
      throw new Error("src object is a link");
    }
    const dest = await this.rawInfo(name);
    if (dest !== null && !dest.deleted) {
      throw new Error("an object already exists with that name");
    }
    const mm = {
      name,
      bucket: info.bucket,
      options: { link: { bucket: info.bucket, name: info.name } },
    };
    await this.js.publish(this._metaSubject(name), TE.encode(JSON.stringify(mm)), {
      headers: rollup(),
    });
    return (await this.info(name))!;
  }

  async delete(name: string): Promise<PurgeResponse> {
    const info = await this.rawInfo(name);
    if (info === null) return { purged: 0, success: false };
    info.deleted = true;
    info.size = 0;
    info.chunks = 0;
    info.digest = "";
    await this.js.publish(this._metaSubject(info.name), metaJson(info), { headers: rollup() });
    return await this.streams.purge(this.stream, { filter: this._chunkSubject(info.nuid) });
  }

  async update(name: string, meta: Partial<ObjectStoreMeta> = {}): Promise<PubAck> {
    const info = await this.rawInfo(name);
    if (info === null) throw new Error("object not found");
    if (info.deleted) throw new Error("cannot update meta for a deleted object");
    meta = { ...meta, name: meta.name ?? info.name };
    checkName(meta.name!);
    if (name !== meta.name) {
      const i = await this.info(meta.name!);
      if (i && !i.deleted) throw new Error("an object already exists with that name");
    }
    const ii = { ...info, ...toServerMeta(meta) } as ServerObjectInfo;
    const ack = await this.js.publish(this._metaSubject(ii.name), metaJson(ii), {
      headers: rollup(),
    });
    if (name !== meta.name) {
      await this.streams.purge(this.stream, { filter: this._metaSubject(name) });
    }
    return ack;
  }

  async watch(
    opts: Partial<{ ignoreDeletes?: boolean; includeHistory?: boolean }> = {},
  ): Promise<QueuedIterator<ObjectInfo | null>> {
    const includeHistory = opts.includeHistory ?? false;
    const ignoreDeletes = opts.ignoreDeletes ?? false;
    let initialized = false;
    const qi = new QueuedIteratorImpl<ObjectInfo | null>();
    const subj = this._metaSubjectAll();
    try {
      await this.streams.getMessage(this.stream, { last_by_subj: subj });
    } catch (err) {
      if ((err as NatsError).code !== "404") throw err;
      // an empty store: the current entries are all in
      qi.push(null);
      initialized = true;
    }
    const oc = consumerOpts();
    oc.orderedConsumer();
    if (includeHistory) {
      oc.deliverLastPerSubject();
    } else {
      // only changes from now on: nothing current to report
      initialized = true;
      oc.deliverNew();
    }
    oc.callback((err: NatsError | null, jm: JsMsg | null) => {
      if (err) {
        qi.stop(err);
        return;
      }
      if (jm === null) return;
      let soi: ServerObjectInfo;
      try {
        soi = jm.json<ServerObjectInfo>();
      } catch (e) {
        qi.stop(
          new NatsError(
            `object store ${this.name}: a meta entry (seq ${jm.seq}) is not JSON`,
            ErrorCode.BadJson,
            e as Error,
          ),
        );
        return;
      }
      soi.revision = jm.seq;
      if (!(soi.deleted && ignoreDeletes)) qi.push(new ObjectInfoImpl(soi));
      if (!initialized && jm.info.pending === 0) {
        initialized = true;
        qi.push(null);
      }
    });
    const sub = await this.js.subscribe(subj, oc);
    qi.onStop = () => sub.unsubscribe();
    sub.closed.then(() => qi.stop(), (err) => qi.stop(err));
    return qi;
  }
}

/** `js.views.os(name, opts)`: the store, its stream created when it does not exist yet. */
export async function openObjectStore(
  js: JetStreamClientImpl,
  name: string,
  opts: Partial<ObjectStoreOptions>,
): Promise<ObjectStore> {
  const os = new ObjectStoreImpl(name, js);
  await os.init(opts);
  return os;
}
