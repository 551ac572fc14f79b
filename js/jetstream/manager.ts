/**
 * `JetStreamManagerImpl` (`nc.jetstreamManager()`): account info (`$JS.API.INFO`), the
 * `streams`, `consumers` and `direct` API groups, and `advisories()`, an iterator over
 * `$JS.EVENT.ADVISORY.>` that yields `{kind, data}`.
 *
 * Must not: check that JetStream answers (connection.ts does that once, with `checkAPI`), or hold
 * any state besides the options.
 */
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import type { Msg, NatsConnection } from "../types.ts";
import type { NatsError } from "../errors.ts";
import { BaseApiClient, parseJsResponse } from "./api.ts";
import { JetStreamClientImpl } from "./client.ts";
import { ConsumerAPIImpl } from "./consumers.ts";
import { DirectStreamAPIImpl } from "./direct.ts";
import { StreamAPIImpl } from "./streams.ts";
import type {
  Advisory,
  AdvisoryKind,
  ApiResponse,
  JetStreamAccountStats,
  JetStreamClient,
  JetStreamManager,
  JetStreamOptions,
} from "./types.ts";

export class JetStreamManagerImpl extends BaseApiClient implements JetStreamManager {
  readonly streams: StreamAPIImpl;
  readonly consumers: ConsumerAPIImpl;
  readonly direct: DirectStreamAPIImpl;

  constructor(nc: NatsConnection, opts?: JetStreamOptions) {
    super(nc, opts);
    this.streams = new StreamAPIImpl(nc, this.opts);
    this.consumers = new ConsumerAPIImpl(nc, this.opts);
    this.direct = new DirectStreamAPIImpl(nc, this.opts);
  }

  async getAccountInfo(): Promise<JetStreamAccountStats> {
    return await this._request(`${this.prefix}.INFO`) as JetStreamAccountStats;
  }

  jetstream(): JetStreamClient {
    return new JetStreamClientImpl(this.nc, this.getOptions());
  }

  /** Advisories as they come; a malformed one ends the iterator with its error. */
  advisories(): AsyncIterable<Advisory> {
    const iter = new QueuedIteratorImpl<Advisory>();
    const sub = this.nc.subscribe("$JS.EVENT.ADVISORY.>", {
      callback: (err: NatsError | null, msg: Msg) => {
        if (err) return iter.stop(err);
        try {
          const d = parseJsResponse(msg) as ApiResponse;
          const kind = d.type.slice(d.type.lastIndexOf(".") + 1) as AdvisoryKind;
          iter.push({ kind, data: d });
        } catch (e) {
          iter.stop(e as Error);
        }
      },
    });
    // leaving the loop (or an error) ends the subscription with it
    iter.onStop = () => sub.unsubscribe();
    sub.closed.then(() => iter.end(), (e) => iter.end(e));
    return iter;
  }
}
