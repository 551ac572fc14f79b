// Small shared helpers for the benchmark scripts: the per-scenario counts, command-line flags, statistics (median,
// percentiles), peak RSS and CPU time from /proc, and the parent-exit watch of child processes.
// It measures nothing on its own and must not import either client under test or open sockets.

export const CRLF = "\r\n";

/** Messages (or requests, or connects) per scenario process in a full run. */
export const SCENARIO_COUNTS: Record<string, number> = {
  pub16: 1_000_000,
  pub1k: 200_000,
  "sub-iter": 1_000_000,
  "sub-cb": 1_000_000,
  pubsub: 500_000,
  // 1 KiB subscribers: 100k x 1 KiB (~100 MiB). At 300k the raw publisher outruns either client by
  // more than the bench server's max_pending (256 MiB): it cuts them off as slow consumers and
  // neither receives them all (measured: both timed out).
  "sub-iter-1k": 100_000,
  "sub-cb-1k": 100_000,
  "pubsub-1k": 100_000,
  "req-seq": 5_000,
  "req-par": 20_000,
  connect: 20,
  mem: 1_000_000,
  // JetStream rows: small enough that the five add ~2-3 minutes to a full run at nats.ws's rates
  // (24k acked publishes/s, 23k fetched msgs/s), the loaded-stream rows at the 500k.
  "jspub-par": 50_000,
  "jspub-seq": 5_000,
  consume: 500_000,
  fetch: 100_000, // a multiple of FETCH_BATCH, so that no batch waits out its expiry
  ordered: 500_000,
  // services rows: as many requests as the core request rows
  "svc-seq": 5_000,
  "svc-par": 20_000,
  // KV and ObjectStore rows (bench/kv_scenarios.ts): kv is N puts then N gets (sequential, like
  // jspub-seq), kv-watch the 50k keys, os the number of 8 MiB objects put and read back.
  kv: 5_000,
  "kv-watch": 50_000,
  os: 5,
};

/** Messages per `fetch()` in the fetch scenario (the figure). */
export const FETCH_BATCH = 1000;

/** The value of `--name=value` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  for (const a of Deno.args) if (a.startsWith(prefix)) return a.slice(prefix.length);
  return fallback;
}

/** True when `--name` (without a value) is on the command line. */
export function flag(name: string): boolean {
  return Deno.args.includes(`--${name}`);
}

/**
 * With `--watch-stdin`, exits the process once its stdin reaches EOF: a child started with a piped
 * stdin that its parent never writes to then dies with its parent instead of lingering.
 */
export function watchParent(who: string): void {
  if (!flag("watch-stdin")) return;
  (async () => {
    const b = new Uint8Array(64);
    while ((await Deno.stdin.read(b)) !== null) { /* ignore input */ }
    console.error(`${who}: parent went away, exiting`);
    Deno.exit(6);
  })();
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an ascending-sorted, non-empty list. */
export function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Latencies of `n` calls made one after another, µs, ascending. Only `call` is timed; `check`
 * (of its result) runs after each timing.
 */
export async function sequentialLatencies<T>(
  n: number,
  call: () => Promise<T>,
  check: (r: T) => void,
): Promise<number[]> {
  const lat = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now(); // -- timed (each call)
    const r = await call();
    lat[i] = (performance.now() - t0) * 1000; // -- end timed
    check(r);
  }
  return lat.sort((a, b) => a - b);
}

/**
 * `n` calls, `inflight` of them at a time (a new one starts as each ends): each call's latency,
 * µs, ascending, and the wall time of all of them, ms. `check` runs after each call's timing.
 */
export async function inFlightLatencies<T>(
  n: number,
  inflight: number,
  call: () => Promise<T>,
  check: (r: T) => void,
): Promise<{ lat: number[]; ms: number }> {
  const lat: number[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      issued++;
      const t0 = performance.now();
      const r = await call();
      lat.push((performance.now() - t0) * 1000);
      check(r);
    }
  };
  const t0 = performance.now(); // -- timed
  const workers: Promise<void>[] = [];
  for (let w = 0; w < inflight; w++) workers.push(worker());
  await Promise.all(workers);
  const ms = performance.now() - t0; // -- end timed
  return { lat: lat.sort((a, b) => a - b), ms };
}

/**
 * CPU time (user + system) a process has used so far, ms, from /proc/<pid>/stat ("self" for this
 * one), or NaN where /proc or the process is missing. Resolution: one clock tick (10 ms).
 */
export function cpuMs(pid: number | "self"): number {
  const TICKS_PER_S = 100; // USER_HZ, 100 on every Linux the bench runs on
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // the fields after "(comm) ": state is field 3, utime 14 and stime 15
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** The process's peak resident set size (VmHWM) in MiB, or NaN where /proc is missing. */
export function peakRssMiB(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
