// Ordered consumers of the simplified API (js.consumers.get(stream[, opts])) against the JetStream
// server of tests/nats/jetstream.conf: the stream in order, filters, start policies, headers only,
// runs that continue where the last one ended, concurrency, info(), a consumer lost mid-run (it is
// recreated with no gap or duplicate), and junk on a run's inbox.
import { assert, assertEquals, assertRejects } from "../../helpers/assert.ts";
import { ConsumerDebugEvents, ConsumerEvents, DeliverPolicy } from "../../helpers/deps.ts";
import type { JsMsg } from "../../helpers/deps.ts";
import { drainAll, take, within } from "../../helpers/helpers.ts";
import {
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

Deno.test("ordered - get rejects a missing stream", async () => {
  const { js, stream, done } = await setup("OGET");
  await assertRejects(js.consumers.get(`${stream}_NONE`), undefined, "stream not found");
  await assertRejects(js.consumers.get(`${stream}_NONE`, {}), undefined, "stream not found");
  await done();
});

Deno.test("ordered - consume gives the whole stream in order; info() of the current consumer", async () => {
  const n = 300;
  const { js, stream, done } = await setup("OCONS", n);
  const oc = await js.consumers.get(stream, { name_prefix: "oc" });
  const it = await oc.consume({ max_messages: 20 });
  const got = await take(it, n, 9000, "ordered consume");
  assertEquals(seqs(got), range(1, n));
  assertEquals(got.map((m) => m.string()), range(1, n).map(String));
  assertEquals(got.map((m) => m.info.deliverySequence), range(1, n));
  assertEquals(got[n - 1].info.pending, 0);
  const cached = await oc.info(true);
  assert(cached.name.startsWith("oc"), `name ${cached.name}`);
  assertEquals(cached.config.ack_policy, "none");
  const fresh = await oc.info();
  assertEquals([fresh.name, fresh.num_pending, fresh.delivered.stream_seq], [cached.name, 0, n]);
  await endRun(it);
  await done();
});

Deno.test("ordered - info() before any run creates the chain's first consumer (nats.deno)", async () => {
  const n = 20;
  const { js, stream, done } = await setup("OINFO", n);
  const oc = await js.consumers.get(stream, {
    name_prefix: "early",
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 5,
  });
  const ci = await oc.info();
  assert(ci.name.startsWith("early"), `name ${ci.name}`);
  assertEquals(ci.stream_name, stream);
  assertEquals(ci.config.ack_policy, "none");
  assertEquals(ci.config.mem_storage, true);
  assertEquals(ci.config.deliver_policy, "by_start_sequence");
  assertEquals(ci.config.opt_start_seq, 5);
  assertEquals(ci.num_pending, n - 4);
  // it is there, and info() asks for it again
  assertEquals((await oc.info()).name, ci.name);
  assertEquals((await oc.info(true)).name, ci.name);
  // a run afterwards still delivers from the start sequence
  const got = await drainAll(await oc.fetch({ max_messages: n, expires: 1000 }), 5000, "fetch");
  assertEquals(seqs(got), range(5, n));
  await done();
});

Deno.test("ordered - filterSubjects as a string and as a list", async () => {
  const { js, stream, done } = await setup("OFILT");
  for (let i = 1; i <= 9; i++) await js.publish(`${stream}.${"abc"[(i - 1) % 3]}`, `${i}`);
  const one = await js.consumers.get(stream, { filterSubjects: `${stream}.b` });
  const b = await drainAll(await one.fetch({ max_messages: 10, expires: 1000 }), 5000, "b");
  assertEquals(seqs(b), [2, 5, 8]);
  assertEquals(b.every((m) => m.subject === `${stream}.b`), true);
  const two = await js.consumers.get(stream, { filterSubjects: [`${stream}.a`, `${stream}.c`] });
  const ac = await drainAll(await two.fetch({ max_messages: 10, expires: 1000 }), 5000, "a,c");
  assertEquals(seqs(ac), [1, 3, 4, 6, 7, 9]);
  await done();
});

Deno.test("ordered - deliver_policy last, by_start_sequence, new", async () => {
  const { js, jsm, stream, done } = await setup("OPOL", 5);
  const last = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.Last });
  assertEquals((await last.next({ expires: 2000 }))?.seq, 5);

  const from3 = await js.consumers.get(stream, { opt_start_seq: 3 });
  const f = await drainAll(await from3.fetch({ max_messages: 10, expires: 1000 }), 5000, "from 3");
  assertEquals(seqs(f), [3, 4, 5]);
  const explicit = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 4,
  });
  assertEquals((await explicit.next({ expires: 2000 }))?.seq, 4);

  const fresh = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.New });
  const before = (await jsm.consumers.list(stream).next()).length;
  const it = await fresh.consume({ max_messages: 10 });
  const got = take(it, 2, 8000, "new messages");
  // publish once the consumer exists, else the messages count as old ones
  await until(async () => (await jsm.consumers.list(stream).next()).length > before, 5000, "new");
  await publishN(js, `${stream}.a`, 6, 2);
  assertEquals(seqs(await got), [6, 7]);
  await endRun(it);
  await done();
});

