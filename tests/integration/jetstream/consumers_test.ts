// The simplified consumer API on a named pull consumer (js.consumers.get(stream, name)) against the
// JetStream server of tests/nats/jetstream.conf: get/info/delete, next(), fetch() (counts, bytes,
// expiry, bad options), consume() (re-pulls in order, callback, stop/close, status events, a
// deleted consumer, idle heartbeats), JsMsg acks from a run, and junk on a run's inbox.
import { assert, assertEquals, assertRejects, assertThrows } from "../../helpers/assert.ts";
import { ConsumerDebugEvents, ConsumerEvents } from "../../helpers/deps.ts";
import type { JsMsg } from "../../helpers/deps.ts";
import { drainAll, latch, take, within } from "../../helpers/helpers.ts";
import {
  durable,
  endRun,
  publishN,
  range,
  Reader,
  setup,
  StatusLog,
  until,
  watchPulls,
} from "./consumer_fixture.ts";

const seqs = (ms: JsMsg[]) => ms.map((m) => m.seq);
const bodies = (ms: JsMsg[]) => ms.map((m) => m.string());

Deno.test("consumers - get rejects a missing stream, a missing consumer, a push consumer", async () => {
  const { js, jsm, stream, done } = await setup("CGET");
  await assertRejects(js.consumers.get(`${stream}_NONE`, "c"), undefined, "stream not found");
  await assertRejects(js.consumers.get(stream, "c"), undefined, "consumer not found");
  await jsm.consumers.add(stream, { durable_name: "push", deliver_subject: `push.${stream}` });
  await assertRejects(js.consumers.get(stream, "push"), undefined, "push consumer not supported");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  assertEquals((await c.info(true)).name, "c");
  await done();
});

Deno.test("consumers - info(cached) keeps the last copy, info() reads it again; delete", async () => {
  const { js, jsm, stream, done } = await setup("CINFO");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  assertEquals((await c.info(true)).num_pending, 0);
  await js.publish(`${stream}.a`, "1");
  // the cached copy does not change until info() reads it again
  assertEquals((await c.info(true)).num_pending, 0);
  assertEquals((await c.info()).num_pending, 1);
  assertEquals((await c.info(true)).num_pending, 1);
  assertEquals(await c.delete(), true);
  await assertRejects(c.info(), undefined, "consumer not found");
  await assertRejects(js.consumers.get(stream, "c"), undefined, "consumer not found");
  await done();
});

Deno.test("consumers - next: null on an empty stream at expiry, then messages in order", async () => {
  const { js, jsm, stream, done } = await setup("CNEXT");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  assertEquals(await within(c.next({ expires: 1000 }), 5000, "next on empty"), null);
  await publishN(js, `${stream}.a`, 1, 3);
  for (const want of [1, 2, 3]) {
    const m = await within(c.next({ expires: 2000 }), 5000, `next ${want}`);
    assert(m !== null, `message ${want}`);
    assertEquals([m.seq, m.string(), m.subject], [want, `${want}`, `${stream}.a`]);
    assertEquals(await m.ackAck(), true);
  }
  assertEquals((await c.info()).num_pending, 0);
  assertEquals((await c.info(true)).num_ack_pending, 0);
  assertEquals(await within(c.next({ expires: 1000 }), 5000, "next after all"), null);
  await done();
});

