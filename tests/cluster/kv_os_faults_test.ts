// KV and ObjectStore under server faults (cluster suite). A KV watcher must deliver every stored
// update exactly once and in revision order across a SIGKILL restart of the lone file-storage
// server (tests/cluster/js.conf) and across the SIGKILL of the cluster node it is on (R3 bucket);
// the stream itself is the reference (its sequences are the revisions). An `os.get` running while
// its server restarts must either complete with the right bytes and digest or fail with a clear
// error, and settle within a bound (never hang). Run by tests/cluster/run.sh.
import { connect, Events, StorageType } from "../helpers/deps.ts";
import type { KV, KvEntry, NatsConnection } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import {
  ConnState,
  healthyCluster,
  type Node,
  NODES,
  servers,
  sleep,
  until,
  wsUrl,
} from "./cluster.ts";

/** The lone JetStream server's WebSocket (tests/cluster/js.conf). */
const JS_URL = "ws://127.0.0.1:17154";
/** Never give up reconnecting; come back quickly. */
const RESILIENT = { maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 };

const bucketName = () => `kvf_${crypto.randomUUID().slice(0, 8)}`;

/** Everything a watcher delivers, in order. */
class Watched {
  readonly entries: KvEntry[] = [];
  readonly done: Promise<void>;

  constructor(it: AsyncIterable<KvEntry>) {
    this.done = (async () => {
      for await (const e of it) this.entries.push(e);
    })();
  }

  get revisions(): number[] {
    return this.entries.map((e) => e.revision);
  }
}

/** A put retried until it is stored (a retry after a lost reply may store the value twice). */
async function putStored(kv: KV, key: string, value: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await kv.put(key, value);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`put ${key} never stored: ${err}`);
      await sleep(100); // not a busy loop while no server answers
    }
  }
}

/** Puts `n` values over the keys k.0..k.49 (an update of a key once past the first 50). */
async function putMany(kv: KV, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await putStored(kv, `k.${i % 50}`, `${i}`);
}

/** `f()`, asked again until a server answers it (51 tries, 200 ms apart). */
async function retried<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await f();
    } catch (err) {
      if (i > 50) throw err;
      await sleep(200);
    }
  }
}

/** The bucket's last revision (the stream's last sequence), asked until a server answers. */
async function lastRevision(nc: NatsConnection, bucket: string): Promise<number> {
  // the manager's own check (an account info request) is asked again too: right after node
  // kills the cluster's JetStream may leave it unanswered for more than its 5 s
  return await retried(async () => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.streams.info(`KV_${bucket}`)).state.last_seq;
  });
}

/** The watcher holds 1..last, each once and in order (the stream is the reference). */
async function holdsAll(w: Watched, nc: NatsConnection, bucket: string, label: string) {
  const last = await lastRevision(nc, bucket);
  await until(
    () => w.entries.length >= last,
    45_000,
    `${label}: watcher has ${w.entries.length} of ${last} revisions`,
  );
  await sleep(300); // a late duplicate would show here
  const want = Array.from({ length: last }, (_, i) => i + 1);
  assertEquals(w.revisions, want, `${label}: every revision once, in order`);
  for (const e of w.entries) assertEquals(e.bucket, bucket);
}

Deno.test("kv: a watcher delivers every update once, in order, across a server restart", async () => {
  await servers("start", "js");
  const nc = await connect({ servers: JS_URL, ...RESILIENT, name: "kv-restart" });
  const state = new ConnState(nc);
  const bucket = bucketName();
  const kv = await nc.jetstream().views.kv(bucket, { history: 5, storage: StorageType.File });
  // 50 keys written once before the watch: its initial values are revisions 1..50
  await putMany(kv, 0, 50);
  const w = new Watched(await kv.watch({ key: ">" }));
  await holdsAll(w, nc, bucket, "before the restart");

  const from = state.events.length;
  await servers("restart", "js");
  await state.next(Events.Reconnect, from, 20_000);
  await putMany(kv, 50, 150);
  await holdsAll(w, nc, bucket, "after the restart");
  console.log(`kv restart: ${w.entries.length} updates delivered once and in order`);
  await kv.destroy();
  await nc.close();
  await w.done;
  await state.stop();
});

Deno.test("kv: a watcher keeps delivering when the client's cluster node is killed (R3)", async () => {
  await healthyCluster();
  await servers("wait-js");
  const nc = await connect({ servers: NODES.map(wsUrl), ...RESILIENT, name: "kv-kill" });
  const state = new ConnState(nc);
  const bucket = bucketName();
  // Right after another test's node kills, the cluster's JetStream may take more than the default
  // 5 s to answer an API request (a create timed out once, the watch's consumer create once): the
  // bucket's requests wait up to 20 s, and opening (create-or-bind) is asked again until it works.
  const js = nc.jetstream({ timeout: 20_000 });
  const kv = await retried(() =>
    js.views.kv(bucket, { history: 5, storage: StorageType.File, replicas: 3 })
  );
  await putMany(kv, 0, 50);
  const w = new Watched(await retried(() => kv.watch()));
  await holdsAll(w, nc, bucket, "before the kill");

  const on = nc.info?.server_name as Node;
  assert(NODES.includes(on), `connected to an unknown server '${on}'`);
  const from = state.events.length;
  await servers("kill", on);
  await state.next(Events.Reconnect, from, 20_000);
  await putMany(kv, 50, 50);
  await holdsAll(w, nc, bucket, `with ${on} down`);
  await servers("start", on);
  await servers("wait-js");
  await putMany(kv, 100, 50);
  await holdsAll(w, nc, bucket, `after ${on} restarted`);
  console.log(`kv kill ${on}: ${w.entries.length} updates delivered once and in order`);
  await kv.destroy();
  await nc.close();
  await w.done;
  await state.stop();
  await healthyCluster();
});

Deno.test("os: a get running across a server restart completes intact or fails clearly", async () => {
  await servers("start", "js");
  const nc = await connect({ servers: JS_URL, ...RESILIENT, name: "os-restart" });
  const state = new ConnState(nc);
  const os = await nc.jetstream().views.os(bucketName(), { storage: StorageType.File });
  const data = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 13)) & 0xff;
  await os.putBlob({ name: "big" }, data);

  const r = await os.get("big");
  assert(r !== null, "the object is there");
  const reader = r.data.getReader();
  const chunks: Uint8Array[] = [];
  const first = await reader.read();
  assert(!first.done && first.value.length > 0, "a first chunk before the fault");
  chunks.push(first.value);
  const from = state.events.length;
  await servers("restart", "js");
  // The outcome is bounded: either every byte with a matching digest, or an error.
  const outcome = await Promise.race([
    (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
        }
        await r.error.then((e) => {
          if (e) throw e;
        });
        return "completed";
      } catch (err) {
        return `failed: ${(err as Error).message}`;
      }
    })(),
    sleep(60_000).then(() => "hung"),
  ]);
  await state.next(Events.Reconnect, from, 20_000);
  console.log(`os get across a restart: ${outcome}`);
  assert(outcome !== "hung", "the get settled within 60 s");
  if (outcome === "completed") {
    const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      got.set(c, at);
      at += c.length;
    }
    assertEquals(got.length, data.length, "every byte");
    assert(got.every((b, i) => b === data[i]), "the same bytes");
  } else {
    assert(outcome.length > "failed: ".length, "the error says something");
  }
  // the store still works after the fault
  const again = await os.getBlob("big");
  assertEquals(again?.length, data.length);
  await os.destroy();
  await nc.close();
  await state.stop();
});
