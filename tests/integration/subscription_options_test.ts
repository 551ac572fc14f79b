// README › "SubscriptionOptions": `max` (auto-unsubscribe) and unsubscribe(n), `timeout` (the
// iterator throws TIMEOUT when no message came in time; a first message cancels it), `queue`,
// and `callback` (messages go to the callback, the subscription cannot be iterated).
import { createInbox, ErrorCode, StringCodec } from "../helpers/deps.ts";
import type { Msg, NatsError } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { connectTest, drainAll, latch, take, within } from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("subscription options: max: 10 delivers exactly 10 of 20, then the iterator ends", async () => {
  const nc = await connectTest();
  const subj = createInbox("max");
  const sub = nc.subscribe(subj, { max: 10 });
  assertEquals(sub.getMax(), 10);
  for (let i = 0; i < 20; i++) nc.publish(subj, sc.encode(`${i}`));
  const got = await drainAll(sub, 3000, "max: 10 iterator end");
  assertEquals(got.map((m) => sc.decode(m.data)), Array.from({ length: 10 }, (_, i) => `${i}`));
  assertEquals(sub.getReceived(), 10);
  assertEquals(sub.isClosed(), true);
  await nc.close();
});

Deno.test("subscription options: unsubscribe(5) after subscribing keeps the next 5 only", async () => {
  const nc = await connectTest();
  const subj = createInbox("unsub-n");
  const sub = nc.subscribe(subj);
  sub.unsubscribe(5);
  for (let i = 0; i < 8; i++) nc.publish(subj, sc.encode(`${i}`));
  const got = await drainAll(sub, 3000, "unsubscribe(5) iterator end");
  assertEquals(got.map((m) => sc.decode(m.data)), ["0", "1", "2", "3", "4"]);
  await nc.close();
});

Deno.test("subscription options: timeout rejects the iterator with TIMEOUT when nothing arrives", async () => {
  const nc = await connectTest();
  const sub = nc.subscribe(createInbox("quiet"), { timeout: 200 });
  const t0 = performance.now();
  // the README's pattern: the loop rejects, the catch sees err.code === ErrorCode.Timeout
  const outcome = await within(
    (async () => {
      for await (const _m of sub) {
        // nothing arrives
      }
      return "ended without error";
    })().catch((err: NatsError) =>
      err.code === ErrorCode.Timeout ? "sub timed out!" : `other: ${err.code}`
    ),
    3000,
    "timeout subscription",
  );
  const took = performance.now() - t0;
  assertEquals(outcome, "sub timed out!");
  assert(took >= 150 && took < 2000, `timed out after ${took} ms (200 asked)`);
  assertEquals(sub.isClosed(), true);
  await nc.close();
});

Deno.test("subscription options: a message before the timeout cancels it", async () => {
  const nc = await connectTest();
  const subj = createInbox("in-time");
  const sub = nc.subscribe(subj, { timeout: 150 });
  nc.publish(subj, "first");
  const [m] = await take(sub, 1); // take() breaks the loop: unsubscribes
  assertEquals(m.string(), "first");

  // with a second subscription we check that the timer really is gone: it outlives the timeout
  const sub2 = nc.subscribe(subj, { timeout: 150 });
  nc.publish(subj, "a");
  const seen: string[] = [];
  const gotFirst = latch<void>();
  const loop = (async () => {
    for await (const m of sub2) {
      seen.push(m.string());
      gotFirst.resolve();
    }
  })();
  await within(gotFirst, 2000, "first message");
  // wait past the 150 ms timeout (there is no event for "a timer did not fire")
  await new Promise((r) => setTimeout(r, 300));
  nc.publish(subj, "b");
  await nc.flush();
  sub2.unsubscribe();
  await within(loop, 2000, "the loop ends without a TIMEOUT error");
  assertEquals(seen, ["a", "b"]);
  await nc.close();
});

Deno.test("subscription options: timeout with a callback reports TIMEOUT to the callback", async () => {
  const nc = await connectTest();
  const got = latch<NatsError | null>();
  nc.subscribe(createInbox("cb-timeout"), { timeout: 100, callback: (err) => got.resolve(err) });
  const err = await within(got, 3000, "callback timeout");
  assertEquals(err?.code, ErrorCode.Timeout);
  await nc.close();
});

Deno.test("subscription options: queue on one connection splits messages between members", async () => {
  const nc = await connectTest();
  const subj = createInbox("queue");
  const a = nc.subscribe(subj, { queue: "q" });
  const b = nc.subscribe(subj, { queue: "q" });
  const N = 200;
  for (let i = 0; i < N; i++) nc.publish(subj, `${i}`);
  const end = nc.subscribe(`${subj}.end`, { max: 1 });
  nc.publish(`${subj}.end`);
  await take(end, 1);
  assertEquals(a.getReceived() + b.getReceived(), N);
  assert(
    a.getReceived() > 0 && b.getReceived() > 0,
    `both got some: ${a.getReceived()}/${b.getReceived()}`,
  );
  const all = [...await take(a, a.getReceived()), ...await take(b, b.getReceived())];
  assertEquals(
    all.map((m) => Number(m.string())).sort((x, y) => x - y),
    Array.from({ length: N }, (_, i) => i),
  );
  await nc.close();
});

Deno.test("subscription options: callback gets every message in order; iterating it throws", async () => {
  const nc = await connectTest();
  const subj = createInbox("callback");
  const got: string[] = [];
  const errs: unknown[] = [];
  const done = latch<void>();
  const sub = nc.subscribe(subj, {
    callback: (err: NatsError | null, m: Msg) => {
      if (err) errs.push(err);
      else got.push(m.string());
      if (got.length === 50) done.resolve();
    },
  });
  for (let i = 0; i < 50; i++) nc.publish(subj, `${i}`);
  await within(done, 3000, "50 callbacks");
  assertEquals(got, Array.from({ length: 50 }, (_, i) => `${i}`));
  assertEquals(errs, []);
  assertEquals(sub.getProcessed(), 50);
  await assertRejects(async () => {
    for await (const _m of sub) {
      // a callback subscription is not an iterator
    }
  }, ErrorCode.ApiError);
  await nc.close();
});

Deno.test("subscription options: max together with a callback stops after max", async () => {
  const nc = await connectTest();
  const subj = createInbox("cb-max");
  const got: string[] = [];
  const sub = nc.subscribe(subj, { max: 3, callback: (_e, m) => got.push(m.string()) });
  for (let i = 0; i < 6; i++) nc.publish(subj, `${i}`);
  await within(sub.closed, 3000, "sub closes after max");
  await nc.flush();
  assertEquals(got, ["0", "1", "2"]);
  await nc.close();
});
