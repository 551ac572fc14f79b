// The legacy JetStream API of nats.deno v1 against a real server: js.subscribe (push: durable and
// ephemeral, queue groups, auto-ack vs manualAck, maxMessages, bind, flow control, the ordered
// push consumer and its recovery), js.pullSubscribe + pull(), js.fetch, js.pull, the consumerOpts
// builder's validations, destroy() and consumerInfo(). Each test has its own memory stream.
import { assert, assertEquals, assertRejects, assertThrows } from "../../helpers/assert.ts";
import {
  AckPolicy,
  connect,
  consumerOpts,
  createInbox,
  ErrorCode,
  StorageType,
} from "../../helpers/deps.ts";
import type {
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  NatsConnection,
  NatsError,
} from "../../helpers/deps.ts";
import { drainAll, IS_NATS_WS, JETSTREAM_URL, latch, take, within } from "../../helpers/helpers.ts";

let serial = 0;

interface Fixture {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  /** The stream's name; it captures `<stream>.>`; messages go to `subj`. */
  stream: string;
  subj: string;
  done(): Promise<void>;
}

/** A connection and a fresh memory stream with n messages on `<stream>.a` (payload: the seq). */
async function setup(n = 0): Promise<Fixture> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `LEG_${Date.now().toString(36)}_${++serial}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.Memory });
  const subj = `${stream}.a`;
  await publishN(js, subj, 1, n);
  const done = async () => {
    await jsm.streams.delete(stream);
    await nc.close();
  };
  return { nc, jsm, js, stream, subj, done };
}

/** n messages with payloads first, first + 1, ... (100 in flight at most, stored in order). */
async function publishN(
  js: JetStreamClient,
  subject: string,
  first: number,
  n: number,
  payload?: Uint8Array,
): Promise<void> {
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) {
      batch.push(js.publish(subject, payload ?? `${first + j}`));
    }
    await Promise.all(batch);
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (msgs: JsMsg[]) => msgs.map((m) => m.seq);

/**
 * Reads an iterator in several steps (leaving a `for await` would stop it): each call takes the
 * next n values, bounded by ms.
 */
function reader<T>(it: AsyncIterable<T>): (n: number, ms: number, label: string) => Promise<T[]> {
  const iter = it[Symbol.asyncIterator]();
  return async (n, ms, label) => {
    const out: T[] = [];
    await within(
      (async () => {
        while (out.length < n) {
          const r = await iter.next();
          if (r.done) throw new Error(`${label}: ended after ${out.length} of ${n}`);
          out.push(r.value);
        }
      })(),
      ms,
      `${label}: got ${out.length} of ${n}`,
    );
    return out;
  };
}

/** Polls `check` every 50 ms until it is true, bounded by ms. */
async function until(check: () => boolean | Promise<boolean>, ms: number, label: string) {
  await within(
    (async () => {
      while (!(await check())) await new Promise((r) => setTimeout(r, 50));
    })(),
    ms,
    label,
  );
}

// ---- push ----

Deno.test("legacy - ephemeral push iterator delivers in order, auto-acking each after use", async () => {
  const f = await setup(20);
  const sub = await f.js.subscribe(f.subj, consumerOpts().deliverTo(createInbox()).ackExplicit());
  const read = reader(sub);
  const got = await read(20, 5000, "ephemeral push");
  assertEquals(seqs(got), range(1, 20));
  assertEquals(got.map((m) => m.string()), range(1, 20).map(String));
  // a message is acked when the loop comes back for the next: the 20th is still being processed
  await until(async () => (await sub.consumerInfo()).ack_floor.stream_seq === 19, 3000, "19 acked");
  const ci = await sub.consumerInfo();
  assertEquals(ci.num_ack_pending, 1);
  assertEquals(ci.config.durable_name, undefined, "ephemeral");
  await f.js.publish(f.subj, "21");
  assertEquals(seqs(await read(1, 5000, "one more")), [21]);
  await until(async () => (await sub.consumerInfo()).ack_floor.stream_seq === 20, 3000, "20 acked");
  sub.unsubscribe();
  await f.done();
});

Deno.test("legacy - durable push survives its subscription; destroy() deletes it", async () => {
  const f = await setup(3);
  const opts = consumerOpts().durable("me").manualAck().ackExplicit().maxMessages(3)
    .deliverTo(createInbox());
  const sub = await f.js.subscribe(f.subj, opts);
  const got: number[] = [];
  for await (const m of sub) {
    got.push(m.seq);
    m.ack();
  }
  assertEquals(got, [1, 2, 3], "maxMessages ends the iterator");
  assertEquals(sub.getProcessed(), 3);
  const ci = await f.jsm.consumers.info(f.stream, "me");
  assertEquals(ci.name, "me");
  // subscribing again attaches to the durable: nothing is left to deliver
  const again = await f.js.subscribe(f.subj, opts);
  assertEquals((await again.consumerInfo()).delivered.stream_seq, 3);
  await again.destroy();
  await assertRejects(() => f.jsm.consumers.info(f.stream, "me"), undefined, "consumer not found");
  await f.done();
});

Deno.test("legacy - callback with maxMessages closes after max, acking each", async () => {
  const f = await setup(10);
  const seen: number[] = [];
  const opts = consumerOpts().durable("cb").ackExplicit().maxMessages(5)
    .deliverTo(createInbox())
    .callback((err, m) => {
      if (err) throw err;
      seen.push(m!.seq);
    });
  const sub = await f.js.subscribe(f.subj, opts);
  await within(sub.closed, 5000, "closed after max");
  assertEquals(seen, [1, 2, 3, 4, 5]);
  assertEquals(sub.getProcessed(), 5);
  await f.nc.flush();
  await until(
    async () => (await f.jsm.consumers.info(f.stream, "cb")).ack_floor.stream_seq === 5,
    3000,
    "auto-acked",
  );
  await f.done();
});

Deno.test("legacy - a queue group shares the messages between its subscribers", async () => {
  const f = await setup();
  const counts = [0, 0];
  const mk = (i: number) =>
    consumerOpts().durable("q").queue("q").deliverTo(`dq.${f.stream}`).ackExplicit()
      .callback((_err, m) => {
        if (m) counts[i]++;
      });
  const a = await f.js.subscribe(f.subj, mk(0));
  const b = await f.js.subscribe(f.subj, mk(1));
  await publishN(f.js, f.subj, 1, 100);
  await until(() => counts[0] + counts[1] === 100, 5000, `100 delivered (${counts})`);
  assert(counts[0] > 0 && counts[1] > 0, `both got some: ${counts}`);
  await f.nc.flush();
  const ci = await f.jsm.consumers.info(f.stream, "q");
  assertEquals(ci.config.deliver_group, "q");
  await until(async () => (await a.consumerInfo()).num_ack_pending === 0, 3000, "all acked");
  // the queue rules of the consumer API and of attaching
  await assertRejects(
    () =>
      f.js.subscribe(
        f.subj,
        consumerOpts().durable("hb").queue("x").deliverTo("x").idleHeartbeat(1000),
      ),
    undefined,
    "jetstream idle heartbeat is not supported with queue groups",
  );
  await assertRejects(
    () =>
      f.js.subscribe(f.subj, consumerOpts().durable("fc").queue("x").deliverTo("x").flowControl()),
    undefined,
    "jetstream flow control is not supported with queue groups",
  );
  await assertRejects(
    () =>
      f.js.subscribe(f.subj, {
        stream: f.stream,
        config: { durable_name: "q", deliver_group: "y" },
      }),
    undefined,
    "durable requires queue group 'q'",
  );
  a.unsubscribe();
  b.unsubscribe();
  await f.done();
});

Deno.test("legacy - unacked messages come back after ack_wait; auto-acked ones do not", async () => {
  const f = await setup(3);
  // manualAck without acking: redelivered once ack_wait (1 s) passes
  const manual = await f.js.subscribe(
    f.subj,
    consumerOpts().deliverTo(createInbox()).ackExplicit().ackWait(1000).manualAck(),
  );
  const read = reader(manual);
  const first = await read(3, 5000, "first delivery");
  assertEquals(seqs(first), [1, 2, 3]);
  assert(first.every((m) => !m.redelivered));
  const second = await read(3, 5000, "redelivery");
  assertEquals(seqs(second), [1, 2, 3]);
  assert(second.every((m) => m.redelivered && m.info.redeliveryCount === 2));
  for (const m of second) m.ack();
  manual.unsubscribe();
  // auto-ack: what the loop is done with is acked; only the message it is still on when ack_wait
  // passes comes back
  const auto = await f.js.subscribe(
    f.subj,
    consumerOpts().durable("auto").deliverTo(createInbox()).ackExplicit().ackWait(1000),
  );
  const next = reader(auto);
  assertEquals(seqs(await next(3, 5000, "auto")), [1, 2, 3]);
  await f.js.publish(f.subj, "4");
  assertEquals(seqs(await next(1, 5000, "auto 4")), [4]);
  await new Promise((r) => setTimeout(r, 1500));
  const ci = await auto.consumerInfo();
  assertEquals(ci.ack_floor.stream_seq, 3);
  assertEquals(ci.num_redelivered, 1);
  const again = await next(1, 5000, "redelivered 4");
  assertEquals([again[0].seq, again[0].redelivered], [4, true]);
  auto.unsubscribe();
  await f.done();
});

Deno.test("legacy - bind to an existing consumer, or fail to bind to a missing one", async () => {
  const f = await setup(4);
  const inbox = createInbox();
  await f.jsm.consumers.add(f.stream, {
    durable_name: "me",
    ack_policy: AckPolicy.None,
    deliver_subject: inbox,
  });
  await assertRejects(
    () => f.js.subscribe(f.subj, consumerOpts().bind(f.stream, "hello")),
    undefined,
    `unable to bind - durable consumer hello doesn't exist in ${f.stream}`,
  );
  await assertRejects(
    () => f.js.pullSubscribe(f.subj, consumerOpts().bind(f.stream, "hello")),
    undefined,
    `unable to bind - durable consumer hello doesn't exist in ${f.stream}`,
  );
  const sub = await f.js.subscribe(f.subj, consumerOpts().bind(f.stream, "me"));
  assertEquals(sub.getSubject(), inbox, "delivers where the consumer says");
  assertEquals(seqs(await take(sub, 4, 5000, "bound")), [1, 2, 3, 4]);
  sub.unsubscribe();
  await f.done();
});

