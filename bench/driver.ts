// Benchmark driver (bench/run.sh runs it once the bench server is up): for every scenario of
// bench/scenario.ts it starts a fresh `deno run -A bench/scenario.ts` process per client and
// repetition, alternating the two clients (nats-wasm first on odd repetitions, nats.ws first on
// even ones), takes the median of the repetitions, and prints the table
//   scenario | nats-wasm | nats.ws | ratio | target | met
// where ratio > 1 always means nats-wasm is better (throughput ours/theirs; latency, time and
// memory theirs/ours). The table also goes to .tmp/bench/results.md, the raw runs to
// .tmp/bench/results.json. BENCH_QUICK=1 runs small N (a smoke run under a minute); BENCH_REPS
// overrides the repetition count. It measures nothing itself and must not start servers, contact
// anything but the 127.0.0.1 bench server (through its children), or wait unbounded: each child
// has a hard timeout and a failed or hung child is reported as FAIL, never retried silently; after
// a timeout the same client's remaining repetitions of that scenario are skipped, and after
// BENCH_BUDGET_S (900 s, quick 180 s) all remaining runs are.
import { FETCH_BATCH, median, SCENARIO_COUNTS } from "./util.ts";

const QUICK = Deno.env.get("BENCH_QUICK") === "1";
const REPS = Number(Deno.env.get("BENCH_REPS") ?? "3");
const OURS_MODULE = Deno.env.get("BENCH_OURS_MODULE") ?? "";
const CHILD_TIMEOUT_MS = QUICK ? 20_000 : 60_000; // the scenario's own deadline
const KILL_AFTER_MS = CHILD_TIMEOUT_MS + 15_000; // ours, if the child ignores its own
// After this many seconds the remaining runs are skipped (reported as failures), so that a client
// that hangs everywhere still ends the run in bounded time.
const BUDGET_S = Number(Deno.env.get("BENCH_BUDGET_S") ?? (QUICK ? "180" : "900"));
const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const OUT_DIR = `${ROOT}/.tmp/bench`;
const CLIENTS = ["nats-wasm", "nats.ws"] as const;
type Client = typeof CLIENTS[number];

/** Messages (or requests, or connects) per scenario process; a quick run does a tenth (at least 5). */
const N: Record<string, number> = Object.fromEntries(
  Object.entries(SCENARIO_COUNTS).map(([k, v]) => [k, QUICK ? Math.max(5, v / 10) : v]),
);

interface Row {
  label: string;
  scenario: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  /** Minimum ratio (> 1 = nats-wasm better), or an absolute ceiling for nats-wasm's value. */
  target: { ratio: number } | { oursBelow: number };
}

const k = (
  n: number,
) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : `${n}`);
/** A 1 KiB subscriber scenario's two rows: msgs/s and peak RSS, each at least nats.ws's. */
function rateAndMemory(scenario: string, label: string): Row[] {
  return [
    {
      label: `${label}, ${k(N[scenario])} msgs`,
      scenario,
      metric: "msgs_per_s",
      unit: "msgs/s",
      higherIsBetter: true,
      target: { ratio: 1 },
    },
    {
      label: `${label}: peak RSS`,
      scenario,
      metric: "peak_rss_mib",
      unit: "MiB",
      higherIsBetter: false,
      target: { ratio: 1 },
    },
  ];
}

