// The noMux request helpers against a fake connection (no wasm).
import { assertEquals, assertRejects } from "../assert.ts";
import { type RequestHost, requestManyNoMux, requestNoMux } from "../../js/requests.ts";
import { type SubscriptionHost, SubscriptionImpl } from "../../js/subscription.ts";
import { RequestStrategy } from "../../js/enums.ts";
import { ErrorCode } from "../../js/errors.ts";
import { deferred } from "../../js/util.ts";
import type { Msg, MsgHdrs, SubscriptionOptions } from "../../js/types.ts";

class FakeConn implements RequestHost, SubscriptionHost {
  subs: SubscriptionImpl[] = [];
  published: [string, string | undefined][] = [];
  unsubs: string[] = [];
  subscribe(subject: string, opts?: SubscriptionOptions): SubscriptionImpl {
    const s = new SubscriptionImpl(this, subject, opts);
    s.sid = this.subs.length + 1;
    this.subs.push(s);
    return s;
  }
  publish(subject: string, _data: Uint8Array, opts?: { reply?: string; headers?: MsgHdrs }) {
    this.published.push([subject, opts?.reply]);
  }
  unsubscribeSid(sub: SubscriptionImpl, max: number) {
    this.unsubs.push(`${sub.sid} ${max}`);
  }
  drainSid() {}
  isClosed() {
    return false;
  }
}

/** A reply message; statusCode 503 with no data is a no-responders status. */
const reply = (data: string, status = 0) =>
  ({
    data: new TextEncoder().encode(data),
    statusCode: status,
    headers: undefined,
  }) as unknown as Msg;

async function collect(it: AsyncIterable<Msg>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of it) out.push(new TextDecoder().decode(m.data));
  return out;
}

Deno.test("noMux request - subscribes max 1 with the timeout, publishes with the inbox", async () => {
  const c = new FakeConn();
  const d = deferred<Msg>();
  requestNoMux(c, "svc", new Uint8Array(), "_INBOX.x", 500, undefined, d, null);
  assertEquals(c.published, [["svc", "_INBOX.x"]]);
  const s = c.subs[0];
  assertEquals([s.getSubject(), s.getMax(), s.timeout, s.requestSubject], [
    "_INBOX.x",
    1,
    500,
    "svc",
  ]);
  s.deliver(reply("ok"));
  assertEquals(new TextDecoder().decode((await d).data), "ok");
});

Deno.test("noMux request - no responders and errors reject", async () => {
  const c = new FakeConn();
  const d = deferred<Msg>();
  requestNoMux(c, "svc", new Uint8Array(), "_INBOX.x", 500, undefined, d, null);
  c.subs[0].deliver(reply("", 503));
  await assertRejects(d, ErrorCode.NoResponders);
  const d2 = deferred<Msg>();
  requestNoMux(c, "svc", new Uint8Array(), "_INBOX.y", 500, undefined, d2, new Error("ctx"));
  c.subs[1].ended(
    Object.assign(new (await import("../../js/errors.ts")).NatsError("t", ErrorCode.Timeout)),
  );
  await assertRejects(d2, ErrorCode.Timeout);
});

Deno.test("noMux requestMany - count strategy", async () => {
  const c = new FakeConn();
  const qi = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.m", {
    strategy: RequestStrategy.Count,
    maxWait: 5000,
    maxMessages: 2,
  });
  assertEquals(c.subs[0].getMax(), 2);
  c.subs[0].deliver(reply("a"));
  c.subs[0].deliver(reply("b"));
  c.subs[0].deliver(reply("c"));
  assertEquals(await collect(qi), ["a", "b"]);
});

Deno.test("noMux requestMany - sentinel strategy yields the sentinel and stops", async () => {
  const c = new FakeConn();
  const qi = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.m", {
    strategy: RequestStrategy.SentinelMsg,
    maxWait: 5000,
  });
  c.subs[0].deliver(reply("a"));
  c.subs[0].deliver(reply(""));
  c.subs[0].deliver(reply("late"));
  assertEquals(await collect(qi), ["a", ""]);
});

Deno.test("noMux requestMany - timer and jitter strategies end on time", async () => {
  const c = new FakeConn();
  const start = Date.now();
  const qi = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.t", {
    strategy: RequestStrategy.Timer,
    maxWait: 50,
  });
  c.subs[0].deliver(reply("a"));
  assertEquals(await collect(qi), ["a"]);
  const took = Date.now() - start;
  if (took < 40) throw new Error(`ended too early: ${took}`);
  const qj = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.j", {
    strategy: RequestStrategy.JitterTimer,
    maxWait: 5000,
    jitter: 30,
  });
  c.subs[1].deliver(reply("x"));
  const t0 = Date.now();
  assertEquals(await collect(qj), ["x"]);
  if (Date.now() - t0 > 1000) throw new Error("jitter timer did not end the request");
});

Deno.test("noMux requestMany - no responders ends with 503", async () => {
  const c = new FakeConn();
  const qi = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.n", {
    strategy: RequestStrategy.Timer,
    maxWait: 5000,
  });
  c.subs[0].deliver(reply("", 503));
  await assertRejects(collect(qi), ErrorCode.NoResponders);
});

Deno.test("noMux requestMany - leaving the loop unsubscribes", async () => {
  const c = new FakeConn();
  const qi = requestManyNoMux(c, "svc", new Uint8Array(), "_INBOX.b", {
    strategy: RequestStrategy.Timer,
    maxWait: 5000,
  });
  c.subs[0].deliver(reply("a"));
  c.subs[0].deliver(reply("b"));
  for await (const _ of qi) break;
  assertEquals(c.unsubs, ["1 0"]);
  assertEquals(c.subs[0].isClosed(), true);
});
