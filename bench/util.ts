// Small shared helpers for the benchmark scripts: the per-scenario counts, command-line flags, statistics (median,
// percentiles), peak RSS from /proc/self/status, and the parent-exit watch of child processes.
// It measures nothing on its own and must not import either client under test or open sockets.

export const CRLF = "\r\n";

/** Messages (or requests, or connects) per scenario process in a full run. */
export const SCENARIO_COUNTS: Record<string, number> = {
  pub16: 1_000_000,
  pub1k: 200_000,
  "sub-iter": 1_000_000,
  "sub-cb": 1_000_000,
  pubsub: 500_000,
  "req-seq": 5_000,
  "req-par": 20_000,
  connect: 20,
  mem: 1_000_000,
};

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
