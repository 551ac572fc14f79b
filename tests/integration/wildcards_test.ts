// README › "Wildcard Subscriptions": `*` matches one token, `>` matches one or more trailing
// tokens, and every matching subscription gets its own copy of a message.
import { createInbox, StringCodec } from "../helpers/deps.ts";
import type { Subscription } from "../helpers/deps.ts";
import { assertEquals } from "../helpers/assert.ts";
import { connectTest, take } from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("wildcards: the README's three subscriptions see exactly the subjects they match", async () => {
  const nc = await connectTest();
  const p = createInbox("w"); // a unique prefix standing in for the README's bare "help"
  const s1 = nc.subscribe(`${p}.help.*.system`);
  const s2 = nc.subscribe(`${p}.help.me.*`);
  const s3 = nc.subscribe(`${p}.help.>`);
  const end = nc.subscribe(`${p}.end`);
  const published = [
    "help.me.system", // s1 s2 s3
    "help.you.system", // s1 s3
    "help.me.now", // s2 s3
    "help.a.b.c.d", // s3
    "help", // nobody: `>` needs at least one token
    "help.me", // s3
    "other.me.system", // nobody
  ];
  for (const [i, s] of published.entries()) nc.publish(`${p}.${s}`, sc.encode(`${i}`));
  nc.publish(`${p}.end`);
  await take(end, 1);
  // the sentinel came after every earlier message on the same socket: all deliveries are in
  assertEquals([s1, s2, s3].map((s) => s.getReceived()), [2, 2, 5], "messages per subscription");
  async function seen(sub: Subscription, n: number): Promise<string[]> {
    const got = await take(sub, n);
    return got.map((m) => `${m.subject.slice(p.length + 1)}=${sc.decode(m.data)}`);
  }
  assertEquals(await seen(s1, 2), ["help.me.system=0", "help.you.system=1"]);
  assertEquals(await seen(s2, 2), ["help.me.system=0", "help.me.now=2"]);
  assertEquals(await seen(s3, 5), [
    "help.me.system=0",
    "help.you.system=1",
    "help.me.now=2",
    "help.a.b.c.d=3",
    "help.me=5",
  ]);
  await nc.close();
});

Deno.test("wildcards: `*` in several positions and a `>`-only subscription", async () => {
  const nc = await connectTest();
  const p = createInbox("w2");
  const star = nc.subscribe(`${p}.*.b.*`);
  const all = nc.subscribe(`${p}.>`);
  const end = nc.subscribe(`${p}-end`);
  for (const s of ["a.b.c", "x.b.y", "a.c.c", "a.b", "a.b.c.d"]) nc.publish(`${p}.${s}`, s);
  nc.publish(`${p}-end`);
  await take(end, 1);
  assertEquals(star.getReceived(), 2);
  assertEquals(all.getReceived(), 5);
  const gotStar = await take(star, 2);
  const gotAll = await take(all, 5);
  assertEquals(gotStar.map((m) => m.string()), ["a.b.c", "x.b.y"]);
  assertEquals(gotAll.map((m) => m.string()), ["a.b.c", "x.b.y", "a.c.c", "a.b", "a.b.c.d"]);
  assertEquals(gotAll.map((m) => m.subject), gotAll.map((m) => `${p}.${m.string()}`));
  await nc.close();
});