Deno.test("consumers - fetch: exactly max_messages of more, and the next fetch continues", async () => {
  const { js, jsm, stream, done } = await setup("CFETCH", 25);
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const first = await drainAll(await c.fetch({ max_messages: 10, expires: 5000 }), 5000, "fetch 1");
  assertEquals(seqs(first), range(1, 10));
  assertEquals(bodies(first), range(1, 10).map(String));
  for (const m of first) m.ack();
  const second = await drainAll(await c.fetch({ max_messages: 10, expires: 5000 }), 5000, "f2");
  assertEquals(seqs(second), range(11, 20));
  for (const m of second) m.ack();
  // fewer than asked: the fetch ends at the server's expiry, not hanging
  const third = await drainAll(await c.fetch({ max_messages: 10, expires: 1000 }), 5000, "f3");
  assertEquals(seqs(third), range(21, 25));
  await Promise.all(third.map((m) => m.ackAck()));
  // acked messages are not delivered again: nothing left
  const fourth = await drainAll(await c.fetch({ max_messages: 10, expires: 1000 }), 5000, "f4");
  assertEquals(fourth.length, 0);
  const ci = await c.info();
  assertEquals([ci.num_pending, ci.num_ack_pending, ci.delivered.stream_seq], [0, 0, 25]);
  await done();
});

Deno.test("consumers - fetch: an empty stream ends empty at expiry", async () => {
  const { js, jsm, stream, done } = await setup("CFEMPTY");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const f = await c.fetch({ max_messages: 100, expires: 1000 });
  assertEquals((await drainAll(f, 5000, "empty fetch")).length, 0);
  assertEquals(await within(f.closed(), 2000, "closed"), undefined);
  await done();
});

Deno.test("consumers - fetch: max_bytes limits the batch", async () => {
  const { js, jsm, stream, done } = await setup("CFBYTES");
  const kb = "x".repeat(1000);
  for (let i = 0; i < 10; i++) await js.publish(`${stream}.a`, kb);
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  // each message counts 1000 bytes of payload plus its subject and reply (under 200 bytes): three
  // fit in 3500 bytes, a fourth does not
  const f = await c.fetch({ max_bytes: 3500, expires: 2000 });
  const got = await drainAll(f, 5000, "max_bytes fetch");
  assertEquals(seqs(got), [1, 2, 3]);
  assertEquals(got.every((m) => m.data.length === 1000), true);
  await done();
});

Deno.test("consumers - fetch and consume reject bad options", async () => {
  const { js, jsm, stream, done } = await setup("CBADOPT");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  // (nats.ws throws these synchronously: the function form of assertRejects catches both)
  for (const run of [c.fetch.bind(c), c.consume.bind(c)]) {
    await assertRejects(
      () => run({ max_messages: 10, max_bytes: 1000 }),
      undefined,
      "only specify one of max_messages or max_bytes",
    );
    await assertRejects(
      () => run({ expires: 500 }),
      undefined,
      "expires should be at least 1000ms",
    );
  }
  await assertRejects(
    () => c.next({ expires: 999 }),
    undefined,
    "expires should be at least 1000ms",
  );
  // nothing was left pulling: a later fetch gets the message
  await js.publish(`${stream}.a`, "1");
  assertEquals((await c.next({ expires: 2000 }))?.seq, 1);
  await done();
});

Deno.test("consumers - consume: 1000 messages in order over many small pulls", async () => {
  const n = 1000;
  const { js, jsm, stream, done } = await setup("CCONS", n);
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  assertEquals((await c.info()).num_pending, n);
  const it = await c.consume({ max_messages: 10, expires: 2000 });
  const log = await StatusLog.of(it);
  const got = await take(it, n, 9000, "consume");
  for (const m of got) m.ack();
  assertEquals(seqs(got), range(1, n));
  assertEquals(bodies(got), range(1, n).map(String));
  assertEquals(got[n - 1].info.pending, 0);
  await endRun(it);
  // every pull asked for at most max_messages; together they asked for all (the first may have
  // gone out before the listener)
  const pulls = log.of(ConsumerDebugEvents.Next).map((s) => (s.data as { batch: number }).batch);
  assert(pulls.every((b) => b > 0 && b <= 10), `pull batches ${pulls}`);
  const asked = pulls.reduce((a, b) => a + b, 0);
  assert(asked >= n - 10, `pulls asked for ${asked}`);
  assertEquals((await c.info()).num_pending, 0);
  await done();
});

