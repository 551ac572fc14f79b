/**
 * `MsgImpl`: a received message as a lazy view over one batch, built from its MSG or REPLY record
 * (layout in records.ts). It keeps the arena copy with its subject and reply, the buffer that
 * holds its header block and payload (the socket's frame, or the arena when the message spanned
 * frames) and their offsets; `subject`/`reply` are decoded on first access (ASCII fast path),
 * `data` is a subarray of that buffer, `headers` are decoded by the wasm engine on first access.
 * `respond()`, `json()`, `string()`, `size()`.
 *
 * Must not: copy bytes (the arena was copied once per batch, the frame never), decode anything
 * eagerly, or hold a reference into wasm memory.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { decodeAscii, Empty, TD } from "./encoders.ts";
import { MsgHdrsImpl } from "./headers.ts";
import {
  BODY_IN_ARENA,
  F_HEADERS,
  F_PAYLOAD,
  F_REPLY,
  F_SUBJECT,
  K_MSG,
  W_BODY,
  W_EXTRA,
  W_ID,
  W_KIND,
  W_LEN0,
  W_OFF,
} from "./records.ts";
import type { Msg, MsgHdrs, Payload, Publisher, PublishOptions, ReviverFn } from "./types.ts";

/** The parsed `Nats-Request-Info` header (nats.deno `RequestInfo`). */
export type RequestInfo = {
  acc: string;
  rtt: number;
  start?: Date;
  host?: string;
  id?: string;
  svc?: string;
  user?: string;
  name?: string;
  lang?: string;
  ver?: string;
  server?: string;
  cluster?: string;
  alts?: string[];
  stop?: Date;
  jwt?: string;
  "issuer_key"?: string;
  "name_tag"?: string;
  tags?: string[];
  "client_type"?: string;
  "client_id"?: string;
  nonce?: string;
};

/** A message backed by a batch arena copy. */
export class MsgImpl implements Msg {
  /** The subscription id (0 for a reply delivered to a request). */
  sid: number;
  /** Status code the engine found in the header block (0 if none). */
  statusCode: number;
  private _buf: Uint8Array;
  private _off: number;
  /** The buffer of the header block and payload, and where the header block starts in it. */
  private _body: Uint8Array;
  private _bo: number;
  private _sl: number;
  private _rl: number;
  private _hl: number;
  private _dl: number;
  private _pub: Publisher;
  private _subject: string | undefined;

  /** The connection this message came through (JetStream's `ackAck` sends its request there). */
  get publisher(): Publisher {
    return this._pub;
  }

  private _reply: string | undefined;
  private _data: Uint8Array | undefined;
  private _headers: MsgHdrs | undefined;

  /**
   * The message of the MSG or REPLY record at word `i` of `records`, whose bytes are in `buf`
   * (a JS-owned copy of the batch arena) and, when its body stayed there, in `frame`.
   */
  constructor(
    pub: Publisher,
    records: Uint32Array,
    i: number,
    buf: Uint8Array,
    frame: Uint8Array | undefined,
  ) {
    this._pub = pub;
    this.sid = records[i + W_KIND] === K_MSG ? records[i + W_ID] : 0;
    this._buf = buf;
    this._off = records[i + W_OFF];
    this._sl = records[i + W_LEN0 + F_SUBJECT];
    this._rl = records[i + W_LEN0 + F_REPLY];
    this._hl = records[i + W_LEN0 + F_HEADERS];
    this._dl = records[i + W_LEN0 + F_PAYLOAD];
    this.statusCode = records[i + W_EXTRA];
    const at = records[i + W_BODY];
    if (at === BODY_IN_ARENA) {
      this._body = buf;
      this._bo = this._off + this._sl + this._rl;
    } else {
      this._body = frame!;
      this._bo = at;
    }
    this._subject = undefined;
    this._reply = undefined;
    this._data = undefined;
    this._headers = undefined;
  }

  get subject(): string {
    let s = this._subject;
    if (s === undefined) s = this._subject = decodeAscii(this._buf, this._off, this._sl);
    return s;
  }

  /**
   * @internal The subject from byte `skip` on, decoded without the bytes before it (a KV entry's
   * key after its `$KV.<bucket>.` prefix), or cut from the subject once that is decoded. The
   * bytes skipped must be ASCII, so that bytes and characters count alike.
   */
  subjectFrom(skip: number): string {
    const s = this._subject;
    if (s !== undefined) return s.substring(skip);
    if (skip >= this._sl) return "";
    return decodeAscii(this._buf, this._off + skip, this._sl - skip);
  }

  /** The reply subject ("" when the message has none, as in nats.deno). */
  get reply(): string {
    let r = this._reply;
    if (r === undefined) {
      r = this._reply = decodeAscii(this._buf, this._off + this._sl, this._rl);
    }
    return r;
  }

  /**
   * @internal Copies the reply subject's bytes to the start of `dst` (JetStream's staged ack
   * parser reads them there, with no string made): their count, or -1 when they do not fit.
   */
  copyReply(dst: Uint8Array): number {
    const n = this._rl;
    if (n > dst.length) return -1;
    const at = this._off + this._sl;
    dst.set(this._buf.subarray(at, at + n));
    return n;
  }

  get data(): Uint8Array {
    let d = this._data;
    if (d === undefined) {
      if (this._dl === 0) {
        d = Empty;
      } else {
        const start = this._bo + this._hl;
        d = this._body.subarray(start, start + this._dl);
      }
      this._data = d;
    }
    return d;
  }

  get headers(): MsgHdrs | undefined {
    if (this._hl === 0) return undefined;
    let h = this._headers;
    if (h === undefined) {
      const start = this._bo;
      h = this._headers = MsgHdrsImpl.decode(this._body.subarray(start, start + this._hl));
    }
    return h;
  }

  respond(payload: Payload = Empty, opts?: PublishOptions): boolean {
    const reply = this.reply;
    if (reply) {
      this._pub.publish(reply, payload, opts);
      return true;
    }
    return false;
  }

  /** Bytes of subject, reply, header block and payload. */
  size(): number {
    return this._sl + this._rl + this._hl + this._dl;
  }

  json<T>(reviver?: ReviverFn): T {
    try {
      return JSON.parse(TD.decode(this.data), reviver);
    } catch (err) {
      throw NatsError.errorForCode(ErrorCode.BadJson, err as Error);
    }
  }

  string(): string {
    return TD.decode(this.data);
  }

  /** The parsed `Nats-Request-Info` header, or null. */
  requestInfo(): RequestInfo | null {
    const v = this.headers?.get("Nats-Request-Info");
    if (v) {
      return JSON.parse(v, function (key, value) {
        if ((key === "start" || key === "stop") && value !== "") {
          return new Date(Date.parse(value));
        }
        return value;
      });
    }
    return null;
  }
}