const ROWS: Row[] = [
  {
    label: `publish 16 B, ${k(N.pub16)} msgs + flush`,
    scenario: "pub16",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 3 },
  },
  {
    label: `publish 1 KiB, ${k(N.pub1k)} msgs + flush`,
    scenario: "pub1k",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  {
    label: `subscribe 16 B iterator, ${k(N["sub-iter"])} msgs`,
    scenario: "sub-iter",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 1.5 },
  },
  {
    label: `subscribe 16 B callback, ${k(N["sub-cb"])} msgs`,
    scenario: "sub-cb",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 1 },
  },
  {
    label: `publish+subscribe 16 B, ${k(N.pubsub)} msgs`,
    scenario: "pubsub",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  ...rateAndMemory("sub-iter-1k", "subscribe 1 KiB iterator"),
  ...rateAndMemory("sub-cb-1k", "subscribe 1 KiB callback"),
  ...rateAndMemory("pubsub-1k", "publish+subscribe 1 KiB"),
  {
    label: `request 16 B sequential p50, ${k(N["req-seq"])} reqs`,
    scenario: "req-seq",
    metric: "p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1.1 },
  },
  {
    label: `request 16 B sequential p99`,
    scenario: "req-seq",
    metric: "p99_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1.1 },
  },
  {
    label: `request 16 B, 100 in flight p50, ${k(N["req-par"])} reqs`,
    scenario: "req-par",
    metric: "p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `request 16 B, 100 in flight p99`,
    scenario: "req-par",
    metric: "p99_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `request 16 B, 100 in flight throughput`,
    scenario: "req-par",
    metric: "req_per_s",
    unit: "req/s",
    higherIsBetter: true,
    target: { ratio: 1 },
  },
  {
    label: `connect, median of ${N.connect}`,
    scenario: "connect",
    metric: "median_ms",
    unit: "ms",
    higherIsBetter: false,
    target: { oursBelow: 5 },
  },
  {
    label: `peak RSS, ${k(N.mem)} x 16 B iterator subscriber`,
    scenario: "mem",
    metric: "peak_rss_mib",
    unit: "MiB",
    higherIsBetter: false,
    target: { ratio: 2 },
  },
  {
    label: `JetStream publish 16 B, 1,000 in flight, ${k(N["jspub-par"])} msgs`,
    scenario: "jspub-par",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 3 },
  },
  {
    label: `JetStream publish 16 B sequential p50, ${k(N["jspub-seq"])} msgs`,
    scenario: "jspub-seq",
    metric: "p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `JetStream publish 16 B sequential p99`,
    scenario: "jspub-seq",
    metric: "p99_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `JetStream consume() + ack, ${k(N.consume)} x 16 B`,
    scenario: "consume",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 1.5 },
  },
  {
    label: `JetStream fetch(${FETCH_BATCH.toLocaleString("en-US")}) + ack loops, ${
      k(N.fetch)
    } x 16 B`,
    scenario: "fetch",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  {
    label: `JetStream ordered consume(), ${k(N.ordered)} x 16 B`,
    scenario: "ordered",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 1.5 },
  },
  // KV and ObjectStore (bench/kv_scenarios.ts): the KV rows no worse than nats.ws, the watch and
  // ObjectStore rows 2x (nats.ws hashes in JavaScript and builds an object per message)
  {
    label: `KV put 16 B sequential p50, ${k(N.kv)} keys`,
    scenario: "kv",
    metric: "put_p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `KV put sequential throughput`,
    scenario: "kv",
    metric: "put_ops_per_s",
    unit: "ops/s",
    higherIsBetter: true,
    target: { ratio: 1 },
  },
  {
    label: `KV get 16 B sequential p50, ${k(N.kv)} keys`,
    scenario: "kv",
    metric: "get_p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `KV get sequential throughput`,
    scenario: "kv",
    metric: "get_ops_per_s",
    unit: "ops/s",
    higherIsBetter: true,
    target: { ratio: 1 },
  },
  {
    label: `KV watch until the initial values are in, ${k(N["kv-watch"])} keys`,
    scenario: "kv-watch",
    metric: "msgs_per_s",
    unit: "msgs/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  {
    label: `ObjectStore put 8 MiB, median of ${N.os}`,
    scenario: "os",
    metric: "put_mb_per_s",
    unit: "MB/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  {
    label: `ObjectStore get 8 MiB, median of ${N.os}`,
    scenario: "os",
    metric: "get_mb_per_s",
    unit: "MB/s",
    higherIsBetter: true,
    target: { ratio: 2 },
  },
  {
    label: `service endpoint 16 B sequential p50, ${k(N["svc-seq"])} reqs`,
    scenario: "svc-seq",
    metric: "p50_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `service endpoint 16 B sequential p99`,
    scenario: "svc-seq",
    metric: "p99_us",
    unit: "µs",
    higherIsBetter: false,
    target: { ratio: 1 },
  },
  {
    label: `service endpoint 16 B, 100 in flight, ${k(N["svc-par"])} reqs`,
    scenario: "svc-par",
    metric: "req_per_s",
    unit: "req/s",
    higherIsBetter: true,
    target: { ratio: 1 },
  },
];
/** The scenarios that need JetStream (the header then says how their streams are stored). */
const JS_SCENARIOS = new Set(["jspub-par", "jspub-seq", "consume", "fetch", "ordered"]);

