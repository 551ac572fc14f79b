/**
 * The consumers of the simplified API: `js.consumers.get(stream, name)` gives a `PullConsumerImpl`
 * of an existing consumer, `js.consumers.get(stream)` or `(stream, OrderedConsumerOptions)` an
 * `OrderedPullConsumerImpl`, which creates its own chain of consumers (docs/jetstream.md "Ordered
 * consumer"). `consume()`, `fetch()` and `next()` each start a run (`consumer_messages.ts`).
 *
 * Must not: keep consumer state the engine's run keeps (pending counts, heartbeats, sequences);
 * an ordered consumer only remembers where the last run ended, to start the next one after it.
 */
import { ErrorCode, NatsError, toNatsError } from "../errors.ts";
import type { BaseApiClient } from "./api.ts";
import { ConsumerAPIImpl } from "./consumers.ts";
import { ConsumerMessagesImpl, type RunContext } from "./consumer_messages.ts";
import { orderedFirstConsumer } from "./engine.ts";
import type { JetStreamHost } from "./host.ts";
import type { JsMsg } from "./jsmsg.ts";
import { StreamAPIImpl } from "./streams.ts";
import type {
  ConsumeOptions,
  Consumer,
  ConsumerConfig,
  ConsumerInfo,
  ConsumerMessages,
  Consumers,
  FetchOptions,
  NextOptions,
  OrderedConsumerOptions,
} from "./types.ts";
import { DeliverPolicy } from "./types.ts";

/** `ackAck()`'s default timeout, ms (nats.deno's). */
const ACK_TIMEOUT = 5000;

/** The parts of `nc.jetstream()` a consumer uses. */
function runContext(js: BaseApiClient, api: ConsumerAPIImpl, stream: string): RunContext {
  const nc = js.nc as unknown as JetStreamHost;
  return {
    host: nc,
    api,
    stream,
    nextPrefix: `${js.prefix}.CONSUMER.MSG.NEXT.${stream}`,
    inboxPrefix: nc.options.inboxPrefix ?? "",
    ackTimeout: ACK_TIMEOUT,
  };
}

/** The first message of a fetch of one, or null when it ended empty. */
async function firstOf(run: ConsumerMessages): Promise<JsMsg | null> {
  for await (const m of run) return m;
  return null;
}

/** `consume()`, `fetch()` and `next()` over one `run()` per call (the subclass starts it). */
abstract class RunsConsumer {
  protected abstract run(fetch: boolean, opts: Record<string, unknown>): Promise<ConsumerMessages>;

  consume(opts: ConsumeOptions = {}): Promise<ConsumerMessages> {
    return this.run(false, opts as Record<string, unknown>);
  }

  fetch(opts: FetchOptions = {}): Promise<ConsumerMessages> {
    return this.run(true, opts as Record<string, unknown>);
  }

  async next(opts: NextOptions = {}): Promise<JsMsg | null> {
    return firstOf(await this.fetch({ ...opts, max_messages: 1 }));
  }
}

export class PullConsumerImpl extends RunsConsumer implements Consumer {
  private readonly api: ConsumerAPIImpl;
  private readonly ctx: RunContext;
  private _info: ConsumerInfo;

  constructor(js: BaseApiClient, api: ConsumerAPIImpl, info: ConsumerInfo) {
    super();
    this.api = api;
    this._info = info;
    this.ctx = runContext(js, api, info.stream_name);
  }

