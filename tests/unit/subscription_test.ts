// SubscriptionImpl against a fake connection (no wasm): delivery, end, unsubscribe, drain.
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { type SubscriptionHost, SubscriptionImpl } from "../../js/subscription.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import type { Msg } from "../../js/types.ts";
import { K_MSG, STRIDE } from "../../js/records.ts";
import { recordWords } from "../helpers/records.ts";

class FakeHost implements SubscriptionHost {
  calls: string[] = [];
  closed = false;
  unsubscribeSid(sub: SubscriptionImpl, max: number) {
    this.calls.push(`unsub ${sub.sid} ${max}`);
  }
  drainSid(sub: SubscriptionImpl) {
    this.calls.push(`drain ${sub.sid}`);
  }
  isClosed() {
    return this.closed;
  }
  publish(subject: string) {
    this.calls.push(`pub ${subject}`);
  }
}

const m = (n: number) => ({ subject: `s.${n}`, data: new Uint8Array([n]) }) as unknown as Msg;

function sub(opts = {}) {
  const host = new FakeHost();
  const s = new SubscriptionImpl(host, "s.>", opts);
  s.sid = 3;
  return { host, s };
}

Deno.test("subscription - iterator yields delivered messages; queued ones survive the end", async () => {
  const { host, s } = sub({ max: 10, queue: "q" });
  assertEquals([s.getSubject(), s.getID(), s.getMax(), s.queue], ["s.>", 3, 10, "q"]);
  s.deliver(m(1));
  s.deliver(m(2));
  s.ended();
  s.deliver(m(3)); // after the end: dropped
  assert(s.isClosed());
  const got: string[] = [];
  for await (const x of s) got.push(x.subject);
  assertEquals(got, ["s.1", "s.2"]);
  assertEquals(s.getReceived(), 2);
  assertEquals(s.getProcessed(), 2);
  await s.closed;
  // the connection had already forgotten it: nothing to tell
  assertEquals(host.calls, []);
});

Deno.test("subscription - an error ends the iterator after the queued messages", async () => {
  const { s } = sub();
  s.deliver(m(1));
  s.ended(new NatsError("Permissions Violation", ErrorCode.PermissionsViolation));
  const got: number[] = [];
  await assertRejects(async () => {
    for await (const x of s) got.push(x.data[0]);
  }, ErrorCode.PermissionsViolation);
  assertEquals(got, [1]);
  await s.closed;
});

Deno.test("subscription - breaking out of the loop unsubscribes", async () => {
  const { host, s } = sub();
  s.deliver(m(1));
  s.deliver(m(2));
  for await (const _ of s) break;
  assertEquals(host.calls, ["unsub 3 0"]);
  await s.closed;
  assert(s.isClosed());
});

Deno.test("subscription - unsubscribe() closes now, unsubscribe(max) waits", async () => {
  const { host, s } = sub();
  s.unsubscribe(5);
  assertEquals(host.calls, ["unsub 3 5"]);
  assertEquals(s.getMax(), 5);
  assert(!s.isClosed());
  s.unsubscribe();
  assert(s.isClosed());
  assertEquals(host.calls, ["unsub 3 5", "unsub 3 0"]);
  await s.closed;
  s.unsubscribe(); // no-op once closed
  assertEquals(host.calls.length, 2);
});

Deno.test("subscription - unsubscribe(max) at or below received closes now", () => {
  const { host, s } = sub();
  s.deliver(m(1));
  s.deliver(m(2));
  s.unsubscribe(2);
  assert(s.isClosed());
  assertEquals(host.calls, ["unsub 3 0"]);
});

Deno.test("subscription - callback mode", async () => {
  const got: [string | null, string | undefined][] = [];
  const { s } = sub({
    callback: (err: NatsError | null, msg: Msg) => got.push([err ? err.code : null, msg.subject]),
  });
  s.deliver(m(1));
  assertEquals(s.getReceived(), 1);
  assertEquals(s.getProcessed(), 1);
  assertEquals(s.getPending(), 0);
  const e = await assertRejects(async () => {
    for await (const _ of s) { /* never */ }
  }, ErrorCode.ApiError);
  assertEquals(e.message, "unsupported iterator");
  s.ended(new NatsError("TIMEOUT", ErrorCode.Timeout));
  assertEquals(got, [[null, "s.1"], ["TIMEOUT", undefined]]);
  await s.closed;
  s.deliver(m(2));
  assertEquals(got.length, 2);
});

Deno.test("subscription - a throwing callback does not break delivery", () => {
  const reported: unknown[] = [];
  const g = globalThis as { reportError?: (e: unknown) => void };
  const saved = g.reportError;
  g.reportError = (e) => reported.push(e);
  try {
    let n = 0;
    const { s } = sub({
      callback: () => {
        n++;
        throw new Error("user bug");
      },
    });
    s.deliver(m(1));
    s.deliver(m(2));
    assertEquals(n, 2);
    assertEquals(reported.length, 2);
  } finally {
    g.reportError = saved;
  }
});

