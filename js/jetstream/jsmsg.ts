/**
 * `JsMsg`: a message a JetStream consumer delivered, with nats.deno v1's acknowledgement methods
 * (`ack`, `nak`, `working`, `term`, `ackAck`, `next`) and its `DeliveryInfo`, read lazily from the
 * `$JS.ACK` reply subject by the wasm parser (docs/jetstream.md "Ack subjects", "Ack bodies").
 * `toJsMsg(m, ackTimeout)` wraps any received `Msg`; `ackNumbers(reply)` gives the parser's
 * numbers alone, for readers that need a few per message and no `DeliveryInfo` (KV).
 *
 * Only the first terminal ack (`ack`, `nak`, `term`, `ackAck`) is sent; `working` may repeat and
 * `next` is always sent (nats.deno's `didAck` rule).
 *
 * Must not: parse the reply subject before `info`/`seq`/`redelivered` is read, parse it in
 * TypeScript (the one parser is `src/jetstream/ack.rs`), or copy the message's bytes.
 */
import { TE } from "../encoders.ts";
import { ErrorCode, NatsError, toNatsError } from "../errors.ts";
import { nanos } from "../util.ts";
import type { MsgImpl } from "../msg.ts";
import { ackStage, parseAckStaged, parseAckSubject } from "./engine.ts";
import { wasmMemory } from "../wasm.ts";
import type { Msg, MsgHdrs, Payload, RequestOptions } from "../types.ts";
import type { PullOptions } from "./types.ts";

/** What a JetStream message's reply subject says about it (nats.deno `DeliveryInfo`). */
export interface DeliveryInfo {
  /** The JetStream domain; "" when none. */
  domain: string;
  /** The account hash of the v2 subject form; "" in the v1 form. */
  "account_hash"?: string;
  stream: string;
  consumer: string;
  /** The same value as `deliveryCount` (nats.deno keeps both names). */
  redeliveryCount: number;
  /** How many times the message was delivered (1 the first time). */
  deliveryCount: number;
  streamSequence: number;
  /** The consumer's sequence for this delivery. */
  deliverySequence: number;
  /**
   * When the message was stored, in nanoseconds since the epoch, rounded to the nearest double
   * (about 256 ns apart today), as nats.deno's `parseInt` rounds it.
   */
  timestampNanos: number;
  /** Messages left for the consumer after this one. */
  pending: number;
  /** `deliveryCount > 1`. */
  redelivered: boolean;
}

/** The `next()` options (the `batch`, `no_wait` and `expires` (ms) of nats.deno `PullOptions`). */
export interface JsMsgNextOptions {
  batch: number;
  "no_wait": boolean;
  /** Milliseconds the server keeps the pull open. */
  expires: number;
}

/** A message stored in JetStream (nats.deno `JsMsg`). */
export interface JsMsg {
  /** True if the message was delivered before. */
  redelivered: boolean;
  /** The delivery info, parsed from the reply subject on first access. */
  info: DeliveryInfo;
  /** The stream sequence of the message. */
  seq: number;
  headers: MsgHdrs | undefined;
  data: Uint8Array;
  /** The subject the message was published to. */
  subject: string;
  /** @ignore */
  sid: number;
  /** Tells the server the message was processed (`+ACK`). */
  ack(): void;
  /** Asks for a redelivery, after `millis` when given (`-NAK`). */
  nak(millis?: number): void;
  /** Restarts the server's ack timer for this message (`+WPI`); may be repeated. */
  working(): void;
  /** Acks and asks for the next messages, delivered to `subj` (`+NXT`). Experimental in nats.deno. */
  next(subj?: string, opts?: Partial<JsMsgNextOptions>): void;
  /** Tells the server never to redeliver the message (`+TERM`); `reason` needs server 2.11+. */
  term(reason?: string): void;
  /**
   * Acks as a request: resolves true when the server confirms, false when the message was already
   * acked or has no reply subject; rejects with the request's error (TIMEOUT).
   */
  ackAck(opts?: Partial<{ timeout: number }>): Promise<boolean>;
  /** The payload parsed as JSON (throws BAD_JSON). */
  json<T>(): T;
  /** The payload decoded as UTF-8. */
  string(): string;
}

/** Wraps `m`; `ackTimeout` (ms) is `ackAck`'s default timeout. */
export function toJsMsg(m: Msg, ackTimeout = 5000): JsMsg {
  return new JsMsgImpl(m, ackTimeout);
}

