// BatchRouter against a fake connection (no wasm): every record kind reaches its owner through
// the layout of js/records.ts, unknown ids are dropped, end records carry the engine's error
// unchanged, and the close leftovers end with CONNECTION_CLOSED.
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { BatchRouter, type RouterHost } from "../../js/router.ts";
import {
  field,
  fieldLen,
  fieldStart,
  K_CLOSED,
  K_CONNECTED,
  K_FLUSH_END,
  K_INFO,
  K_MSG,
  K_REPLY,
  K_REQ_END,
  K_STATUS,
  K_SUB_END,
  K_SUBS_DRAINED,
  STRIDE,
} from "../../js/records.ts";
import { PendingRequest } from "../../js/requests.ts";
import { type SubscriptionHost, SubscriptionImpl } from "../../js/subscription.ts";
import { QueuedIteratorImpl } from "../../js/queued_iterator.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import { deferred } from "../../js/util.ts";
import type { Msg, Payload } from "../../js/types.ts";
import { recordWords } from "../helpers/records.ts";

const te = new TextEncoder();

/** Builds a batch as the engine writes it (src/client/batch.rs `push`). */
function batch(recs: [number, number, string[], number?][]) {
  const records = new Uint32Array(recs.length * STRIDE);
  const bytes: number[] = [];
  recs.forEach(([kind, id, fields, extra], k) => {
    const f = [0, 1, 2, 3].map((n) => te.encode(fields[n] ?? ""));
    records.set(recordWords(kind, id, bytes.length, f.map((b) => b.length), extra), k * STRIDE);
    for (const b of f) bytes.push(...b);
  });
  return { records, arena: new Uint8Array(bytes) };
}

class FakeHost implements RouterHost, SubscriptionHost {
  events: unknown[] = [];
  publish(subject: string, _data?: Payload) {
    this.events.push(["publish", subject]);
  }
  onStatus(type: string, data: string, perm: string, detail: string) {
    this.events.push(["status", type, data, perm, detail]);
  }
  onInfo(json: string) {
    this.events.push(["info", json]);
  }
  onConnected(server: string) {
    this.events.push(["connected", server]);
  }
  onClosed(err: NatsError | undefined) {
    this.events.push(["closed", err?.code]);
  }
  onSubsDrained() {
    this.events.push(["subsDrained"]);
  }
  unsubscribeSid() {}
  drainSid() {}
  isClosed() {
    return false;
  }
}

Deno.test("records - field readers follow the layout", () => {
  const b = batch([[K_INFO, 0, ["{}"]], [K_STATUS, 0, ["error", "é", "", "why"]]]);
  assertEquals(field(b.records, b.arena, STRIDE, 1), "é");
  assertEquals(fieldLen(b.records, STRIDE, 1), 2);
  assertEquals(fieldStart(b.records, STRIDE, 3), 2 + 5 + 2);
  assertEquals(field(b.records, b.arena, STRIDE, 3), "why");
  assertEquals(field(b.records, b.arena, STRIDE, 2), "");
});

Deno.test("router - messages, replies and ends reach their owners; unknown ids are dropped", async () => {
  const host = new FakeHost();
  const router = new BatchRouter(host);
  const got: string[] = [];
  const sub = new SubscriptionImpl(host, "a", {
    callback: (_e, m) => got.push(`${m.subject}:${m.sid}:${m.string()}`),
  });
  sub.sid = 3;
  router.subs.set(3, sub);
  const single = deferred<Msg>();
  router.requests.set(10, new PendingRequest(single, null, null));
  const qi = new QueuedIteratorImpl<Msg>();
  router.requests.set(11, new PendingRequest(null, qi, null));
  const flush = deferred<void>();
  router.flushes.set(1, flush);
  const b = batch([
    [K_MSG, 3, ["a", "", "", "x"]],
    [K_MSG, 99, ["gone", "", "", "y"]],
    [K_REPLY, 10, ["_INBOX.r", "", "", "pong"]],
    [K_REPLY, 11, ["_INBOX.m", "", "", "one"]],
    [K_REPLY, 11, ["_INBOX.m", "", "", "two"]],
    [K_REQ_END, 11, [""]],
    [K_REQ_END, 77, ["TIMEOUT"]],
    [K_FLUSH_END, 1, [""]],
    [K_SUB_END, 3, [""]],
  ]);
  router.route(b.records, b.arena, undefined);
  assertEquals(got, ["a:3:x"]);
  const m = await single;
  assertEquals([m.subject, m.string(), (m as unknown as { sid: number }).sid], [
    "_INBOX.r",
    "pong",
    0,
  ]);
  const many: string[] = [];
  for await (const r of qi) many.push(r.string());
  assertEquals(many, ["one", "two"]);
  await flush;
  assert(sub.isClosed());
  assertEquals([router.subs.size, router.requests.size, router.flushes.size], [0, 0, 0]);
});