Deno.test("legacy - a second subscription to a bound durable is a duplicate subscription", async () => {
  const f = await setup();
  const opts = consumerOpts().durable("me").ackExplicit().deliverTo(`here.${f.stream}`)
    .callback((_err, m) => m?.ack());
  const sub = await f.js.subscribe(f.subj, opts);
  await f.nc.flush();
  const nc2 = await connect({ servers: JETSTREAM_URL });
  await assertRejects(
    () => nc2.jetstream().subscribe(f.subj, opts),
    undefined,
    "duplicate subscription",
  );
  await nc2.close();
  sub.unsubscribe();
  await f.done();
});

Deno.test("legacy - flow control and heartbeats with many messages: all delivered", async () => {
  const f = await setup();
  const n = 5000;
  const kib = new Uint8Array(1024).fill(97);
  await publishN(f.js, f.subj, 1, n, kib);
  // a watcher of the flow-control answers: the client must send them or the server stops
  const nc2 = await connect({ servers: JETSTREAM_URL });
  let answers = 0;
  nc2.subscribe("$JS.FC.>", { callback: () => answers++ });
  await nc2.flush();
  const sub = await f.js.subscribe(
    f.subj,
    consumerOpts().deliverTo(createInbox()).ackNone().flowControl().idleHeartbeat(1000),
  );
  let expected = 1;
  await within(
    (async () => {
      for await (const m of sub) {
        assertEquals(m.seq, expected, "in order, no gap");
        assertEquals(m.data.length, 1024);
        if (expected++ === n) break;
      }
    })(),
    9000,
    `flow control: got ${expected - 1} of ${n}`,
  );
  await nc2.flush();
  assert(answers > 0, "flow control was answered");
  await nc2.close();
  await f.done();
});

