// JsMsg against a real JetStream server (tests/nats/jetstream.conf): delivery info, ack, nak,
// nak with a delay, term, working, ackAck, the one-terminal-ack rule, and next() on a pull
// consumer. Streams and consumers are made with raw `$JS.API` requests, so these tests depend on
// nothing but the core client and toJsMsg.
import { createInbox, toJsMsg } from "../../helpers/deps.ts";
import type { JsMsg, Msg, NatsConnection, Subscription } from "../../helpers/deps.ts";
import { assert, assertEquals } from "../../helpers/assert.ts";
import { connectTest, JETSTREAM_URL } from "../../helpers/helpers.ts";

const te = new TextEncoder();
const SEC = 1_000_000_000;

/** A `$JS.API` request; throws the API error it answers with. */
async function api<T = Record<string, unknown>>(
  nc: NatsConnection,
  subject: string,
  body: unknown = {},
): Promise<T> {
  const r = await nc.request(`$JS.API.${subject}`, JSON.stringify(body), { timeout: 5000 });
  const j = r.json<{ error?: { description: string } }>();
  if (j.error) throw new Error(`${subject}: ${j.error.description}`);
  return j as T;
}

type ConsumerInfo = {
  "num_ack_pending": number;
  "num_redelivered": number;
  "num_pending": number;
};

let serial = 0;

/** A connection and a fresh memory stream on `<name>.>` with `n` messages stored ("m1".."mn"). */
async function setup(n: number) {
  const nc = await connectTest({ servers: JETSTREAM_URL });
  const stream = `JSMSG_${Date.now()}_${++serial}`;
  const subj = stream.toLowerCase();
  await api(nc, `STREAM.CREATE.${stream}`, {
    name: stream,
    subjects: [`${subj}.>`],
    storage: "memory",
  });
  for (let i = 1; i <= n; i++) {
    const ack = (await nc.request(`${subj}.m`, te.encode(`m${i}`))).json<{ seq: number }>();
    assertEquals(ack.seq, i, "pub ack");
  }
  const done = async () => {
    await api(nc, `STREAM.DELETE.${stream}`);
    await nc.close();
  };
  return { nc, stream, subj, done };
}

/** A durable push consumer delivering to a fresh inbox, subscribed first. */
async function pushConsumer(
  nc: NatsConnection,
  stream: string,
  config: Record<string, unknown> = {},
) {
  const name = "C";
  const deliver = createInbox();
  const sub = new Deliveries(nc, deliver);
  await api(nc, `CONSUMER.CREATE.${stream}.${name}`, {
    stream_name: stream,
    config: {
      durable_name: name,
      deliver_subject: deliver,
      ack_policy: "explicit",
      ack_wait: 30 * SEC,
      ...config,
    },
  });
  const info = () => api<ConsumerInfo>(nc, `CONSUMER.INFO.${stream}.${name}`);
  return { name, sub, info };
}

/**
 * The messages of one subscription, queued by its callback, so a wait that times out does not
 * leave a reader behind that would swallow the next delivery.
 */
class Deliveries {
  readonly sub: Subscription;
  #queue: Msg[] = [];
  #waiter: ((m: Msg) => void) | undefined;

  constructor(nc: NatsConnection, subject: string) {
    this.sub = nc.subscribe(subject, {
      callback: (_err, m) => {
        const w = this.#waiter;
        this.#waiter = undefined;
        if (w) w(m);
        else this.#queue.push(m);
      },
    });
  }

  /** The next delivery as a JsMsg, or null when none comes within ms. */
  maybeNext(ms: number): Promise<JsMsg | null> {
    const m = this.#queue.shift();
    if (m) return Promise.resolve(toJsMsg(m));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve(null);
      }, ms);
      this.#waiter = (m) => {
        clearTimeout(timer);
        resolve(toJsMsg(m));
      };
    });
  }

  /** The next delivery as a JsMsg; throws when none comes within ms. */
  async next(ms = 5000): Promise<JsMsg> {
    const m = await this.maybeNext(ms);
    if (m === null) throw new Error(`no delivery within ${ms} ms`);
    return m;
  }
}

