// README › "Queue Groups": members of a queue group share the messages (each message goes to
// exactly one member), groups are independent of each other and of plain subscribers, and the
// README's echo service with 3 + 2 members plus a standalone subscriber.
import { createInbox, StringCodec } from "../helpers/deps.ts";
import type { NatsConnection, Subscription } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { connectTest, latch, within } from "../helpers/helpers.ts";

const sc = StringCodec();

/** Counts messages per member with callbacks; resolves `all` when `total` messages were seen. */
function counter(total: number) {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const all = latch<void>();
  let n = 0;
  return {
    counts,
    seen,
    all,
    cb: (name: string) => (err: Error | null, m: { data: Uint8Array }) => {
      if (err) return all.reject(err);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      seen.add(sc.decode(m.data));
      if (++n === total) all.resolve();
    },
    get n() {
      return n;
    },
  };
}

Deno.test("queue groups: 3 members on 3 connections split N messages; totals add to N", async () => {
  const N = 300;
  const subj = createInbox("q");
  const members: NatsConnection[] = [];
  const q = counter(N);
  const plain = counter(N);
  for (let i = 1; i <= 3; i++) {
    const nc = await connectTest({ name: `worker-${i}` });
    nc.subscribe(subj, { queue: "workers", callback: q.cb(`worker-${i}`) });
    await nc.flush();
    members.push(nc);
  }
  const watcher = await connectTest();
  watcher.subscribe(subj, { callback: plain.cb("plain") });
  await watcher.flush();

  const pub = await connectTest();
  for (let i = 0; i < N; i++) pub.publish(subj, sc.encode(`${i}`));
  await pub.flush();
  await within(Promise.all([q.all, plain.all]), 5000, "all messages delivered");
  // let any duplicate show up before counting: every member flushes its own connection
  await Promise.all(members.map((m) => m.flush()));

  assertEquals(q.n, N, "each message went to exactly one member");
  assertEquals(q.seen.size, N, "no message was lost or duplicated");
  assertEquals([...q.counts.values()].reduce((a, b) => a + b, 0), N);
  for (let i = 1; i <= 3; i++) {
    assert(
      (q.counts.get(`worker-${i}`) ?? 0) > 0,
      `worker-${i} got some: ${[...q.counts.entries()]}`,
    );
  }
  assertEquals(plain.n, N, "a plain subscriber is independent of the group and gets all");
  for (const nc of [...members, watcher, pub]) await nc.close();
});

Deno.test("queue groups: two groups on one connection each receive every message once", async () => {
  const N = 100;
  const nc = await connectTest();
  const subj = createInbox("q2");
  const a = counter(N);
  const b = counter(N);
  for (let i = 0; i < 3; i++) nc.subscribe(subj, { queue: "a", callback: a.cb(`a${i}`) });
  for (let i = 0; i < 2; i++) nc.subscribe(subj, { queue: "b", callback: b.cb(`b${i}`) });
  for (let i = 0; i < N; i++) nc.publish(subj, sc.encode(`${i}`));
  await within(Promise.all([a.all, b.all]), 5000, "both groups complete");
  await nc.flush();
  assertEquals([a.n, a.seen.size, b.n, b.seen.size], [N, N, N, N]);
  await nc.close();
});

Deno.test("queue groups: the README's echo services (3 + 2 members and a standalone)", async () => {
  const subj = createInbox("echo");
  const N = 30;
  const handled: string[] = [];
  const allHandled = latch<void>();
  async function handleRequest(name: string, s: Subscription) {
    for await (const m of s) {
      if (m.respond(m.data)) handled.push(name);
      if (handled.length === 3 * N) allHandled.resolve();
    }
  }
  async function createService(name: string, count = 1, queue = ""): Promise<NatsConnection[]> {
    const conns: NatsConnection[] = [];
    for (let i = 1; i <= count; i++) {
      const n = queue ? `${name}-${i}` : name;
      const nc = await connectTest({ name: n });
      const sub = nc.subscribe(subj, { queue });
      handleRequest(n, sub);
      await nc.flush();
      conns.push(nc);
    }
    return conns;
  }
  const conns: NatsConnection[] = [];
  conns.push(...await createService("echo", 3, "echo"));
  conns.push(...await createService("other-echo", 2, "other-echo"));
  conns.push(...await createService("standalone"));

  const client = await connectTest();
  // each request publishes once and is answered by one member of each group and the standalone
  const replies = await Promise.all(
    Array.from({ length: N }, (_, i) => client.request(subj, sc.encode(`${i}`), { timeout: 2000 })),
  );
  assertEquals(replies.map((r) => sc.decode(r.data)), Array.from({ length: N }, (_, i) => `${i}`));
  // every request reached one member of each group and the standalone: 3 handlings each
  await within(allHandled, 5000, "3 handlings per request");
  await Promise.all(conns.map((c) => c.flush()));
  const per = (prefix: string) => handled.filter((h) => h.startsWith(prefix)).length;
  assertEquals(per("echo-"), N, "group echo answered each request once");
  assertEquals(per("other-echo-"), N, "group other-echo answered each request once");
  assertEquals(per("standalone"), N, "the standalone subscriber answered all");
  await client.close();
  const closed = conns.map((c) => c.closed());
  for (const c of conns) await c.close();
  assertEquals(await Promise.all(closed), conns.map(() => undefined));
});
