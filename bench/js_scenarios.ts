// The JetStream benchmark scenarios (bench/scenario.ts dispatches to them, one per process):
//   jspub-par   N x 16 B acknowledged publishes with 1,000 in flight (a new one starts as each
//               resolves); msgs/s; every PubAck must name the stream and the N sequences must be
//               1..N, each once, and the stream's last sequence N
//   jspub-seq   N sequential 16 B acknowledged publishes; p50/p99 latency in microseconds, each
//               PubAck's sequence the next one
//   consume     N x 16 B pre-loaded into a stream, then one durable explicit-ack pull consumer:
//               `consume({max_messages})` iterator, `ack()` each; msgs/s until all N are received
//   fetch       the same consumer drained by `fetch({max_messages: FETCH_BATCH, expires})` loops,
//               `ack()` each; msgs/s until all N are received
//   ordered     an ordered consumer (`js.consumers.get(stream)`) `consume()` over the N loaded
//               messages; msgs/s, the stream sequences checked to be 1..N in order
// Every stream is a memory stream named uniquely for this process, deleted at the end (also when
// the scenario fails). The pre-load goes through the neutral raw-TCP publisher
// (bench/neutral_pub.ts, acknowledged publishes in a window), identical for both clients and
// outside the timed region, and is then checked against the stream's message count. The
// throughput rows also report the CPU time the client and the nats-server used in the timed part.
// The checks after a drain (all acks reached the server) are outside the timed part too.
// It must not import either client (the caller passes the connection in), contact anything but
// the bench server, wait unbounded (every wait has a count or a deadline, and the caller's process
// a hard timeout), or time anything but the marked regions.
import { cpuMs, FETCH_BATCH, percentile } from "./util.ts";

