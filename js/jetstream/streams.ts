/**
 * `jsm.streams` (`$JS.API.STREAM.*`): add, update, info (with subject paging), delete, purge,
 * list, names, find, getMessage, deleteMessage and get; the `Stream` handle `get` returns; the
 * `StoredMsg` of STREAM.MSG.GET (base64 data and header block in the JSON reply).
 *
 * Must not: hand out consumers (the Rust consumer machines are not bound yet), or send a request
 * for a name that validation rejects.
 */
import { Empty, TD } from "../encoders.ts";
import { MsgHdrsImpl } from "../headers.ts";
import type { MsgHdrs, ReviverFn } from "../types.ts";
import { BaseApiClient, validateName } from "./api.ts";
import { ListerImpl } from "./lister.ts";
import { listKvs } from "./kv.ts";
import type { KvStatus } from "./kv_types.ts";
import { listObjectStores } from "./os_meta.ts";
import type { ObjectStoreStatus } from "./os_types.ts";
import type {
  ExternalStream,
  Lister,
  MsgDeleteRequest,
  MsgRequest,
  PurgeOpts,
  PurgeResponse,
  StoredMsg,
  Stream,
  StreamAlternate,
  StreamAPI,
  StreamConfig,
  StreamInfo,
  StreamInfoRequestOptions,
  StreamSource,
  StreamUpdateConfig,
} from "./types.ts";

/** A source's `domain` becomes its `external.api` prefix (the server knows no `domain` field). */
function sourceDomain(s?: StreamSource): StreamSource | undefined {
  if (s?.domain === undefined) return s;
  const copy = { ...s };
  delete copy.domain;
  if (s.domain === "") return copy;
  if (copy.external) throw new Error("domain and external are both set");
  copy.external = { api: `$JS.${s.domain}.API` } as ExternalStream;
  return copy;
}

function withSources<T extends Partial<StreamConfig>>(cfg: T): T {
  const c = { ...cfg };
  if (c.mirror) c.mirror = sourceDomain(c.mirror);
  if (c.sources) c.sources = c.sources.map((s) => sourceDomain(s)!);
  return c;
}

/** Flags older servers omit, reported as false (as nats.deno does). */
function fixInfo(si: StreamInfo): void {
  const c = si.config;
  c.sealed ||= false;
  c.deny_delete ||= false;
  c.deny_purge ||= false;
  c.allow_rollup_hdrs ||= false;
}

const validateStream = (name?: string) => validateName("stream", name);

export class StreamAPIImpl extends BaseApiClient implements StreamAPI {
  async add(cfg: Partial<StreamConfig> = {}): Promise<StreamInfo> {
    validateStream(cfg.name);
    const si = await this._request(`${this.prefix}.STREAM.CREATE.${cfg.name}`, withSources(cfg));
    fixInfo(si as StreamInfo);
    return si as StreamInfo;
  }

  /** Reads the current configuration, applies `cfg` over it and sends the whole. */
  async update(name: string, cfg: Partial<StreamUpdateConfig> = {}): Promise<StreamInfo> {
    validateStream(name);
    const old = await this.info(name);
    const update = withSources(Object.assign(old.config, cfg));
    const si = await this._request(`${this.prefix}.STREAM.UPDATE.${name}`, update);
    fixInfo(si as StreamInfo);
    return si as StreamInfo;
  }

  /** With `subjects_filter`, pages through the subject counts and returns them all at once. */
  async info(name: string, opts?: Partial<StreamInfoRequestOptions>): Promise<StreamInfo> {
    validateStream(name);
    const subj = `${this.prefix}.STREAM.INFO.${name}`;
    let si = await this._request(subj, opts) as StreamInfo;
    const subjects = { ...si.state.subjects };
    let have = Object.keys(subjects).length;
    let { total, limit } = si;
    if (total && have > 0 && total > have) {
      const req = { ...opts };
      while (total > have) {
        req.offset = have;
        si = await this._request(subj, req) as StreamInfo;
        const page = si.state.subjects ?? {};
        const count = Object.keys(page).length;
        Object.assign(subjects, page);
        have += count;
        total = si.total;
        if (count < limit || count === 0) break;
        limit = si.limit;
      }
      si.offset = si.total = si.limit = 0;
      si.state.subjects = subjects;
    }
    fixInfo(si);
    return si;
  }

  async delete(stream: string): Promise<boolean> {
    validateStream(stream);
    const r = await this._request(`${this.prefix}.STREAM.DELETE.${stream}`);
    return (r as { success: boolean }).success;
  }

