/**
 * The batch router: reads each batch of engine records (layout in records.ts) and hands every
 * record to its owner. MSG and SUB_EVENT go to the subscription by sid, REPLY / REQ_END to the pending
 * request by token, SUB_END ends a subscription, FLUSH_END settles a flush; STATUS, INFO,
 * CONNECTED, CLOSED and SUBS_DRAINED are connection-wide and go to the `RouterHost` (the
 * connection). It owns the id → owner tables the connection registers into.
 *
 * The driver delivers a command's records only after the command has returned its id, in order,
 * and never nests deliveries (docs/design.md): an id is always registered before its first
 * record, and nothing here has to hold records back. A record whose id is unknown belongs to
 * something the shim already forgot (an unsubscribed subscription, a cancelled request) and is
 * dropped.
 *
 * Must not: parse the protocol, run timers or decide when anything ends (the engine does), or
 * allocate per message beyond the Msg a callback or reply needs (iterators queue records).
 */
import { type NatsError, recordError } from "./errors.ts";
import { MsgImpl } from "./msg.ts";
import {
  F_CODE,
  F_MESSAGE,
  F_PERMISSION,
  F_STATUS_DATA,
  F_STATUS_DETAIL,
  F_STATUS_TYPE,
  field,
  K_CLOSED,
  K_CONNECTED,
  K_FLUSH_END,
  K_INFO,
  K_MSG,
  K_REPLY,
  K_REQ_END,
  K_STATUS,
  K_SUB_END,
  K_SUB_EVENT,
  K_SUBS_DRAINED,
  STRIDE,
  W_ID,
  W_KIND,
} from "./records.ts";
import type { PendingRequest } from "./requests.ts";
import type { SubscriptionImpl } from "./subscription.ts";
import type { Deferred, Publisher } from "./types.ts";

/** What the router reports to the connection. */
export interface RouterHost extends Publisher {
  /** A STATUS record (f0 type, f1 data, f2 permission context JSON, f3 detail). */
  onStatus(type: string, data: string, perm: string, detail: string): void;
  /** An INFO record: the server's INFO JSON text. */
  onInfo(json: string): void;
  /** A CONNECTED record: the server's `host:port`. */
  onConnected(server: string): void;
  /** The CLOSED record: the error, or undefined when closed by the user. */
  onClosed(err: NatsError | undefined): void;
  /** A SUBS_DRAINED record: a connection drain has ended every subscription. */
  onSubsDrained(): void;
}

/** The end error of the end record at word `i`, undefined for a clean end (`""` code). */
function endError(records: Uint32Array, arena: Uint8Array, i: number): NatsError | undefined {
  const code = field(records, arena, i, F_CODE);
  if (code === "") return undefined;
  return recordError(
    code,
    field(records, arena, i, F_MESSAGE),
    field(records, arena, i, F_PERMISSION),
  );
}

/** The tables of one connection and the routing over them. */
export class BatchRouter {
  readonly subs = new Map<number, SubscriptionImpl>();
  readonly requests = new Map<number, PendingRequest>();
  readonly flushes = new Map<number, Deferred<void>>();
  private host: RouterHost;

  constructor(host: RouterHost) {
    this.host = host;
  }

  /**
   * Routes one batch (JS-owned: messages may keep views into them). `frame` is the socket's
   * frame that message bodies point into (records.ts `W_BODY`), undefined when none do.
   */
  route(records: Uint32Array, arena: Uint8Array, frame: Uint8Array | undefined): void {
    // consecutive messages usually share a subscription: look it up once per run (a sid is never
    // reused, and a subscription that ended meanwhile drops what it is given)
    let lastSid = -1;
    let sub: SubscriptionImpl | undefined = undefined;
    const n = records.length;
    for (let i = 0; i < n; i += STRIDE) {
      const kind = records[i + W_KIND];
      const id = records[i + W_ID];
      if (kind === K_MSG) {
        if (id !== lastSid) {
          sub = this.subs.get(id);
          lastSid = id;
        }
        if (sub !== undefined) sub.deliverRecord(records, arena, frame, i);
        continue;
      }
      switch (kind) {
        case K_REPLY: {
          const r = this.requests.get(id);
          if (r !== undefined && r.reply(new MsgImpl(this.host, records, i, arena, frame))) {
            this.requests.delete(id);
          }
          break;
        }
        case K_REQ_END: {
          const r = this.requests.get(id);
          if (r === undefined) break;
          this.requests.delete(id);
          r.fail(endError(records, arena, i));
          break;
        }
        case K_SUB_EVENT: {
          const s = this.subs.get(id);
          if (s !== undefined) s.deliverEvent(records, arena, i);
          break;
        }
        case K_SUB_END: {
          const s = this.subs.get(id);
          if (s === undefined) break;
          this.subs.delete(id);
          s.ended(endError(records, arena, i));
          break;
        }
        case K_FLUSH_END: {
          const d = this.flushes.get(id);
          if (d === undefined) break;
          this.flushes.delete(id);
          const err = endError(records, arena, i);
          if (err === undefined) d.resolve();
          else d.reject(err);
          break;
        }
        case K_STATUS:
          this.host.onStatus(
            field(records, arena, i, F_STATUS_TYPE),
            field(records, arena, i, F_STATUS_DATA),
            field(records, arena, i, F_PERMISSION),
            field(records, arena, i, F_STATUS_DETAIL),
          );
          break;
        case K_INFO:
          this.host.onInfo(field(records, arena, i, 0));
          break;
        case K_CONNECTED:
          this.host.onConnected(field(records, arena, i, 0));
          break;
        case K_CLOSED:
          this.host.onClosed(endError(records, arena, i));
          break;
        case K_SUBS_DRAINED:
          this.host.onSubsDrained();
          break;
        default:
          // DRAINED (CLOSED follows) and kinds added later: nothing to do here
          break;
      }
    }
  }

  /**
   * The connection closed: ends what the engine left open (it ends requests, flushes and
   * subscriptions before CLOSED, so these are leftovers): requests and flushes fail with
   * CONNECTION_CLOSED, as the engine ends them, subscriptions end cleanly.
   */
  endAll(closedErr: () => NatsError): void {
    const flushes = Array.from(this.flushes.values());
    this.flushes.clear();
    for (const d of flushes) d.reject(closedErr());
    const reqs = Array.from(this.requests.values());
    this.requests.clear();
    for (const r of reqs) r.fail(closedErr());
    const subs = Array.from(this.subs.values());
    this.subs.clear();
    for (const s of subs) s.ended();
  }
}