Deno.test("ordered - headers_only delivers no payload", async () => {
  const { js, stream, done } = await setup("OHDR", 3);
  const oc = await js.consumers.get(stream, { headers_only: true });
  const got = await drainAll(await oc.fetch({ max_messages: 3, expires: 2000 }), 5000, "hdrs");
  assertEquals(seqs(got), [1, 2, 3]);
  assertEquals(got.map((m) => m.data.length), [0, 0, 0]);
  assertEquals(got.map((m) => m.headers?.get("Nats-Msg-Size")), ["1", "1", "1"]);
  await done();
});

Deno.test("ordered - a fetch continues where the last one ended, then next()", async () => {
  const { js, stream, done } = await setup("OFETCH", 10);
  const oc = await js.consumers.get(stream);
  const a = await drainAll(await oc.fetch({ max_messages: 3, expires: 2000 }), 5000, "f1");
  assertEquals(seqs(a), [1, 2, 3]);
  const b = await drainAll(await oc.fetch({ max_messages: 4, expires: 2000 }), 5000, "f2");
  assertEquals(seqs(b), [4, 5, 6, 7]);
  assertEquals((await oc.next({ expires: 2000 }))?.seq, 8);
  assertEquals((await oc.next({ expires: 2000 }))?.seq, 9);
  // a consumer that fetched does not consume
  await assertRejects(() => oc.consume(), undefined, "ordered consumer initialized as fetch");
  const c = await drainAll(await oc.fetch({ max_messages: 5, expires: 1000 }), 5000, "f3");
  assertEquals(seqs(c), [10]);
  await done();
});

Deno.test("ordered - concurrent fetches, a second consume, fetch after consume, bind: rejected", async () => {
  const { js, stream, done } = await setup("OCONC");
  const fetcher = await js.consumers.get(stream);
  const f = await fetcher.fetch({ expires: 1000 });
  await assertRejects(
    () => fetcher.fetch(),
    undefined,
    "ordered consumer doesn't support concurrent fetch",
  );
  assertEquals(await drainAll(f, 5000, "fetch"), []);

  const consumer = await js.consumers.get(stream);
  const it = await consumer.consume({ expires: 2000 });
  const r = new Reader<JsMsg>(it);
  await assertRejects(
    () => consumer.consume(),
    undefined,
    "ordered consumer doesn't support concurrent consume",
  );
  await assertRejects(
    () => consumer.fetch(),
    undefined,
    "ordered consumer already initialized as consume",
  );
  assertEquals(await within(it.close(), 5000, "close"), undefined);
  assertEquals(await within(r.done, 2000, "loop end"), []);
  // still a consume consumer once that run ended
  await assertRejects(() => consumer.consume(), undefined, "concurrent consume");

  const bound = await js.consumers.get(stream);
  const bind = { bind: true } as Record<string, unknown>;
  await assertRejects(() => bound.consume(bind), undefined, "bind is not supported");
  await assertRejects(() => bound.fetch(bind), undefined, "bind is not supported");
  await done();
});

Deno.test("ordered - a consumer deleted mid-run is recreated with no gap or duplicate", async () => {
  const n = 100;
  const { js, jsm, stream, done } = await setup("OGAP", n);
  const oc = await js.consumers.get(stream);
  const it = await oc.consume({ max_messages: 10, expires: 2000 });
  const log = await StatusLog.of(it);
  const r = new Reader(it);
  await r.count(30, 5000, "before the delete");
  const name = (await oc.info(true)).name;
  await jsm.consumers.delete(stream, name);
  await publishN(js, `${stream}.a`, n + 1, 20);
  assertEquals(seqs(await r.count(n + 20, 9000, "after the delete")), range(1, n + 20));
  const recreated = await log.next(ConsumerEvents.OrderedConsumerRecreated, 5000);
  const now = (await oc.info(true)).name;
  assert(now !== name, "a new consumer");
  assertEquals(recreated.data, now);
  assertEquals(await within(it.close(), 5000, "close"), undefined);
  // nothing more came after the last one
  assertEquals(seqs(await within(r.done, 2000, "end")), range(1, n + 20));
  await done();
});

Deno.test("ordered - junk on a run's inbox is dropped with a debug status", async () => {
  const { js, stream, done } = await setup("OJUNK");
  const oc = await js.consumers.get(stream);
  const pulls = await watchPulls(stream);
  const it = await oc.consume({ max_messages: 10, expires: 2000 });
  const log = await StatusLog.of(it);
  const inbox = await pulls.inbox();
  pulls.nc.publish(inbox, "junk", { reply: `${stream}.not.an.ack` });
  await pulls.nc.flush();
  await log.next(ConsumerDebugEvents.DebugEvent, 5000);
  await publishN(js, `${stream}.a`, 1, 5);
  assertEquals(seqs(await take(it, 5, 5000, "real messages")), range(1, 5));
  assertEquals(log.of(ConsumerDebugEvents.Reset), []);
  await endRun(it);
  await pulls.close();
  await done();
});
