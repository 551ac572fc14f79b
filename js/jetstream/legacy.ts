/**
 * The legacy JetStream API of nats.deno v1 (`js.subscribe`, `js.pullSubscribe`, `js.fetch`,
 * `js.pull`): the option processing (find the stream, bind to or create the consumer, the
 * ordered push consumer's settings) and the subscriptions, which yield JsMsg over an inbox
 * subscription with an engine hook (`src/jetstream/legacy.rs`, docs/jetstream.md "Legacy
 * subscriptions") that swallows heartbeats and flow control, watches heartbeats on the engine's
 * timer, sequences the ordered push consumer and ends a fetch.
 *
 * Must not: inspect status messages or run timers (the hook does), or build a consumer config
 * anywhere but here (the hook's `reset` event only says where and from which sequence).
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { Empty, TD, TE } from "../encoders.ts";
import { createInbox } from "../inbox.ts";
import { nuid } from "../nuid.ts";
import type { SubscriptionImpl } from "../subscription.ts";
import { reportUserError } from "../subscription.ts";
import type { Msg, QueuedIterator } from "../types.ts";
import { deferred, millis, nanos } from "../util.ts";
import type { BaseApiClient } from "./api.ts";
import { checkJsError, checkJsErrorCode, validateName } from "./api.ts";
import { consumerOpts, isConsumerOptsBuilder } from "./consumer_opts.ts";
import { ConsumerAPIImpl } from "./consumers.ts";
import { type JsMsg, pullArgs, toJsMsg } from "./jsmsg.ts";
import { HookInput, type JetStreamHost } from "./host.ts";
import { PacedIterator } from "./paced_iterator.ts";
import { AckPolicy, DeliverPolicy } from "./types.ts";
import type {
  ConsumerConfig,
  ConsumerInfo,
  ConsumerOpts,
  ConsumerOptsBuilder,
  JetStreamPullSubscription,
  JetStreamSubscription,
  JsMsgCallback,
  PullOptions,
} from "./types.ts";

/** Idle heartbeat of an ordered push consumer unless the user set one, ms (nats.deno's). */
const ORDERED_HEARTBEAT = 5000;
/** Ack wait of an ordered push consumer (it never acks), ms: nats.deno's 22 hours. */
const ORDERED_ACK_WAIT = 22 * 60 * 60 * 1000;

/** A subscription's resolved options: where it delivers, which consumer, how it acks. */
interface SubInfo {
  stream: string;
  /** The consumer's name (durable or ephemeral). */
  name: string;
  config: Partial<ConsumerConfig>;
  deliver: string;
  ordered: boolean;
  mack: boolean;
  max?: number;
  queue?: string;
  callbackFn?: JsMsgCallback;
  /** Ordered push: the base name of the chain of consumers (`<chain>_<n>`). */
  chain: string;
  /** The consumer exists already (bound). */
  attached: boolean;
  isBind: boolean;
  /** The consumer's info when it was created or bound (nats.deno's `info.last`): KV reads its
   * `num_pending` to know how many values an initial watch delivers. */
  last?: ConsumerInfo;
}

/** The error of an `error` event: a status code's digits, or an error code name. */
function eventError(code: string, description: string): NatsError {
  if (/^\d+$/.test(code)) {
    return checkJsErrorCode(Number(code), description) ?? new NatsError(description, code);
  }
  return new NatsError(description, code);
}