// The constant bodies (docs/jetstream.md "Ack bodies"). The delay and next bodies are a few
// characters of JSON: TypeScript writes them with no crossing into wasm.
const ACK = TE.encode("+ACK");
const NAK = TE.encode("-NAK");
const WPI = TE.encode("+WPI");
const TERM = TE.encode("+TERM");

/** The body of `nak(millis)`: a delay of 0 or none is the bare `-NAK`, as in nats.deno. */
export function nakBody(millis?: number): Uint8Array {
  return millis ? TE.encode(`-NAK ${JSON.stringify({ delay: nanos(millis) })}`) : NAK;
}

/** The body of `term(reason)`: "" or none is the bare `+TERM`. */
export function termBody(reason = ""): Uint8Array {
  return reason?.length > 0 ? TE.encode(`+TERM ${reason}`) : TERM;
}

/**
 * The JSON fields of a pull request (`+NXT`, a legacy `pull()`, `js.fetch`): batch 0 or none is
 * 1, `no_wait` false unless set; `max_bytes`, `expires` and `idle_heartbeat` (ms here, ns on the
 * wire) only when positive.
 */
export function pullArgs(opts: Partial<PullOptions>): Record<string, unknown> {
  const args: Record<string, unknown> = { batch: opts.batch || 1, no_wait: opts.no_wait || false };
  if ((opts.max_bytes ?? 0) > 0) args.max_bytes = opts.max_bytes;
  if (opts.expires && opts.expires > 0) args.expires = nanos(opts.expires);
  if (opts.idle_heartbeat && opts.idle_heartbeat > 0) {
    args.idle_heartbeat = nanos(opts.idle_heartbeat);
  }
  return args;
}

/** The body of `next(subj, opts)`: a pull request's fields (`pullArgs`) after `+NXT `. */
export function nextBody(opts: Partial<JsMsgNextOptions> = { batch: 1 }): Uint8Array {
  return TE.encode(`+NXT ${JSON.stringify(pullArgs(opts))}`);
}

// Slots of parseAckSubject's array (src/wasm/jetstream_bindings.rs `ACK_INFO_LEN`); `ackNumbers`
// readers use the exported three.
const DELIVERED = 0, DELIVERY_SEQ = 2;
export const STREAM_SEQ = 1, TS_NANOS = 3, PENDING = 4;
const DOMAIN = 5, ACCOUNT = 7, STREAM = 9, CONSUMER = 11;
/** Slots in all (`ACK_INFO_LEN`). */
const ACK_INFO_LEN = 13;

/** Views on the staged parser's buffers in wasm memory (remade when the memory grows). */
let stageIn: Uint8Array = new Uint8Array(0);
let stageOut: Float64Array = new Float64Array(0);

/**
 * Runs the staged parser (no allocation, no string crossing) on an ASCII ack subject: true with
 * the numbers in `stageOut` until the next call, false when it is not one (the caller asks
 * `parseAckSubject`, which says why).
 */
function parseStaged(reply: string): boolean {
  stageViews();
  if (reply.length > stageIn.length) return false;
  const { read, written } = TE.encodeInto(reply, stageIn);
  return read === reply.length && parseAckStaged(written);
}

/** Makes the views on the stage (again, when a grown memory detached them: length 0). */
function stageViews(): void {
  if (stageIn.length === 0) {
    // ask first: the answer is allocated, which may grow (and so replace) the memory's buffer
    const [inAt, inLen, outAt] = ackStage();
    const buffer = wasmMemory().buffer as ArrayBuffer;
    stageIn = new Uint8Array(buffer, inAt, inLen);
    stageOut = new Float64Array(buffer, outAt, ACK_INFO_LEN);
  }
}

/**
 * `ackNumbers` of a message's reply subject; a received message's bytes go to the stage as they
 * are (no reply string is decoded and encoded again).
 */
export function ackNumbersOf(jm: JsMsgImpl): Float64Array {
  const m = jm.msg as Partial<MsgImpl>;
  if (m.copyReply !== undefined) {
    stageViews();
    const n = m.copyReply(stageIn);
    if (n >= 0 && parseAckStaged(n)) return stageOut;
  }
  return ackNumbers(jm.reply);
}

/**
 * The numbers of an ack reply subject by the wasm parser, without a `DeliveryInfo` (for readers
 * that take a few per message, e.g. KV's `STREAM_SEQ`, `TS_NANOS`, `PENDING`). The array may be
 * the staged one: read it before the next call. Throws as `parseInfo`.
 */
