// README › "Async vs. Callbacks": an iterator subscription buffers inbound messages until the
// loop reads them (getPending), while a callback subscription handles each message in the same
// event-loop turn that delivered it (done by the time a later flush() resolves) and is never
// iterable; both see the same messages in the same order.
import { createInbox, ErrorCode } from "../helpers/deps.ts";
import type { Msg } from "../helpers/deps.ts";
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { connectTest, take } from "../helpers/helpers.ts";

Deno.test("async vs callbacks: an iterator buffers messages until the loop reads them", async () => {
  const nc = await connectTest();
  const subj = createInbox("buffered");
  const sub = nc.subscribe(subj);
  for (let i = 0; i < 25; i++) nc.publish(subj, `${i}`);
  await nc.flush(); // all 25 were delivered before the PONG
  assertEquals(sub.getReceived(), 25);
  assertEquals(sub.getProcessed(), 0, "nothing processed before the loop runs");
  assertEquals(sub.getPending(), 25, "all 25 wait in the subscription's queue");
  const got = await take(sub, 25);
  assertEquals(got.map((m) => m.string()), Array.from({ length: 25 }, (_, i) => `${i}`));
  await nc.close();
});

Deno.test("async vs callbacks: a callback has handled every message by the time flush() resolves", async () => {
  const nc = await connectTest();
  const subj = createInbox("cb");
  const seen: string[] = [];
  const sub = nc.subscribe(subj, { callback: (_err, m: Msg) => seen.push(m.string()) });
  for (let i = 0; i < 25; i++) nc.publish(subj, `${i}`);
  await nc.flush();
  assertEquals(seen, Array.from({ length: 25 }, (_, i) => `${i}`));
  assertEquals(sub.getProcessed(), 25);
  await assertRejects(async () => {
    for await (const _m of sub) {
      // never: callbacks intercept every message
    }
  }, ErrorCode.ApiError);
  await nc.close();
});

Deno.test("async vs callbacks: a callback and an iterator on one subject see the same stream", async () => {
  const nc = await connectTest();
  const subj = createInbox("both");
  const viaCb: string[] = [];
  nc.subscribe(subj, { callback: (_e, m) => viaCb.push(m.string()) });
  const it = nc.subscribe(subj);
  for (let i = 0; i < 100; i++) nc.publish(subj, `${i}`);
  const viaIt = (await take(it, 100)).map((m) => m.string());
  await nc.flush();
  assertEquals(viaIt, viaCb);
  assertEquals(viaCb.length, 100);
  await nc.close();
});

Deno.test("async vs callbacks: a second concurrent loop over one subscription is refused", async () => {
  const nc = await connectTest();
  const subj = createInbox("twice");
  const sub = nc.subscribe(subj);
  const first = take(sub, 1);
  await Promise.resolve();
  await assertRejects(async () => {
    for await (const _m of sub) {
      // the first loop already iterates
    }
  }, ErrorCode.ApiError);
  nc.publish(subj, "x");
  assertEquals((await first)[0].string(), "x");
  await nc.close();
});
