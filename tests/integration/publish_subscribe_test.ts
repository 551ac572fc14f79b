// README › "Publish and Subscribe": publish(), subscribe() as an async iterator, StringCodec,
// getProcessed()/getReceived()/getSubject()/getID(), unsubscribe(), break out of the loop, the
// README's drain-to-finish pattern, payload forms (string, Uint8Array, empty, large, binary),
// ordering of many messages, non-ASCII and many distinct subjects, and stats().
import { createInbox, Empty, headers, StringCodec } from "../helpers/deps.ts";
import type { Msg } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { connectTest, drainAll, latch, take, within } from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("pubsub: 100 numbered messages arrive complete and in order", async () => {
  const nc = await connectTest();
  const subj = createInbox("pubsub");
  const sub = nc.subscribe(subj);
  assertEquals(sub.getSubject(), subj);
  for (let i = 0; i < 100; i++) nc.publish(subj, sc.encode(`msg-${i}`));
  const got = await take(sub, 100);
  assertEquals(
    got.map((m) => sc.decode(m.data)),
    Array.from({ length: 100 }, (_, i) => `msg-${i}`),
  );
  for (const m of got) {
    assertEquals(m.subject, subj);
    assertEquals(m.sid, sub.getID());
    assert(!m.reply, "no reply subject on a plain publish");
    assertEquals(m.headers, undefined);
  }
  assertEquals(sub.getProcessed(), 100);
  assertEquals(sub.getReceived(), 100);
  assertEquals(sub.isClosed(), true, "leaving the for-await loop unsubscribes");
  await nc.close();
});

Deno.test("pubsub: the README example (iterate, publish twice, drain) sees both messages", async () => {
  const nc = await connectTest();
  const subj = createInbox("hello");
  const sub = nc.subscribe(subj);
  const lines: string[] = [];
  const loop = (async () => {
    for await (const m of sub) lines.push(`[${sub.getProcessed()}]: ${sc.decode(m.data)}`);
    lines.push("subscription closed");
  })();
  nc.publish(subj, sc.encode("world"));
  nc.publish(subj, sc.encode("again"));
  await within(nc.drain(), 5000, "drain");
  await within(loop, 2000, "the iterator ends after drain");
  assertEquals(lines, ["[1]: world", "[2]: again", "subscription closed"]);
  assertEquals(nc.isClosed(), true);
  assertEquals(await nc.closed(), undefined);
});

Deno.test("pubsub: 10,000 small messages keep their order", async () => {
  const nc = await connectTest();
  const subj = createInbox("many");
  const sub = nc.subscribe(subj);
  const n = 10_000;
  for (let i = 0; i < n; i++) nc.publish(subj, sc.encode(String(i)));
  let expect = 0;
  for await (const m of sub) {
    assertEquals(sc.decode(m.data), String(expect));
    if (++expect === n) break;
  }
  assertEquals(expect, n);
  await nc.close();
});

Deno.test("pubsub: payload forms: string, Uint8Array, Empty, no payload, all byte values", async () => {
  const nc = await connectTest();
  const subj = createInbox("payloads");
  const sub = nc.subscribe(subj);
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  nc.publish(subj, "plain string ✓ ünïcødé");
  nc.publish(subj, bytes);
  nc.publish(subj, Empty);
  nc.publish(subj);
  nc.publish(subj, sc.encode("\r\nMSG fake 1 2\r\n"));
  const got = await take(sub, 5);
  assertEquals(got[0].string(), "plain string ✓ ünïcødé");
  assertEquals(got[1].data, bytes);
  assertEquals(got[2].data.length, 0);
  assertEquals(got[3].data.length, 0);
  assertEquals(got[4].string(), "\r\nMSG fake 1 2\r\n", "protocol-looking bytes inside a payload");
  await nc.close();
});

Deno.test("pubsub: large payloads (512 KiB, and 20 x 64 KiB) arrive byte for byte", async () => {
  const nc = await connectTest();
  const subj = createInbox("large");
  const sub = nc.subscribe(subj);
  const big = new Uint8Array(512 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
  nc.publish(subj, big);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < 20; i++) {
    const c = new Uint8Array(64 * 1024).fill(i);
    chunks.push(c);
    nc.publish(subj, c);
  }
  const got = await take(sub, 21, 10000);
  assertEquals(got[0].data.length, big.length);
  assertEquals(got[0].data, big);
  for (let i = 0; i < 20; i++) assertEquals(got[i + 1].data, chunks[i], `chunk ${i}`);
  await nc.close();
});

Deno.test("pubsub: two subscriptions on one subject each get every message", async () => {
  const nc = await connectTest();
  const subj = createInbox("fanout");
  const a = nc.subscribe(subj);
  const b = nc.subscribe(subj);
  assert(a.getID() !== b.getID(), "distinct sids");
  for (let i = 0; i < 10; i++) nc.publish(subj, sc.encode(`${i}`));
  const [ga, gb] = await Promise.all([take(a, 10), take(b, 10)]);
  const want = Array.from({ length: 10 }, (_, i) => `${i}`);
  assertEquals(ga.map((m) => m.string()), want);
  assertEquals(gb.map((m) => m.string()), want);
  await nc.close();
});

