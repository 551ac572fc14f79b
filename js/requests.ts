/**
 * Request bookkeeping on the JS side: `PendingRequest` (what a mux request token settles: one
 * deferred for `request`, one QueuedIterator for `requestMany`), and the two `noMux` variants,
 * built from an ordinary subscription on a fresh inbox plus a publish with that reply subject:
 * `request` uses a `max: 1` subscription with the request timeout (the engine times it out);
 * `requestMany` runs its strategy (maxWait, count, jitter, sentinel) on that subscription.
 *
 * Must not: parse replies or keep mux state (the engine owns the mux inbox, tokens and timers of
 * mux requests).
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { RequestStrategy } from "./enums.ts";
import { isNoResponders, type MsgImpl } from "./msg.ts";
import { QueuedIteratorImpl } from "./queued_iterator.ts";
import type { SubscriptionImpl } from "./subscription.ts";
import type { Deferred, Msg, MsgHdrs, RequestManyOptions, SubscriptionOptions } from "./types.ts";

/** A mux request waiting for its REPLY / REQ_END records. */
export class PendingRequest {
  /** Set for `request`. */
  single: Deferred<Msg> | null;
  /** Set for `requestMany`. */
  many: QueuedIteratorImpl<Msg> | null;
  /** Call-site stack to append to errors (unless noAsyncTraces). */
  ctx: Error | null;

  constructor(
    single: Deferred<Msg> | null,
    many: QueuedIteratorImpl<Msg> | null,
    ctx: Error | null,
  ) {
    this.single = single;
    this.many = many;
    this.ctx = ctx;
  }

  /** Ends the request with an error (or, for requestMany, cleanly). */
  fail(err?: NatsError): void {
    if (err && this.ctx?.stack) err.stack += `\n\n${this.ctx.stack}`;
    if (this.single) {
      this.single.reject(err ?? NatsError.errorForCode(ErrorCode.Cancelled));
    } else if (this.many) {
      this.many.end(err);
    }
  }
}

/** What the noMux helpers need from the connection. */
export interface RequestHost {
  subscribe(subject: string, opts?: SubscriptionOptions): SubscriptionImpl;
  publish(subject: string, data: Uint8Array, opts?: { reply?: string; headers?: MsgHdrs }): void;
}

/** `request` with `noMux`: a `max: 1` subscription on `inbox` with the request timeout. */
export function requestNoMux(
  host: RequestHost,
  subject: string,
  data: Uint8Array,
  inbox: string,
  timeout: number,
  headers: MsgHdrs | undefined,
  d: Deferred<Msg>,
  ctx: Error | null,
): void {
  const sub = host.subscribe(inbox, {
    max: 1,
    timeout,
    callback: (err, msg) => {
      if (err === null && isNoResponders(msg as MsgImpl)) {
        err = NatsError.errorForCode(ErrorCode.NoResponders);
      }
      if (err) {
        if (ctx?.stack && err.code !== ErrorCode.Timeout) err.stack += `\n\n${ctx.stack}`;
        d.reject(err);
      } else {
        d.resolve(msg);
      }
    },
  });
  sub.requestSubject = subject;
  // A subscription that ends cleanly without a reply (close or drain of the connection) would
  // leave the request pending forever: settle it as a mux request is settled. After a reply or
  // an error this reject is a no-op.
  sub.closed.then(() => d.reject(NatsError.errorForCode(ErrorCode.ConnectionClosed)));
  try {
    host.publish(subject, data, { reply: inbox, headers });
  } catch (err) {
    sub.unsubscribe();
    d.reject(err);
  }
}

/**
 * `requestMany` with `noMux`: gathers replies on a subscription to `inbox` until the strategy is
 * satisfied (or maxWait passes), then unsubscribes and ends the iterator. A no-responders reply
 * or a subscription error ends it with that error.
 */
export function requestManyNoMux(
  host: RequestHost,
  subject: string,
  data: Uint8Array,
  inbox: string,
  opts: Partial<RequestManyOptions> & { strategy: RequestStrategy; maxWait: number },
): QueuedIteratorImpl<Msg> {
  const qi = new QueuedIteratorImpl<Msg>();
  const strategy = opts.strategy;
  const count = typeof opts.maxMessages === "number" && opts.maxMessages > 0 ? opts.maxMessages : 0;
  const jitter = opts.jitter || 300;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sub: SubscriptionImpl | undefined = undefined;
  const finish = (err?: NatsError) => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (sub && !sub.isClosed()) sub.unsubscribe();
    qi.end(err);
  };
  sub = host.subscribe(inbox, {
    max: strategy === RequestStrategy.Count && count > 0 ? count : undefined,
    callback: (err, msg) => {
      if (err === null && isNoResponders(msg as MsgImpl)) {
        err = NatsError.errorForCode(ErrorCode.NoResponders);
      }
      if (err) {
        finish(err);
        return;
      }
      qi.push(msg);
      if (strategy === RequestStrategy.Count && count > 0 && qi.received >= count) {
        finish();
      } else if (strategy === RequestStrategy.JitterTimer) {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => finish(), jitter);
      } else if (strategy === RequestStrategy.SentinelMsg && msg.data.length === 0) {
        finish();
      }
    },
  });
  sub.requestSubject = subject;
  // the subscription ended on its own (max reached, connection closed): end the iterator
  sub.closed.then(() => finish());
  // the user left the loop: stop listening
  qi.onStop = () => finish();
  try {
    host.publish(subject, data, { reply: inbox, headers: opts.headers });
  } catch (err) {
    finish(err as NatsError);
    return qi;
  }
  timer = setTimeout(() => finish(), opts.maxWait);
  return qi;
}
