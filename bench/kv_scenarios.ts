// The KV and ObjectStore benchmark scenarios (bench/scenario.ts dispatches to them, one per process):
//   kv        N sequential 16 B `kv.put`s to N distinct keys, then N sequential `kv.get`s of them;
//             p50/p99 latency in microseconds and ops/s of each loop; every put's revision must be
//             the previous one + 1 and every get must return its key's value and revision
//   kv-watch  a bucket pre-loaded with N keys of 16 B, then `kv.watch()` until the N initial
//             values are in; msgs/s, each key seen once with its 16 B value
//   os        N puts (`putBlob`) of an 8 MiB object, each read back (`get`, its data stream drained
//             and `error` awaited); MB/s (10^6 bytes) of each, the median over the N; the stored
//             size and digest are checked against a SHA-256 made here (WebCrypto, not timed) and
//             each read's bytes against the object's. Each timed put and get starts on a quiet
//             connection (an untimed flush() first): the last writes of the operation before it
//             (a get's pulls that the server never answers, as the object had ended) can hold
//             the next small write in the socket until the server's delayed ACK (~40 ms; Deno's
//             WebSocket leaves Nagle on), which would time the previous operation's tail, for
//             both clients
// Every bucket is a memory one named uniquely for this process, destroyed at the end (also when
// the scenario fails). The watch's pre-load goes through the neutral raw-TCP publisher
// (bench/neutral_pub.ts with --distinct: key k.<i> for message i), identical for both clients
// and outside the timed region, and is then checked against the bucket's value count. An
// untimed warm-up (module, wasm and JIT start-up) precedes the timed parts of kv and os. The
// throughput rows also report the CPU time the client and the nats-server used in the timed part.
// It must not import either client (the caller passes the connection in), contact anything but
// the bench server, wait unbounded (every wait has a count or a deadline, and the caller's process
// a hard timeout), or time anything but the marked regions.
import { cpuMs, percentile } from "./util.ts";

