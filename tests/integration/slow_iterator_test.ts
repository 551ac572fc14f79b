// [nats-wasm extension] Pending limits of subscription iterators (nats.go's 65,536 messages /
// 64 MiB by default): a subscriber whose loop does not keep up is reported as a slow consumer
// (Events.Error, data SLOW_CONSUMER, with the whole story in `error`), keeps the oldest messages
// and counts what it dropped, instead of growing without bound; the connection stays up.
import { createInbox, ErrorCode, Events, StringCodec } from "../helpers/deps.ts";
import type { Status, Subscription, SubscriptionOptions } from "../helpers/deps.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { connectTest, IS_NATS_WS, StatusRecorder, within } from "../helpers/helpers.ts";

const sc = StringCodec();

/** The extension's members, typed (nats.ws has none of them). */
type Limited = Subscription & { getDropped(): number };
type WithError = Status & { error?: Error & { code: string } };

Deno.test({
  name: "pending limits: an iterator that is not read is a slow consumer, not a leak",
  ignore: IS_NATS_WS,
  fn: async () => {
    const nc = await connectTest();
    const rec = new StatusRecorder(nc);
    const subj = createInbox("slow");
    const opts = { pendingMsgsLimit: 1000 } as SubscriptionOptions;
    const sub = nc.subscribe(subj, opts) as Limited;
    // the loop runs later: 3000 messages arrive while nobody takes them
    for (let i = 0; i < 3000; i++) nc.publish(subj, sc.encode(`${i}`));
    await nc.flush();
    const ev = await rec.next(Events.Error) as WithError;
    assertEquals(ev.data, "SLOW_CONSUMER");
    assertEquals(ev.error?.code, "SLOW_CONSUMER");
    assert(ev.error?.message.includes(subj), ev.error?.message);
    assertEquals(sub.getPending(), 1000);
    assertEquals(sub.getDropped(), 2000);
    assertEquals(rec.types().filter((t) => t === Events.Error).length, 1, "reported once");
    // the oldest 1000 are kept, in order; the subscription and the connection still work
    // (one iterator throughout: leaving a for-await loop would unsubscribe)
    const it = sub[Symbol.asyncIterator]();
    const got: string[] = [];
    for (let i = 0; i < 1000; i++) got.push(sc.decode((await it.next()).value.data));
    assertEquals(got, Array.from({ length: 1000 }, (_, i) => `${i}`));
    nc.publish(subj, sc.encode("after"));
    const after = await within(it.next(), 5000, "a message after the backlog");
    assertEquals(sc.decode(after.value.data), "after");
    assertEquals(nc.isClosed(), false);
    await nc.close();
    await rec.stop();
  },
});

Deno.test({
  name: "pending limits: -1 keeps everything; a bad limit is INVALID_OPTION",
  ignore: IS_NATS_WS,
  fn: async () => {
    const nc = await connectTest();
    const subj = createInbox("unlimited");
    const sub = nc.subscribe(subj, { pendingMsgsLimit: -1 } as SubscriptionOptions) as Limited;
    for (let i = 0; i < 70_000; i++) nc.publish(subj, "x");
    await nc.flush();
    assertEquals([sub.getPending(), sub.getDropped()], [70_000, 0]);
    for (const bad of [0, 1.5, -2, "10"]) {
      assertThrows(
        () => nc.subscribe(subj, { pendingBytesLimit: bad } as unknown as SubscriptionOptions),
        ErrorCode.InvalidOption,
      );
    }
    await nc.close();
  },
});