interface Run {
  scenario: string;
  client: Client;
  rep: number;
  ok: boolean;
  result: Record<string, unknown>;
  wallMs: number;
  timedOut?: boolean;
  stderrTail?: string;
}

async function runOne(scenario: string, client: Client, rep: number): Promise<Run> {
  const started = performance.now();
  const env: Record<string, string> = {};
  if (OURS_MODULE) env.BENCH_OURS_MODULE = OURS_MODULE;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}/bench/scenario.ts`,
      `--client=${client}`,
      `--scenario=${scenario}`,
      `--n=${N[scenario]}`,
      `--timeout-ms=${CHILD_TIMEOUT_MS}`,
    ],
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const killer = setTimeout(() => {
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  }, KILL_AFTER_MS);
  const out = await child.output();
  clearTimeout(killer);
  const wallMs = performance.now() - started;
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  let result: Record<string, unknown> = {};
  if (line) {
    try {
      result = JSON.parse(line.slice("RESULT ".length));
    } catch {
      result = { error: `unparsable result line: ${line}` };
    }
  } else {
    result = {
      error: killed ? `killed after ${KILL_AFTER_MS} ms` : `no result (exit code ${out.code})`,
    };
  }
  const ok = out.success && !("error" in result);
  const run: Run = { scenario, client, rep, ok, result, wallMs };
  if (killed || String(result.error ?? "").startsWith("timed out")) run.timedOut = true;
  if (!ok) run.stderrTail = stderr.trim().split("\n").slice(-10).join("\n");
  return run;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return "FAIL";
  if (unit === "ms") return `${v.toFixed(2)} ms`;
  if (unit === "MiB") return `${v.toFixed(1)} MiB`;
  if (unit === "µs") return `${Math.round(v).toLocaleString("en-US")} µs`;
  return `${Math.round(v).toLocaleString("en-US")} ${unit}`;
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => [...r[i]].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join(" | ")} |`;
  const sep = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join("\n");
}