// The slice of the nats.deno v1 KV and ObjectStore API these scenarios use (both clients have it).
interface KvEntry {
  key: string;
  value: Uint8Array;
  revision: number;
}
interface KvIterator extends AsyncIterable<KvEntry> {
  stop(): void;
}
interface KvStatus {
  values: number;
}
interface KV {
  put(key: string, data: Uint8Array): Promise<number>;
  get(key: string): Promise<KvEntry | null>;
  watch(opts?: { key?: string; initializedFn?: () => void }): Promise<KvIterator>;
  status(): Promise<KvStatus>;
  destroy(): Promise<boolean>;
}
interface ObjectInfo {
  size: number;
  digest: string;
  chunks: number;
}
interface ObjectResult {
  info: ObjectInfo;
  data: ReadableStream<Uint8Array>;
  error: Promise<Error | null>;
}
interface ObjectStore {
  putBlob(meta: { name: string }, data: Uint8Array): Promise<ObjectInfo>;
  get(name: string): Promise<ObjectResult | null>;
  destroy(): Promise<boolean>;
}
interface Views {
  kv(name: string, opts?: Record<string, unknown>): Promise<KV>;
  os(name: string, opts?: Record<string, unknown>): Promise<ObjectStore>;
}
export interface KvNatsConnection {
  jetstream(): { views: Views };
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What scenario.ts provides: a connection of the client under test, and the neutral pre-loader. */
export interface KvBenchHost {
  connect(): Promise<KvNatsConnection>;
  /**
   * Publishes n x 16 B through bench/neutral_pub.ts, message i to `<prefix>.<i>`, at most
   * `ackWindow` of them not yet acknowledged by the stream; resolves once all are.
   */
  preloadKeys(prefix: string, n: number, ackWindow: number): Promise<void>;
  /** The bench nats-server's pid (for its CPU time), or NaN when unknown. */
  serverPid: number;
}

/** Untimed puts and gets before the timed kv loops (module, wasm and JIT start-up). */
const WARM_OPS = 500;
/** Pre-load messages written and not yet acknowledged (js_scenarios.ts says why it is bounded). */
const PRELOAD_WINDOW = 4000;
/** The object size of the os rows (the issue's figure), bytes. */
const OBJECT_BYTES = 8 * 1024 * 1024;
/** How long the bucket may take to show the pre-load, ms. */
const SETTLE_MS = 15_000;
/** Poll interval while waiting for the bucket to catch up, ms. */
const POLL_MS = 20;

const SIZE = 16;
const data = new Uint8Array(SIZE).fill(0x61);
// bucket names allow no dots: pid and a random number keep parallel processes apart
const uniq = `${Deno.pid}_${Math.floor(Math.random() * 1e9)}`;

/** Wall time and the CPU time of this process (the client) and of the nats-server in it. */
function timed(
  host: KvBenchHost,
): () => { ms: number; client_cpu_ms: number; server_cpu_ms: number } {
  const c0 = cpuMs("self");
  const s0 = cpuMs(host.serverPid);
  const t0 = performance.now();
  return () => {
    const ms = performance.now() - t0;
    return { ms, client_cpu_ms: cpuMs("self") - c0, server_cpu_ms: cpuMs(host.serverPid) - s0 };
  };
}

/** Connects, runs `body` with one fresh memory bucket, and destroys it and closes after. */
async function withBucket<B extends KV | ObjectStore, T>(
  host: KvBenchHost,
  open: (v: Views, name: string) => Promise<B>,
  tag: string,
  body: (b: B, name: string, nc: KvNatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await host.connect();
  const name = `BENCH_${tag}_${uniq}`;
  const b = await open(nc.jetstream().views, name);
  try {
    return await body(b, name, nc);
  } finally {
    await b.destroy().catch(() => {});
    await nc.close();
  }
}

const kvBucket = (v: Views, name: string) => v.kv(name, { storage: "memory" });
const osBucket = (v: Views, name: string) => v.os(name, { storage: "memory" });

/** Ascending latencies (µs) -> p50, p99. */
function pcts(lat: number[]): { p50: number; p99: number } {
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

export async function kvPutGet(host: KvBenchHost, n: number) {
  return await withBucket(host, kvBucket, "kv", async (kv) => {
    for (let i = 0; i < WARM_OPS; i++) {
      await kv.put(`warm.${i}`, data);
      await kv.get(`warm.${i}`);
    }
    const revs = new Array<number>(n);
    const putLat = new Array<number>(n);
    const p0 = performance.now(); // -- timed (the put loop)
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      revs[i] = await kv.put(`k.${i}`, data);
      putLat[i] = (performance.now() - t0) * 1000;
    }
    const putMs = performance.now() - p0; // -- end timed
    for (let i = 1; i < n; i++) {
      if (revs[i] !== revs[i - 1] + 1) throw new Error(`put ${i} got revision ${revs[i]}`);
    }
    const getLat = new Array<number>(n);
    let bad = "";
    const g0 = performance.now(); // -- timed (the get loop)
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const e = await kv.get(`k.${i}`);
      getLat[i] = (performance.now() - t0) * 1000;
      if (!e || e.key !== `k.${i}` || e.revision !== revs[i] || e.value.length !== SIZE) {
        bad ||= `get k.${i} returned ${e ? `${e.key} rev ${e.revision}` : "null"}`;
      }
    }
    const getMs = performance.now() - g0; // -- end timed
    if (bad) throw new Error(bad);
    const put = pcts(putLat);
    const get = pcts(getLat);
    return {
      put_p50_us: put.p50,
      put_p99_us: put.p99,
      put_ops_per_s: n / (putMs / 1000),
      get_p50_us: get.p50,
      get_p99_us: get.p99,
      get_ops_per_s: n / (getMs / 1000),
      n,
    };
  });
}

export async function kvWatch(host: KvBenchHost, n: number) {
  return await withBucket(host, kvBucket, "watch", async (kv, name) => {
    await host.preloadKeys(`$KV.${name}.k`, n, PRELOAD_WINDOW);
    let have = -1;
    const until = performance.now() + SETTLE_MS;
    while ((have = (await kv.status()).values) < n) {
      if (performance.now() > until) throw new Error(`the bucket holds ${have} of ${n} keys`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (have !== n) throw new Error(`the bucket holds ${have} values, not ${n}`);
    const seen = new Uint8Array(n);
    let count = 0;
    let bad = "";
    const end = timed(host); // -- timed
    const it = await kv.watch();
    for await (const e of it) {
      const i = Number(e.key.slice(2));
      if (!e.key.startsWith("k.") || !(i >= 0 && i < n) || e.value.length !== SIZE) {
        bad ||= `unexpected entry ${e.key} (${e.value.length} B)`;
      } else seen[i]++;
      if (++count === n) break;
    }
    const t = end(); // -- end timed
    it.stop();
    if (bad) throw new Error(bad);
    if (count !== n) throw new Error(`the watch ended after ${count} of ${n} entries`);
    const twice = seen.findIndex((s) => s !== 1);
    if (twice >= 0) throw new Error(`key k.${twice} was seen ${seen[twice]} times`);
    return { msgs_per_s: n / (t.ms / 1000), ...t, n };
  });
}

/** Deterministic, incompressible-looking bytes (xorshift32), so no layer can shortcut them. */
function objectBytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const w = new Uint32Array(out.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  return out;
}

/** ADR-20's digest text of `bytes`: `SHA-256=` + padded base64url, made with WebCrypto. */
async function digestText(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const b64 = btoa(String.fromCharCode(...h)).replaceAll("+", "-").replaceAll("/", "_");
  return `SHA-256=${b64}`;
}

/** Reads a get's data stream to its end; its parts and total size. */
async function drain(r: ObjectResult): Promise<[Uint8Array[], number]> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = r.data.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
  }
  const err = await r.error;
  if (err) throw err;
  return [parts, size];
}

/** True when `parts`, laid end to end, are `want`. */
function same(parts: Uint8Array[], want: Uint8Array): boolean {
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) if (p[i] !== want[at + i]) return false;
    at += p.length;
  }
  return at === want.length;
}

