/**
 * Small promise and time helpers of the public API: `deferred`, `delay` (cancellable),
 * `deadline` (rejects `Error("deadline exceeded")`), `timeout` (rejects TIMEOUT), `nanos`/`millis`
 * conversions, and the `backoff` policy with jitter.
 *
 * Must not: keep timers for the client (request, subscription and ping timers are the engine's),
 * or leave a timer running once its promise has settled.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import type { Backoff, Deferred, Delay, Nanos, Timeout } from "./types.ts";

/** A Promise that also has `resolve` and `reject`. */
export function deferred<T>(): Deferred<T> {
  let methods!: Pick<Deferred<T>, "resolve" | "reject">;
  const p = new Promise<T>((resolve, reject) => {
    methods = { resolve: resolve as Deferred<T>["resolve"], reject };
  });
  return Object.assign(p, methods);
}

/**
 * A promise settled by `fire` after `ms`, with `cancel()`, which stops the timer and leaves the
 * promise pending (as nats.deno's delay and timeout do).
 */
function cancellable<T>(
  ms: number,
  fire: (resolve: (v: T) => void, reject: (e: unknown) => void) => void,
): Promise<T> & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const p = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      timer = undefined;
      fire(resolve, reject);
    }, ms);
  });
  const cancel = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  return Object.assign(p, { cancel });
}

/** A Promise resolving after `ms` milliseconds, with `cancel()` (which leaves it pending). */
export function delay(ms = 0): Delay {
  return cancellable<void>(ms, (resolve) => resolve());
}

/** Settles like `p`, or rejects with `Error("deadline exceeded")` after `millis`. */
export function deadline<T>(p: Promise<T>, millis = 1000): Promise<T> {
  const err = new Error("deadline exceeded");
  const d = deferred<never>();
  const timer = setTimeout(() => d.reject(err), millis);
  return Promise.race([p, d]).finally(() => clearTimeout(timer));
}

/** A Promise rejecting with a NatsError TIMEOUT after `ms`, unless `cancel()`ed (then pending). */
export function timeout<T>(ms: number, asyncTraces = true): Timeout<T> {
  // with traces the error is made here, so its stack shows the caller
  const err = asyncTraces ? NatsError.errorForCode(ErrorCode.Timeout) : null;
  return cancellable<T>(
    ms,
    (_resolve, reject) => reject(err ?? NatsError.errorForCode(ErrorCode.Timeout)),
  );
}

/** Milliseconds to nanoseconds. */
export function nanos(millis: number): Nanos {
  return millis * 1000000;
}

/** Nanoseconds to whole milliseconds. */
export function millis(ns: Nanos): number {
  return Math.floor(ns / 1000000);
}

/** A value between 0.5n and 1.5n (0 stays 0). */
export function jitter(n: number): number {
  if (n === 0) return 0;
  return Math.floor(n / 2 + Math.random() * n);
}

const DEFAULT_BACKOFF = [0, 250, 250, 500, 500, 3000, 5000];

/**
 * A backoff policy: `backoff(n)` is entry n of `policy` (the last one once n runs past the end)
 * with jitter, between 0.5x and 1.5x. Default `[0, 250, 250, 500, 500, 3000, 5000]`.
 */
export function backoff(policy: number[] = DEFAULT_BACKOFF): Backoff {
  if (!Array.isArray(policy) || policy.length === 0) policy = DEFAULT_BACKOFF;
  const p = policy.slice();
  const max = p.length - 1;
  return {
    backoff(attempt: number): number {
      return jitter(attempt > max ? p[max] : p[Math.max(0, attempt)]);
    },
  };
}
