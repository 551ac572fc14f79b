// NatsConnection.requestMany() (README › Services / JSDoc): the four RequestStrategy values:
// timer (collect until maxWait), count (stop at maxMessages), jitterTimer (stop after a quiet
// gap), sentinelMsg (stop after an empty message, which is yielded), plus no responders (503)
// and headers.
import { createInbox, Empty, ErrorCode, headers, RequestStrategy } from "../helpers/deps.ts";
import type { Msg, NatsConnection } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { connectTest, drainAll } from "../helpers/helpers.ts";

/** n independent (non-queue) responders; each answers with its index. */
function responders(nc: NatsConnection, subj: string, n: number) {
  for (let i = 0; i < n; i++) {
    nc.subscribe(subj, { callback: (_e, m) => m.respond(`r${i}`) });
  }
}

const names = (ms: Msg[]) => ms.map((m) => m.string()).sort();

Deno.test("requestMany: RequestStrategy values", () => {
  assertEquals(
    [
      RequestStrategy.Timer,
      RequestStrategy.Count,
      RequestStrategy.JitterTimer,
      RequestStrategy.SentinelMsg,
    ],
    ["timer", "count", "jitterTimer", "sentinelMsg"],
  );
});

Deno.test("requestMany: timer collects every reply until maxWait", async () => {
  const nc = await connectTest();
  const subj = createInbox("many");
  responders(nc, subj, 3);
  await nc.flush();
  const t0 = performance.now();
  const it = await nc.requestMany(subj, Empty, { strategy: RequestStrategy.Timer, maxWait: 300 });
  const got = await drainAll(it, 3000, "timer iterator end");
  const took = performance.now() - t0;
  assertEquals(names(got), ["r0", "r1", "r2"]);
  assert(took >= 250 && took < 1500, `ended after ${took} ms (maxWait 300)`);
  await nc.close();
});

Deno.test("requestMany: count stops at maxMessages without waiting for maxWait", async () => {
  const nc = await connectTest();
  const subj = createInbox("count");
  responders(nc, subj, 3);
  await nc.flush();
  const t0 = performance.now();
  const it = await nc.requestMany(subj, Empty, {
    strategy: RequestStrategy.Count,
    maxMessages: 2,
    maxWait: 5000,
  });
  const got = await drainAll(it, 3000, "count iterator end");
  assertEquals(got.length, 2);
  assert(performance.now() - t0 < 2000, "did not wait for maxWait");
  await nc.close();
});

Deno.test("requestMany: jitterTimer stops after a quiet gap, well before maxWait", async () => {
  const nc = await connectTest();
  const subj = createInbox("jitter");
  responders(nc, subj, 3);
  await nc.flush();
  const t0 = performance.now();
  const it = await nc.requestMany(subj, Empty, {
    strategy: RequestStrategy.JitterTimer,
    jitter: 100,
    maxWait: 5000,
  });
  const got = await drainAll(it, 6000, "jitterTimer iterator end");
  const took = performance.now() - t0;
  assertEquals(names(got), ["r0", "r1", "r2"]);
  assert(took >= 80 && took < 2000, `ended after ${took} ms (jitter 100, maxWait 5000)`);
  await nc.close();
});

Deno.test("requestMany: sentinelMsg stops after the empty message, which is yielded", async () => {
  const nc = await connectTest();
  const subj = createInbox("sentinel");
  nc.subscribe(subj, {
    callback: (_e, m) => {
      for (let i = 0; i < 5; i++) m.respond(`part-${i}`);
      m.respond(Empty);
      m.respond("after the sentinel");
    },
  });
  await nc.flush();
  const t0 = performance.now();
  const it = await nc.requestMany(subj, Empty, {
    strategy: RequestStrategy.SentinelMsg,
    maxWait: 5000,
  });
  const got = await drainAll(it, 3000, "sentinel iterator end");
  assertEquals(got.map((m) => m.string()), ["part-0", "part-1", "part-2", "part-3", "part-4", ""]);
  assert(performance.now() - t0 < 2000, "did not wait for maxWait");
  await nc.close();
});

Deno.test("requestMany: no responders ends the iterator with a 503 error", async () => {
  const nc = await connectTest();
  const it = await nc.requestMany(createInbox("nobody"), Empty, {
    strategy: RequestStrategy.Timer,
    maxWait: 2000,
  });
  await assertRejects(drainAll(it, 3000, "503 iterator"), ErrorCode.NoResponders);
  await nc.close();
});

Deno.test("requestMany: headers reach every responder", async () => {
  const nc = await connectTest();
  const subj = createInbox("many-hdrs");
  for (let i = 0; i < 2; i++) {
    nc.subscribe(subj, { callback: (_e, m) => m.respond(`${i}:${m.headers?.get("Who")}`) });
  }
  const h = headers();
  h.set("Who", "me");
  const it = await nc.requestMany(subj, Empty, {
    strategy: RequestStrategy.Count,
    maxMessages: 2,
    maxWait: 2000,
    headers: h,
  });
  assertEquals(names(await drainAll(it, 3000)), ["0:me", "1:me"]);
  await nc.close();
});

Deno.test("requestMany: a negative maxWait is INVALID_OPTION", async () => {
  const nc = await connectTest();
  await assertRejects(
    () =>
      nc.requestMany(createInbox("bad"), Empty, { strategy: RequestStrategy.Timer, maxWait: -1 }),
    ErrorCode.InvalidOption,
  );
  await nc.close();
});
