// JetStream helpers of the cluster suite: a reader that records everything a consume() or an
// ordered consume() delivers (stream sequences, redeliveries, status events with their time),
// and an acknowledged publish that retries with the same msgID until a PubAck comes (the stream
// drops the duplicates). Must not: inject faults or decide what a test accepts (the tests do).
import type { ConsumerMessages, JetStreamClient } from "../helpers/deps.ts";
import { sleep, until } from "./cluster.ts";

/** Records a consume: every delivered stream sequence in order, and its status events. */
export class Reader {
  /** Stream sequences as delivered (duplicates included). */
  readonly seqs: number[] = [];
  readonly unique = new Set<number>();
  /** Deliveries the server marked as redelivered (delivered count > 1). */
  redeliveries = 0;
  readonly statuses: { at: number; type: string; data: unknown }[] = [];
  readonly done: Promise<void>;

  constructor(readonly it: ConsumerMessages, ack: boolean) {
    this.done = (async () => {
      const st = await it.status();
      (async () => {
        for await (const s of st) {
          this.statuses.push({ at: performance.now(), type: s.type, data: s.data });
        }
      })();
      for await (const m of it) {
        this.seqs.push(m.seq);
        this.unique.add(m.seq);
        if (m.info.redeliveryCount > 1) this.redeliveries++;
        if (ack) m.ack();
      }
    })();
  }

  /** Deliveries of a sequence already delivered. */
  get duplicates(): number {
    return this.seqs.length - this.unique.size;
  }

  /** Waits (bounded) until every sequence in `seqs` was delivered. */
  all(seqs: Iterable<number>, ms: number, label: string): Promise<void> {
    const want = [...seqs];
    return until(
      () => want.every((s) => this.unique.has(s)),
      ms,
      `${label}: ${want.filter((s) => !this.unique.has(s)).length} of ${want.length} missing; ` +
        `statuses ${this.types()}`,
    );
  }

  /** The status types seen after `since` (ms), in order. */
  types(since = 0): string[] {
    return this.statuses.filter((s) => s.at > since).map((s) => s.type);
  }
}

/** What `publishAcked` counts across calls. */
export class PubStats {
  published = 0;
  /** Extra attempts after a timeout or error. */
  retries = 0;
  /** Stream sequences of acknowledged messages. */
  readonly acked: number[] = [];
  /** PubAcks flagged duplicate (a retry whose first attempt had been stored). */
  duplicates = 0;
}

/**
 * Publishes until acknowledged, retrying with the SAME msgID after a timeout or an error (each
 * attempt waits `timeout` ms; at most `ms` in all). Returns the stream sequence.
 */
export async function publishAcked(
  js: JetStreamClient,
  subj: string,
  data: string,
  msgID: string,
  stats: PubStats,
  timeout = 2000,
  ms = 60_000,
): Promise<number> {
  const deadline = Date.now() + ms;
  stats.published++;
  for (;;) {
    try {
      const pa = await js.publish(subj, data, { msgID, timeout });
      if (pa.duplicate) stats.duplicates++;
      stats.acked.push(pa.seq);
      return pa.seq;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`publish ${msgID} never acknowledged: ${err}`);
      stats.retries++;
      await sleep(100); // not a busy loop while no server answers at all
    }
  }
}