/** A legacy subscription of JsMsg (iterator or callback), push or pull. */
export class JetStreamSubscriptionImpl extends PacedIterator<JsMsg>
  implements JetStreamSubscription {
  readonly sub: SubscriptionImpl;
  readonly info: SubInfo;
  protected readonly host: JetStreamHost;
  protected readonly api: ConsumerAPIImpl;
  private readonly cb?: JsMsgCallback;
  private readonly autoAck: boolean;
  private readonly ackTimeout: number;
  /** Auto-ack: the message the user's loop is processing (acked when it asks for the next). */
  private current?: JsMsg;
  max?: number;
  readonly closed: Promise<void>;
  /**
   * @internal Ordered push: called once, when the user has been handed the first message with
   * nothing pending behind it (the engine's `caught_up` event): KV's reads end their initial data
   * there without reading each message's pending count.
   */
  onCaughtUp?: () => void;

  constructor(
    host: JetStreamHost,
    api: ConsumerAPIImpl,
    info: SubInfo,
    kind: string,
    ackTimeout: number,
  ) {
    super();
    this.host = host;
    this.api = api;
    this.info = info;
    this.ackTimeout = ackTimeout;
    this.max = info.max || undefined;
    this.cb = info.callbackFn;
    if (this.cb !== undefined) this.noIterator = true;
    this.autoAck = !info.mack && info.config.ack_policy !== AckPolicy.None;
    this.sub = host.subscribe(info.deliver, {
      queue: info.queue,
      callback: (err, m) => this.onMsg(err, m),
    });
    this.sub.onEvent = (k, name, data, body) => this.onEvent(k, name, data, body);
    const closed = deferred<void>();
    this.closed = closed;
    this.sub.closed.then(() => {
      this.end();
      closed.resolve();
    });
    this.onStop = () => {
      this.dropHeld();
      this.sub.unsubscribe();
    };
    const hb = info.config.idle_heartbeat ? millis(info.config.idle_heartbeat) : 0;
    try {
      host.attachLegacy(this.sub, kind, hb, info.deliver, info.chain, 0, 0, 0);
    } catch (err) {
      this.sub.unsubscribe();
      throw err;
    }
  }

  private onMsg(err: NatsError | null, m: Msg): void {
    if (err) {
      this.fail(err);
      return;
    }
    const jm = toJsMsg(m, this.ackTimeout);
    const cb = this.cb;
    if (cb !== undefined) {
      this.received++;
      try {
        cb(null, jm);
      } catch (e) {
        reportUserError(e);
      }
      if (this.autoAck) jm.ack();
    } else {
      this.push(jm);
    }
    if (this.max !== undefined && this.received >= this.max) this.sub.unsubscribe();
  }

  /** An error for the subscription: a callback is told and carries on; an iterator ends. */
  private fail(err: NatsError): void {
    const cb = this.cb;
    if (cb !== undefined) {
      try {
        cb(err, null);
      } catch (e) {
        reportUserError(e);
      }
      return;
    }
    this.end(err);
    this.sub.unsubscribe();
  }

  private onEvent(kind: string, name: string, data: string, body: Uint8Array): void {
    switch (kind) {
      case "fc":
        // answered when the user reaches it: the server waits for it before sending more
        this.whenReached(() => this.publishEmpty(data));
        break;
      case "error":
        this.fail(eventError(name, data));
        break;
      case "reset":
        this.recreate(name, Number(data), TD.decode(body));
        break;
      case "caught_up":
        this.whenReached(() => this.onCaughtUp?.());
        break;
    }
  }

  private publishEmpty(subject: string): void {
    try {
      this.host.publish(subject, Empty);
    } catch {
      // closed: nothing to answer any more
    }
  }

  /** Ordered push: the next consumer of the chain, delivering to `deliver` from `seq`. */
  private recreate(deliver: string, seq: number, name: string): void {
    const info = this.info;
    const config: Partial<ConsumerConfig> = {
      ...info.config,
      name,
      deliver_subject: deliver,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: seq,
    };
    delete config.opt_start_time;
    // the new consumer may deliver before the API's reply arrives: `consumerInfo()` must already
    // ask for it by its name (known up front), not for the deleted one
    info.name = name;
    info.deliver = deliver;
    this.api.add(info.stream, config).then(
      (ci) => {
        info.name = ci.name;
        info.config = ci.config;
        this.host.hookInput(this.sub, HookInput.Ok, "");
      },
      (err) => this.host.hookInput(this.sub, HookInput.Failed, (err as Error).message),
    );
  }

  /**
   * Auto-ack acks a message once the user is done with it: when the loop asks for the next one
   * (nats.deno's `dispatchedFn`), so a crash while processing leaves it to be redelivered. A loop
   * left with `break` does not ack the message it was on.
   */
  override next(): Promise<IteratorResult<JsMsg>> {
    const done = this.current;
    this.current = undefined;
    try {
      done?.ack();
    } catch {
      // closed: the server redelivers what was not acked
    }
    return super.next();
  }

  protected override take(): JsMsg {
    const m = super.take();
    if (this.autoAck) this.current = m;
    return m;
  }

  protected override handOff(v: JsMsg): boolean {
    const given = super.handOff(v);
    if (given && this.autoAck) this.current = v;
    return given;
  }

  unsubscribe(max?: number): void {
    if (max && max > 0 && this.received < max) {
      this.max = max;
      return;
    }
    this.sub.unsubscribe();
  }

  drain(): Promise<void> {
    return this.sub.drain();
  }

  isDraining(): boolean {
    return this.sub.isDraining();
  }

  isClosed(): boolean {
    return this.done;
  }

  getSubject(): string {
    return this.sub.getSubject();
  }

  getID(): number {
    return this.sub.getID();
  }

  getMax(): number | undefined {
    return this.max;
  }

  async destroy(): Promise<void> {
    if (!this.sub.isClosed()) await this.drain();
    await this.api.delete(this.info.stream, this.info.name);
  }

  consumerInfo(): Promise<ConsumerInfo> {
    return this.api.info(this.info.stream, this.info.name);
  }
}