// ---- ordered push ----

Deno.test("legacy - ordered push consumer delivers everything in order (iterator and callback)", async () => {
  const f = await setup(1000);
  const sub = await f.js.subscribe(f.subj, consumerOpts().orderedConsumer());
  assertEquals(seqs(await take(sub, 1000, 8000, "ordered iterator")), range(1, 1000));
  const ci = await sub.consumerInfo();
  assertEquals(ci.config.ack_policy, AckPolicy.None);
  assertEquals(ci.config.max_deliver, 1);
  sub.unsubscribe();
  const got: number[] = [];
  const all = latch();
  const cb = await f.js.subscribe(
    f.subj,
    consumerOpts().orderedConsumer().callback((err, m) => {
      if (err) return all.reject(err);
      got.push(m!.seq);
      if (got.length === 1000) all.resolve();
    }),
  );
  await within(all, 8000, "ordered callback");
  assertEquals(got, range(1, 1000));
  cb.unsubscribe();
  await f.done();
});

Deno.test("legacy - ordered push consumer recovers after its server consumer is deleted", async () => {
  const f = await setup(10);
  const sub = await f.js.subscribe(f.subj, consumerOpts().orderedConsumer().idleHeartbeat(1000));
  const read = reader(sub);
  assertEquals(seqs(await read(10, 5000, "before")), range(1, 10));
  const before = (await sub.consumerInfo()).name;
  await f.jsm.consumers.delete(f.stream, before);
  await publishN(f.js, f.subj, 11, 10);
  // missed heartbeats (2 s) or a heartbeat mismatch reset it: no gap, no duplicate
  const after = await read(10, 8000, "after the reset");
  assertEquals(seqs(after), range(11, 20));
  assertEquals(after.map((m) => m.string()), range(11, 20).map(String));
  const ci = await sub.consumerInfo();
  assert(ci.name !== before, `a new consumer: ${ci.name}`);
  assertEquals(ci.delivered.stream_seq, 20);
  sub.unsubscribe();
  await f.done();
});

