/**
 * `PendingRequest`: what a request token settles on the JS side, one deferred for `request`, one
 * QueuedIterator for `requestMany`. Every request (shared inbox or `noMux`, which the engine
 * serves on its own subscription) is settled the same way, by the router: each REPLY record is
 * a reply, the REQ_END record (or the end of the connection) ends it.
 *
 * Must not: parse replies, run timers, pick strategies or turn statuses into errors (the engine
 * owns inboxes, tokens, timers and strategies, and ends a request answered with no responders
 * with REQ_END "503").
 */
import { ErrorCode, NatsError } from "./errors.ts";
import type { QueuedIteratorImpl } from "./queued_iterator.ts";
import type { Deferred, Msg } from "./types.ts";

/** A request waiting for its REPLY / REQ_END records. */
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

  /** Hands over a reply; true when it settled the request (a single request's only reply). */
  reply(m: Msg): boolean {
    if (this.single !== null) {
      this.single.resolve(m);
      return true;
    }
    this.many!.push(m);
    return false;
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