export function ackNumbers(reply: string): Float64Array {
  if (parseStaged(reply)) return stageOut;
  try {
    return parseAckSubject(reply);
  } catch (err) {
    throw toNatsError(err);
  }
}

/**
 * The `DeliveryInfo` of an ack reply subject, by the wasm parser. Throws a NatsError BAD_SUBJECT
 * (`not js message: ...`) for any other subject.
 */
export function parseInfo(reply: string): DeliveryInfo {
  const n = ackNumbers(reply);
  const delivered = n[DELIVERED];
  return {
    domain: reply.slice(n[DOMAIN], n[DOMAIN + 1]),
    account_hash: reply.slice(n[ACCOUNT], n[ACCOUNT + 1]),
    stream: reply.slice(n[STREAM], n[STREAM + 1]),
    consumer: reply.slice(n[CONSUMER], n[CONSUMER + 1]),
    redeliveryCount: delivered,
    deliveryCount: delivered,
    streamSequence: n[STREAM_SEQ],
    deliverySequence: n[DELIVERY_SEQ],
    timestampNanos: n[TS_NANOS],
    pending: n[PENDING],
    redelivered: delivered > 1,
  };
}

/** Something that can send a request: the connection a received `MsgImpl` publishes through. */
type Requester = {
  request(subject: string, payload?: Payload, opts?: Partial<RequestOptions>): Promise<Msg>;
};

/**
 * The connection behind a message received by this client (`MsgImpl.publisher`), or undefined
 * for any other `Msg` (e.g. one built by user code), which cannot `ackAck`.
 */
function requesterOf(m: Msg): Requester | undefined {
  const pub = (m as Partial<Pick<MsgImpl, "publisher">>).publisher as
    | Partial<Requester>
    | undefined;
  return typeof pub?.request === "function" ? pub as Requester : undefined;
}

/** `JsMsg` over a received message. */
export class JsMsgImpl implements JsMsg {
  msg: Msg;
  di?: DeliveryInfo;
  /** A terminal ack was sent (or ackAck started): nothing but `working`/`next` is sent after. */
  didAck: boolean;
  /** ackAck's default timeout in ms. */
  timeout: number;

  constructor(msg: Msg, timeout: number) {
    this.msg = msg;
    this.didAck = false;
    this.timeout = timeout;
  }

  get subject(): string {
    return this.msg.subject;
  }

  get sid(): number {
    return this.msg.sid;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }

  get info(): DeliveryInfo {
    let di = this.di;
    if (di === undefined) di = this.di = parseInfo(this.reply);
    return di;
  }

  get redelivered(): boolean {
    return this.info.deliveryCount > 1;
  }

  get reply(): string {
    return this.msg.reply || "";
  }

  get seq(): number {
    return this.info.streamSequence;
  }

  /** Sends `body` unless a terminal ack went before; every body but `+WPI` is terminal. */
  private doAck(body: Uint8Array, terminal: boolean): void {
    if (!this.didAck) {
      this.didAck = terminal;
      this.msg.respond(body);
    }
  }

  ack(): void {
    this.doAck(ACK, true);
  }

  nak(millis?: number): void {
    this.doAck(nakBody(millis), true);
  }

  working(): void {
    this.doAck(WPI, false);
  }

  term(reason = ""): void {
    this.doAck(termBody(reason), true);
  }

  next(subj?: string, opts: Partial<JsMsgNextOptions> = { batch: 1 }): void {
    this.msg.respond(nextBody(opts), subj ? { reply: subj } : undefined);
  }

  async ackAck(opts?: Partial<{ timeout: number }>): Promise<boolean> {
    const timeout = opts?.timeout || this.timeout;
    if (this.didAck) return false;
    const reply = this.msg.reply;
    if (!reply) {
      this.didAck = true;
      return false;
    }
    const requester = requesterOf(this.msg);
    if (requester === undefined) {
      throw new NatsError(
        "ackAck needs a message received by a nats-wasm connection",
        ErrorCode.ApiError,
      );
    }
    this.didAck = true;
    // The server answers an ack that has a reply subject with an empty message.
    await requester.request(reply, ACK, { timeout });
    return true;
  }

  json<T = unknown>(): T {
    return this.msg.json();
  }

  string(): string {
    return this.msg.string();
  }
}