Deno.test("consumers - consume: messages published after the start arrive", async () => {
  const { js, jsm, stream, done } = await setup("CCLATE");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const it = await c.consume({ max_messages: 10, expires: 2000 });
  const got = take(it, 25, 8000, "late messages");
  await publishN(js, `${stream}.a`, 1, 25);
  assertEquals(seqs(await got), range(1, 25));
  await endRun(it);
  await done();
});

Deno.test("consumers - consume with a callback; the result is not iterable", async () => {
  const n = 50;
  const { js, jsm, stream, done } = await setup("CCB", n);
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const seen: number[] = [];
  const all = latch();
  const it = await c.consume({
    max_messages: 10,
    expires: 2000,
    callback: (m) => {
      seen.push(m.seq);
      m.ack();
      if (seen.length === n) all.resolve();
    },
  });
  await within(all, 8000, `callback messages (${seen.length})`);
  assertEquals(seen, range(1, n));
  await assertRejects(drainAll(it, 2000), undefined, "unsupported iterator");
  assertEquals(await within(it.close(), 5000, "close"), undefined);
  await done();
});

Deno.test("consumers - consume: stop() mid-way ends the iterator, close() resolves", async () => {
  const { js, jsm, stream, done } = await setup("CSTOP", 100);
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const it = await c.consume({ max_messages: 20, expires: 2000 });
  const got: JsMsg[] = [];
  await within(
    (async () => {
      for await (const m of it) {
        got.push(m);
        if (got.length === 5) it.stop();
      }
    })(),
    5000,
    "the loop ends after stop()",
  );
  // the messages already handed over in that turn may still come, in order
  assert(got.length >= 5 && got.length <= 20, `got ${got.length}`);
  assertEquals(seqs(got), range(1, got.length));
  assertEquals(await within(it.closed(), 2000, "closed"), undefined);
  // close() after the end resolves too
  assertEquals(await within(it.close(), 2000, "close"), undefined);
  await done();
});

Deno.test("consumers - consume: a deleted consumer reports consumer_deleted and carries on", async () => {
  const { js, jsm, stream, done } = await setup("CDEL");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const pulls = await watchPulls(stream);
  const it = await c.consume({ expires: 5000 });
  const log = await StatusLog.of(it);
  const reading = drainAll(it, 10000, "consume after stop");
  // once the pull reached the server, deleting the consumer ends it with a 409
  await pulls.inbox();
  await jsm.consumers.delete(stream, "c");
  await log.next(ConsumerEvents.ConsumerDeleted, 5000);
  // without abort_on_missing_resource the run does not end on it (it checks the consumer later)
  const ended = await Promise.race([
    it.closed().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 300)),
  ]);
  assertEquals(ended, false);
  it.stop();
  const got = await reading;
  assert(got.length <= 1, `got ${got.length}`);
  await pulls.close();
  await done();
});

Deno.test("consumers - consume with abort_on_missing_resource ends with an error on delete", async () => {
  const { js, jsm, stream, done } = await setup("CDELABORT");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const pulls = await watchPulls(stream);
  const it = await c.consume({ expires: 5000, abort_on_missing_resource: true });
  const reading = assertRejects(
    drainAll(it, 8000, "aborted consume"),
    undefined,
    "consumer deleted",
  );
  await pulls.inbox();
  await c.delete();
  await reading;
  await pulls.close();
  await done();
});