  protected run(fetch: boolean, opts: Record<string, unknown>): Promise<ConsumerMessages> {
    try {
      return Promise.resolve(new ConsumerMessagesImpl(this.ctx, this._info.name, fetch, opts));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async info(cached = false): Promise<ConsumerInfo> {
    if (!cached) this._info = await this.api.info(this._info.stream_name, this._info.name);
    return this._info;
  }

  delete(): Promise<boolean> {
    return this.api.delete(this._info.stream_name, this._info.name);
  }
}

export class OrderedPullConsumerImpl extends RunsConsumer implements Consumer {
  private readonly api: ConsumerAPIImpl;
  private readonly ctx: RunContext;
  private readonly stream: string;
  private readonly opts: Partial<OrderedConsumerOptions>;
  private _info?: ConsumerInfo;
  /** Stream sequence of the last message a run gave the user (0: none yet). */
  private cursor = 0;
  private active?: ConsumerMessagesImpl;
  /** How the consumer was first used: fetch (and next) and consume do not mix (nats.deno). */
  private mode?: "fetch" | "consume";

  constructor(
    js: BaseApiClient,
    api: ConsumerAPIImpl,
    stream: string,
    opts: Partial<OrderedConsumerOptions>,
  ) {
    super();
    this.api = api;
    this.stream = stream;
    this.opts = opts;
    this.ctx = {
      ...runContext(js, api, stream),
      onCreated: (ci) => this._info = ci,
      onCursor: (seq) => this.cursor = Math.max(this.cursor, seq),
    };
  }

  /** The ordered options of the next run: after the first, it starts where the last ended. */
  private orderedOptions(): Record<string, unknown> {
    const o: Record<string, unknown> = { ...this.opts };
    if (this.cursor > 0) {
      o.deliver_policy = DeliverPolicy.StartSequence;
      o.opt_start_seq = this.cursor + 1;
      delete o.opt_start_time;
    }
    return o;
  }

  /** Why a run cannot start now (nats.deno's rules and texts), or undefined. */
  private refusal(fetch: boolean, opts: Record<string, unknown>): string | undefined {
    if (opts.bind) return "bind is not supported";
    if (fetch) {
      if (this.mode === "consume") return "ordered consumer already initialized as consume";
      if (this.active !== undefined && !this.active.finished) {
        return "ordered consumer doesn't support concurrent fetch";
      }
    } else {
      if (this.mode === "fetch") return "ordered consumer initialized as fetch";
      // one consume for the consumer's life, even after it stopped (nats.deno)
      if (this.mode === "consume") return "ordered consumer doesn't support concurrent consume";
    }
    return undefined;
  }

  protected run(fetch: boolean, opts: Record<string, unknown>): Promise<ConsumerMessages> {
    const refused = this.refusal(fetch, opts);
    if (refused !== undefined) {
      return Promise.reject(new NatsError(refused, ErrorCode.ApiError));
    }
    try {
      this.active = new ConsumerMessagesImpl(this.ctx, "", fetch, opts, this.orderedOptions());
    } catch (err) {
      return Promise.reject(err);
    }
    this.mode = fetch ? "fetch" : "consume";
    return Promise.resolve(this.active);
  }

  /**
   * The current consumer of the chain (cached: as last created or read). Before any run there is
   * none: one is created, as the chain's first would be (nats.deno does the same). A later run
   * starts its own chain; this one expires after its `inactive_threshold`.
   */
  async info(cached = false): Promise<ConsumerInfo> {
    if (this._info === undefined) {
      let config: string;
      try {
        config = orderedFirstConsumer(this.orderedOptions());
      } catch (err) {
        throw toNatsError(err);
      }
      this._info = await this.api.add(this.stream, JSON.parse(config) as ConsumerConfig);
      return this._info;
    }
    if (!cached) this._info = await this.api.info(this.stream, this._info.name);
    return this._info;
  }

  delete(): Promise<boolean> {
    if (this._info === undefined) return Promise.resolve(false);
    this.active?.stop();
    return this.api.delete(this.stream, this._info.name);
  }
}

/** `js.consumers`. */
export class ConsumersImpl implements Consumers {
  private readonly js: BaseApiClient;
  private readonly api: ConsumerAPIImpl;
  private readonly streams: StreamAPIImpl;

  constructor(js: BaseApiClient) {
    this.js = js;
    this.api = new ConsumerAPIImpl(js.nc, js.opts);
    this.streams = new StreamAPIImpl(js.nc, js.opts);
  }

  async get(
    stream: string,
    name: string | Partial<OrderedConsumerOptions> = {},
  ): Promise<Consumer> {
    if (typeof name === "object") {
      // fails now with "stream not found" rather than on the first consume
      await this.streams.info(stream);
      return new OrderedPullConsumerImpl(this.js, this.api, stream, name);
    }
    const info = await this.api.info(stream, name);
    if (info.config.deliver_subject) {
      throw new NatsError("push consumer not supported", ErrorCode.ApiError);
    }
    return new PullConsumerImpl(this.js, this.api, info);
  }
}
