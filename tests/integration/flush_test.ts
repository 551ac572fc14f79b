// README › "Flush": flush() resolves once the server has processed everything sent before it
// (PING/PONG), concurrent flushes resolve in order, rtt() measures a round trip, and flush on a
// closed connection rejects with CONNECTION_CLOSED.
import { createInbox, ErrorCode } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { connectTest } from "../helpers/helpers.ts";

Deno.test("flush: after the publisher's flush and the subscriber's flush, every message is in", async () => {
  const pub = await connectTest();
  const subc = await connectTest();
  const foo = createInbox("foo");
  const bar = createInbox("bar");
  const seen: string[] = [];
  subc.subscribe(foo, { callback: (_e, m) => seen.push(`foo:${m.string()}`) });
  subc.subscribe(bar, { callback: (_e, m) => seen.push(`bar:${m.string()}`) });
  await subc.flush(); // the server has the subscriptions
  for (let i = 0; i < 5; i++) {
    pub.publish(foo, `${i}`);
    pub.publish(bar, `${i}`);
  }
  await pub.flush(); // the server has processed (and routed) all ten
  await subc.flush(); // everything routed to subc was sent before this PONG
  assertEquals(seen, [0, 1, 2, 3, 4].flatMap((i) => [`foo:${i}`, `bar:${i}`]));
  await pub.close();
  await subc.close();
});

Deno.test("flush: concurrent flushes all resolve, in the order they were asked", async () => {
  const nc = await connectTest();
  const order: number[] = [];
  await Promise.all(Array.from({ length: 20 }, (_, i) => nc.flush().then(() => order.push(i))));
  assertEquals(order, Array.from({ length: 20 }, (_, i) => i));
  await nc.close();
});

Deno.test("flush: rtt() is a positive round trip time in milliseconds", async () => {
  const nc = await connectTest();
  const rtt = await nc.rtt();
  assert(typeof rtt === "number" && rtt >= 0 && rtt < 5000, `rtt ${rtt}`);
  await nc.close();
});

Deno.test("flush: flush() and rtt() after close reject with CONNECTION_CLOSED", async () => {
  const nc = await connectTest();
  await nc.close();
  await assertRejects(() => nc.flush(), ErrorCode.ConnectionClosed);
  await assertRejects(() => nc.rtt(), ErrorCode.ConnectionClosed);
});