export async function osPutGet(host: KvBenchHost, n: number) {
  const bytes = objectBytes(OBJECT_BYTES);
  const digest = await digestText(bytes);
  return await withBucket(host, osBucket, "os", async (os, _name, nc) => {
    // warm-up: one put and get of the same object, not timed
    await os.putBlob({ name: "warm" }, bytes);
    await drain((await os.get("warm"))!);
    const put: number[] = [];
    const get: number[] = [];
    const cpu = { put_client_cpu_ms: 0, put_server_cpu_ms: 0, get_client_cpu_ms: 0 };
    let putMs = 0;
    let getMs = 0;
    for (let r = 0; r < n; r++) {
      const name = `obj${r}`;
      await nc.flush(); // a quiet start (see the header)
      let end = timed(host); // -- timed (one put)
      const info = await os.putBlob({ name }, bytes);
      let t = end(); // -- end timed
      put.push(OBJECT_BYTES / 1000 / t.ms);
      putMs += t.ms;
      cpu.put_client_cpu_ms += t.client_cpu_ms;
      cpu.put_server_cpu_ms += t.server_cpu_ms;
      if (info.size !== OBJECT_BYTES || info.digest !== digest) {
        throw new Error(`put ${name}: size ${info.size}, digest ${info.digest}, want ${digest}`);
      }
      await nc.flush();
      end = timed(host); // -- timed (one get)
      const res = await os.get(name);
      if (!res) throw new Error(`get ${name} found nothing`);
      const [parts, size] = await drain(res);
      t = end(); // -- end timed
      get.push(OBJECT_BYTES / 1000 / t.ms);
      getMs += t.ms;
      cpu.get_client_cpu_ms += t.client_cpu_ms;
      if (size !== OBJECT_BYTES || !same(parts, bytes)) {
        throw new Error(`get ${name}: ${size} bytes, not the object's ${OBJECT_BYTES}`);
      }
    }
    return {
      put_mb_per_s: pcts(put).p50,
      get_mb_per_s: pcts(get).p50,
      put_ms: putMs,
      get_ms: getMs,
      ...cpu,
      n,
      object_bytes: OBJECT_BYTES,
    };
  });
}
