/**
 * `ConsumerMessagesImpl`: one `consume()` or `fetch()` of a pull consumer (plain or ordered) as the
 * user sees it: an iterator (or a callback) of JsMsg, and `status()` iterators of consumer events.
 * The run itself (pull accounting, heartbeats, ordered sequencing, when to stop) lives in the
 * engine (`src/jetstream/run.rs`), attached to this run's inbox subscription; this class carries
 * out what the run asks for (docs/jetstream.md "Consumer runs"): a pull is published when the user
 * reaches it (pulls follow the user's pace), a consumer check or an ordered consumer's creation goes
 * through the JetStream API and is answered with an input code, and statuses go to the listeners.
 *
 * Must not: count what the server owes, run timers, or decide when the run ends (the engine does,
 * and ends the inbox subscription).
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { TD } from "../encoders.ts";
import { createInbox } from "../inbox.ts";
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import { HookInput, type JetStreamHost } from "./host.ts";
import { PacedIterator } from "./paced_iterator.ts";
import type { SubscriptionImpl } from "../subscription.ts";
import { reportUserError } from "../subscription.ts";
import type { Msg } from "../types.ts";
import { deferred } from "../util.ts";
import { toJsMsg } from "./jsmsg.ts";
import type { JsMsg } from "./jsmsg.ts";
import type {
  ConsumerAPI,
  ConsumerCallbackFn,
  ConsumerConfig,
  ConsumerInfo,
  ConsumerMessages,
  ConsumerStatus,
} from "./types.ts";
import { ConsumerDebugEvents, ConsumerEvents } from "./types.ts";

/** JetStream API `err_code`s of a missing stream and a missing consumer (ADR-7). */
const ERR_STREAM_NOT_FOUND = 10059;
const ERR_CONSUMER_NOT_FOUND = 10014;

/** A `next()`/`fetch()` with a timer of at least this many ms fails on missed heartbeats. */
const FETCH_HEARTBEAT_CHECK_MS = 60_000;

/** What a run needs of its consumer. */
export interface RunContext {
  host: JetStreamHost;
  api: ConsumerAPI;
  stream: string;
  /** `<api prefix>.CONSUMER.MSG.NEXT.<stream>`. */
  nextPrefix: string;
  inboxPrefix: string;
  /** `ackAck()`'s default timeout, ms. */
  ackTimeout: number;
  /** Ordered: a consumer of the chain was created. */
  onCreated?(info: ConsumerInfo): void;
  /** Ordered: the stream sequence of the last message the user was given, when the run ends. */
  onCursor?(seq: number): void;
}

/** The input code for an API error of a check or a creation. */
function inputFor(err: unknown): number {
  const code = (err as NatsError)?.api_error?.err_code;
  if (code === ERR_STREAM_NOT_FOUND) return HookInput.StreamNotFound;
  if (code === ERR_CONSUMER_NOT_FOUND) return HookInput.ConsumerNotFound;
  return HookInput.Failed;
}

/** A status's data as nats.deno gives it: counts as numbers, discard as an object. */
function statusData(type: string, data: string): unknown {
  switch (type) {
    case ConsumerEvents.HeartbeatsMissed:
    case ConsumerEvents.ConsumerNotFound:
    case ConsumerEvents.StreamNotFound:
      return Number(data);
    case ConsumerDebugEvents.Discard:
      return JSON.parse(data);
    default:
      return data;
  }
}

export class ConsumerMessagesImpl extends PacedIterator<JsMsg> implements ConsumerMessages {
  private readonly ctx: RunContext;
  private readonly sub: SubscriptionImpl;
  private readonly inbox: string;
  private readonly fetchMode: boolean;
  private readonly expires: number;
  private readonly callback?: ConsumerCallbackFn;
  private readonly listeners: QueuedIteratorImpl<ConsumerStatus>[] = [];
  private readonly ended = deferred<void | Error>();
  private endErr?: Error;
  /** The last message the user was given (an ordered consumer continues after it). */
  private last?: JsMsg;

  constructor(
    ctx: RunContext,
    consumer: string,
    fetch: boolean,
    opts: Record<string, unknown>,
    ordered?: Record<string, unknown>,
  ) {
    super();
    this.ctx = ctx;
    this.fetchMode = fetch;
    this.expires = typeof opts.expires === "number" ? opts.expires : 0;
    const { callback, ...engineOpts } = opts;
    if (typeof callback === "function") {
      this.callback = callback as ConsumerCallbackFn;
      this.noIterator = true;
    }
    this.inbox = createInbox(ctx.inboxPrefix);
    this.sub = ctx.host.subscribe(this.inbox, {
      callback: (err, m) => this.onMsg(err, m),
    });
    this.sub.onEvent = (kind, name, data, body) => this.onEvent(kind, name, data, body);
    // a clean end of the inbox (a fetch done, the user stopped): the iterator ends after its queue
    this.sub.closed.then(() => this.end(this.endErr));
    this.onStop = (err) => this.finished_(err);
    try {
      ctx.host.consumePull(this.sub, ctx.nextPrefix, consumer, fetch, engineOpts, ordered);
    } catch (err) {
      this.sub.unsubscribe();
      throw err;
    }
  }