Deno.test("router - end records carry the engine's code, message and permission context", async () => {
  const host = new FakeHost();
  const router = new BatchRouter(host);
  const d = deferred<Msg>();
  router.requests.set(5, new PendingRequest(d, null, null));
  const d2 = deferred<Msg>();
  router.requests.set(6, new PendingRequest(d2, null, null));
  let subErr: NatsError | null = null;
  const sub = new SubscriptionImpl(host, "bar", { callback: (e) => subErr = e });
  sub.sid = 4;
  router.subs.set(4, sub);
  const denied = `'Permissions Violation for Subscription to "bar"'`;
  const ctx = JSON.stringify({ operation: "subscription", subject: "bar" });
  const b = batch([
    [K_REQ_END, 5, ["503", "503"]],
    [K_REQ_END, 6, ["PERMISSIONS_VIOLATION", denied, ctx]],
    [K_SUB_END, 4, ["PERMISSIONS_VIOLATION", denied, ctx]],
    [K_STATUS, 0, ["error", "PERMISSIONS_VIOLATION", ctx, denied]],
  ]);
  router.route(b.records, b.arena, undefined);
  await assertRejects(d, ErrorCode.NoResponders);
  const e = await assertRejects(d2, ErrorCode.PermissionsViolation);
  assertEquals(e.message, denied);
  assertEquals(subErr!.message, denied);
  assertEquals(subErr!.permissionContext, {
    operation: "subscription",
    subject: "bar",
    queue: undefined,
  });
  assertEquals(host.events, [["status", "error", "PERMISSIONS_VIOLATION", ctx, denied]]);
});

Deno.test("router - connection-wide records go to the host in order", () => {
  const host = new FakeHost();
  const router = new BatchRouter(host);
  const b = batch([
    [K_INFO, 0, ['{"server_id":"x"}']],
    [K_CONNECTED, 0, ["127.0.0.1:4222"], 1],
    [K_STATUS, 0, ["disconnect", "127.0.0.1:4222", "", "closed by the server"]],
    [K_SUBS_DRAINED, 0, []],
    [K_CLOSED, 0, ["CONNECTION_REFUSED", "refused"]],
  ]);
  router.route(b.records, b.arena, undefined);
  assertEquals(host.events, [
    ["info", '{"server_id":"x"}'],
    ["connected", "127.0.0.1:4222"],
    ["status", "disconnect", "127.0.0.1:4222", "", "closed by the server"],
    ["subsDrained"],
    ["closed", "CONNECTION_REFUSED"],
  ]);
});

Deno.test("router - close leftovers end with CONNECTION_CLOSED", async () => {
  const host = new FakeHost();
  const router = new BatchRouter(host);
  const d = deferred<Msg>();
  router.requests.set(1, new PendingRequest(d, null, null));
  const qi = new QueuedIteratorImpl<Msg>();
  router.requests.set(2, new PendingRequest(null, qi, null));
  const f = deferred<void>();
  router.flushes.set(1, f);
  const sub = new SubscriptionImpl(host, "a");
  router.subs.set(1, sub);
  router.endAll(() => NatsError.errorForCode(ErrorCode.ConnectionClosed));
  await assertRejects(d, ErrorCode.ConnectionClosed);
  await assertRejects(f, ErrorCode.ConnectionClosed);
  await assertRejects(async () => {
    for await (const _ of qi) { /* none */ }
  }, ErrorCode.ConnectionClosed);
  assert(sub.isClosed() || (await sub[Symbol.asyncIterator]().next()).done);
  assertEquals([router.subs.size, router.requests.size, router.flushes.size], [0, 0, 0]);
});
