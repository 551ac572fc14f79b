/**
 * One service subscription (an endpoint or a control subject) and how its requests reach user
 * code: a handler called per request (its time and its failures counted), or an iterator of
 * `ServiceMsg` that yields straight from the subscription's own iterator, so that the loop's
 * pace is the subscription's and a drain waits for the loop (docs/services.md "Drain").
 *
 * A handler that returns a promise is counted when the promise settles, a rejection like a throw
 * (counted, answered with the error headers); until every such promise has settled the
 * subscription does not count as processed, so a stop or a connection drain still lets it
 * respond.
 *
 * Must not: decide when the service stops (it tells its owner), or build control answers.
 */
import { Empty } from "../encoders.ts";
import type { SubscriptionImpl } from "../subscription.ts";
import type { Deferred, Msg, NatsConnection, QueuedIterator, Subscription } from "../types.ts";
import { deferred } from "../util.ts";
import { errorHeaders, errorText } from "./error.ts";
import { ServiceMsgImpl } from "./msg.ts";
import { EndpointStatsImpl, nanosSince } from "./stats.ts";
import type { ServiceHandler, ServiceMsg } from "./types.ts";

/** What an endpoint tells the service it belongs to. */
export interface EndpointOwner {
  /** The subscription failed (`err`) or ended (unsubscribed, drained, connection closed). */
  endpointEnded(ep: EndpointImpl, err?: Error): void;
  /** The user left the loop of the endpoint's iterator, or stopped it (with `err`). */
  iteratorLeft(ep: EndpointImpl, err?: Error): void;
}

/** A handler of a control subject: gets the raw message, may answer asynchronously. */
export type InternalHandler = (msg: Msg) => Promise<void> | void;

/** An endpoint or control subscription of a service. */
export class EndpointImpl {
  readonly stats: EndpointStatsImpl;
  /** The subscription, once `start()` has run. */
  sub!: Subscription;
  /** What `addEndpoint` returns (with a handler it only counts: iterating it throws). */
  iter?: EndpointIterator;
  /** The user left the iterator's loop: its subscription is ending (the service must not drain it). */
  left = false;
  /** Handler promises not yet settled, and who waits for them to be none. */
  private inflight = 0;
  private idle$: Deferred<void> | null = null;

  constructor(
    readonly name: string,
    readonly subject: string,
    readonly queue: string,
    readonly metadata: Record<string, string> | undefined,
    readonly handler: ServiceHandler | undefined,
    readonly internal: boolean,
  ) {
    this.stats = new EndpointStatsImpl(name, subject, queue);
  }

  /** Subscribes, with `handler` (or `internal`) called per request, else as an iterator. */
  start(nc: NatsConnection, owner: EndpointOwner, internal?: InternalHandler): void {
    const queue = this.queue || undefined;
    if (internal !== undefined) {
      this.sub = nc.subscribe(this.subject, {
        callback: (err, msg) => {
          if (err) owner.endpointEnded(this, err);
          else this.track(internal(msg), msg, performance.now(), false);
        },
      });
    } else if (this.handler !== undefined) {
      const handler = this.handler;
      this.sub = nc.subscribe(this.subject, {
        queue,
        callback: (err, msg) => {
          if (err) {
            owner.endpointEnded(this, err);
            return;
          }
          const start = performance.now();
          let r: unknown;
          try {
            r = handler(null, new ServiceMsgImpl(msg));
          } catch (e) {
            this.failed(msg, e);
            this.stats.countLatency(nanosSince(start));
            return;
          }
          this.track(r, msg, start, true);
        },
      });
      this.iter = new EndpointIterator(this, owner);
    } else {
      this.sub = nc.subscribe(this.subject, { queue });
      this.iter = new EndpointIterator(this, owner);
    }
    this.holdDrain();
    const sub = this.sub;
    sub.closed.then(
      // an iterator subscription keeps the error it ended with (nobody may have iterated it)
      () => owner.endpointEnded(this, (sub as unknown as { err?: Error }).err),
      (err) => owner.endpointEnded(this, err),
    );
  }

  /** A handler threw (or its promise rejected): counted, and answered with the error headers. */
  private failed(msg: Msg, err: unknown): void {
    this.stats.countError(errorText(err));
    try {
      msg.respond(Empty, { headers: errorHeaders(err) });
    } catch {
      // the connection closed meanwhile: nothing to answer on
    }
  }

