/**
 * `PacedIterator`: a QueuedIterator that can hold work until the user has taken every value
 * queued before it (`whenReached`). JetStream sends what lets the server deliver more (a pull
 * request, a flow-control answer) only when the user gets there, so a slow loop slows the server
 * instead of piling messages up here (docs/jetstream.md "Consumer runs").
 *
 * Must not: decide what the held work is, or run it before the values queued ahead of it are
 * taken (callbacks and an empty queue run it at once: nothing is ahead).
 */
import { QueuedIteratorImpl } from "../queued_iterator.ts";

export class PacedIterator<T> extends QueuedIteratorImpl<T> {
  /** Work waiting for `processed` to reach `at` (the values pushed before it). */
  private held: { at: number; run: () => void }[] = [];

  /** Runs `fn` once every value pushed so far has been handed to the user. */
  whenReached(fn: () => void): void {
    if (this.noIterator || this.queuedCount() === 0) {
      fn();
      return;
    }
    this.held.push({ at: this.received, run: fn });
  }

  /** Taking a value may reach work held behind it. */
  override next(): Promise<IteratorResult<T>> {
    const r = super.next();
    const held = this.held;
    while (held.length > 0 && held[0].at <= this.processed) held.shift()!.run();
    return r;
  }

  /** Forgets held work (the iterator is finished: nothing more is wanted). */
  protected dropHeld(): void {
    this.held = [];
  }
}
