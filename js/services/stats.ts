/**
 * `EndpointStatsImpl`: one endpoint's STATS counters (requests, errors, last error, processing
 * time in nanoseconds, the stats handler's `data`) and their JSON snapshot.
 *
 * Must not: read clocks other than the start time it is given plus `performance.now()`, or know
 * where requests come from.
 */
import type { Nanos } from "../types.ts";
import type { NamedEndpointStats } from "./types.ts";

/** Nanoseconds per millisecond (`performance.now()` is in ms, the schema in ns). */
const NS_PER_MS = 1_000_000;

/** Nanoseconds since `startMs` (a `performance.now()` reading), whole. */
export function nanosSince(startMs: number): Nanos {
  return Math.round((performance.now() - startMs) * NS_PER_MS);
}

/** An endpoint's counters. */
export class EndpointStatsImpl {
  num_requests = 0;
  num_errors = 0;
  processing_time: Nanos = 0;
  last_error?: string = undefined;
  data?: unknown = undefined;

  constructor(readonly name: string, readonly subject: string, readonly queue: string) {}

  /** Zeroes the counters and forgets the last error and data. */
  reset(): void {
    this.num_requests = 0;
    this.num_errors = 0;
    this.processing_time = 0;
    this.last_error = undefined;
    this.data = undefined;
  }

  /** One request handled, `ns` nanoseconds of processing. */
  countLatency(ns: Nanos): void {
    this.num_requests++;
    this.processing_time += ns;
  }

  countError(message: string): void {
    this.num_errors++;
    this.last_error = message;
  }

  /** The STATS entry; the average is whole nanoseconds (the schema's integers). */
  snapshot(): NamedEndpointStats {
    const n = this.num_requests;
    return {
      name: this.name,
      subject: this.subject,
      average_processing_time: n > 0 ? Math.round(this.processing_time / n) : 0,
      num_errors: this.num_errors,
      num_requests: n,
      processing_time: this.processing_time,
      last_error: this.last_error,
      data: this.data,
      queue_group: this.queue,
    };
  }
}