  /**
   * Counts a request whose handler returned `r`: now, or when `r` settles if it is a promise
   * (held in `inflight` until then). `count` is false for control subjects (not in the stats).
   */
  private track(r: unknown, msg: Msg, start: number, count: boolean): void {
    if (!isThenable(r)) {
      if (count) this.stats.countLatency(nanosSince(start));
      return;
    }
    this.inflight++;
    r.then(
      () => {},
      (e) => this.failed(msg, e),
    ).finally(() => {
      if (count) this.stats.countLatency(nanosSince(start));
      if (--this.inflight === 0 && this.idle$ !== null) {
        this.idle$.resolve();
        this.idle$ = null;
      }
    });
  }

  /** Resolves once no handler promise is pending. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return this.idle$ ??= deferred<void>();
  }

  /**
   * A connection drain waits for each subscription's `whenProcessed()` (docs/decisions.md
   * "Drain waits for processing"); a callback subscription is processed once its callbacks ran,
   * so handler promises still pending are added to the wait here.
   */
  private holdDrain(): void {
    (this.sub as SubscriptionImpl).holdProcessed(() => this.idle());
  }

  /** The INFO entry. */
  info(): {
    name: string;
    subject: string;
    metadata?: Record<string, string>;
    queue_group: string;
  } {
    return {
      name: this.name,
      subject: this.subject,
      metadata: this.metadata,
      queue_group: this.queue,
    };
  }
}

function isThenable(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === "object" && typeof (v as Promise<unknown>).then === "function";
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as never;

/**
 * The iterator of an endpoint without a handler: each `next()` takes the next request from the
 * subscription's iterator and wraps it; the time from a yield to the following `next()` (the
 * loop body) is the request's processing time. Leaving the loop, or `stop()`, stops the service
 * (as nats.deno does). Values cannot be pushed into it.
 */
export class EndpointIterator implements QueuedIterator<ServiceMsg> {
  /** `performance.now()` when the last request was yielded, or -1 if none is in the loop. */
  private yieldedAt = -1;
  private iterating = false;

  constructor(private ep: EndpointImpl, private owner: EndpointOwner) {}

  [Symbol.asyncIterator](): AsyncIterator<ServiceMsg> {
    // a callback subscription refuses to be iterated ("unsupported iterator"), and an iterator
    // a second loop ("already yielding"): so do we
    const it = this.ep.sub[Symbol.asyncIterator]();
    this.iterating = true;
    return {
      next: () => {
        this.bodyDone();
        return it.next().then(
          (r) => {
            if (r.done) return DONE;
            this.yieldedAt = performance.now();
            return { value: new ServiceMsgImpl(r.value), done: false };
          },
          (err) => {
            // the subscription ended with an error (not a refused second loop): the service stops
            if (this.ep.sub.isClosed()) this.owner.endpointEnded(this.ep, err);
            throw err;
          },
        );
      },
      return: () => {
        this.bodyDone();
        // unsubscribes now; the service then stops without draining this subscription
        this.ep.left = true;
        const done = it.return?.() ?? Promise.resolve(DONE);
        this.owner.iteratorLeft(this.ep);
        return done.then(() => DONE);
      },
    };
  }

  /** The loop came back (or left): the request it had is counted. */
  private bodyDone(): void {
    if (this.yieldedAt < 0) return;
    this.ep.stats.countLatency(nanosSince(this.yieldedAt));
    this.yieldedAt = -1;
  }

  /** Not supported: requests come from the subscription only. */
  push(_v: ServiceMsg): void {
    throw new Error("an endpoint's iterator takes requests from its subscription only");
  }

  /** Stops the service (with `err`); the loop ends after the requests already queued. */
  stop(err?: Error): void {
    this.owner.iteratorLeft(this.ep, err);
  }

  getProcessed(): number {
    return this.ep.sub.getProcessed();
  }

  getPending(): number {
    return this.ep.sub.getPending();
  }

  getReceived(): number {
    return this.ep.sub.getReceived();
  }

  /** True once a loop has started on it (a stop waits for that loop, not for a loop never run). */
  get started(): boolean {
    return this.iterating;
  }
}