/** `js.pullSubscribe`'s subscription: messages come as the user `pull()`s. */
export class JetStreamPullSubscriptionImpl extends JetStreamSubscriptionImpl
  implements JetStreamPullSubscription {
  private readonly prefix: string;

  constructor(
    host: JetStreamHost,
    api: ConsumerAPIImpl,
    info: SubInfo,
    prefix: string,
    ackTimeout: number,
  ) {
    super(host, api, info, "pull", ackTimeout);
    this.prefix = prefix;
  }

  pull(opts: Partial<PullOptions> = { batch: 1 }): void {
    const args = pullArgs(opts);
    const hb = opts.idle_heartbeat && opts.idle_heartbeat > 0 ? opts.idle_heartbeat : 0;
    const expires = opts.expires && opts.expires > 0 ? opts.expires : 0;
    if (hb && expires === 0) throw new Error("idle_heartbeat requires expires");
    if (hb > expires) throw new Error("expires must be greater than idle_heartbeat");
    if (hb) this.host.hookInput(this.sub, HookInput.Watch, `${hb}:${expires}`);
    const { stream, name } = this.info;
    this.host.publish(
      `${this.prefix}.CONSUMER.MSG.NEXT.${stream}.${name}`,
      TE.encode(JSON.stringify(args)),
      { reply: this.sub.getSubject() },
    );
  }
}

/** `js.fetch`'s iterator: one pull request's messages; the hook ends it. */
class FetchIterator extends PacedIterator<JsMsg> {
  constructor(
    host: JetStreamHost,
    subject: string,
    opts: Partial<PullOptions>,
    ackTimeout: number,
  ) {
    super();
    const args = pullArgs(opts);
    const expires = opts.expires || 0;
    if (expires === 0 && !args.no_wait) throw new Error("expires or no_wait is required");
    const inbox = createInbox(host.options.inboxPrefix);
    const sub = host.subscribe(inbox, {
      callback: (err, m) => {
        if (err) this.end(err);
        else this.push(toJsMsg(m, ackTimeout));
      },
    });
    sub.closed.then(() => this.end());
    this.onStop = () => sub.unsubscribe();
    try {
      host.attachLegacy(
        sub,
        "fetch",
        opts.idle_heartbeat || 0,
        "",
        "",
        args.batch as number,
        opts.max_bytes || 0,
        expires,
      );
      host.publish(subject, TE.encode(JSON.stringify(args)), { reply: inbox });
    } catch (err) {
      sub.unsubscribe();
      throw err;
    }
  }
}

