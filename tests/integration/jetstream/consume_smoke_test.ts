// Smoke test of the simplified consumer API (js.consumers): consume, fetch, next, ordered.
import { assertEquals } from "../../helpers/assert.ts";
import { AckPolicy, connect, StorageType } from "../../helpers/deps.ts";
import { drainAll, JETSTREAM_URL, take } from "../../helpers/helpers.ts";

Deno.test("consumers smoke - consume, fetch, next, ordered", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const name = `SMOKE_${Date.now().toString(36)}`;
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory });
  const js = nc.jetstream();
  for (let i = 0; i < 250; i++) await js.publish(`${name}.a`, `${i}`);
  await jsm.consumers.add(name, { durable_name: "c", ack_policy: AckPolicy.Explicit });
  const c = await js.consumers.get(name, "c");
  const it = await c.consume({ max_messages: 50 });
  const got = await take(it, 200, 10000, "consume");
  for (const m of got) m.ack();
  assertEquals(got.map((m) => m.string()), Array.from({ length: 200 }, (_, i) => `${i}`));
  await it.close();
  await jsm.consumers.add(name, { durable_name: "f", ack_policy: AckPolicy.Explicit });
  const cf = await js.consumers.get(name, "f");
  const f = await cf.fetch({ max_messages: 30, expires: 2000 });
  const fetched = await drainAll(f, 10000, "fetch");
  assertEquals(fetched.length, 30);
  assertEquals(fetched.map((m) => m.seq), Array.from({ length: 30 }, (_, i) => i + 1));
  const n = await cf.next({ expires: 1000 });
  assertEquals(n?.seq, 31);
  const oc = await js.consumers.get(name);
  const oi = await oc.consume();
  const ordered = await take(oi, 250, 10000, "ordered");
  assertEquals(ordered.map((m) => m.seq), Array.from({ length: 250 }, (_, i) => i + 1));
  await oi.close();
  await jsm.streams.delete(name);
  await nc.close();
});
