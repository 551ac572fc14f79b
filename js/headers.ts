/**
 * Message headers (ADR-4): `MsgHdrsImpl`, `headers(code?, description?)` and
 * `canonicalMIMEHeaderKey`. Keys keep their case; lookups default to `Match.Exact`
 * (case-sensitive), with `Match.IgnoreCase` and `Match.CanonicalMIME` as documented.
 *
 * The wire block (`NATS/1.0 ...\r\n\r\n`) is encoded and decoded by the wasm engine through the
 * hooks installed with `setHeaderWire` (wasm.ts installs them at import; they load the engine on
 * first use), so the header grammar lives in Rust only.
 *
 * Must not: parse or serialise the wire format itself (`toString()` is for display only).
 */
import { Match } from "./enums.ts";
import { ErrorCode, NatsError } from "./errors.ts";
import type { MsgHdrs } from "./types.ts";

/** What the wasm module provides to encode/decode header blocks. */
export interface HeaderWire {
  encode(code: number, description: string, flat: string[]): Uint8Array;
  /**
   * The decoded block as lines, each ended by CRLF (which no piece can hold): the status code,
   * the description, then per key the key, its number of values and the values (Rust
   * `Headers::to_lines`; `MsgHdrsImpl.decode` reads them).
   */
  decode(block: Uint8Array): string;
}

let wire: HeaderWire | null = null;

/** Installs the wire codec (called by wasm.ts when it is imported). */
export function setHeaderWire(w: HeaderWire): void {
  wire = w;
}

function getWire(): HeaderWire {
  if (wire === null) {
    throw new NatsError("the wasm module is not loaded: import mod.ts", ErrorCode.Unknown);
  }
  return wire;
}

/**
 * Canonical MIME form of a header key: upper-cases the first letter and every letter after `-`,
 * lower-cases the rest. Throws BAD_HEADER for a character outside 33..126 or `:`.
 */
export function canonicalMIMEHeaderKey(k: string): string {
  const a = 97, A = 65, Z = 90, z = 122, dash = 45, colon = 58, start = 33, end = 126;
  const toLower = a - A;
  let upper = true;
  let out = "";
  for (let i = 0; i < k.length; i++) {
    let c = k.charCodeAt(i);
    if (c === colon || c < start || c > end) {
      throw new NatsError(
        `'${k[i]}' is not a valid character for a header key`,
        ErrorCode.BadHeader,
      );
    }
    if (upper && a <= c && c <= z) {
      c -= toLower;
    } else if (!upper && A <= c && c <= Z) {
      c += toLower;
    }
    out += String.fromCharCode(c);
    upper = c === dash;
  }
  return out;
}

/**
 * New headers, optionally with a status: `code` and `description` must be both set or both
 * empty.
 */
export function headers(code = 0, description = ""): MsgHdrs {
  if ((code === 0 && description !== "") || (code > 0 && description === "")) {
    throw new NatsError("setting status requires both code and description", ErrorCode.BadHeader);
  }
  return new MsgHdrsImpl(code, description);
}

const HEADER = "NATS/1.0";

/** The MsgHdrs implementation. */
export class MsgHdrsImpl implements MsgHdrs {
  _code: number;
  headers: Map<string, string[]>;
  _description: string;