Deno.test("legacy - ordered push consumer options are checked", async () => {
  const f = await setup();
  await assertRejects(
    () => f.js.subscribe(f.subj, consumerOpts().orderedConsumer().durable("d")),
    undefined,
    "durable_name cannot be set",
  );
  await assertRejects(
    // (the builder forces ack none on an ordered consumer; a plain options object does not)
    () => f.js.subscribe(f.subj, { ordered: true, config: { ack_policy: AckPolicy.Explicit } }),
    undefined,
    "ack_policy can only be set to 'none'",
  );
  await assertRejects(
    () => f.js.pullSubscribe(f.subj, consumerOpts().orderedConsumer()),
    undefined,
    "pull subscribers cannot be be ordered",
  );
  await f.done();
});

// ---- pull subscriptions ----

Deno.test("legacy - pullSubscribe delivers what each pull asks for", async () => {
  const f = await setup(10);
  const sub = await f.js.pullSubscribe(f.subj, consumerOpts().durable("pl").ackExplicit());
  const read = reader(sub);
  sub.pull({ batch: 5, expires: 2000 });
  assertEquals(seqs(await read(5, 5000, "first pull")), [1, 2, 3, 4, 5]);
  sub.pull({ batch: 5, expires: 2000 });
  assertEquals(seqs(await read(5, 5000, "second pull")), [6, 7, 8, 9, 10]);
  await f.nc.flush();
  const ci = await sub.consumerInfo();
  assertEquals(ci.name, "pl");
  assertEquals(ci.delivered.stream_seq, 10);
  // the 10th is still being processed: auto-ack acks it when the loop asks for more
  await until(async () => (await sub.consumerInfo()).ack_floor.stream_seq === 9, 3000, "acked");
  assertEquals((await sub.consumerInfo()).num_ack_pending, 1);
  await sub.destroy();
  await assertRejects(() => f.jsm.consumers.info(f.stream, "pl"), undefined, "consumer not found");
  await f.done();
});