/** `js.fetch(stream, durable, opts)`. */
export function legacyFetch(
  js: BaseApiClient,
  stream: string,
  durable: string,
  opts: Partial<PullOptions>,
): QueuedIterator<JsMsg> {
  validateName("stream", stream);
  validateName("durable", durable);
  const subject = `${js.prefix}.CONSUMER.MSG.NEXT.${stream}.${durable}`;
  return new FetchIterator(js.nc as unknown as JetStreamHost, subject, opts, js.timeout);
}

/** `js.pull(stream, durable, expires)`: one message; `expires` 0 asks with no_wait. */
export async function legacyPull(
  js: BaseApiClient,
  stream: string,
  durable: string,
  expires = 0,
): Promise<JsMsg> {
  validateName("stream", stream);
  validateName("durable", durable);
  const timeout = Math.max(js.timeout, expires);
  const ns = expires < 0 ? 0 : nanos(expires);
  const body = TE.encode(JSON.stringify({ batch: 1, no_wait: ns === 0, expires: ns }));
  const msg = await js.nc.request(`${js.prefix}.CONSUMER.MSG.NEXT.${stream}.${durable}`, body, {
    noMux: true,
    timeout,
  });
  const err = checkJsError(msg);
  if (err) throw err;
  return toJsMsg(msg, js.timeout);
}

/** Resolves the options of `js.subscribe` / `js.pullSubscribe` (nats.deno's rules and messages). */
async function processOptions(
  js: BaseApiClient,
  api: ConsumerAPIImpl,
  subject: string,
  opts: ConsumerOptsBuilder | Partial<ConsumerOpts>,
): Promise<SubInfo> {
  const o = isConsumerOptsBuilder(opts) ? opts.getOpts() : opts;
  const config: Partial<ConsumerConfig> = { ...(o.config ?? {}) };
  const host = js.nc as unknown as JetStreamHost;
  const ordered = o.ordered === true;
  if (ordered) {
    const bad = (what: string) => new NatsError(`ordered consumer: ${what}`, ErrorCode.ApiError);
    if (config.ack_policy && config.ack_policy !== AckPolicy.None) {
      throw bad("ack_policy can only be set to 'none'");
    }
    if (config.durable_name) throw bad("durable_name cannot be set");
    if (config.deliver_subject) throw bad("deliver_subject cannot be set");
    if (config.max_deliver !== undefined && config.max_deliver > 1) {
      throw bad("max_deliver cannot be set");
    }
    if (config.deliver_group) throw bad("deliver_group cannot be set");
    config.deliver_subject = createInbox(host.options.inboxPrefix);
    config.ack_policy = AckPolicy.None;
    config.max_deliver = 1;
    config.flow_control = true;
    config.idle_heartbeat = config.idle_heartbeat || nanos(ORDERED_HEARTBEAT);
    config.ack_wait = nanos(ORDERED_ACK_WAIT);
    config.mem_storage = true;
    config.num_replicas = 1;
  }
  // the hook names the ordered chain `<chain>_<n>`; the first consumer is `_0`
  const chain = ordered ? nuid.next() : "";
  if (ordered) config.name = `${chain}_0`;
  if (!config.ack_policy) config.ack_policy = AckPolicy.All;
  const stream = o.stream || await js.findStream(subject);
  const info: SubInfo = {
    stream,
    name: config.name ?? "",
    config,
    deliver: "",
    ordered,
    mack: o.mack === true,
    max: o.max,
    queue: o.queue,
    callbackFn: o.callbackFn,
    chain,
    attached: false,
    isBind: o.isBind === true,
  };
  if (config.durable_name) {
    try {
      const ci = await api.info(stream, config.durable_name);
      if (ci.config.filter_subject && ci.config.filter_subject !== subject) {
        throw new Error("subject does not match consumer");
      }
      const qn = config.deliver_group ?? "";
      if (qn === "" && ci.push_bound === true) throw new Error("duplicate subscription");
      const rqn = ci.config.deliver_group ?? "";
      if (qn !== rqn) {
        throw new Error(
          rqn === "" ? "durable requires no queue group" : `durable requires queue group '${rqn}'`,
        );
      }
      info.config = ci.config;
      info.name = ci.name;
      info.last = ci;
      info.attached = true;
    } catch (err) {
      if ((err as NatsError).code !== "404") throw err;
    }
  }
  if (!info.attached && !info.config.filter_subject && !info.config.filter_subjects) {
    info.config.filter_subject = subject;
  }
  info.deliver = info.config.deliver_subject || createInbox(host.options.inboxPrefix);
  return info;
}

