// One benchmark measurement for one client, in a fresh Deno process (bench/driver.ts runs it):
//   deno run -A bench/scenario.ts --client=nats-wasm|nats.ws --scenario=NAME [--n=N]
// Scenarios (all against the bench server of bench/nats.conf, ws://127.0.0.1:15280):
//   pub16, pub1k  publish N messages of 16 B / 1 KiB then `await nc.flush()`, msgs/s from the
//                 first publish until the flush resolves; nobody subscribes
//   sub-iter,     subscribe (async iterator / callback), flush, then a neutral raw-TCP publisher
//   sub-cb        process (bench/neutral_pub.ts) sends N x 16 B; msgs/s first to last message
//   pubsub        subscribe (iterator) and publish N x 16 B to the same subject in this process;
//                 msgs/s from the first publish until all N are received
//   sub-iter-1k, sub-cb-1k, pubsub-1k
//                 the same three at 1 KiB payloads, each also with the process's peak RSS
//   req-seq       N sequential 16 B requests to a neutral raw-TCP responder process
//                 (bench/neutral_responder.ts); p50/p99 latency in microseconds
//   req-par       N 16 B requests with 100 outstanding; p50/p99 latency and requests/s
//   connect       median time for `await connect({servers})` to resolve over N connects (ms)
//   mem           iterator subscriber of N x 16 B from the neutral publisher; peak RSS (VmHWM, MiB)
//   jspub-par, jspub-seq, consume, fetch, ordered
//                 JetStream on memory streams: bench/js_scenarios.ts (which also reads the
//                 server's CPU time, its pid from .tmp/bench/nats.pid)
//   svc-seq, svc-par
//                 a service endpoint (nc.services) answering a second connection of the same
//                 client, sequentially and 100 in flight: bench/svc_scenarios.ts
//   kv, kv-watch, os
//                 KV and ObjectStore on memory buckets: bench/kv_scenarios.ts
// It prints one line `RESULT <json>` (metrics, or {"error": ...}) and exits; exit code 0 only on
// success. It must not contact anything but 127.0.0.1, must not run unbounded (every wait has a
// count and the whole process a hard --timeout-ms), and must not measure anything outside the
// marked timed regions. The nats-wasm module is ../dist/mod.js unless BENCH_OURS_MODULE names
// another module (bench/run.sh sets it to nats.ws for the nats.ws-vs-nats.ws self-check).
import {
  arg,
  inFlightLatencies,
  median,
  peakRssMiB,
  percentile,
  SCENARIO_COUNTS,
  sequentialLatencies,
} from "./util.ts";
import {
  jsConsume,
  jsFetch,
  type JsNatsConnection,
  jsOrdered,
  jsPubPar,
  jsPubSeq,
} from "./js_scenarios.ts";
import { type SvcNatsConnection, svcPar, svcSeq } from "./svc_scenarios.ts";
import { type KvNatsConnection, kvPutGet, kvWatch, osPutGet } from "./kv_scenarios.ts";

// The slice of the nats.deno v1 API that the scenarios use (both clients implement it).
interface Msg {
  data: Uint8Array;
}
interface Subscription extends AsyncIterable<Msg> {
  unsubscribe(max?: number): void;
}
interface SubOpts {
  callback?: (err: Error | null, msg: Msg) => void;
  pendingMsgsLimit?: number;
  pendingBytesLimit?: number;
}
/**
 * No client-side pending limit, as nats.ws has none: a loaded machine can queue more than our
 * default 65,536 messages, and a subscription that drops them (a slow consumer) never reaches
 * its count, which would measure the load, not the clients.
 */