// The slice of the nats.deno v1 JetStream API these scenarios use (both clients implement it).
interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}
interface JsMsg {
  seq: number;
  data: Uint8Array;
  ack(): void;
}
interface ConsumerMessages extends AsyncIterable<JsMsg> {
  stop(): void;
}
interface Consumer {
  consume(opts?: { max_messages?: number }): Promise<ConsumerMessages>;
  fetch(opts: { max_messages: number; expires: number }): Promise<ConsumerMessages>;
}
interface JetStreamClient {
  publish(subject: string, data?: Uint8Array): Promise<PubAck>;
  consumers: { get(stream: string, name?: string): Promise<Consumer> };
}
interface StreamInfo {
  state: { messages: number; last_seq: number };
}
interface ConsumerInfo {
  ack_floor: { stream_seq: number };
  num_ack_pending: number;
}
interface JetStreamManager {
  streams: {
    add(cfg: Record<string, unknown>): Promise<unknown>;
    info(name: string): Promise<StreamInfo>;
    delete(name: string): Promise<boolean>;
  };
  consumers: {
    add(stream: string, cfg: Record<string, unknown>): Promise<unknown>;
    info(stream: string, name: string): Promise<ConsumerInfo>;
  };
}
export interface JsNatsConnection {
  jetstream(): JetStreamClient;
  jetstreamManager(): Promise<JetStreamManager>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What scenario.ts provides: a connection of the client under test, and the neutral pre-loader. */
export interface JsBenchHost {
  connect(): Promise<JsNatsConnection>;
  /**
   * Publishes n x 16 B to `subject` through bench/neutral_pub.ts, at most `ackWindow` of them not
   * yet acknowledged by the stream; resolves once all are.
   */
  preload(subject: string, n: number, ackWindow: number): Promise<void>;
  /** The bench nats-server's pid (for its CPU time), or NaN when unknown. */
  serverPid: number;
}

/**
 * Starts a timed region; the returned function ends it and gives its wall time and the CPU time
 * this process (the client) and the nats-server used meanwhile, which tells a client-bound row
 * from a server-bound or a waiting one (both CPU figures well below the wall time).
 */
function timed(
  host: JsBenchHost,
): () => { ms: number; client_cpu_ms: number; server_cpu_ms: number } {
  const c0 = cpuMs("self");
  const s0 = cpuMs(host.serverPid);
  const t0 = performance.now();
  return () => {
    const ms = performance.now() - t0;
    return { ms, client_cpu_ms: cpuMs("self") - c0, server_cpu_ms: cpuMs(host.serverPid) - s0 };
  };
}

/** Publishes outstanding at once in jspub-par (the figure). */
const PUB_WINDOW = 1000;
/** Untimed acknowledged publishes before the timed ones (module, wasm and JIT start-up). */
const WARM_PUBS = 1000;
/**
 * Pre-load messages written and not yet acknowledged: the stream drops what outruns its ingest
 * queue (nats-server logs "IPQ len limit reached"), so stay well below that queue's length.
 */
const PRELOAD_WINDOW = 4000;
/** Messages per pull of `consume()`: large enough that pull requests are not the limit. */
const CONSUME_BATCH = 1000;
/**
 * A fetch's expiry, ms: every batch is full (N is a multiple of FETCH_BATCH and the stream holds
 * exactly N), so a batch ends on its last message; this only bounds a batch that comes up short.
 */
const FETCH_EXPIRES_MS = 10_000;
/** How long the stream may take to store the pre-load (or the consumer to see the acks), ms. */
const SETTLE_MS = 15_000;
/** Poll interval while waiting for the stream or the consumer to catch up, ms. */
const POLL_MS = 20;

const SIZE = 16;
const data = new Uint8Array(SIZE).fill(0x61);
// stream names allow no dots: pid and a random number keep parallel processes apart
const uniq = `${Deno.pid}_${Math.floor(Math.random() * 1e9)}`;

interface Ctx {
  nc: JsNatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Connects, runs `body` with one fresh memory stream, and deletes the stream and closes after. */
async function withStream<T>(
  host: JsBenchHost,
  tag: string,
  body: (c: Ctx, stream: string, subject: string) => Promise<T>,
): Promise<T> {
  const nc = await host.connect();
  const c: Ctx = { nc, js: nc.jetstream(), jsm: await nc.jetstreamManager() };
  const stream = `BENCH_${tag}_${uniq}`;
  const subject = `bench.js.${tag}.${uniq}`;
  await c.jsm.streams.add({ name: stream, subjects: [subject], storage: "memory" });
  try {
    return await body(c, stream, subject);
  } finally {
    await c.jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
}

/** Waits until `done()` holds (polling), or throws `what` after SETTLE_MS. */
async function settle(done: () => Promise<boolean>, what: () => string): Promise<void> {
  const until = performance.now() + SETTLE_MS;
  while (!(await done())) {
    if (performance.now() > until) throw new Error(what());
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Publishes WARM_PUBS acknowledged messages to a throw-away stream (not timed). */
async function warmUp(host: JsBenchHost): Promise<void> {
  await withStream(host, "warm", async ({ js }, _stream, subject) => {
    const acks: Promise<PubAck>[] = [];
    for (let i = 0; i < WARM_PUBS; i++) acks.push(js.publish(subject, data));
    await Promise.all(acks);
  });
}

export async function jsPubPar(host: JsBenchHost, n: number) {
  await warmUp(host);
  return await withStream(host, "pubpar", async ({ js, jsm }, stream, subject) => {
    const seen = new Uint8Array(n + 1); // seen[seq] = how often a PubAck reported seq
    let issued = 0;
    let bad = "";
    const worker = async () => {
      while (issued < n) {
        issued++;
        const a = await js.publish(subject, data);
        if (a.stream !== stream) bad ||= `a PubAck named stream ${a.stream}`;
        else if (!(a.seq >= 1 && a.seq <= n)) bad ||= `a PubAck had seq ${a.seq}`;
        else seen[a.seq]++;
      }
    };
    const end = timed(host); // -- timed
    const workers: Promise<void>[] = [];
    for (let w = 0; w < Math.min(PUB_WINDOW, n); w++) workers.push(worker());
    await Promise.all(workers);
    const t = end(); // -- end timed
    if (bad) throw new Error(bad);
    for (let s = 1; s <= n; s++) {
      if (seen[s] !== 1) throw new Error(`seq ${s} was acknowledged ${seen[s]} times`);
    }
    const info = await jsm.streams.info(stream);
    if (info.state.last_seq !== n) throw new Error(`last seq ${info.state.last_seq}, not ${n}`);
    return { msgs_per_s: n / (t.ms / 1000), ...t, n, inflight: PUB_WINDOW };
  });
}

export async function jsPubSeq(host: JsBenchHost, n: number) {
  await warmUp(host);
  return await withStream(host, "pubseq", async ({ js }, stream, subject) => {
    const lat = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const t0 = performance.now(); // -- timed (each publish)
      const a = await js.publish(subject, data);
      lat[i] = (performance.now() - t0) * 1000; // -- end timed
      if (a.stream !== stream || a.seq !== i + 1) {
        throw new Error(`publish ${i + 1} got PubAck ${JSON.stringify(a)}`);
      }
    }
    lat.sort((a, b) => a - b);
    return { p50_us: percentile(lat, 50), p99_us: percentile(lat, 99), n };
  });
}

/** Fills the stream with n x 16 B through the neutral publisher and waits until it holds them. */
async function load(host: JsBenchHost, c: Ctx, stream: string, subject: string, n: number) {
  await host.preload(subject, n, PRELOAD_WINDOW);
  let have = -1;
  await settle(
    async () => (have = (await c.jsm.streams.info(stream)).state.messages) >= n,
    () => `the stream stored ${have} of ${n} pre-loaded messages`,
  );
  if (have !== n) throw new Error(`the stream stored ${have} messages, not ${n}`);
}

/** Creates the durable explicit-ack consumer that `consume` and `fetch` read. */
async function durable(c: Ctx, stream: string): Promise<[Consumer, string]> {
  const name = `bench_${uniq}`;
  await c.jsm.consumers.add(stream, { durable_name: name, ack_policy: "explicit" });
  return [await c.js.consumers.get(stream, name), name];
}

/** After a drain: all n acks must reach the server (the ack floor at n, nothing pending). */
async function checkAcked(c: Ctx, stream: string, name: string, n: number): Promise<void> {
  await c.nc.flush();
  let ci: ConsumerInfo | undefined;
  await settle(
    async () => {
      ci = await c.jsm.consumers.info(stream, name);
      return ci.ack_floor.stream_seq === n && ci.num_ack_pending === 0;
    },
    () => `the consumer's ack floor is ${ci?.ack_floor.stream_seq} of ${n}`,
  );
}

export async function jsConsume(host: JsBenchHost, n: number) {
  return await withStream(host, "consume", async (c, stream, subject) => {
    await load(host, c, stream, subject, n);
    const [consumer, name] = await durable(c, stream);
    let count = 0;
    let bad = 0;
    const end = timed(host); // -- timed
    const it = await consumer.consume({ max_messages: CONSUME_BATCH });
    for await (const m of it) {
      if (m.data.length !== SIZE) bad++;
      m.ack();
      if (++count === n) break;
    }
    const t = end(); // -- end timed
    it.stop();
    if (count !== n) throw new Error(`consume() ended after ${count} of ${n} messages`);
    if (bad) throw new Error(`${bad} messages had the wrong size`);
    await checkAcked(c, stream, name, n);
    return { msgs_per_s: n / (t.ms / 1000), ...t, n, batch: CONSUME_BATCH };
  });
}

export async function jsFetch(host: JsBenchHost, n: number) {
  if (n % FETCH_BATCH) throw new Error(`n must be a multiple of ${FETCH_BATCH}`);
  return await withStream(host, "fetch", async (c, stream, subject) => {
    await load(host, c, stream, subject, n);
    const [consumer, name] = await durable(c, stream);
    let count = 0;
    let bad = 0;
    const end = timed(host); // -- timed
    while (count < n) {
      const before = count;
      const it = await consumer.fetch({ max_messages: FETCH_BATCH, expires: FETCH_EXPIRES_MS });
      for await (const m of it) {
        if (m.data.length !== SIZE) bad++;
        m.ack();
        count++;
      }
      if (count === before) throw new Error(`a fetch returned nothing after ${count} messages`);
    }
    const t = end(); // -- end timed
    if (count !== n) throw new Error(`fetched ${count} messages, not ${n}`);
    if (bad) throw new Error(`${bad} messages had the wrong size`);
    await checkAcked(c, stream, name, n);
    return { msgs_per_s: n / (t.ms / 1000), ...t, n, batch: FETCH_BATCH };
  });
}

export async function jsOrdered(host: JsBenchHost, n: number) {
  return await withStream(host, "ordered", async (c, stream, subject) => {
    await load(host, c, stream, subject, n);
    const consumer = await c.js.consumers.get(stream);
    let count = 0;
    const end = timed(host); // -- timed
    const it = await consumer.consume();
    for await (const m of it) {
      if (m.seq !== ++count) throw new Error(`message ${count} has stream seq ${m.seq}`);
      if (count === n) break;
    }
    const t = end(); // -- end timed
    it.stop();
    if (count !== n) throw new Error(`consume() ended after ${count} of ${n} messages`);
    return { msgs_per_s: n / (t.ms / 1000), ...t, n };
  });
}