  /** Everything, or by `filter` subject, below sequence `seq`, or all but the `keep` newest. */
  async purge(name: string, opts?: PurgeOpts): Promise<PurgeResponse> {
    const o = opts as { keep?: number; seq?: number } | undefined;
    if (typeof o?.keep === "number" && typeof o?.seq === "number") {
      throw new Error("can specify one of keep or seq");
    }
    validateStream(name);
    return await this._request(`${this.prefix}.STREAM.PURGE.${name}`, opts) as PurgeResponse;
  }

  list(subject = ""): Lister<StreamInfo> {
    return new ListerImpl<StreamInfo>(
      `${this.prefix}.STREAM.LIST`,
      "streams",
      this,
      subject ? { subject } : {},
      fixInfo,
    );
  }

  /** The KV buckets of the account (streams named `KV_<bucket>`). */
  listKvs(): Lister<KvStatus> {
    return listKvs(this);
  }

  /** The object stores of the account (streams named `OBJ_<bucket>`). */
  listObjectStores(): Lister<ObjectStoreStatus> {
    return listObjectStores(this);
  }

  names(subject = ""): Lister<string> {
    return new ListerImpl<string>(
      `${this.prefix}.STREAM.NAMES`,
      "streams",
      this,
      subject ? { subject } : {},
    );
  }

  find(subject: string): Promise<string> {
    return this.findStream(subject);
  }

  /** Removes message `seq`; with `erase` (the default) its bytes are overwritten too. */
  async deleteMessage(stream: string, seq: number, erase = true): Promise<boolean> {
    validateStream(stream);
    const req: MsgDeleteRequest = { seq };
    if (!erase) req.no_erase = true;
    const r = await this._request(`${this.prefix}.STREAM.MSG.DELETE.${stream}`, req);
    return (r as { success: boolean }).success;
  }

  async getMessage(stream: string, query: MsgRequest): Promise<StoredMsg> {
    validateStream(stream);
    const r = await this._request(`${this.prefix}.STREAM.MSG.GET.${stream}`, query);
    return new StoredMsgImpl((r as { message: RawStoredMsg }).message);
  }

  async get(name: string): Promise<Stream> {
    return new StreamImpl(this, await this.info(name));
  }
}

/** The `Stream` handle: a name and a cached StreamInfo, refreshed by `info()`. */
export class StreamImpl implements Stream {
  constructor(readonly api: StreamAPIImpl, public _info: StreamInfo) {}

  get name(): string {
    return this._info.config.name;
  }

  async info(cached = false, opts?: Partial<StreamInfoRequestOptions>): Promise<StreamInfo> {
    if (!cached) this._info = await this.api.info(this.name, opts);
    return this._info;
  }

  async alternates(): Promise<StreamAlternate[]> {
    return (await this.info()).alternates ?? [];
  }

  /** The first alternate (the server lists the nearest first), or this stream. */
  async best(): Promise<Stream> {
    const alt = (await this.info()).alternates;
    return alt?.length ? new StreamImpl(this.api, await this.api.info(alt[0].name)) : this;
  }

  getMessage(query: MsgRequest): Promise<StoredMsg> {
    return this.api.getMessage(this.name, query);
  }

  deleteMessage(seq: number, erase?: boolean): Promise<boolean> {
    return this.api.deleteMessage(this.name, seq, erase);
  }
}

/** The `message` of a STREAM.MSG.GET reply. */
interface RawStoredMsg {
  subject: string;
  seq: number;
  time: string;
  data?: string;
  hdrs?: string;
}

function fromBase64(s: string): Uint8Array {
  const bs = atob(s);
  const out = new Uint8Array(bs.length);
  for (let i = 0; i < bs.length; i++) out[i] = bs.charCodeAt(i);
  return out;
}

export class StoredMsgImpl implements StoredMsg {
  readonly subject: string;
  readonly seq: number;
  readonly timestamp: string;
  readonly data: Uint8Array;
  #hdrs?: string;
  #header?: MsgHdrs;

  constructor(m: RawStoredMsg) {
    this.subject = m.subject;
    this.seq = m.seq;
    this.timestamp = m.time;
    this.data = m.data ? fromBase64(m.data) : Empty;
    this.#hdrs = m.hdrs;
  }

  get time(): Date {
    return new Date(Date.parse(this.timestamp));
  }

  /** Decoded on first use (most reads never look at headers). */
  get header(): MsgHdrs {
    this.#header ??= this.#hdrs ? MsgHdrsImpl.decode(fromBase64(this.#hdrs)) : new MsgHdrsImpl();
    return this.#header;
  }

  json<T = unknown>(reviver?: ReviverFn): T {
    return JSON.parse(this.string(), reviver);
  }

  string(): string {
    return TD.decode(this.data);
  }
}
