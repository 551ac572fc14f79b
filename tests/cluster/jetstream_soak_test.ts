// Bounded JetStream soak (~60-90 s): a three-node cluster with an R3 file stream; publishers send
// messages with unique msgIDs and retry each one whose PubAck did not come (timeout, error) with
// the SAME msgID until it is acknowledged, while each node in turn is killed (SIGKILL) and
// restarted; a durable explicit-ack consume() receives. Fails on any acknowledged message never
// delivered. Prints one line of figures: published, acked, delivered unique, duplicates,
// redeliveries, publish retries, duration. Run by tests/cluster/run.sh.
import { AckPolicy, connect, nanos, StorageType } from "../helpers/deps.ts";
import { assertEquals } from "../helpers/assert.ts";
import { healthyCluster, NODES, servers, sleep, until, wsUrl } from "./cluster.ts";
import { publishAcked, PubStats, Reader } from "./jsrig.ts";

/** Publishers working at once, each one message at a time (a few in flight, not a flood). */
const PUBLISHERS = 4;
/** Acknowledged messages to wait for between faults (steady traffic, then traffic with a node down). */
const STEP = 600;

Deno.test("jetstream soak: node kills while publishing; every acknowledged message is delivered", async () => {
  await healthyCluster();
  await servers("wait-js");
  const started = performance.now();
  const nc = await connect({
    servers: NODES.map(wsUrl),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: 5000,
    name: "js-soak",
  });
  const name = `JSS_${crypto.randomUUID().slice(0, 8)}`;
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({
    name,
    subjects: [`${name}.>`],
    storage: StorageType.File,
    num_replicas: 3,
  });
  await jsm.consumers.add(name, {
    durable_name: "d",
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(4000), // a lost ack comes back within seconds
  });
  const js = nc.jetstream();
  const stats = new PubStats();
  const d = new Reader(
    await (await js.consumers.get(name, "d")).consume({
      max_messages: 100,
      expires: 2000,
    }),
    true,
  );
  let publishing = true;
  const workers = Array.from({ length: PUBLISHERS }, async () => {
    while (publishing) {
      const k = stats.published;
      await publishAcked(js, `${name}.a`, `${k}`, `${name}-${k}`, stats);
    }
  });
  const acked = (n: number, label: string) => {
    const want = stats.acked.length + n;
    return until(() => stats.acked.length >= want, 30_000, `${label}: ${n} more PubAcks`);
  };
  try {
    await acked(STEP, "steady");
    for (const n of NODES) {
      await servers("kill", n);
      await acked(STEP, `${n} down`);
      await servers("start", n);
      await servers("wait-js");
      await acked(STEP, `after ${n} restarted`);
    }
  } finally {
    publishing = false;
    await Promise.all(workers);
  }
  await d.all(stats.acked, 60_000, "every acknowledged message delivered");
  await sleep(200); // late duplicates on their way still count
  const duration = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `jetstream soak: published ${stats.published}, acked ${stats.acked.length}, delivered ` +
      `unique ${d.unique.size}, duplicates ${d.duplicates}, redeliveries ${d.redeliveries}, ` +
      `publish retries ${stats.retries} (${stats.duplicates} acked as duplicate), ` +
      `3 kills, ${duration} s`,
  );
  assertEquals(new Set(stats.acked).size, stats.acked.length, "one stream sequence per msgID");
  assertEquals(stats.acked.filter((s) => !d.unique.has(s)), [], "acknowledged, never delivered");
  await d.it.close();
  await jsm.streams.delete(name);
  await nc.close();
  await healthyCluster();
});