Deno.test("consumers - consume: server heartbeats keep an idle run alive", async () => {
  const { js, jsm, stream, done } = await setup("CHB");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const it = await c.consume({ idle_heartbeat: 1000, expires: 2000 });
  const log = await StatusLog.of(it);
  // reading (nats.ws sends its first pull when the loop starts)
  const r = new Reader<JsMsg>(it);
  // two pulls expire with nothing to deliver; the server's heartbeats (every 1000 ms) count as
  // activity, so no heartbeats_missed (reported after 2000 ms of silence)
  // each expired pull reports what it left: the whole default batch of 100
  for (let i = 0; i < 2; i++) {
    const d = await log.next(ConsumerDebugEvents.Discard, 6000);
    assertEquals(d.data, { msgsLeft: 100, bytesLeft: 0 });
  }
  assertEquals(log.of(ConsumerEvents.HeartbeatsMissed), []);
  // and the run still delivers
  await js.publish(`${stream}.a`, "1");
  assertEquals(seqs(await r.count(1, 5000, "a message after idling")), [1]);
  assertEquals(await within(it.close(), 5000, "close"), undefined);
  assertEquals(log.of(ConsumerEvents.HeartbeatsMissed), []);
  await done();
});

Deno.test("consumers - JsMsg from a run: nak redelivers, term does not, working, ackAck", async () => {
  // one message first: after the nak the only thing to deliver is that message again
  const { js, jsm, stream, done } = await setup("CACK", 1);
  await durable(jsm, stream, "c", { ack_wait: 30_000_000_000 });
  const c = await js.consumers.get(stream, "c");
  const m1 = await c.next({ expires: 2000 });
  assertEquals([m1?.seq, m1?.redelivered, m1?.info.deliveryCount], [1, false, 1]);
  m1!.nak();
  const again = await c.next({ expires: 2000 });
  assertEquals([again?.seq, again?.redelivered, again?.info.deliveryCount], [1, true, 2]);
  let ci = await c.info();
  assertEquals([ci.num_ack_pending, ci.num_redelivered], [1, 1]);
  assertEquals(await again!.ackAck(), true);
  // one terminal ack per message
  assertEquals(await again!.ackAck(), false);
  await publishN(js, `${stream}.a`, 2, 2);
  const m2 = await c.next({ expires: 2000 });
  assertEquals(m2?.seq, 2);
  m2!.term();
  const m3 = await c.next({ expires: 2000 });
  assertEquals(m3?.seq, 3);
  m3!.working();
  m3!.working();
  assertEquals(await m3!.ackAck(), true);
  ci = await c.info();
  assertEquals([ci.num_ack_pending, ci.num_redelivered, ci.num_pending], [0, 0, 0]);
  // the terminated message is not delivered again
  assertEquals(await c.next({ expires: 1000 }), null);
  await done();
});

Deno.test("consumers - junk on a run's inbox does not break the run", async () => {
  const { js, jsm, stream, done } = await setup("CJUNK");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const pulls = await watchPulls(stream);
  const it = await c.consume({ max_messages: 10, expires: 2000 });
  const r = new Reader<JsMsg>(it);
  const inbox = await pulls.inbox();
  // a message with a reply that is not an ack subject, and one with no reply at all
  pulls.nc.publish(inbox, "junk", { reply: `${stream}.not.an.ack` });
  pulls.nc.publish(inbox, "junk");
  await pulls.nc.flush();
  await publishN(js, `${stream}.a`, 1, 5);
  // the real messages all arrive in order; junk handed over as it is says what it is
  const real = () => r.items.filter((m) => m.string() !== "junk");
  await until(() => real().length >= 5, 8000, "the real messages");
  assertEquals(seqs(real()), range(1, 5));
  for (const m of r.items.filter((m) => m.string() === "junk")) {
    assertThrows(() => m.seq, undefined, "not js message");
  }
  assertEquals(await within(it.close(), 5000, "close"), undefined);
  await pulls.close();
  await done();
});

Deno.test("consumers - fetch ends on a deleted consumer with an error", async () => {
  const { js, jsm, stream, done } = await setup("CFDEL");
  await durable(jsm, stream);
  const c = await js.consumers.get(stream, "c");
  const pulls = await watchPulls(stream);
  const f = await c.fetch({ expires: 5000 });
  const reading = assertRejects(drainAll(f, 8000, "fetch"), undefined, "consumer deleted");
  await pulls.inbox();
  await c.delete();
  await reading;
  await pulls.close();
  await done();
});
