/**
 * `jsm.direct.getMessage` (ADR-31): a stream with `allow_direct` answers
 * `$JS.API.DIRECT.GET.<stream>[.<subject>]` itself, with the stored message as the reply (data as
 * the payload, origin in the Nats-Stream / Nats-Sequence / Nats-Time-Stamp / Nats-Subject
 * headers) or an empty reply with a status (404 when there is no such message).
 *
 * `getBatch` asks for several messages at once (`multi_last`, ADR-31 batch form, server 2.11+):
 * they come as replies to one request, ended by an empty 204 EOB status message.
 *
 * Must not: parse the reply as JSON (it is the message itself), or use STREAM.MSG.GET.
 */
import { TD } from "../encoders.ts";
import { RequestStrategy } from "../enums.ts";
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import type { Msg, MsgHdrs, QueuedIterator, ReviverFn } from "../types.ts";
import { BaseApiClient, checkJsError, validateName } from "./api.ts";
import { DirectMsgHeaders } from "./types.ts";
import type {
  DirectBatchOptions,
  DirectMsg,
  DirectMsgRequest,
  DirectStreamAPI,
  StoredMsg,
} from "./types.ts";
import { Empty, TE } from "../encoders.ts";

export class DirectStreamAPIImpl extends BaseApiClient implements DirectStreamAPI {
  /** `last_by_subj` goes in the subject (so that permissions can scope it), the rest as JSON. */
  async getMessage(stream: string, query: DirectMsgRequest): Promise<DirectMsg> {
    validateName("stream", stream);
    const last = query.last_by_subj;
    const subj = last
      ? `${this.prefix}.DIRECT.GET.${stream}.${last}`
      : `${this.prefix}.DIRECT.GET.${stream}`;
    const m = await this.nc.request(subj, last ? Empty : TE.encode(JSON.stringify(query)), {
      timeout: this.timeout,
    });
    const err = checkJsError(m);
    if (err) throw err;
    return new DirectMsgImpl(m);
  }

  /**
   * The last message of each `multi_last` subject (optionally up to a sequence or time). The
   * iterator ends at the EOB marker; a server without the batch form, or an error status, ends
   * it with an error.
   */
  async getBatch(stream: string, opts: DirectBatchOptions): Promise<QueuedIterator<StoredMsg>> {
    validateName("stream", stream);
    if (!Array.isArray(opts.multi_last) || opts.multi_last.length === 0) {
      throw new Error("multi_last is required");
    }
    // a Date up_to_time serialises as its ISO string
    const body = JSON.stringify(opts);
    const raw = await this.nc.requestMany(`${this.prefix}.DIRECT.GET.${stream}`, body, {
      strategy: RequestStrategy.SentinelMsg,
      maxWait: this.timeout,
    });
    const iter = new QueuedIteratorImpl<StoredMsg>();
    (async () => {
      let first = true;
      for await (const m of raw) {
        if (first) {
          first = false;
          const code = m.headers?.code ?? 0;
          if (code !== 0 && (code < 200 || code > 299)) {
            throw new Error(`bad request: ${m.headers!.description.toLowerCase()}`);
          }
          // every message of a batch reply counts what is left; an older server does not
          if (m.data.length > 0 && !m.headers?.has("Nats-Num-Pending")) {
            throw new Error("batch direct get not supported by the server");
          }
        }
        if (m.data.length === 0) break;
        iter.push(new DirectMsgImpl(m));
      }
    })().then(() => iter.end(), (err) => iter.end(err));
    return iter;
  }
}

export class DirectMsgImpl implements DirectMsg {
  readonly data: Uint8Array;
  readonly header: MsgHdrs;

  constructor(m: Msg) {
    if (!m.headers) throw new Error("headers expected");
    this.data = m.data;
    this.header = m.headers;
  }

  get subject(): string {
    return this.header.last(DirectMsgHeaders.Subject);
  }
  get seq(): number {
    return parseInt(this.header.last(DirectMsgHeaders.Sequence)) || 0;
  }
  get timestamp(): string {
    return this.header.last(DirectMsgHeaders.TimeStamp);
  }
  get time(): Date {
    return new Date(Date.parse(this.timestamp));
  }
  get stream(): string {
    return this.header.last(DirectMsgHeaders.Stream);
  }
  json<T = unknown>(reviver?: ReviverFn): T {
    return JSON.parse(this.string(), reviver);
  }
  string(): string {
    return TD.decode(this.data);
  }
}