Deno.test("subscription - drain asks the connection and resolves when it ends", async () => {
  const { host, s } = sub();
  const d = s.drain();
  assert(s.isDraining());
  assertEquals(s.drain(), d);
  assertEquals(host.calls, ["drain 3"]);
  s.deliver(m(1));
  s.ended();
  await d;
  await assertRejects(s.drain(), ErrorCode.SubClosed);
  const { host: h2, s: s2 } = sub();
  h2.closed = true;
  await assertRejects(s2.drain(), ErrorCode.ConnectionClosed);
});

Deno.test("subscription - closed resolves at once when nothing is queued", async () => {
  const { s } = sub();
  s.unsubscribe();
  await s.closed;
});

/** A batch like the engine's: MSG records for (sid, subject, payload) over one arena. */
function batch(msgs: [number, string, string][]) {
  const te = new TextEncoder();
  const parts = msgs.map(([, s, d]) => [te.encode(s), te.encode(d)]);
  const arena = new Uint8Array(parts.reduce((n, [s, d]) => n + s.length + d.length, 0));
  const records = new Uint32Array(msgs.length * STRIDE);
  let off = 0;
  msgs.forEach(([sid], k) => {
    const [s, d] = parts[k];
    arena.set(s, off);
    arena.set(d, off + s.length);
    records.set(recordWords(K_MSG, sid, off, [s.length, 0, 0, d.length]), k * STRIDE);
    off += s.length + d.length;
  });
  return { records, arena };
}

Deno.test("subscription - batch records queue as runs and become messages when yielded", async () => {
  const { s } = sub();
  const other = sub().s;
  const b1 = batch([[3, "a.1", "x"], [3, "a.2", "y"], [9, "o.1", "z"], [3, "a.3", "w"]]);
  for (let i = 0; i < b1.records.length; i += STRIDE) {
    (b1.records[i + 1] === 3 ? s : other).deliverRecord(b1.records, b1.arena, undefined, i);
  }
  s.push({ subject: "pushed", data: new Uint8Array() } as unknown as Msg);
  const b2 = batch([[3, "b.1", "v"]]);
  s.deliverRecord(b2.records, b2.arena, undefined, 0);
  assertEquals(s.getPending(), 5);
  assertEquals(s.getReceived(), 5);
  s.ended();
  const got: string[] = [];
  for await (const m of s) {
    got.push(`${m.subject}:${m.sid}:${m.string?.() ?? ""}`);
    assertEquals(s.getPending(), 5 - got.length + 1);
  }
  assertEquals(got, ["a.1:3:x", "a.2:3:y", "a.3:3:w", "pushed:undefined:", "b.1:3:v"]);
  assertEquals(other.getPending(), 1);
});

Deno.test("subscription - a waiting iterator gets a record at once; callbacks get records too", async () => {
  const { host, s } = sub();
  const first = s[Symbol.asyncIterator]().next();
  const b = batch([[3, "a", "1"]]);
  s.deliverRecord(b.records, b.arena, undefined, 0);
  const r = await first;
  assertEquals(r.value.subject, "a");
  assert(!r.value.respond("pong")); // no reply subject
  assertEquals(host.calls, []);
  const seen: string[] = [];
  const { s: cs } = sub({ callback: (_e: NatsError | null, m: Msg) => seen.push(m.subject) });
  cs.deliverRecord(b.records, b.arena, undefined, 0);
  assertEquals(seen, ["a"]);
  assertEquals(cs.getProcessed(), 1);
});

Deno.test("subscription - queued runs keep the frame their bodies are in, batch by batch", async () => {
  const { s } = sub();
  const te = new TextEncoder();
  // two batches, each with its own frame: the payloads are only in the frames
  const batchIn = (subject: string, payload: string) => {
    const arena = te.encode(`${subject}`);
    const frame = te.encode(`junk${payload}`);
    const records = new Uint32Array(STRIDE);
    records.set(recordWords(K_MSG, 3, 0, [arena.length, 0, 0, payload.length], 0, 4));
    return { records, arena, frame };
  };
  const b1 = batchIn("a", "one");
  const b2 = batchIn("b", "two");
  s.deliverRecord(b1.records, b1.arena, b1.frame, 0);
  s.deliverRecord(b2.records, b2.arena, b2.frame, 0);
  s.ended();
  const got: string[] = [];
  for await (const m of s) got.push(`${m.subject}:${m.string()}`);
  assertEquals(got, ["a:one", "b:two"]);
});