async function main(): Promise<number> {
  await Deno.mkdir(OUT_DIR, { recursive: true });
  const scenarios = [...new Set(ROWS.map((r) => r.scenario))];
  const only = Deno.env.get("BENCH_ONLY"); // e.g. BENCH_ONLY=pub16,connect while developing
  const selected = only ? scenarios.filter((s) => only.split(",").includes(s)) : scenarios;
  const runs: Run[] = [];
  const timedOut = new Set<string>(); // scenario/client pairs not worth another full timeout
  const t0 = performance.now();
  for (const scenario of selected) {
    for (let rep = 0; rep < REPS; rep++) {
      const order: Client[] = rep % 2 === 0 ? [...CLIENTS] : [...CLIENTS].reverse();
      for (const client of order) {
        const key = `${scenario}/${client}`;
        const skip = timedOut.has(key)
          ? "skipped: an earlier run of this client in this scenario timed out"
          : (performance.now() - t0) / 1000 > BUDGET_S
          ? `skipped: the run exceeded its ${BUDGET_S} s budget`
          : "";
        if (skip) {
          runs.push({ scenario, client, rep, ok: false, result: { error: skip }, wallMs: 0 });
          console.error(`bench: ${scenario} ${client} #${rep + 1}: ${skip}`);
          continue;
        }
        const r = await runOne(scenario, client, rep);
        if (r.timedOut) timedOut.add(key);
        runs.push(r);
        const brief = r.ok
          ? Object.entries(r.result)
            .filter(([key, v]) => typeof v === "number" && key !== "n")
            .map(([key, v]) => `${key}=${Number(v).toFixed(key.endsWith("_s") ? 0 : 2)}`)
            .join(" ")
          : `FAILED: ${r.result.error}`;
        console.error(`bench: ${scenario} ${client} #${rep + 1}: ${brief}`);
        if (!r.ok && r.stderrTail) console.error(r.stderrTail.replace(/^/gm, "    "));
      }
    }
  }
  const totalS = (performance.now() - t0) / 1000;

  const value = (row: Row, client: Client): number | undefined => {
    const xs = runs
      .filter((r) => r.ok && r.scenario === row.scenario && r.client === client)
      .map((r) => Number(r.result[row.metric]))
      .filter(Number.isFinite);
    return xs.length ? median(xs) : undefined;
  };

  const oursLabel = OURS_MODULE === "nats.ws" ? "nats-wasm (slot running nats.ws!)" : "nats-wasm";
  const cells: string[][] = [["scenario", oursLabel, "nats.ws 1.30.3", "ratio", "target", "met"]];
  let missed = 0;
  for (const row of ROWS.filter((r) => selected.includes(r.scenario))) {
    const ours = value(row, "nats-wasm");
    const theirs = value(row, "nats.ws");
    let ratio: number | undefined;
    if (ours !== undefined && theirs !== undefined && ours > 0 && theirs > 0) {
      ratio = row.higherIsBetter ? ours / theirs : theirs / ours;
    }
    let target: string;
    let met: boolean | undefined;
    if ("ratio" in row.target) {
      target = `≥ ${row.target.ratio}x`;
      met = ratio === undefined ? undefined : ratio >= row.target.ratio;
    } else {
      target = `< ${row.target.oursBelow} ${row.unit}`;
      met = ours === undefined ? undefined : ours < row.target.oursBelow;
    }
    if (met !== true) missed++;
    cells.push([
      row.label,
      fmt(ours, row.unit),
      fmt(theirs, row.unit),
      ratio === undefined ? "-" : `${ratio.toFixed(2)}x`,
      target,
      met === undefined ? "FAIL" : met ? "yes" : "NO",
    ]);
  }
  const table = pad(cells);
  const failed = runs.filter((r) => !r.ok);
  const denoVersion = Deno.version.deno;
  const header = [
    `nats-wasm vs nats.ws 1.30.3 — ${new Date().toISOString()}`,
    `deno ${denoVersion}, ${Deno.env.get("BENCH_SERVER_VERSION") ?? "nats-server"}, ` +
    `${navigator.hardwareConcurrency} CPUs, ${REPS} runs per cell (median), ` +
    `fresh process per run${QUICK ? ", BENCH_QUICK=1 (small N)" : ""}; ` +
    `total ${totalS.toFixed(0)} s`,
    `ratio > 1 means nats-wasm is better (throughput ours/theirs; latency, time, memory theirs/ours)`,
  ];
  if (selected.some((s) => JS_SCENARIOS.has(s))) {
    header.push(
      "JetStream rows: memory-storage streams (one per run, deleted after it); consume, fetch " +
        "and ordered read a stream pre-loaded by a neutral raw-TCP publisher, outside the timing",
    );
  }
  if (selected.some((s) => ["kv", "kv-watch", "os"].includes(s))) {
    header.push(
      "KV and ObjectStore rows: memory-storage buckets (one per run, destroyed after it); the " +
        "watch reads a bucket pre-loaded by the neutral raw-TCP publisher, outside the timing; " +
        "MB/s = 10^6 bytes/s",
    );
  }
  const notes: string[] = [];
  if (OURS_MODULE === "nats.ws") {
    notes.push(
      "NOTE: BENCH_OURS_MODULE=nats.ws — the nats-wasm column ran nats.ws too (a self-check of the " +
        "harness, not a result for nats-wasm).",
    );
  } else if (OURS_MODULE) notes.push(`NOTE: the nats-wasm column ran ${OURS_MODULE}.`);
  if (failed.length) {
    notes.push(`${failed.length} run(s) failed:`);
    for (const f of failed) {
      notes.push(`- ${f.scenario} ${f.client} #${f.rep + 1}: ${f.result.error}`);
    }
  }
  const parP50 = CLIENTS.map((c) =>
    value(ROWS.find((r) => r.metric === "p50_us" && r.scenario === "req-par")!, c)
  );
  if (parP50.every((v) => v !== undefined && v > 30_000)) {
    notes.push(
      "The 100-in-flight request rows are dominated, for both clients, by a ~40 ms stall: Deno's " +
        "WebSocket writes a message of more than 1024 B as two write() calls (frame header, then " +
        "payload) on a socket with Nagle on, so the payload waits for the server's delayed ACK.",
    );
  }
  // where a JetStream row's time goes: CPU of the client and of the nats-server per wall second
  const share = (scenario: string, client: Client, key: string): number | undefined => {
    const xs = runs
      .filter((r) => r.ok && r.scenario === scenario && r.client === client)
      .map((r) => Number(r.result[key]) / Number(r.result.ms))
      .filter(Number.isFinite);
    return xs.length ? median(xs) : undefined;
  };
  const pct = (v: number | undefined) => (v === undefined ? "?" : `${Math.round(v * 100)}%`);
  const busy = selected.filter((s) => JS_SCENARIOS.has(s) && s !== "jspub-seq").map((s) =>
    `${s} ` +
    CLIENTS.map((c) =>
      `${c} ${pct(share(s, c, "client_cpu_ms"))} / server ${pct(share(s, c, "server_cpu_ms"))}`
    ).join(", ")
  );
  if (busy.length) {
    notes.push(
      `CPU per wall time in the timed part (client / nats-server; 100% = one core of ` +
        `${navigator.hardwareConcurrency}): ${busy.join("; ")}.`,
    );
  }
  const fetchRow = ROWS.find((r) => r.scenario === "fetch")!;
  const perFetchMs = CLIENTS.map((c) => {
    const v = value(fetchRow, c);
    return v === undefined ? undefined : (FETCH_BATCH / v) * 1000;
  });
  if (perFetchMs.every((v) => v !== undefined && v > 30)) {
    notes.push(
      `The fetch row is dominated, for both clients, by a ~40 ms wait per fetch() of ` +
        `${FETCH_BATCH}: the client writes the fetch's SUB (after the previous fetch's UNSUB or ` +
        "acks) and its pull request as separate small WebSocket writes on a socket with Nagle on, " +
        "so the pull waits for the server's delayed ACK of the write before it.",
    );
  }
  notes.push(`${missed} of ${cells.length - 1} targets not met.`);

  const text = [...header, "", table, "", ...notes].join("\n");
  console.log(text);
  await Deno.writeTextFile(
    `${OUT_DIR}/results.md`,
    [`# ${header[0]}`, "", ...header.slice(1).map((h) => `${h}  `), "", table, "", ...notes, ""]
      .join("\n"),
  );
  await Deno.writeTextFile(
    `${OUT_DIR}/results.json`,
    JSON.stringify({ quick: QUICK, reps: REPS, n: N, oursModule: OURS_MODULE, runs }, null, 2) +
      "\n",
  );
  console.log(`\nwritten: .tmp/bench/results.md, .tmp/bench/results.json`);
  return failed.length ? 1 : 0;
}

Deno.exit(await main());
