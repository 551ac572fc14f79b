// JetStream consumers under server faults (cluster suite): a durable explicit-ack consume() and an
// ordered consumer across a SIGKILL restart of a lone file-storage server (tests/cluster/js.conf,
// whose store survives the restart) and across the SIGKILL of the cluster node the client is on
// (R3 file stream), and a consume whose server is frozen (SIGSTOP) past two idle heartbeats. Every
// message the server acknowledged (PubAck) must be delivered: redeliveries are allowed and
// counted; an ordered consumer delivers the stream in order, each message once. Waits are bounded
// and labelled; retries use a short `expires` (2000 ms) to stay fast. Run by tests/cluster/run.sh.
import { AckPolicy, connect, ConsumerEvents, Events, nanos, StorageType } from "../helpers/deps.ts";
import type { JetStreamClient, NatsConnection } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { ConnState, healthyCluster, type Node, NODES, servers, until, wsUrl } from "./cluster.ts";
import { publishAcked, PubStats, Reader } from "./jsrig.ts";

/** The lone JetStream server's WebSocket (tests/cluster/js.conf). */
const JS_URL = "ws://127.0.0.1:17154";
/** Pull expiry, ms: recovery waits jitter(expires), so a short one keeps the tests fast. */
const EXPIRES = 2000;
/** Never give up reconnecting; come back quickly. */
const RESILIENT = { maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 };

const seqRange = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function stream(nc: NatsConnection, replicas = 1): Promise<string> {
  const name = `JSF_${crypto.randomUUID().slice(0, 8)}`;
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({
    name,
    subjects: [`${name}.>`],
    storage: StorageType.File,
    num_replicas: replicas,
  });
  return name;
}

async function durable(nc: NatsConnection, name: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  // a short ack_wait: an ack lost with the server comes back as a redelivery within seconds
  await jsm.consumers.add(name, {
    durable_name: "d",
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(4000),
  });
}

async function publishMany(
  js: JetStreamClient,
  name: string,
  n: number,
  stats: PubStats,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const k = stats.published;
    await publishAcked(js, `${name}.a`, `${k}`, `${name}-${k}`, stats);
  }
}

/** The durable explicit-ack consumer "d" consumed in pulls of 50 (and `extra` options). */
async function durableReader(
  js: JetStreamClient,
  name: string,
  extra: { idle_heartbeat?: number } = {},
): Promise<Reader> {
  const c = await js.consumers.get(name, "d");
  return new Reader(await c.consume({ max_messages: 50, expires: EXPIRES, ...extra }), true);
}

/** An ordered consumer over the whole stream. */
async function orderedReader(js: JetStreamClient, name: string): Promise<Reader> {
  return new Reader(await (await js.consumers.get(name)).consume({ expires: EXPIRES }), false);
}

/** Waits until both readers hold every acknowledged message. */
async function bothHave(d: Reader, o: Reader, acked: number[], ms: number, when: string) {
  await d.all(acked, ms, `durable: ${when}`);
  await o.all(acked, ms, `ordered: ${when}`);
}

/** Stops the readers, deletes the stream and closes the connection. */
async function teardown(nc: NatsConnection, name: string, readers: Reader[]): Promise<void> {
  for (const r of readers) await r.it.close();
  await (await nc.jetstreamManager()).streams.delete(name);
  await nc.close();
}

function ordered(r: Reader, total: number, label: string): void {
  assertEquals(r.duplicates, 0, `${label}: duplicates`);
  assertEquals(r.seqs, seqRange(1, total), `${label}: the stream in order, no gap`);
}

