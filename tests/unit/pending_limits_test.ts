// Pending limits of iterator subscriptions (nats-wasm extension, nats.go's defaults): past the
// message or byte limit new messages are dropped and counted, the host hears about it once per
// episode, the episode ends at half the limits; -1 means no limit; callbacks hold nothing.
import { assertEquals } from "../helpers/assert.ts";
import {
  DEFAULT_PENDING_BYTES,
  DEFAULT_PENDING_MSGS,
  type SubscriptionHost,
  SubscriptionImpl,
} from "../../js/subscription.ts";
import type { Msg, SubscriptionOptions } from "../../js/types.ts";

class Host implements SubscriptionHost {
  slow: number[] = [];
  unsubscribeSid() {}
  drainSid() {}
  isClosed() {
    return false;
  }
  publish() {}
  slowConsumer(sub: SubscriptionImpl) {
    this.slow.push(sub.getDropped());
  }
}

/** A message whose payload is `size` bytes holding `n`. */
const msg = (n: number, size = 1) => {
  const data = new Uint8Array(size);
  data[0] = n;
  return { subject: "s", data } as unknown as Msg;
};

function sub(opts: SubscriptionOptions = {}) {
  const host = new Host();
  const s = new SubscriptionImpl(host, "s", opts);
  s.sid = 7;
  return { host, s };
}

/** Takes `n` messages from the iterator and returns their first bytes. */
async function takeN(it: AsyncIterator<Msg>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value.data[0]);
  return out;
}

Deno.test("pending limits - nats.go's defaults: 65,536 messages, 64 MiB", () => {
  const { s } = sub();
  assertEquals([s.maxPendingMsgs, s.maxPendingBytes], [65_536, 64 * 1024 * 1024]);
  assertEquals([DEFAULT_PENDING_MSGS, DEFAULT_PENDING_BYTES], [65_536, 64 * 1024 * 1024]);
  const { s: none } = sub({ pendingMsgsLimit: -1, pendingBytesLimit: -1 });
  assertEquals([none.maxPendingMsgs, none.maxPendingBytes], [0, 0]);
});

Deno.test("pending limits - past the message limit new messages are dropped, counted, reported once", async () => {
  const { host, s } = sub({ pendingMsgsLimit: 4 });
  const it = s[Symbol.asyncIterator]();
  for (let i = 0; i < 10; i++) s.deliver(msg(i));
  assertEquals(s.getPending(), 4);
  assertEquals(s.getDropped(), 6);
  assertEquals(s.getReceived(), 10, "dropped messages were received");
  assertEquals(host.slow, [1], "one report per episode, at the first drop");
  // the oldest are kept: nothing already queued is lost
  assertEquals(await takeN(it, 1), [0]);
  s.deliver(msg(10)); // room for one again, but the episode is not over
  s.deliver(msg(11));
  assertEquals(host.slow, [1]);
  assertEquals(await takeN(it, 3), [1, 2, 3]); // 2 left of 4: half, the episode ends
  s.deliver(msg(12));
  s.deliver(msg(13));
  s.deliver(msg(14)); // 4 queued: full
  s.deliver(msg(15)); // dropped: a new episode
  assertEquals(host.slow, [1, 8]);
  assertEquals(await takeN(it, 4), [10, 12, 13, 14]);
});

Deno.test("pending limits - the byte limit counts payload bytes", () => {
  const { host, s } = sub({ pendingBytesLimit: 100 });
  s.deliver(msg(1, 60));
  s.deliver(msg(2, 40)); // exactly 100
  s.deliver(msg(3, 1)); // 101: dropped
  assertEquals([s.getPending(), s.getPendingBytes(), s.getDropped()], [2, 100, 1]);
  assertEquals(host.slow.length, 1);
});

Deno.test("pending limits - a waiting loop takes messages straight away: nothing piles up", async () => {
  const { host, s } = sub({ pendingMsgsLimit: 1 });
  const it = s[Symbol.asyncIterator]();
  for (let i = 0; i < 100; i++) {
    const next = it.next();
    s.deliver(msg(i));
    assertEquals((await next).value.data[0], i);
  }
  assertEquals([s.getDropped(), host.slow.length], [0, 0]);
});

Deno.test("pending limits - -1 means no limit; callbacks are never limited", () => {
  const { host, s } = sub({ pendingMsgsLimit: -1, pendingBytesLimit: -1 });
  for (let i = 0; i < 100_000; i++) s.deliver(msg(i));
  assertEquals([s.getPending(), s.getDropped(), host.slow.length], [100_000, 0, 0]);
  let seen = 0;
  const { host: h2, s: cb } = sub({ pendingMsgsLimit: 1, callback: () => seen++ });
  for (let i = 0; i < 10; i++) cb.deliver(msg(i));
  assertEquals([seen, cb.getDropped(), h2.slow.length], [10, 0, 0]);
});