const UNLIMITED: SubOpts = { pendingMsgsLimit: -1, pendingBytesLimit: -1 };
interface NatsConnection {
  publish(subject: string, data?: Uint8Array): void;
  subscribe(subject: string, opts?: SubOpts): Subscription;
  request(subject: string, data?: Uint8Array, opts?: { timeout?: number }): Promise<Msg>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
interface ClientModule {
  connect(opts: { servers: string | string[] }): Promise<NatsConnection>;
}

const NATS_WS_ESM = new URL("../.tools/node_modules/nats.ws/esm/nats.js", import.meta.url).href;
const OURS_DEFAULT = new URL("../dist/mod.js", import.meta.url).href;
const WS_URL = "ws://127.0.0.1:15280";
const TCP_PORT = 15222;

const client = arg("client", "");
const scenario = arg("scenario", "");
const timeoutMs = Number(arg("timeout-ms", "60000"));
const uniq = `${Deno.pid}.${Math.floor(Math.random() * 1e9)}`;
let children: Deno.ChildProcess[] = [];

function finish(result: Record<string, unknown>, code: number): never {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  Deno.exit(code);
}

/** What a scenario has got so far, for the timeout's error (e.g. how many messages arrived). */
let progress: () => string = () => "";
setTimeout(() => {
  const p = progress();
  finish({ error: `timed out after ${timeoutMs} ms${p ? ` (${p})` : ""}` }, 3);
}, timeoutMs);

function moduleUrl(): string {
  if (client === "nats.ws") return NATS_WS_ESM;
  if (client === "nats-wasm") {
    const o = Deno.env.get("BENCH_OURS_MODULE");
    if (!o) return OURS_DEFAULT;
    if (o === "nats.ws") return NATS_WS_ESM;
    return new URL(o, `file://${Deno.cwd()}/`).href;
  }
  return finish({ error: `unknown --client=${client}` }, 2);
}

function payload(size: number): Uint8Array {
  return new Uint8Array(size).fill(0x61);
}

const scriptPath = (name: string) => new URL(`./${name}`, import.meta.url).pathname;

/** Starts a neutral helper (raw TCP to 127.0.0.1 only) that dies with this process. */
function spawnHelper(script: string, args: string[]): Deno.ChildProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-net=127.0.0.1:${TCP_PORT}`,
      scriptPath(script),
      `--port=${TCP_PORT}`,
      `--timeout-ms=${timeoutMs}`,
      "--watch-stdin",
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  children.push(child);
  return child;
}

/** Resolves with the first stdout line of a helper (or rejects if it exits first). */
async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`helper exited before answering (${text.trim()})`);
    text += value;
  }
  reader.releaseLock();
  return text.slice(0, text.indexOf("\n"));
}

async function helperStatus(child: Deno.ChildProcess): Promise<void> {
  const st = await child.status;
  children = children.filter((c) => c !== child);
  if (!st.success) throw new Error(`helper failed with exit code ${st.code}`);
}

async function connectClient(mod: ClientModule): Promise<NatsConnection> {
  return await mod.connect({ servers: WS_URL });
}

// -- scenarios --------------------------------------------------------------------------------

async function pub(mod: ClientModule, n: number, size: number) {
  const nc = await connectClient(mod);
  const data = payload(size);
  const subj = `bench.pub.${uniq}`;
  for (let i = 0; i < 1000; i++) nc.publish(subj, data); // warm-up, not timed
  await nc.flush();
  const t0 = performance.now(); // -- timed
  for (let i = 0; i < n; i++) nc.publish(subj, data);
  await nc.flush();
  const ms = performance.now() - t0; // -- end timed
  await nc.close();
  return { msgs_per_s: n / (ms / 1000), ms, n, size };
}

/**
 * Subscribes, then has the neutral publisher send n x `size` B; returns the rate first-to-last and
 * the process's peak RSS.
 */
async function sub(mod: ClientModule, n: number, mode: "iter" | "cb", size = 16) {
  const nc = await connectClient(mod);
  const subj = `bench.sub.${uniq}`;
  let count = 0;
  let first = 0;
  let last = 0;
  let bad = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  progress = () => `${count} of ${n} messages received`;
  if (mode === "cb") {
    const s = nc.subscribe(subj, {
      ...UNLIMITED,
      callback: (err, m) => {
        if (err) return finish({ error: `subscription error: ${err.message}` }, 1);
        if (count === 0) first = performance.now();
        if (m.data.length !== size) bad++;
        if (++count === n) {
          last = performance.now();
          s.unsubscribe();
          done();
        }
      },
    });
  } else {
    const s = nc.subscribe(subj, UNLIMITED);
    (async () => {
      try {
        for await (const m of s) {
          if (count === 0) first = performance.now();
          if (m.data.length !== size) bad++;
          if (++count === n) {
            last = performance.now();
            break;
          }
        }
      } catch (e) {
        finish({ error: `iterator failed after ${count} messages: ${e}` }, 1);
      }
      if (count !== n) finish({ error: `iterator ended after ${count} of ${n} messages` }, 1);
      done();
    })();
  }
  await nc.flush();
  const p = spawnHelper("neutral_pub.ts", [`--subject=${subj}`, `--n=${n}`, `--size=${size}`]);
  await all;
  await helperStatus(p);
  if (bad) throw new Error(`${bad} messages had the wrong size`);
  const rss = peakRssMiB();
  await nc.close();
  const ms = last - first;
  return { msgs_per_s: (n - 1) / (ms / 1000), ms, n, peak_rss_mib: rss };
}

/** Publishes n x `size` B to its own subscription; the rate until all are in, and peak RSS. */
async function pubsub(mod: ClientModule, n: number, size = 16) {
  const nc = await connectClient(mod);
  const subj = `bench.pubsub.${uniq}`;
  // all N are published before the loop reads one: see UNLIMITED
  const s = nc.subscribe(subj, UNLIMITED);
  let count = 0;
  const received = (async () => {
    for await (const m of s) {
      if (m.data.length !== size) throw new Error(`a message of ${m.data.length} B`);
      if (++count === n) break;
    }
    if (count !== n) throw new Error(`iterator ended after ${count} of ${n} messages`);
    return performance.now();
  })();
  received.catch(() => {}); // awaited below; this only keeps an early failure from being fatal
  await nc.flush();
  const data = payload(size);
  const t0 = performance.now(); // -- timed
  for (let i = 0; i < n; i++) nc.publish(subj, data);
  const t1 = await received; // -- end timed
  const rss = peakRssMiB();
  await nc.close();
  const ms = t1 - t0;
  return { msgs_per_s: n / (ms / 1000), ms, n, peak_rss_mib: rss };
}

async function startResponder(): Promise<[Deno.ChildProcess, string]> {
  const subj = `bench.req.${uniq}`;
  const r = spawnHelper("neutral_responder.ts", [`--subject=${subj}`]);
  const line = await firstLine(r);
  if (line !== "ready") throw new Error(`responder said ${line}`);
  return [r, subj];
}

/** The responder answers with the request's 16 bytes. */
function replyOf16(m: Msg): void {
  if (m.data.length !== 16) throw new Error("reply has the wrong size");
}

async function reqSeq(mod: ClientModule, n: number) {
  const [r, subj] = await startResponder();
  const nc = await connectClient(mod);
  const data = payload(16);
  for (let i = 0; i < 200; i++) await nc.request(subj, data, { timeout: 10000 }); // warm-up
  const lat = await sequentialLatencies(
    n,
    () => nc.request(subj, data, { timeout: 10000 }),
    replyOf16,
  );
  await nc.close();
  r.kill("SIGTERM");
  children = children.filter((c) => c !== r);
  return { p50_us: percentile(lat, 50), p99_us: percentile(lat, 99), n };
}

async function reqPar(mod: ClientModule, n: number, inflight: number) {
  const [r, subj] = await startResponder();
  const nc = await connectClient(mod);
  const data = payload(16);
  const warm: Promise<Msg>[] = [];
  for (let i = 0; i < inflight * 5; i++) warm.push(nc.request(subj, data, { timeout: 10000 }));
  await Promise.all(warm);
  const { lat, ms } = await inFlightLatencies(
    n,
    inflight,
    () => nc.request(subj, data, { timeout: 10000 }),
    replyOf16,
  );
  await nc.close();
  r.kill("SIGTERM");
  children = children.filter((c) => c !== r);
  return {
    p50_us: percentile(lat, 50),
    p99_us: percentile(lat, 99),
    req_per_s: lat.length / (ms / 1000),
    n: lat.length,
    inflight,
  };
}

async function connectTime(mod: ClientModule, n: number) {
  const warm = await connectClient(mod); // warm-up (module, wasm and JIT start-up), not counted
  await warm.close();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now(); // -- timed
    const nc = await connectClient(mod);
    times.push(performance.now() - t0); // -- end timed
    await nc.close();
  }
  return { median_ms: median(times), min_ms: Math.min(...times), max_ms: Math.max(...times), n };
}

/** The bench server's pid from the file bench/run.sh has it write, or NaN. */
function serverPid(): number {
  try {
    return Number(Deno.readTextFileSync(new URL("../.tmp/bench/nats.pid", import.meta.url)).trim());
  } catch {
    return NaN;
  }
}

/** What the JetStream scenarios need: this client's connection, the neutral pre-loader, the server. */
function jsHost(mod: ClientModule) {
  return {
    serverPid: serverPid(),
    connect: async () => (await connectClient(mod)) as unknown as JsNatsConnection,
    preload: async (subject: string, n: number, ackWindow: number) => {
      const args = [`--subject=${subject}`, `--n=${n}`, `--ack-window=${ackWindow}`];
      await helperStatus(spawnHelper("neutral_pub.ts", args));
    },
  };
}

/** What the KV and ObjectStore scenarios need: as jsHost, the pre-load one subject per key. */
function kvHost(mod: ClientModule) {
  return {
    serverPid: serverPid(),
    connect: async () => (await connectClient(mod)) as unknown as KvNatsConnection,
    preloadKeys: async (prefix: string, n: number, ackWindow: number) => {
      const args = [`--subject=${prefix}`, `--n=${n}`, `--ack-window=${ackWindow}`, "--distinct"];
      await helperStatus(spawnHelper("neutral_pub.ts", args));
    },
  };
}

/** A connect function for the services scenarios (the client's connection, services included). */
function svcConnect(mod: ClientModule) {
  return async () => (await connectClient(mod)) as unknown as SvcNatsConnection;
}

// -- main ---------------------------------------------------------------------------------------

async function main(): Promise<never> {
  if (!(scenario in SCENARIO_COUNTS)) finish({ error: `unknown --scenario=${scenario}` }, 2);
  const n = Number(arg("n", String(SCENARIO_COUNTS[scenario])));
  const url = moduleUrl();
  const mod = (await import(url)) as ClientModule;
  if (typeof mod.connect !== "function") finish({ error: `${url} exports no connect()` }, 2);
  let result: Record<string, unknown>;
  switch (scenario) {
    case "pub16":
      result = await pub(mod, n, 16);
      break;
    case "pub1k":
      result = await pub(mod, n, 1024);
      break;
    case "sub-iter":
      result = await sub(mod, n, "iter");
      break;
    case "sub-cb":
      result = await sub(mod, n, "cb");
      break;
    case "pubsub":
      result = await pubsub(mod, n);
      break;
    case "sub-iter-1k":
      result = await sub(mod, n, "iter", 1024);
      break;
    case "sub-cb-1k":
      result = await sub(mod, n, "cb", 1024);
      break;
    case "pubsub-1k":
      result = await pubsub(mod, n, 1024);
      break;
    case "req-seq":
      result = await reqSeq(mod, n);
      break;
    case "req-par":
      result = await reqPar(mod, n, 100);
      break;
    case "connect":
      result = await connectTime(mod, n);
      break;
    case "jspub-par":
      result = await jsPubPar(jsHost(mod), n);
      break;
    case "jspub-seq":
      result = await jsPubSeq(jsHost(mod), n);
      break;
    case "consume":
      result = await jsConsume(jsHost(mod), n);
      break;
    case "fetch":
      result = await jsFetch(jsHost(mod), n);
      break;
    case "ordered":
      result = await jsOrdered(jsHost(mod), n);
      break;
    case "svc-seq":
      result = await svcSeq(svcConnect(mod), n);
      break;
    case "svc-par":
      result = await svcPar(svcConnect(mod), n);
      break;
    case "kv":
      result = await kvPutGet(kvHost(mod), n);
      break;
    case "kv-watch":
      result = await kvWatch(kvHost(mod), n);
      break;
    case "os":
      result = await osPutGet(kvHost(mod), n);
      break;
    default: { // mem
      const r = await sub(mod, n, "iter");
      result = { peak_rss_mib: peakRssMiB(), msgs_per_s: r.msgs_per_s, n };
    }
  }
  return finish({ client, scenario, module: url, ...result }, 0);
}

try {
  await main();
} catch (e) {
  finish({ error: e instanceof Error ? e.message : String(e) }, 1);
}