  constructor(code = 0, description = "") {
    this._code = code;
    this._description = description;
    this.headers = new Map();
  }

  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.headers.entries();
  }

  /** Number of distinct keys. */
  size(): number {
    return this.headers.size;
  }

  /** Same status code and the same values (in any order) under the same keys. */
  equals(mh: MsgHdrsImpl): boolean {
    if (mh && this.headers.size === mh.headers.size && this._code === mh._code) {
      for (const [k, v] of this.headers) {
        const a = mh.values(k);
        if (v.length !== a.length) return false;
        const vv = [...v].sort();
        const aa = [...a].sort();
        for (let i = 0; i < vv.length; i++) {
          if (vv[i] !== aa[i]) return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Decodes a raw header block (via the wasm engine). Throws BAD_HEADER if malformed. */
  static decode(a: Uint8Array): MsgHdrsImpl {
    const lines = getWire().decode(a).split("\r\n");
    const mh = new MsgHdrsImpl(Number(lines[0]), lines[1]);
    // the split leaves "" behind the last CRLF: a key needs its count line after it
    for (let i = 2; i + 1 < lines.length;) {
      const k = lines[i];
      const end = i + 2 + Number(lines[i + 1]);
      const vs = lines.slice(i + 2, end);
      const prev = mh.headers.get(k);
      if (prev) prev.push(...vs);
      else mh.headers.set(k, vs);
      i = end;
    }
    return mh;
  }

  /** A readable rendering of the header block ("" with no keys and no status). */
  toString(): string {
    if (this.headers.size === 0 && this._code === 0) return "";
    let s = HEADER;
    if (this._code > 0 && this._description !== "") {
      s += ` ${this._code} ${this._description}`;
    }
    for (const [k, v] of this.headers) {
      for (let i = 0; i < v.length; i++) s = `${s}\r\n${k}: ${v[i]}`;
    }
    return `${s}\r\n\r\n`;
  }

  /** The wire block (via the wasm engine). */
  encode(): Uint8Array {
    return encodeHeaderBlock(this);
  }

  /** Trims a value; `\r` or `\n` in it throw BAD_HEADER. */
  static validHeaderValue(k: string): string {
    if (/[\r\n]/.test(k)) {
      throw new NatsError(
        "invalid header value - \\r and \\n are not allowed.",
        ErrorCode.BadHeader,
      );
    }
    return k.trim();
  }

  keys(): string[] {
    return Array.from(this.headers.keys());
  }

  private findKeys(k: string, match: Match = Match.Exact): string[] {
    const keys = this.keys();
    switch (match) {
      case Match.Exact:
        return keys.filter((v) => v === k);
      case Match.CanonicalMIME: {
        const ck = canonicalMIMEHeaderKey(k);
        return keys.filter((v) => v === ck);
      }
      default: {
        const lci = k.toLowerCase();
        return keys.filter((v) => lci === v.toLowerCase());
      }
    }
  }

  /** The first value of the first matching key, or "". */
  get(k: string, match: Match = Match.Exact): string {
    if (match === Match.Exact) {
      const v = this.headers.get(k);
      return v && v.length ? v[0] : "";
    }
    const keys = this.findKeys(k, match);
    if (keys.length) {
      const v = this.headers.get(keys[0]);
      if (v && v.length) return v[0];
    }
    return "";
  }

  /** The last value of the first matching key, or "". */
  last(k: string, match: Match = Match.Exact): string {
    const keys = this.findKeys(k, match);
    if (keys.length) {
      const v = this.headers.get(keys[0]);
      if (v && v.length) return v[v.length - 1];
    }
    return "";
  }

  has(k: string, match: Match = Match.Exact): boolean {
    if (match === Match.Exact) return this.headers.has(k);
    return this.findKeys(k, match).length > 0;
  }

  /** Replaces every matching key with `k: v`. */
  set(k: string, v: string, match: Match = Match.Exact): void {
    this.delete(k, match);
    this.append(k, v, match);
  }

  /**
   * Adds a value. The key is validated like `canonicalMIMEHeaderKey` but stored as given (or
   * canonicalised with `Match.CanonicalMIME`); an existing matching key receives the value.
   */
  append(k: string, v: string, match: Match = Match.Exact): void {
    const ck = canonicalMIMEHeaderKey(k);
    if (match === Match.CanonicalMIME) k = ck;
    const keys = this.findKeys(k, match);
    k = keys.length > 0 ? keys[0] : k;
    const value = MsgHdrsImpl.validHeaderValue(v);
    let a = this.headers.get(k);
    if (!a) {
      a = [];
      this.headers.set(k, a);
    }
    a.push(value);
  }

  /** Every value of every matching key. */
  values(k: string, match: Match = Match.Exact): string[] {
    const buf: string[] = [];
    for (const key of this.findKeys(k, match)) {
      const values = this.headers.get(key);
      if (values) buf.push(...values);
    }
    return buf;
  }

  delete(k: string, match: Match = Match.Exact): void {
    for (const key of this.findKeys(k, match)) this.headers.delete(key);
  }

  /** True for a status code of 300 or more. */
  get hasError(): boolean {
    return this._code >= 300;
  }

  /** `"<code> <description>"`, trimmed. */
  get status(): string {
    return `${this._code} ${this._description}`.trim();
  }

  get code(): number {
    return this._code;
  }

  get description(): string {
    return this._description;
  }

  /** `{key: values[]}`. */
  toRecord(): Record<string, string[]> {
    const data: Record<string, string[]> = {};
    for (const k of this.keys()) data[k] = this.values(k);
    return data;
  }

  static fromRecord(r: Record<string, string[]>): MsgHdrsImpl {
    const h = new MsgHdrsImpl();
    for (const k in r) h.headers.set(k, r[k]);
    return h;
  }
}

/**
 * Encodes any MsgHdrs (MsgHdrsImpl or a user implementation) into a wire block through the wasm
 * engine. Throws BAD_HEADER for invalid keys or values.
 */
export function encodeHeaderBlock(h: MsgHdrs): Uint8Array {
  const flat: string[] = [];
  const map = h instanceof MsgHdrsImpl ? h.headers : null;
  for (const [k, vs] of map ?? h) {
    for (let i = 0; i < vs.length; i++) flat.push(k, vs[i]);
  }
  const code = h.code || 0;
  const description = h.description || "";
  // an empty block (a caller's empty headers object) is encoded once
  if (flat.length === 0 && code === 0 && description === "") {
    return emptyBlock ??= getWire().encode(0, "", flat);
  }
  return getWire().encode(code, description, flat);
}

/** The encoded empty header block (read-only: callers only pass it to the engine, which copies). */
let emptyBlock: Uint8Array | undefined;