Deno.test("jetstream: consume and ordered consume across a server restart", async () => {
  await servers("start", "js");
  const nc = await connect({ servers: JS_URL, ...RESILIENT, name: "js-restart" });
  const state = new ConnState(nc);
  const name = await stream(nc);
  await durable(nc, name);
  const js = nc.jetstream();
  const stats = new PubStats();
  await publishMany(js, name, 200, stats);
  const d = await durableReader(js, name);
  const o = await orderedReader(js, name);
  await bothHave(d, o, stats.acked, 15_000, "before the restart");

  const from = state.events.length;
  await servers("restart", "js");
  const rc = await state.next(Events.Reconnect, from, 20_000);
  await publishMany(js, name, 200, stats);
  await bothHave(d, o, stats.acked, 30_000, "after the restart");
  console.log(
    `restart: published ${stats.published}, acked ${stats.acked.length}, publish retries ` +
      `${stats.retries}; durable delivered ${d.unique.size} unique, ${d.duplicates} duplicates, ` +
      `${d.redeliveries} redeliveries, statuses after reconnect [${d.types(rc.at)}]; ordered ` +
      `${o.seqs.length} delivered, statuses after reconnect [${o.types(rc.at)}]`,
  );
  // recovered: the consume checked its consumer and pulled again (a `next`), or heartbeats
  // were reported missed
  assert(
    d.types(rc.at).some((t) => t === "next" || t === ConsumerEvents.HeartbeatsMissed),
    `durable: no recovery seen in status(): ${d.types(rc.at)}`,
  );
  ordered(o, stats.acked.length, "ordered");
  await teardown(nc, name, [d, o]);
  await state.stop();
});

Deno.test("jetstream: consumers keep delivering when the client's cluster node is killed", async () => {
  await healthyCluster();
  await servers("wait-js");
  const nc = await connect({ servers: NODES.map(wsUrl), ...RESILIENT, name: "js-kill" });
  const state = new ConnState(nc);
  const name = await stream(nc, 3);
  await durable(nc, name);
  const js = nc.jetstream();
  const stats = new PubStats();
  await publishMany(js, name, 100, stats);
  const d = await durableReader(js, name);
  const o = await orderedReader(js, name);
  await bothHave(d, o, stats.acked, 15_000, "before the kill");

  const on = nc.info?.server_name as Node;
  assert(NODES.includes(on), `connected to an unknown server '${on}'`);
  const from = state.events.length;
  await servers("kill", on);
  await state.next(Events.Reconnect, from, 20_000);
  await publishMany(js, name, 100, stats);
  await d.all(stats.acked, 45_000, `durable: with ${on} down`);
  await servers("start", on);
  await servers("wait-js");
  await publishMany(js, name, 100, stats);
  await bothHave(d, o, stats.acked, 45_000, `after ${on} restarted`);
  console.log(
    `kill ${on}: published ${stats.published}, acked ${stats.acked.length}, publish retries ` +
      `${stats.retries}; durable ${d.unique.size} unique, ${d.duplicates} duplicates, ` +
      `${d.redeliveries} redeliveries, statuses [${d.types()}]; ordered ${o.seqs.length} ` +
      `delivered, statuses [${o.types()}]`,
  );
  ordered(o, stats.acked.length, "ordered");
  await teardown(nc, name, [d, o]);
  await state.stop();
  await healthyCluster();
});

Deno.test("jetstream: a frozen server's missed heartbeats are reported, delivery recovers", async () => {
  await servers("start", "js");
  // pings far apart: the freeze must show as missed heartbeats, not as a stale connection
  const nc = await connect({ servers: JS_URL, ...RESILIENT, pingInterval: 60_000, name: "js-hb" });
  const name = await stream(nc);
  await durable(nc, name);
  const js = nc.jetstream();
  const stats = new PubStats();
  await publishMany(js, name, 20, stats);
  const d = await durableReader(js, name, { idle_heartbeat: 1000 });
  await d.all(stats.acked, 15_000, "before the freeze");
  let thawed = false;
  await servers("freeze", "js");
  try {
    const at = performance.now();
    // 2 x idle_heartbeat = 2 s; 10 s leaves room for a loaded machine
    await until(
      () => d.statuses.some((s) => s.at > at && s.type === ConsumerEvents.HeartbeatsMissed),
      10_000,
      `heartbeats_missed while frozen; statuses [${d.types(at)}]`,
    );
    await servers("thaw", "js");
    thawed = true;
  } finally {
    if (!thawed) await servers("thaw", "js");
  }
  await publishMany(js, name, 20, stats);
  await d.all(stats.acked, 30_000, "after the thaw");
  const missed = d.statuses.filter((s) => s.type === ConsumerEvents.HeartbeatsMissed);
  console.log(
    `freeze: heartbeats_missed ${missed.map((s) => s.data)}; delivered ${d.unique.size} unique, ` +
      `${d.duplicates} duplicates, ${d.redeliveries} redeliveries; statuses [${d.types()}]`,
  );
  assert(missed.length > 0 && Number(missed[0].data) >= 2, "first report counts 2 misses");
  await teardown(nc, name, [d]);
});
