// What a publisher may lose when a server dies under it, and what it may not (cluster suite).
// Core NATS has no acknowledgement: the only proof that the server has a message is a flush()
// that resolved after it (the server answers the PING after it has processed everything sent
// before it, so on the publisher's own subscription the messages even arrive before the PONG).
// So a message published while connected may be lost only if a fault ended that connection after
// it was published and no flush resolved for it before the fault; a message published while
// disconnected is buffered and must always arrive. Must not: inject faults or wait for anything
// (the tests do), or excuse a loss by a time window.
import type { NatsConnection } from "../helpers/deps.ts";
import type { ConnState } from "./cluster.ts";

/** One published message, by seq (its index in `sent`). */
export interface Sent {
  /** When publish() returned, ms (performance.now()). */
  at: number;
  /** Published while the client was disconnected (buffered). */
  offline: boolean;
}

/** Lost messages (seqs) by what excuses them, if anything. */
export interface Loss {
  /** Published while disconnected: never excused. */
  offline: number[];
  /** A flush that resolved before the fault covered them: never excused. */
  confirmed: number[];
  /** No disconnect followed them: never excused. */
  withoutFault: number[];
  /** Published after the last flush that resolved before the fault ending their connection. */
  unconfirmed: number[];
}

export class FlushLedger {
  readonly sent: Sent[] = [];
  /** Resolved flushes: messages [0, upTo) confirmed at `at` (ms). */
  readonly confirmed: { upTo: number; at: number }[] = [];
  /** The moments (ms) the test injected a fault (kill, freeze, lame-duck). */
  readonly faults: number[] = [];
  #flushing = false;

  constructor(readonly nc: NatsConnection, readonly state: ConnState) {}

  /** Records that message `sent.length` was just published. */
  published(): void {
    this.sent.push({ at: performance.now(), offline: !this.state.connected });
  }

  /**
   * Starts a flush covering every message published so far, unless one is still outstanding (one
   * at a time: a flush issued while disconnected waits for the reconnect, and a pile of them
   * would only add PINGs).
   */
  confirm(): void {
    if (this.#flushing) return;
    const upTo = this.sent.length;
    let flushed: Promise<void>;
    try {
      flushed = this.nc.flush();
    } catch {
      return; // closed: nothing more to confirm
    }
    this.#flushing = true;
    flushed.then(
      () => this.confirmed.push({ upTo, at: performance.now() }),
      () => {}, // a flush the client gave up on confirms nothing
    ).finally(() => this.#flushing = false);
  }

  /** Marks a fault injected now (or at `at`, ms); returns the moment. */
  fault(at = performance.now()): number {
    this.faults.push(at);
    return at;
  }

  /** How many messages (a prefix) flushes that resolved strictly before `t` confirmed. */
  confirmedBefore(t: number): number {
    let n = 0;
    for (const c of this.confirmed) if (c.at < t && c.upTo > n) n = c.upTo;
    return n;
  }

  /**
   * Sorts every message missing from `received` by what excuses it. A message published while
   * connected belongs to the first disconnect after it; the fault behind that disconnect is the
   * last one injected at or before it, and the message may be lost only if its seq is at or past
   * what flushes resolved before that fault had confirmed. Only the first `upTo` messages are
   * judged (later ones may still be on their way).
   */
  loss(received: Set<number>, upTo = this.sent.length): Loss {
    const disconnects = this.state.events.filter((e) => e.s.type === "disconnect").map((e) => e.at);
    const out: Loss = { offline: [], confirmed: [], withoutFault: [], unconfirmed: [] };
    this.sent.slice(0, upTo).forEach((s, seq) => {
      if (received.has(seq)) return;
      if (s.offline) return void out.offline.push(seq);
      const d = disconnects.find((at) => at >= s.at);
      const fault = d === undefined ? undefined : this.faults.findLast((f) => f <= d);
      if (fault === undefined) return void out.withoutFault.push(seq);
      if (seq < this.confirmedBefore(fault)) return void out.confirmed.push(seq);
      out.unconfirmed.push(seq);
    });
    return out;
  }
}
