// README › "Draining Connections and Subscriptions": sub.drain() processes what is in flight then
// closes the subscription (the connection stays usable); nc.drain() drains every subscription,
// refuses new subscriptions and requests (CONNECTION_DRAINING), flushes, then closes with
// closed() resolving undefined; misuse after close gives CONNECTION_CLOSED.
import { createInbox, Empty, ErrorCode, StringCodec } from "./deps.ts";
import { assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { connectTest, drainAll, latch, take, within } from "./helpers.ts";

const sc = StringCodec();

Deno.test("drain: sub.drain() delivers every in-flight message, then the iterator ends", async () => {
  const nc = await connectTest();
  const pub = await connectTest();
  const subj = createInbox("sub-drain");
  const sub = nc.subscribe(subj);
  await nc.flush();
  const N = 500;
  for (let i = 0; i < N; i++) pub.publish(subj, sc.encode(`${i}`));
  await pub.flush(); // the server has routed all N to nc
  const loop = drainAll(sub, 5000, "drained iterator end");
  const d = sub.drain();
  assertEquals(sub.isDraining(), true);
  await within(d, 5000, "sub.drain()");
  const got = await loop;
  assertEquals(got.map((m) => sc.decode(m.data)), Array.from({ length: N }, (_, i) => `${i}`));
  assertEquals(sub.isClosed(), true);
  // the connection itself is still fine
  const again = nc.subscribe(subj, { max: 1 });
  await nc.flush();
  pub.publish(subj, "after");
  assertEquals((await take(again, 1))[0].string(), "after");
  await nc.close();
  await pub.close();
});

Deno.test("drain: nc.drain() drains all subscriptions, then closes cleanly", async () => {
  const nc = await connectTest();
  const pub = await connectTest();
  const a = createInbox("a");
  const b = createInbox("b");
  const seenA: string[] = [];
  const seenB: string[] = [];
  const sa = nc.subscribe(a, { callback: (_e, m) => seenA.push(m.string()) });
  const sb = nc.subscribe(b);
  const loopB = (async () => {
    for await (const m of sb) seenB.push(m.string());
  })();
  await nc.flush();
  for (let i = 0; i < 100; i++) {
    pub.publish(a, `${i}`);
    pub.publish(b, `${i}`);
  }
  await pub.flush();
  const closed = nc.closed();
  const d = nc.drain();
  assertEquals(nc.isDraining(), true);
  // new subscriptions and requests are refused while draining
  assertThrows(() => nc.subscribe(createInbox()), ErrorCode.ConnectionDraining);
  await assertRejects(
    () => nc.request(createInbox(), Empty, { timeout: 500 }),
    ErrorCode.ConnectionDraining,
  );
  await within(d, 5000, "nc.drain()");
  await within(loopB, 2000, "iterator end");
  const want = Array.from({ length: 100 }, (_, i) => `${i}`);
  assertEquals(seenA, want);
  assertEquals(seenB, want);
  assertEquals([sa.isClosed(), sb.isClosed(), nc.isClosed()], [true, true, true]);
  assertEquals(await closed, undefined);
  // after close
  assertThrows(() => nc.publish(a), ErrorCode.ConnectionClosed);
  await assertRejects(() => nc.drain(), ErrorCode.ConnectionClosed);
  await pub.close();
});

Deno.test("drain: a second nc.drain() while draining rejects with CONNECTION_DRAINING", async () => {
  const nc = await connectTest();
  nc.subscribe(createInbox("x"));
  const first = nc.drain();
  await assertRejects(() => nc.drain(), ErrorCode.ConnectionDraining);
  await within(first, 5000, "first drain");
  assertEquals(await nc.closed(), undefined);
});

Deno.test("drain: replies sent by handlers while the connection drains still go out", async () => {
  const svc = await connectTest();
  const client = await connectTest();
  const subj = createInbox("drain-svc");
  const got = latch<void>();
  const sub = svc.subscribe(subj);
  const served = (async () => {
    for await (const m of sub) {
      got.resolve();
      // the README's admin.stop: start draining, then answer
      const d = svc.drain();
      m.respond("bye");
      await d;
    }
  })();
  await svc.flush();
  const r = client.request(subj, Empty, { timeout: 2000 });
  await within(got, 2000, "request received");
  assertEquals((await r).string(), "bye");
  await within(served, 3000, "service loop end");
  assertEquals(await svc.closed(), undefined);
  await client.close();
});

Deno.test("drain: sub.drain() after the connection closed rejects with CONNECTION_CLOSED", async () => {
  const nc = await connectTest();
  const sub = nc.subscribe(createInbox("late"));
  await nc.close();
  await assertRejects(() => sub.drain(), ErrorCode.ConnectionClosed);
});
