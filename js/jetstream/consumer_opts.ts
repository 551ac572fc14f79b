/**
 * `consumerOpts()`: the builder of legacy subscription options (nats.deno's names, defaults and
 * checks): each method sets one consumer config field or subscription option; `getOpts()` gives
 * the `ConsumerOpts` `js.subscribe` / `js.pullSubscribe` take.
 *
 * Must not: talk to the server (legacy.ts does), or hold state beyond what `getOpts()` returns.
 */
import { nanos } from "../util.ts";
import { validateName } from "./api.ts";
import { AckPolicy, DeliverPolicy, ReplayPolicy } from "./types.ts";
import type { ConsumerConfig, ConsumerOpts, ConsumerOptsBuilder, JsMsgCallback } from "./types.ts";

/** Milliseconds a consumer waits for an ack before redelivering (nats.deno's default). */
const DEFAULT_ACK_WAIT = 30_000;

/** nats.deno's `defaultConsumer`: deliver all, explicit acks (30 s), instant replay. */
function defaultConsumer(opts: Partial<ConsumerConfig> = {}): Partial<ConsumerConfig> {
  return {
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(DEFAULT_ACK_WAIT),
    replay_policy: ReplayPolicy.Instant,
    ...opts,
  };
}

export class ConsumerOptsBuilderImpl implements ConsumerOptsBuilder {
  config: Partial<ConsumerConfig>;
  ordered = false;
  mack = false;
  stream = "";
  callbackFn?: JsMsgCallback;
  max?: number;
  qname?: string;
  isBind = false;
  filters?: string[];

  constructor(opts?: Partial<ConsumerConfig>) {
    this.config = defaultConsumer(opts);
  }

  getOpts(): ConsumerOpts {
    const config = { ...this.config };
    const filters = [...(this.filters ?? [])];
    if (config.filter_subject) filters.push(config.filter_subject);
    if (config.filter_subjects) filters.push(...config.filter_subjects);
    delete config.filter_subject;
    delete config.filter_subjects;
    if (filters.length === 1) config.filter_subject = filters[0];
    else if (filters.length > 1) config.filter_subjects = filters;
    if (this.ordered) config.ack_policy = AckPolicy.None;
    return {
      config,
      mack: this.mack,
      stream: this.stream,
      callbackFn: this.callbackFn,
      max: this.max,
      queue: this.qname,
      ordered: this.ordered,
      isBind: this.isBind,
    };
  }

  description(description: string): this {
    this.config.description = description;
    return this;
  }

  deliverTo(subject: string): this {
    this.config.deliver_subject = subject;
    return this;
  }

  durable(name: string): this {
    validateName("durable", name);
    this.config.durable_name = name;
    return this;
  }

  startSequence(seq: number): this {
    if (seq <= 0) throw new Error("sequence must be greater than 0");
    this.config.deliver_policy = DeliverPolicy.StartSequence;
    this.config.opt_start_seq = seq;
    return this;
  }

  startTime(time: Date): this {
    this.config.deliver_policy = DeliverPolicy.StartTime;
    this.config.opt_start_time = time.toISOString();
    return this;
  }

  deliverAll(): this {
    this.config.deliver_policy = DeliverPolicy.All;
    return this;
  }

  deliverLastPerSubject(): this {
    this.config.deliver_policy = DeliverPolicy.LastPerSubject;
    return this;
  }

  deliverLast(): this {
    this.config.deliver_policy = DeliverPolicy.Last;
    return this;
  }

  deliverNew(): this {
    this.config.deliver_policy = DeliverPolicy.New;
    return this;
  }

  startAtTimeDelta(millis: number): this {
    return this.startTime(new Date(Date.now() - millis));
  }

  headersOnly(): this {
    this.config.headers_only = true;
    return this;
  }

  ackNone(): this {
    this.config.ack_policy = AckPolicy.None;
    return this;
  }

  ackAll(): this {
    this.config.ack_policy = AckPolicy.All;
    return this;
  }

  ackExplicit(): this {
    this.config.ack_policy = AckPolicy.Explicit;
    return this;
  }

  ackWait(millis: number): this {
    this.config.ack_wait = nanos(millis);
    return this;
  }

  maxDeliver(max: number): this {
    this.config.max_deliver = max;
    return this;
  }

  filterSubject(s: string): this {
    (this.filters ??= []).push(s);
    return this;
  }

  replayInstantly(): this {
    this.config.replay_policy = ReplayPolicy.Instant;
    return this;
  }

  replayOriginal(): this {
    this.config.replay_policy = ReplayPolicy.Original;
    return this;
  }

  sample(n: number): this {
    n = Math.trunc(n);
    if (n < 0 || n > 100) throw new Error("value must be between 0-100");
    this.config.sample_freq = `${n}%`;
    return this;
  }

  limit(bps: number): this {
    this.config.rate_limit_bps = bps;
    return this;
  }

  maxWaiting(max: number): this {
    this.config.max_waiting = max;
    return this;
  }

  maxAckPending(max: number): this {
    this.config.max_ack_pending = max;
    return this;
  }

  idleHeartbeat(millis: number): this {
    this.config.idle_heartbeat = nanos(millis);
    return this;
  }

  flowControl(): this {
    this.config.flow_control = true;
    return this;
  }

  deliverGroup(name: string): this {
    return this.queue(name);
  }

  manualAck(): this {
    this.mack = true;
    return this;
  }

  maxMessages(max: number): this {
    this.max = max;
    return this;
  }

  callback(fn: JsMsgCallback): this {
    this.callbackFn = fn;
    return this;
  }

  queue(n: string): this {
    this.qname = n;
    this.config.deliver_group = n;
    return this;
  }

  orderedConsumer(): this {
    this.ordered = true;
    return this;
  }

  bind(stream: string, durable: string): this {
    this.stream = stream;
    this.config.durable_name = durable;
    this.isBind = true;
    return this;
  }

  bindStream(stream: string): this {
    this.stream = stream;
    return this;
  }

  inactiveEphemeralThreshold(millis: number): this {
    this.config.inactive_threshold = nanos(millis);
    return this;
  }

  maxPullBatch(n: number): this {
    this.config.max_batch = n;
    return this;
  }

  maxPullRequestExpires(millis: number): this {
    this.config.max_expires = nanos(millis);
    return this;
  }

  memory(): this {
    this.config.mem_storage = true;
    return this;
  }

  numReplicas(n: number): this {
    this.config.num_replicas = n;
    return this;
  }

  consumerName(n: string): this {
    this.config.name = n;
    return this;
  }
}

/** A new options builder, starting from `opts`. */
export function consumerOpts(opts?: Partial<ConsumerConfig>): ConsumerOptsBuilder {
  return new ConsumerOptsBuilderImpl(opts);
}

/** True when `o` is a builder rather than plain `ConsumerOpts`. */
export function isConsumerOptsBuilder(
  o: ConsumerOptsBuilder | Partial<ConsumerOpts>,
): o is ConsumerOptsBuilder {
  return typeof (o as ConsumerOptsBuilder).getOpts === "function";
}
