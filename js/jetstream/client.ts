/**
 * `JetStreamClientImpl` (`nc.jetstream()`): acknowledged publish, `consumers` (consumer.ts) and
 * `views` (KV and ObjectStore, views.ts).
 * The publish options become headers (the PubHeaders table), the message goes out as a request,
 * the reply is the `PubAck`; when nothing answers (503) it tries again `retries` times,
 * `retry_delay` ms apart.
 *
 * Must not: retry a publish on anything but no responders.
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { headers, type MsgHdrsImpl } from "../headers.ts";
import type { Msg, Payload } from "../types.ts";
import { delay } from "../util.ts";
import { BaseApiClient, parseJsResponse } from "./api.ts";
import { ConsumersImpl } from "./consumer.ts";
import { legacyFetch, legacyPull, legacyPullSubscribe, legacySubscribe } from "./legacy.ts";
import { PubHeaders } from "./types.ts";
import { ViewsImpl } from "./views.ts";
import type {
  ConsumerOpts,
  ConsumerOptsBuilder,
  Consumers,
  JetStreamClient,
  JetStreamPublishOptions,
  JetStreamPullSubscription,
  JetStreamSubscription,
  PubAck,
  PullOptions,
  Views,
} from "./types.ts";
import type { JsMsg } from "./jsmsg.ts";
import type { QueuedIterator } from "../types.ts";

/** Milliseconds between publish attempts on 503 (nats.deno's default). */
const RETRY_DELAY = 250;

export class JetStreamClientImpl extends BaseApiClient implements JetStreamClient {
  private _consumers?: ConsumersImpl;

  get consumers(): Consumers {
    return this._consumers ??= new ConsumersImpl(this);
  }

  /** KV buckets and object stores over this client (views.ts). */
  get views(): Views {
    return new ViewsImpl(this);
  }

  pull(stream: string, durable: string, expires = 0): Promise<JsMsg> {
    return legacyPull(this, stream, durable, expires);
  }

  fetch(stream: string, durable: string, opts: Partial<PullOptions> = {}): QueuedIterator<JsMsg> {
    return legacyFetch(this, stream, durable, opts);
  }

  subscribe(
    subject: string,
    opts?: ConsumerOptsBuilder | Partial<ConsumerOpts>,
  ): Promise<JetStreamSubscription> {
    return legacySubscribe(this, subject, opts);
  }

  pullSubscribe(
    subject: string,
    opts?: ConsumerOptsBuilder | Partial<ConsumerOpts>,
  ): Promise<JetStreamPullSubscription> {
    return legacyPullSubscribe(this, subject, opts);
  }

  async publish(
    subj: string,
    data?: Payload,
    opts: Partial<JetStreamPublishOptions> = {},
  ): Promise<PubAck> {
    const h = opts.headers ?? headers();
    const e = opts.expect ?? {};
    if (opts.msgID) h.set(PubHeaders.MsgIdHdr, opts.msgID);
    if (e.lastMsgID) h.set(PubHeaders.ExpectedLastMsgIdHdr, e.lastMsgID);
    if (e.streamName) h.set(PubHeaders.ExpectedStreamHdr, e.streamName);
    if (typeof e.lastSequence === "number") {
      h.set(PubHeaders.ExpectedLastSeqHdr, `${e.lastSequence}`);
    }
    if (typeof e.lastSubjectSequence === "number") {
      h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${e.lastSubjectSequence}`);
    }
    // Without options nothing was set: send a plain PUB, not an empty header block, so the
    // stored message has none and every reader of it skips a header decode (KV and ObjectStore
    // readers included). A caller's own headers object is sent as given.
    const send = opts.headers !== undefined || (h as MsgHdrsImpl).size() > 0 ? h : undefined;
    const ro = { timeout: opts.timeout || this.timeout, headers: send };
    const retries = opts.retries || 1;
    let r: Msg;
    for (let i = 1;; i++) {
      try {
        r = await this.nc.request(subj, data, ro);
        break;
      } catch (err) {
        if ((err as NatsError).code !== ErrorCode.NoResponders || i >= retries) throw err;
        await delay(opts.retry_delay || RETRY_DELAY);
      }
    }
    const pa = parseJsResponse(r) as PubAck;
    if (!pa.stream) throw NatsError.errorForCode(ErrorCode.JetStreamInvalidAck);
    pa.duplicate = pa.duplicate === true;
    return pa;
  }
}