Deno.test("legacy - a pull that expires on an empty stream ends quietly; the next one delivers", async () => {
  const f = await setup();
  const sub = await f.js.pullSubscribe(f.subj, consumerOpts().durable("pe").ackExplicit());
  sub.pull({ batch: 1, expires: 300, idle_heartbeat: 100 });
  await new Promise((r) => setTimeout(r, 800)); // the 408 and any heartbeat are swallowed
  assert(!sub.isClosed(), "the 408 does not end the subscription");
  await f.js.publish(f.subj, "1");
  sub.pull({ batch: 1, expires: 2000 });
  assertEquals(seqs(await reader(sub)(1, 5000, "after the empty pull")), [1]);
  sub.pull({ batch: 1, no_wait: true });
  await f.nc.flush();
  assert(!sub.isClosed(), "the 404 does not end it either");
  sub.unsubscribe();
  await f.done();
});

Deno.test("legacy - pull() option checks", async () => {
  const f = await setup();
  const sub = await f.js.pullSubscribe(f.subj, consumerOpts().durable("po").ackExplicit());
  assertThrows(
    () => sub.pull({ batch: 1, expires: 1000, idle_heartbeat: 2000 }),
    undefined,
    "expires must be greater than idle_heartbeat",
  );
  assertThrows(
    () => sub.pull({ batch: 1, idle_heartbeat: 500 }),
    undefined,
    "idle_heartbeat requires expires",
  );
  sub.unsubscribe();
  await assertRejects(
    () => f.js.pullSubscribe(f.subj, consumerOpts().durable("pn").ackNone()),
    undefined,
    "ack policy for pull consumers must be explicit",
  );
  await f.done();
});

Deno.test("legacy - a deleted consumer ends a pull iterator and is reported to a callback", async () => {
  const f = await setup();
  await f.jsm.consumers.add(f.stream, { durable_name: "del", ack_policy: AckPolicy.Explicit });
  await f.jsm.consumers.add(f.stream, { durable_name: "delcb", ack_policy: AckPolicy.Explicit });
  const it = await f.js.pullSubscribe(f.subj, consumerOpts().bind(f.stream, "del"));
  const ended = drainAll(it, 5000, "iterator end").then(() => null, (e) => e as NatsError);
  const reported = latch<NatsError>();
  const cb = await f.js.pullSubscribe(
    f.subj,
    consumerOpts().bind(f.stream, "delcb").callback((err) => {
      if (err) reported.resolve(err);
    }),
  );
  it.pull({ expires: 5000 });
  cb.pull({ expires: 5000 });
  await f.nc.flush();
  await f.jsm.consumers.delete(f.stream, "del");
  await f.jsm.consumers.delete(f.stream, "delcb");
  const err = await ended;
  assertEquals(err?.message, "consumer deleted");
  assertEquals((await within(reported, 5000, "callback error")).message, "consumer deleted");
  assert(!cb.isClosed(), "a callback subscription carries on");
  cb.unsubscribe();
  await f.done();
});

// ---- fetch and pull ----

Deno.test("legacy - fetch ends after batch, at expires, or with no_wait when drained", async () => {
  const f = await setup(10);
  await f.jsm.consumers.add(f.stream, { durable_name: "f", ack_policy: AckPolicy.Explicit });
  const batch = f.js.fetch(f.stream, "f", { batch: 5, expires: 5000 });
  const got = await drainAll(batch, 3000, "batch");
  assertEquals(seqs(got), [1, 2, 3, 4, 5], "ends after the batch, well before expires");
  for (const m of got) m.ack();
  const rest = await drainAll(
    f.js.fetch(f.stream, "f", { batch: 100, no_wait: true }),
    3000,
    "no_wait",
  );
  assertEquals(seqs(rest), range(6, 10));
  for (const m of rest) m.ack();
  const none = f.js.fetch(f.stream, "f", { batch: 5, expires: 300 });
  assertEquals(await drainAll(none, 3000, "expires on empty"), []);
  assertEquals(none.getReceived(), 0);
  const nothing = f.js.fetch(f.stream, "f", { batch: 5, no_wait: true });
  assertEquals(await drainAll(nothing, 3000, "no_wait on empty"), []);
  assertThrows(() => f.js.fetch(f.stream, "f"), undefined, "expires or no_wait is required");
  await f.done();
});

