/**
 * The base of every JetStream API client: options (prefix, domain, timeout), one JSON request over
 * `nc.request()` with its reply parsed and API errors turned into NatsError (ADR-1 / ADR-7), and
 * the helpers nats.deno exports next to it (`checkJsError`, `isFlowControlMsg`, `isHeartbeatMsg`,
 * name validation).
 *
 * Must not: know stream or consumer subjects (streams.ts, consumers.ts, direct.ts do), keep state
 * between requests, or let a reply that is not JSON escape as anything but a BAD_JSON NatsError.
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { Empty, TD, TE } from "../encoders.ts";
import type { Msg, NatsConnection, RequestOptions } from "../types.ts";
import type { ApiResponse, JetStreamOptions, StreamNames } from "./types.ts";

/** Milliseconds an API request waits for its reply by default (nats.deno's). */
const DEFAULT_TIMEOUT = 5000;

/** Options with their defaults: `domain` becomes `$JS.<domain>.API`, a trailing `.` is dropped. */
export function jsOptions(opts: JetStreamOptions = {}): JetStreamOptions {
  const o: JetStreamOptions = { apiPrefix: "$JS.API", timeout: DEFAULT_TIMEOUT, ...opts };
  if (opts.domain) o.apiPrefix = `$JS.${opts.domain}.API`;
  delete o.domain;
  let p = o.apiPrefix;
  if (!p) throw new NatsError("invalid empty prefix", ErrorCode.InvalidOption);
  if (p.endsWith(".")) p = p.slice(0, -1);
  o.apiPrefix = p;
  return o;
}

/**
 * The NatsError for a status `code` >= 300 and its description (lower-cased, as nats.deno does),
 * or null below 300.
 */
export function checkJsErrorCode(code: number, description = ""): NatsError | null {
  if (code < 300) return null;
  description = description.toLowerCase();
  switch (code) {
    case 409:
      return new NatsError(
        description,
        description.startsWith("idle heartbeats missed")
          ? ErrorCode.JetStreamIdleHeartBeat
          : ErrorCode.JetStream409,
      );
    case 503:
      return NatsError.errorForCode(ErrorCode.JetStreamNotEnabled, new Error(description));
    default:
      // 404 and 408 keep the server's text under codes "404"/"408" (ErrorCode's JetStream ones)
      return new NatsError(description || ErrorCode.Unknown, `${code}`);
  }
}

/** The error a message with no payload and a status header carries, else null. */
export function checkJsError(msg: Msg): NatsError | null {
  if (msg.data.length !== 0 || !msg.headers) return null;
  return checkJsErrorCode(msg.headers.code, msg.headers.description);
}

/** True for a JetStream flow-control or heartbeat message (empty, status 1xx). */
export function isFlowControlMsg(msg: Msg): boolean {
  if (msg.data.length > 0 || !msg.headers) return false;
  return msg.headers.code >= 100 && msg.headers.code < 200;
}

/** True for an idle heartbeat. */
export function isHeartbeatMsg(msg: Msg): boolean {
  return isFlowControlMsg(msg) && msg.headers?.description === "Idle Heartbeat";
}

/** Characters a stream or consumer name may not hold (as the nats CLI and nats.deno check). */
const BAD_NAME_CHARS = [".", "*", ">", "/", "\\", " ", "\t", "\n", "\r"];

/** The first character of `name` a stream/consumer name may not hold, escaped for display. */
export function badNameChar(name: string): string {
  const c = BAD_NAME_CHARS.find((c) => name.includes(c)) ?? "";
  return c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : c;
}

/** Throws unless `name` is a usable stream/consumer name; `context` is "stream" or "durable". */
export function validateName(context: string, name = ""): void {
  if (name === "") throw new Error(`${context} name required`);
  const c = badNameChar(name);
  if (c) throw new Error(`invalid ${context} name - ${context} name cannot contain '${c}'`);
}

/** Parses a JSON reply; BAD_JSON when it is not JSON. */
export function parseJson(m: Msg): unknown {
  try {
    return JSON.parse(TD.decode(m.data));
  } catch (err) {
    throw NatsError.errorForCode(ErrorCode.BadJson, err as Error);
  }
}

/** The body of an API reply, or the NatsError its `error` describes (with `api_error` set). */
export function parseJsResponse(m: Msg): unknown {
  const v = parseJson(m) as ApiResponse;
  if (v?.error) {
    const err = checkJsErrorCode(v.error.code, v.error.description);
    if (err !== null) {
      err.api_error = v.error;
      throw err;
    }
  }
  return v;
}

/** Shared state and the request primitive of the manager's API groups and of the client. */
export class BaseApiClient {
  readonly nc: NatsConnection;
  readonly opts: JetStreamOptions;
  readonly prefix: string;
  readonly timeout: number;

  constructor(nc: NatsConnection, opts?: JetStreamOptions) {
    this.nc = nc;
    this.opts = jsOptions(opts);
    this.prefix = this.opts.apiPrefix!;
    this.timeout = this.opts.timeout!;
  }

  getOptions(): JetStreamOptions {
    return { ...this.opts };
  }

  /**
   * One API request with `data` as its JSON body; resolves with the parsed reply. No responders
   * means no JetStream behind the prefix: "JetStream not enabled" (code 503).
   */
  async _request(
    subj: string,
    data: unknown = null,
    opts?: Partial<RequestOptions>,
  ): Promise<unknown> {
    const body = data ? TE.encode(JSON.stringify(data)) : Empty;
    let m: Msg;
    try {
      m = await this.nc.request(subj, body, { ...opts, timeout: this.timeout });
    } catch (err) {
      if ((err as NatsError).code === ErrorCode.NoResponders) {
        throw new NatsError("JetStream not enabled", ErrorCode.JetStreamNotEnabled, err as Error);
      }
      throw err;
    }
    return parseJsResponse(m);
  }

  /** The one stream whose subjects include `subject`. */
  async findStream(subject: string): Promise<string> {
    const r = await this._request(`${this.prefix}.STREAM.NAMES`, { subject }) as StreamNames;
    if (!r.streams || r.streams.length !== 1) throw new Error("no stream matches subject");
    return r.streams[0];
  }
}
