/**
 * `QueuedIteratorImpl<T>`: the async iterable behind subscriptions, status() and requestMany.
 * Producers `push()` synchronously; the consumer takes the whole pending array at once when it
 * wakes, so a burst costs one promise resolution. `end(err?)` finishes after what is queued has
 * been yielded; `stop(err?)` finishes at once (queued values are dropped). One iteration at a
 * time ("already yielding" otherwise); an iterator in callback mode (`noIterator`) refuses to be
 * iterated ("unsupported iterator"). Leaving a `for await` loop stops it and runs `onStop`.
 * Also `syncIterator(src)`.
 *
 * Must not: allocate a promise per value (only when the consumer has to wait), run timers, or
 * know what it carries.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import type { QueuedIterator, SyncIterator } from "./types.ts";

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as never;

/** An async iterator fed by pushes. */
export class QueuedIteratorImpl<T> implements QueuedIterator<T> {
  /** Values pushed and not yet taken by the consumer. */
  protected yields: T[] = [];
  /** The array the consumer is yielding from, and its position. */
  private batch: T[] = [];
  private pos = 0;
  /** 1 while the consumer's loop body runs with the last value handed out (nats.deno counts it). */
  private inflight = 0;
  processed = 0;
  received = 0;
  /** Callback mode: values are handled elsewhere; iterating is an error. */
  noIterator = false;
  /** No more pushes are accepted. */
  done = false;
  /** The consumer has finished (or stop() was called). */
  finished = false;
  /** The error the iteration ends with, if any. */
  err?: Error;
  yielding = false;
  private waiter: ((v: IteratorResult<T>) => void) | null = null;
  private waiterReject: ((e: unknown) => void) | null = null;
  /** Called once when the iterator finishes (values all yielded, stopped, or left by the user). */
  onStop?: (err?: Error) => void;

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.noIterator) {
      return rejecting(new NatsError("unsupported iterator", ErrorCode.ApiError));
    }
    if (this.yielding) {
      return rejecting(new NatsError("already yielding", ErrorCode.ApiError));
    }
    this.yielding = true;
    return {
      next: () => this.next(),
      return: () => this.leave(),
    };
  }

  /** Queues a value (ignored once done). */
  push(v: T): void {
    if (this.done) return;
    this.received++;
    if (!this.handOff(v)) this.yields.push(v);
  }

  /** True when a consumer waits in `next()` (nothing is queued then). */
  protected waiting(): boolean {
    return this.waiter !== null;
  }

  /** Gives `v` straight to a consumer waiting in `next()`; false when none is waiting. */
  protected handOff(v: T): boolean {
    const w = this.waiter;
    if (w === null) return false;
    this.waiter = this.waiterReject = null;
    this.processed++;
    this.inflight = 1;
    w({ value: v, done: false });
    return true;
  }

  /** True when values are queued (subclasses with their own queue override the four hooks). */
  protected hasQueued(): boolean {
    return this.pos < this.batch.length || this.yields.length > 0;
  }

  /** Takes the next queued value: from the current batch, else swaps in the whole pending array. */
  protected take(): T {
    if (this.pos >= this.batch.length) {
      // the old batch array is reused for new pushes
      const b = this.batch;
      b.length = 0;
      this.batch = this.yields;
      this.yields = b;
      this.pos = 0;
    }
    const v = this.batch[this.pos];
    this.batch[this.pos++] = undefined as T;
    return v;
  }

  /** Number of queued values. */
  protected queuedCount(): number {
    return this.yields.length + this.batch.length - this.pos;
  }

  /** Drops the queued values. */
  protected clearQueued(): void {
    this.yields.length = 0;
    this.batch.length = 0;
    this.pos = 0;
  }

  /** The next value, or a promise the next push (or the end) settles. */
  next(): Promise<IteratorResult<T>> {
    this.inflight = 0;
    if (this.hasQueued()) {
      const v = this.take();
      this.processed++;
      this.inflight = 1;
      return Promise.resolve({ value: v, done: false });
    }
    if (this.done) return this.finish();
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.waiter = resolve;
      this.waiterReject = reject;
    });
  }

  private finish(): Promise<IteratorResult<T>> {
    this.markFinished();
    const err = this.err;
    if (err) {
      this.err = undefined;
      return Promise.reject(err);
    }
    return Promise.resolve(DONE);
  }

  /** Marks the iteration finished and runs `onStop` once (the error, if any, stays to be thrown). */
  private markFinished(): void {
    if (this.finished) return;
    this.finished = true;
    this.done = true;
    const fn = this.onStop;
    this.onStop = undefined;
    if (fn) fn(this.err);
  }

  /** The consumer left the loop (break/return/throw). */
  private leave(): Promise<IteratorResult<T>> {
    this.done = true;
    this.err = undefined;
    this.dropQueued();
    this.markFinished();
    return Promise.resolve(DONE);
  }

  private dropQueued(): void {
    this.inflight = 0;
    this.clearQueued();
  }

  /**
   * No more values: the iteration ends once queued values have been yielded, then throws `err`
   * if given. A waiting consumer is released at once.
   */
  end(err?: Error): void {
    if (this.done) return;
    this.done = true;
    this.err = err;
    this.wake();
  }

  /** Ends now: queued values are dropped, then the iteration throws `err` if given. */
  stop(err?: Error): void {
    if (this.finished) return;
    this.done = true;
    this.err = err;
    this.dropQueued();
    this.wake();
    this.markFinished();
  }

  /**
   * After `done` was set: releases a waiting consumer with the end of the iteration, or, when
   * nobody is iterating and nothing is left to yield, marks the iterator finished now (an error
   * stays to be thrown by a later iteration).
   */
  private wake(): void {
    const w = this.waiter;
    if (w === null) {
      if (!this.yielding && this.queuedCount() === 0) this.markFinished();
      return;
    }
    const rj = this.waiterReject!;
    this.waiter = this.waiterReject = null;
    this.markFinished();
    const err = this.err;
    if (err) {
      this.err = undefined;
      rj(err);
    } else {
      w(DONE);
    }
  }

  /** Values handed to the consumer so far. */
  getProcessed(): number {
    return this.noIterator ? this.received : this.processed;
  }

  /** Values waiting to be yielded, plus the one the loop body is processing. */
  getPending(): number {
    return this.queuedCount() + this.inflight;
  }

  /** Values pushed so far. */
  getReceived(): number {
    return this.received;
  }
}

function rejecting<T>(err: Error): AsyncIterator<T> {
  return {
    next: () => Promise.reject(err),
    return: () => Promise.resolve(DONE),
  };
}

/**
 * Wraps an async iterable so that `next()` resolves the next value, or null once it is done.
 */
export function syncIterator<T>(src: AsyncIterable<T>): SyncIterator<T> {
  const iter = src[Symbol.asyncIterator]();
  return {
    async next(): Promise<T | null> {
      const m = await iter.next();
      return m.done ? null : m.value;
    },
  };
}
