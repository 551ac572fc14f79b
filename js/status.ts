/**
 * The status fan-out: every `nc.status()` iterator, and the `Status` objects pushed to them,
 * built from the engine's STATUS records (type, data, permission context, detail in words) and
 * from the shim's own slow-consumer reports.
 *
 * Must not: change connection state (the router tells the connection what a status means for
 * it), decide which events happen (the engine does), or block on a listener that is not read
 * (iterators queue).
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { type DebugEvents, Events } from "./enums.ts";
import { QueuedIteratorImpl } from "./queued_iterator.ts";
import type { ServersChanged, Status } from "./types.ts";

/** The listeners of one connection. */
export class StatusFanout {
  private listeners = new Set<QueuedIteratorImpl<Status>>();
  private ended = false;

  /** A new `status()` iterator; one already ended once the connection is closed. */
  iterator(): QueuedIteratorImpl<Status> {
    const iter = new QueuedIteratorImpl<Status>();
    if (this.ended) {
      iter.end();
      return iter;
    }
    iter.onStop = () => {
      this.listeners.delete(iter);
    };
    this.listeners.add(iter);
    return iter;
  }

  /**
   * Dispatches the event of a STATUS record. `detail` (what happened, in words) becomes
   * `Status.error`: with the event's code for `error`, DISCONNECT otherwise; `perm` (the
   * permission context JSON) becomes `Status.permissionContext`.
   */
  record(type: string, data: string, perm: string, detail: string): void {
    if (this.listeners.size === 0) return;
    let d: string | ServersChanged = data;
    if (type === Events.Update) {
      try {
        const u = JSON.parse(data);
        d = { added: u.added ?? [], deleted: u.deleted ?? [] };
      } catch {
        d = { added: [], deleted: [] };
      }
    }
    const s: Status = { type: type as Events | DebugEvents, data: d };
    if (detail) {
      s.error = new NatsError(detail, type === Events.Error ? data : ErrorCode.Disconnect);
    }
    if (perm) {
      try {
        const ctx = JSON.parse(perm);
        s.permissionContext = { operation: ctx.operation, subject: ctx.subject };
        if (ctx.queue) (s.permissionContext as { queue?: string }).queue = ctx.queue;
      } catch {
        // ignored: the event still carries its type and data
      }
    }
    this.push(s);
  }

  /** Dispatches a status the shim itself reports. */
  push(s: Status): void {
    for (const l of this.listeners) l.push(s);
  }

  /** The connection closed: ends every iterator, and those asked for later. */
  end(): void {
    this.ended = true;
    for (const l of this.listeners) l.end();
    this.listeners.clear();
  }
}