/**
 * Resolves with `sub` once its consumer exists (created unless it bound to an existing one). The
 * subscription is made first so that nothing the new consumer delivers is missed; it is dropped
 * when the consumer cannot be had.
 */
async function withConsumer<S extends JetStreamSubscriptionImpl>(
  api: ConsumerAPIImpl,
  info: SubInfo,
  sub: S,
): Promise<S> {
  try {
    await maybeCreateConsumer(api, info);
  } catch (err) {
    sub.unsubscribe();
    throw err;
  }
  return sub;
}

/** Creates the consumer unless the subscription bound to an existing one. */
async function maybeCreateConsumer(api: ConsumerAPIImpl, info: SubInfo): Promise<void> {
  if (info.attached) return;
  if (info.isBind) {
    throw new Error(
      `unable to bind - durable consumer ${info.config.durable_name} doesn't exist in ${info.stream}`,
    );
  }
  const config: Partial<ConsumerConfig> = {
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(30_000),
    ...info.config,
  };
  if (!config.name) delete config.name;
  const ci = await api.add(info.stream, config);
  info.name = ci.name;
  info.config = ci.config;
  info.last = ci;
}

/** `js.subscribe(subject, opts)`: a push subscription. */
export async function legacySubscribe(
  js: BaseApiClient,
  subject: string,
  opts: ConsumerOptsBuilder | Partial<ConsumerOpts> = consumerOpts(),
  onCaughtUp?: () => void,
): Promise<JetStreamSubscription> {
  const api = new ConsumerAPIImpl(js.nc, js.opts);
  const info = await processOptions(js, api, subject, opts);
  if (!info.isBind && !info.config.deliver_subject) {
    throw new Error("push consumer requires deliver_subject");
  }
  const host = js.nc as unknown as JetStreamHost;
  const sub = new JetStreamSubscriptionImpl(
    host,
    api,
    info,
    info.ordered ? "ordered" : "push",
    js.timeout,
  );
  // set before the consumer exists, so before any of its messages can arrive
  sub.onCaughtUp = onCaughtUp;
  return await withConsumer(api, info, sub);
}

/** `js.pullSubscribe(subject, opts)`: a pull subscription. */
export async function legacyPullSubscribe(
  js: BaseApiClient,
  subject: string,
  opts: ConsumerOptsBuilder | Partial<ConsumerOpts> = consumerOpts(),
): Promise<JetStreamPullSubscription> {
  const api = new ConsumerAPIImpl(js.nc, js.opts);
  const info = await processOptions(js, api, subject, opts);
  if (info.ordered) throw new Error("pull subscribers cannot be be ordered");
  if (info.config.deliver_subject) {
    throw new Error(
      "consumer info specifies deliver_subject - pull consumers cannot have deliver_subject set",
    );
  }
  const ack = info.config.ack_policy;
  if (ack === AckPolicy.None || ack === AckPolicy.All) {
    throw new Error("ack policy for pull consumers must be explicit");
  }
  const host = js.nc as unknown as JetStreamHost;
  const sub = new JetStreamPullSubscriptionImpl(host, api, info, js.prefix, js.timeout);
  return await withConsumer(api, info, sub);
}