/** Polls until cond() is true (bounded). */
async function eventually(cond: () => Promise<boolean>, label: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("jsmsg: delivery info of a push consumer's messages is exact", async () => {
  const before = Date.now();
  const { nc, stream, done } = await setup(3);
  const after = Date.now();
  const { name, sub } = await pushConsumer(nc, stream);
  for (let i = 1; i <= 3; i++) {
    const m = await sub.next();
    const info = m.info;
    assertEquals(
      [info.stream, info.consumer, info.domain, info.streamSequence, info.deliverySequence],
      [stream, name, "", i, i],
    );
    assertEquals([info.deliveryCount, info.redeliveryCount, info.redelivered], [1, 1, false]);
    assertEquals([m.seq, m.redelivered, info.pending], [i, false, 3 - i]);
    assertEquals(m.string(), `m${i}`);
    assertEquals(m.sid, sub.sub.getID());
    assert(m.subject.endsWith(".m"), m.subject);
    const ms = info.timestampNanos / 1e6;
    assert(ms >= before - 1000 && ms <= after + 1000, `timestamp ${ms} in [${before}, ${after}]`);
    // the account hash is only in the v2 (11+ token) form
    const v2 = (m as unknown as { reply: string }).reply.split(".").length >= 11;
    assert(v2 ? info.account_hash !== "" : info.account_hash === "", String(info.account_hash));
    m.ack();
  }
  await done();
});

Deno.test("jsmsg: ack clears the message from the consumer's ack pending", async () => {
  const { nc, stream, done } = await setup(2);
  const { sub, info } = await pushConsumer(nc, stream);
  const a = await sub.next();
  const b = await sub.next();
  await eventually(async () => (await info()).num_ack_pending === 2, "2 pending");
  a.ack();
  await eventually(async () => (await info()).num_ack_pending === 1, "1 pending after ack");
  b.ack();
  await eventually(async () => (await info()).num_ack_pending === 0, "0 pending after ack");
  assertEquals(await sub.maybeNext(300), null, "an acked message is not redelivered");
  await done();
});

Deno.test("jsmsg: nak redelivers at once, marked redelivered", async () => {
  const { nc, stream, done } = await setup(1);
  const { sub } = await pushConsumer(nc, stream);
  const m = await sub.next();
  assertEquals(m.redelivered, false);
  m.nak();
  const again = await sub.next(3000);
  assertEquals([again.seq, again.redelivered, again.info.deliveryCount], [1, true, 2]);
  assertEquals(again.info.deliverySequence, 2, "a new delivery sequence");
  again.ack();
  await done();
});

Deno.test("jsmsg: nak(delay) redelivers no sooner than the delay", async () => {
  const { nc, stream, done } = await setup(1);
  const { sub } = await pushConsumer(nc, stream);
  const m = await sub.next();
  const start = performance.now();
  m.nak(700);
  const again = await sub.next(5000);
  const waited = performance.now() - start;
  assert(waited >= 700, `redelivered after ${waited} ms`);
  assert(waited < 3000, `redelivered after ${waited} ms: the delay, not the 30 s ack wait`);
  assertEquals(again.info.deliveryCount, 2);
  again.ack();
  await done();
});

Deno.test("jsmsg: term stops redelivery while an unacked message is redelivered", async () => {
  const { nc, stream, done } = await setup(2);
  const { sub, info } = await pushConsumer(nc, stream, { ack_wait: 1 * SEC });
  const first = await sub.next();
  const second = await sub.next();
  assertEquals([first.seq, second.seq], [1, 2]);
  first.term("not wanted");
  // the control: the untouched second message comes back after the 1 s ack wait
  const again = await sub.next(4000);
  assertEquals([again.seq, again.info.deliveryCount], [2, 2], "only the unacked one returns");
  again.ack();
  assertEquals(await sub.maybeNext(1500), null, "the termed message never comes back");
  await eventually(async () => (await info()).num_ack_pending === 0, "nothing pending");
  await done();
});

Deno.test("jsmsg: working extends the ack wait; without it the message returns", async () => {
  const { nc, stream, done } = await setup(1);
  const { sub } = await pushConsumer(nc, stream, { ack_wait: 1 * SEC });
  const m = await sub.next();
  // 2.4 s of work, reported every 400 ms, is well past the 1 s ack wait
  const waiting = sub.maybeNext(2400);
  const timer = setInterval(() => m.working(), 400);
  const early = await waiting;
  clearInterval(timer);
  assertEquals(early, null, "no redelivery while working");
  const again = await sub.next(3000);
  assertEquals([again.seq, again.info.deliveryCount], [1, 2], "redelivered once working stops");
  again.ack();
  await done();
});

Deno.test("jsmsg: ackAck resolves true once the server has the ack, then false", async () => {
  const { nc, stream, done } = await setup(1);
  const { sub, info } = await pushConsumer(nc, stream);
  const m = await sub.next();
  assertEquals((await info()).num_ack_pending, 1);
  assertEquals(await m.ackAck(), true);
  assertEquals((await info()).num_ack_pending, 0, "confirmed: no longer pending");
  assertEquals(await m.ackAck({ timeout: 1000 }), false, "already acked");
  await done();
});

Deno.test("jsmsg: a second terminal ack is not sent; working is until then", async () => {
  const { nc, stream, done } = await setup(1);
  // watch the acks on their way to the server, in either subject form
  const seen: string[] = [];
  for (const form of [`$JS.ACK.${stream}.>`, `$JS.ACK.*.*.${stream}.>`]) {
    nc.subscribe(form, { callback: (_err, a) => seen.push(a.string()) });
  }
  const { sub } = await pushConsumer(nc, stream);
  const m = await sub.next();
  m.working();
  m.working();
  m.ack();
  m.ack();
  m.nak();
  m.term();
  m.working();
  await nc.flush();
  await eventually(() => Promise.resolve(seen.length >= 3), "3 acks seen");
  await new Promise((r) => setTimeout(r, 200));
  assertEquals(seen, ["+WPI", "+WPI", "+ACK"]);
  await done();
});

Deno.test("jsmsg: next() on a pull consumer acks and fetches the following message", async () => {
  const { nc, stream, done } = await setup(3);
  const name = "P";
  await api(nc, `CONSUMER.CREATE.${stream}.${name}`, {
    stream_name: stream,
    config: { durable_name: name, ack_policy: "explicit", ack_wait: 30 * SEC },
  });
  const info = () => api<ConsumerInfo>(nc, `CONSUMER.INFO.${stream}.${name}`);
  const inbox = createInbox();
  const sub = new Deliveries(nc, inbox);
  nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${name}`, JSON.stringify({ batch: 1 }), {
    reply: inbox,
  });
  const m1 = await sub.next();
  assertEquals([m1.seq, m1.info.consumer, m1.info.pending], [1, name, 2]);
  m1.next(inbox);
  const m2 = await sub.next();
  assertEquals(m2.seq, 2, "the following message");
  assertEquals((await info()).num_ack_pending, 1, "next acked the first: only m2 pending");
  m2.next(inbox, { batch: 5, expires: 500 });
  const m3 = await sub.next();
  assertEquals([m3.seq, m3.info.pending], [3, 0]);
  m3.ack();
  await eventually(async () => (await info()).num_ack_pending === 0, "all acked");
  await done();
});