  private onMsg(err: NatsError | null, m: Msg): void {
    if (err) {
      // the engine ended the run with an error (a status, a missing consumer): queued messages
      // are still yielded, then the loop throws it
      this.endErr = err;
      this.end(err);
      return;
    }
    const jm = toJsMsg(m, this.ctx.ackTimeout);
    const cb = this.callback;
    if (cb === undefined) {
      this.push(jm);
      return;
    }
    this.received++;
    this.last = jm;
    try {
      cb(jm);
    } catch (e) {
      reportUserError(e);
    }
  }

  private onEvent(kind: string, name: string, data: string, body: Uint8Array): void {
    switch (kind) {
      case "pull":
        {
          // held behind the queued messages: a copy, so the batch's arena is not kept for it
          const pull = body.slice();
          this.whenReached(() => this.sendPull(data, pull));
        }
        break;
      case "status":
        this.notify(name, statusData(name, data));
        if (
          this.fetchMode && name === ConsumerEvents.HeartbeatsMissed &&
          this.expires >= FETCH_HEARTBEAT_CHECK_MS
        ) {
          this.stop(new NatsError(`${data} heartbeats missed`, ErrorCode.JetStreamIdleHeartBeat));
        }
        break;
      case "check":
        this.ctx.api.info(this.ctx.stream, name).then(
          () => this.answer(HookInput.Ok, ""),
          (err) => this.answer(inputFor(err), (err as Error).message),
        );
        break;
      case "create":
        this.create(data, body);
        break;
    }
  }

  /** Ordered: deletes the previous consumer (best effort) and creates the next (its config). */
  private create(previous: string, body: Uint8Array): void {
    const { api, stream } = this.ctx;
    if (previous) api.delete(stream, previous).catch(() => {});
    let config: ConsumerConfig;
    try {
      config = JSON.parse(TD.decode(body)) as ConsumerConfig;
    } catch (err) {
      this.answer(HookInput.Failed, (err as Error).message);
      return;
    }
    api.add(stream, config).then(
      (ci) => {
        this.ctx.onCreated?.(ci);
        this.answer(HookInput.Ok, "");
      },
      (err) => this.answer(inputFor(err), (err as Error).message),
    );
  }

  private answer(code: number, data: string): void {
    if (!this.done) this.ctx.host.hookInput(this.sub, code, data);
  }

  private sendPull(subject: string, body: Uint8Array): void {
    try {
      this.ctx.host.publish(subject, body, { reply: this.inbox });
    } catch {
      // closed or draining: the run ends with the subscription
      return;
    }
    if (this.listeners.length > 0) {
      this.notify(ConsumerDebugEvents.Next, JSON.parse(TD.decode(body)));
    }
  }

  private notify(type: string, data: unknown): void {
    for (const l of this.listeners) l.push({ type, data });
  }

  protected override take(): JsMsg {
    const m = super.take();
    this.last = m;
    return m;
  }

  protected override handOff(v: JsMsg): boolean {
    const given = super.handOff(v);
    if (given) this.last = v;
    return given;
  }

  /** The iterator is finished (drained, left, stopped): forget the inbox, end the listeners. */
  private finished_(err?: Error): void {
    this.dropHeld();
    this.sub.unsubscribe();
    for (const l of this.listeners) l.end();
    const onCursor = this.ctx.onCursor;
    if (onCursor !== undefined && this.last !== undefined) {
      try {
        onCursor(this.last.seq);
      } catch {
        // not an ack subject: the ordered run dropped such messages, so this cannot happen
      }
    }
    this.ended.resolve(err ?? this.endErr);
  }

  status(): Promise<AsyncIterable<ConsumerStatus>> {
    const it = new QueuedIteratorImpl<ConsumerStatus>();
    if (this.finished) it.end();
    else this.listeners.push(it);
    return Promise.resolve(it);
  }

  override stop(err?: Error): void {
    super.stop(err);
    this.sub.unsubscribe();
  }

  close(): Promise<void | Error> {
    this.stop();
    return this.ended;
  }

  closed(): Promise<void | Error> {
    return this.ended;
  }
}
