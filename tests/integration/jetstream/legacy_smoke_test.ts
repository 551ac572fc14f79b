import { assertEquals } from "/work/main/tests/helpers/assert.ts";
import { AckPolicy, connect, consumerOpts, StorageType } from "/work/main/tests/helpers/deps.ts";
import { drainAll, JETSTREAM_URL, take } from "/work/main/tests/helpers/helpers.ts";

Deno.test("legacy smoke", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const name = `LEG_${Date.now().toString(36)}`;
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory });
  const js = nc.jetstream();
  for (let i = 0; i < 100; i++) await js.publish(`${name}.a`, `${i}`);
  // push durable
  const o = consumerOpts().durable("p").deliverTo(`push.${name}`).ackExplicit().idleHeartbeat(1000)
    .flowControl();
  const sub = await js.subscribe(`${name}.a`, o);
  const got = await take(sub, 100, 5000, "push");
  assertEquals(got.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  sub.unsubscribe();
  // ordered push
  const os = await js.subscribe(`${name}.a`, consumerOpts().orderedConsumer());
  const og = await take(os, 100, 5000, "ordered push");
  assertEquals(og.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  os.unsubscribe();
  // pull subscribe
  const ps = await js.pullSubscribe(`${name}.a`, consumerOpts().durable("pl").ackExplicit());
  ps.pull({ batch: 10, expires: 2000 });
  const pg = await take(ps, 10, 5000, "pull sub");
  assertEquals(pg.map((m) => m.seq), Array.from({ length: 10 }, (_, i) => i + 1));
  ps.unsubscribe();
  // fetch + pull
  await jsm.consumers.add(name, { durable_name: "f", ack_policy: AckPolicy.Explicit });
  const fi = js.fetch(name, "f", { batch: 5, expires: 2000 });
  const fg = await drainAll(fi, 5000, "fetch");
  assertEquals(fg.map((m) => m.seq), [1, 2, 3, 4, 5]);
  for (const m of fg) m.ack();
  const one = await js.pull(name, "f");
  assertEquals(one.seq, 6);
  const nw = js.fetch(name, "f", { batch: 200, no_wait: true });
  const ng = await drainAll(nw, 5000, "fetch no_wait");
  assertEquals(ng.length, 94);
  await jsm.streams.delete(name);
  await nc.close();
});