Deno.test("pubsub: unsubscribe() ends the iterator and stops delivery", async () => {
  const nc = await connectTest();
  const subj = createInbox("unsub");
  const sub = nc.subscribe(subj);
  const sentinel = nc.subscribe(subj);
  const first = latch<Msg>();
  const loop = (async () => {
    const seen: string[] = [];
    for await (const m of sub) {
      seen.push(m.string());
      first.resolve(m);
    }
    return seen;
  })();
  nc.publish(subj, "one");
  await within(first, 2000, "first message");
  sub.unsubscribe();
  await within(sub.closed, 2000, "sub.closed resolves");
  assertEquals(sub.isClosed(), true);
  nc.publish(subj, "two");
  const seen = await within(loop, 2000, "iterator end");
  assertEquals(seen, ["one"]);
  // the other subscription saw both, so "two" was really published after the unsubscribe
  assertEquals((await take(sentinel, 2)).map((m) => m.string()), ["one", "two"]);
  await nc.close();
});

Deno.test("pubsub: close() ends every subscription iterator cleanly", async () => {
  const nc = await connectTest();
  const subs = [1, 2, 3].map((i) => nc.subscribe(createInbox(`close${i}`)));
  const loops = subs.map((s) => drainAll(s, 3000, "iterator end on close"));
  await nc.flush();
  await nc.close();
  assertEquals(await Promise.all(loops), [[], [], []]);
  for (const s of subs) assertEquals(s.isClosed(), true);
});

Deno.test("pubsub: stats() count messages and payload bytes both ways", async () => {
  const nc = await connectTest();
  const subj = createInbox("stats");
  const sub = nc.subscribe(subj);
  const before = nc.stats();
  for (let i = 0; i < 10; i++) nc.publish(subj, new Uint8Array(100));
  await take(sub, 10);
  const after = nc.stats();
  assertEquals(after.outMsgs - before.outMsgs, 10);
  assertEquals(after.outBytes - before.outBytes, 1000);
  assertEquals(after.inMsgs - before.inMsgs, 10);
  assertEquals(after.inBytes - before.inBytes, 1000);
  await nc.close();
});

Deno.test("pubsub: non-ASCII subjects and reply subjects survive the round trip", async () => {
  const nc = await connectTest();
  const base = createInbox("ünï");
  const subj = `${base}.héllo.wörld.日本`;
  const reply = `${base}.réply.✓`;
  const sub = nc.subscribe(`${base}.>`);
  nc.publish(subj, "x", { reply });
  const [m] = await take(sub, 1);
  assertEquals(m.subject, subj);
  assertEquals(m.reply, reply);
  await nc.close();
});

Deno.test("pubsub: 1,000 distinct subjects each arrive with their own subject", async () => {
  const nc = await connectTest();
  const base = createInbox("distinct");
  const sub = nc.subscribe(`${base}.*`);
  for (let i = 0; i < 1000; i++) nc.publish(`${base}.s${i}`, `${i}`);
  // the same subjects again: whatever the client caches per subject must stay right
  for (let i = 999; i >= 0; i--) nc.publish(`${base}.s${i}`, `${i}`);
  const got = await take(sub, 2000);
  for (const [k, m] of got.entries()) {
    const i = k < 1000 ? k : 1999 - k;
    assertEquals([m.subject, m.string()], [`${base}.s${i}`, `${i}`]);
  }
  await nc.close();
});

Deno.test("pubsub: an empty header set still delivers the message and its payload", async () => {
  const nc = await connectTest();
  const subj = createInbox("empty-hdrs");
  const sub = nc.subscribe(subj);
  nc.publish(subj, "with empty headers", { headers: headers() });
  nc.publish(subj, "after");
  const got = await take(sub, 2);
  assertEquals(got.map((m) => m.string()), ["with empty headers", "after"]);
  await nc.close();
});

Deno.test("pubsub: a 32 MiB backlog that the loop has not read yet is kept whole and in order", async () => {
  // docs/websocket.md "Large backlogs": the client keeps reading the socket while the app is not
  // iterating, or the server's queue grows into one huge frame (or a slow-consumer cut)
  const nc = await connectTest();
  const pub = await connectTest();
  const subj = createInbox("backlog");
  const sub = nc.subscribe(subj);
  await nc.flush();
  const size = 128 * 1024;
  const n = 256; // 32 MiB
  for (let i = 0; i < n; i++) {
    pub.publish(subj, new Uint8Array(size).fill(i & 0xff)); // a fresh array: nats.ws keeps a reference
    if (i % 32 === 31) await pub.flush();
  }
  await pub.flush();
  await within(nc.flush(), 10000, "subscriber flush behind the backlog");
  assertEquals(sub.getReceived(), n, "all delivered before anything was read");
  let i = 0;
  for await (const m of sub) {
    assertEquals(m.data.length, size);
    assert(
      m.data[0] === (i & 0xff) && m.data[size - 1] === (i & 0xff),
      `message ${i} content`,
    );
    if (++i === n) break;
  }
  await nc.close();
  await pub.close();
});