Deno.test("legacy - fetch with max_bytes ends when the next message does not fit", async () => {
  const f = await setup();
  await publishN(f.js, f.subj, 1, 10, new Uint8Array(100));
  await f.jsm.consumers.add(f.stream, { durable_name: "b", ack_policy: AckPolicy.Explicit });
  const iter = f.js.fetch(f.stream, "b", { batch: 10, max_bytes: 1000, expires: 2000 });
  const got: JsMsg[] = [];
  // the server counts subject and headers too: fewer than ten 100-byte payloads fit, and it says
  // so with a 409 that ends the fetch with an error (nats.deno's terminal 409)
  await assertRejects(
    () =>
      within(
        (async () => {
          for await (const m of iter) got.push(m);
        })(),
        4000,
        "fetch",
      ),
    ErrorCode.JetStream409,
    "message size exceeds maxbytes",
  );
  assert(got.length < 10, `got ${got.length}`);
  assertEquals(seqs(got), range(1, got.length));
  // nats.ws drops the messages queued ahead of an error (its iterator's stop(err) throws before
  // yielding them); ours yields them first, then the error
  if (!IS_NATS_WS) assert(got.length > 0, "the messages that fit come before the error");
  await f.done();
});

Deno.test("legacy - fetch ends with the error of a deleted consumer", async () => {
  const f = await setup();
  await f.jsm.consumers.add(f.stream, { durable_name: "fd", ack_policy: AckPolicy.Explicit });
  const ended = drainAll(f.js.fetch(f.stream, "fd", { expires: 5000 }), 5000).then(
    () => null,
    (e) => e as NatsError,
  );
  await f.nc.flush();
  await f.jsm.consumers.delete(f.stream, "fd");
  assertEquals((await ended)?.message, "consumer deleted");
  await f.done();
});

Deno.test("legacy - js.pull gets one message, or a 404 'no messages' with no_wait", async () => {
  const f = await setup();
  await f.jsm.consumers.add(f.stream, { durable_name: "p", ack_policy: AckPolicy.Explicit });
  await assertRejects(
    () => f.js.pull(f.stream, "p"),
    ErrorCode.JetStream404NoMessages,
    "no messages",
  );
  await f.js.publish(f.subj, "hi");
  const m = await f.js.pull(f.stream, "p");
  assertEquals([m.seq, m.string()], [1, "hi"]);
  m.ack();
  await f.nc.flush();
  await until(
    async () => (await f.jsm.consumers.info(f.stream, "p")).ack_floor.stream_seq === 1,
    3000,
    "acked",
  );
  await f.done();
});

// ---- consumerOpts ----

Deno.test("legacy - consumerOpts validates what it is given", () => {
  assertThrows(() => consumerOpts().startSequence(0), undefined, "sequence must be greater than 0");
  assertThrows(() => consumerOpts().sample(101), undefined, "value must be between 0-100");
  assertThrows(() => consumerOpts().sample(-1), undefined, "value must be between 0-100");
  assertThrows(() => consumerOpts().durable("bad.durable"), undefined, "invalid durable name");
  const o = consumerOpts().startSequence(100).sample(50).durable("ok").manualAck().maxMessages(7)
    .getOpts();
  assertEquals(o.config.opt_start_seq, 100);
  assertEquals(o.config.deliver_policy, "by_start_sequence");
  assertEquals(o.config.sample_freq, "50%");
  assertEquals(o.config.durable_name, "ok");
  assertEquals(o.mack, true);
  assertEquals(o.max, 7);
});
