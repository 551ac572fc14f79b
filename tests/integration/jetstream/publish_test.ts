// JetStream publish (nc.jetstream().publish()) against the JetStream server of
// tests/nats/jetstream.conf: the PubAck, msgID de-duplication, each `expect` header, user
// headers, retries on 503, timeouts and malformed acknowledgements.
import { assert, assertEquals, assertRejects } from "../../helpers/assert.ts";
import { connect, headers, StorageType } from "../../helpers/deps.ts";
import type { JetStreamManager, NatsConnection, NatsError } from "../../helpers/deps.ts";
import { IS_NATS_WS, JETSTREAM_URL } from "../../helpers/helpers.ts";

let counter = 0;
function uniq(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${counter++}`;
}

/** A connection, its manager and a fresh memory stream capturing `<name>.>`. */
async function setup(): Promise<{ nc: NatsConnection; jsm: JetStreamManager; name: string }> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const name = uniq("PUB");
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory });
  return { nc, jsm, name };
}

async function teardown(nc: NatsConnection, jsm: JetStreamManager, name: string) {
  await jsm.streams.delete(name);
  await nc.close();
}

Deno.test("js publish - returns the PubAck", async () => {
  const { nc, jsm, name } = await setup();
  const js = nc.jetstream();
  assertEquals(await js.publish(`${name}.a`, "one"), { stream: name, seq: 1, duplicate: false });
  assertEquals(await js.publish(`${name}.b`), { stream: name, seq: 2, duplicate: false });
  assertEquals(
    await js.publish(`${name}.c`, new Uint8Array([1, 2, 3])),
    { stream: name, seq: 3, duplicate: false },
  );
  const m = await jsm.streams.getMessage(name, { seq: 3 });
  assertEquals(m.data, new Uint8Array([1, 2, 3]));
  await teardown(nc, jsm, name);
});

Deno.test("js publish - msgID de-duplicates", async () => {
  const { nc, jsm, name } = await setup();
  const js = nc.jetstream();
  assertEquals(await js.publish(`${name}.a`, "x", { msgID: "id1" }), {
    stream: name,
    seq: 1,
    duplicate: false,
  });
  assertEquals(await js.publish(`${name}.a`, "x", { msgID: "id1" }), {
    stream: name,
    seq: 1,
    duplicate: true,
  });
  assertEquals((await js.publish(`${name}.a`, "x", { msgID: "id2" })).seq, 2);
  assertEquals((await jsm.streams.info(name)).state.messages, 2);
  const m = await jsm.streams.getMessage(name, { seq: 2 });
  assertEquals(m.header.get("Nats-Msg-Id"), "id2");
  await teardown(nc, jsm, name);
});

Deno.test("js publish - expect headers accept the right value, reject the wrong one", async () => {
  const { nc, jsm, name } = await setup();
  const js = nc.jetstream();
  await js.publish(`${name}.a`, "1", { msgID: "m1" });

  // streamName
  assertEquals((await js.publish(`${name}.a`, "2", { expect: { streamName: name } })).seq, 2);
  let err = await assertRejects(
    js.publish(`${name}.a`, "x", { expect: { streamName: "OTHER" } }),
    "400",
    "expected stream does not match",
  );
  assertEquals((err as NatsError).api_error?.err_code, 10060);

  // lastSequence
  assertEquals((await js.publish(`${name}.b`, "3", { expect: { lastSequence: 2 } })).seq, 3);
  err = await assertRejects(
    js.publish(`${name}.a`, "x", { expect: { lastSequence: 1 } }),
    "400",
    "wrong last sequence: 3",
  );
  assertEquals((err as NatsError).api_error?.err_code, 10071);

  // lastMsgID
  await js.publish(`${name}.a`, "4", { msgID: "m4" });
  assertEquals(
    (await js.publish(`${name}.a`, "5", { expect: { lastMsgID: "m4" }, msgID: "m5" })).seq,
    5,
  );
  err = await assertRejects(
    js.publish(`${name}.a`, "x", { expect: { lastMsgID: "m1" } }),
    "400",
    "wrong last msg id: m5",
  );
  assertEquals((err as NatsError).api_error?.err_code, 10070);

  // lastSubjectSequence: the last message on `<name>.b` is 3
  assertEquals((await js.publish(`${name}.b`, "6", { expect: { lastSubjectSequence: 3 } })).seq, 6);
  err = await assertRejects(
    js.publish(`${name}.b`, "x", { expect: { lastSubjectSequence: 3 } }),
    "400",
    "wrong last sequence: 6",
  );
  assertEquals((err as NatsError).api_error?.err_code, 10071);
  assertEquals((await jsm.streams.info(name)).state.messages, 6);
  await teardown(nc, jsm, name);
});

Deno.test("js publish - user headers are stored with the message", async () => {
  const { nc, jsm, name } = await setup();
  const h = headers();
  h.set("X-One", "1");
  h.append("X-Many", "a");
  h.append("X-Many", "b");
  await nc.jetstream().publish(`${name}.h`, "body", { headers: h, msgID: "hid" });
  const m = await jsm.streams.getMessage(name, { seq: 1 });
  assertEquals(m.header.get("X-One"), "1");
  assertEquals(m.header.values("X-Many"), ["a", "b"]);
  assertEquals(m.header.get("Nats-Msg-Id"), "hid");
  assertEquals(m.string(), "body");
  await teardown(nc, jsm, name);
});

Deno.test({
  // nats.ws sends an empty header block with every JetStream publish
  name: "js publish - without headers or options the stored message has no header block",
  ignore: IS_NATS_WS,
  fn: async () => {
    const { nc, jsm, name } = await setup();
    const js = nc.jetstream();
    await js.publish(`${name}.plain`, "no headers");
    await js.publish(`${name}.dedup`, "with an id", { msgID: "only-this" });
    // the raw stored message: `hdrs` is present exactly when the message carried a header block
    const raw = async (seq: number) =>
      (await nc.request(`$JS.API.STREAM.MSG.GET.${name}`, JSON.stringify({ seq }))).json<{
        message: { hdrs?: string };
      }>().message;
    assertEquals((await raw(1)).hdrs, undefined);
    assert((await raw(2)).hdrs, "a msgID travels in a header");
    await teardown(nc, jsm, name);
  },
});

Deno.test("js publish - no stream captures the subject: 503, retried as asked", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const js = nc.jetstream();
  const subj = `${uniq("NOSTREAM")}.a`;
  await assertRejects(js.publish(subj, "x"), "503");
  const start = Date.now();
  await assertRejects(js.publish(subj, "x", { retries: 3, retry_delay: 150 }), "503");
  const took = Date.now() - start;
  assert(took >= 290, `3 attempts 150 ms apart took ${took} ms`);
  await nc.close();
});

Deno.test("js publish - a retry succeeds once the stream exists", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const name = uniq("LATE");
  const js = nc.jetstream();
  const p = js.publish(`${name}.a`, "x", { retries: 20, retry_delay: 100 });
  await new Promise((r) => setTimeout(r, 250));
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory });
  assertEquals(await p, { stream: name, seq: 1, duplicate: false });
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("js publish - times out when the acknowledgement does not come", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const subj = `${uniq("SILENT")}.a`;
  nc.subscribe(subj, { callback: () => {} });
  await nc.flush();
  const start = Date.now();
  await assertRejects(nc.jetstream().publish(subj, "x", { timeout: 300 }), "TIMEOUT");
  const took = Date.now() - start;
  assert(took >= 250 && took < 3000, `timed out after ${took} ms`);
  // the client's own timeout applies when the publish has none
  const js = nc.jetstream({ timeout: 200 });
  await assertRejects(js.publish(subj, "x"), "TIMEOUT");
  await nc.close();
});

Deno.test("js publish - a malformed acknowledgement is an error", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const subj = `${uniq("FAKE")}.>`;
  nc.subscribe(subj, {
    callback: (_e, m) => {
      if (m.subject.endsWith(".empty")) m.respond(JSON.stringify({ stream: "", seq: 1 }));
      else if (m.subject.endsWith(".err")) {
        m.respond(JSON.stringify({ error: { code: 503, err_code: 10039, description: "X" } }));
      } else m.respond("{not json");
    },
  });
  await nc.flush();
  const js = nc.jetstream();
  const base = subj.slice(0, -2);
  await assertRejects(js.publish(`${base}.empty`), "JESTREAM_INVALID_ACK");
  const err = await assertRejects(js.publish(`${base}.err`), "503");
  assertEquals((err as NatsError).api_error?.err_code, 10039);
  if (!IS_NATS_WS) await assertRejects(js.publish(`${base}.json`), "BAD_JSON");
  await nc.close();
});
