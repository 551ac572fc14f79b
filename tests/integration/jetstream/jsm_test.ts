// JetStream manager (nc.jetstreamManager()) against the JetStream server of
// tests/nats/jetstream.conf: account info, streams, messages, direct get, consumers, API errors,
// options, advisories. Every test uses its own stream names and deletes what it made.
import { assert, assertEquals, assertRejects } from "../../helpers/assert.ts";
import { connect, headers, NatsError, StorageType } from "../../helpers/deps.ts";
import type { JetStreamManager, NatsConnection } from "../../helpers/deps.ts";
import { IS_NATS_WS, JETSTREAM_URL, NATS_URL, take } from "../../helpers/helpers.ts";

let counter = 0;
/** A stream name no other test (or earlier run against the same server) uses. */
function uniq(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${counter++}`;
}

async function setup(): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: JETSTREAM_URL });
  return { nc, jsm: await nc.jetstreamManager() };
}

/** A memory stream capturing `<name>.>`. */
async function memStream(jsm: JetStreamManager, name: string, extra = {}) {
  return await jsm.streams.add({
    name,
    subjects: [`${name}.>`],
    storage: StorageType.Memory,
    ...extra,
  });
}

Deno.test("jsm - account info counts the streams added", async () => {
  const { nc, jsm } = await setup();
  const before = await jsm.getAccountInfo();
  assertEquals(typeof before.limits.max_streams, "number");
  assertEquals(before.api.errors >= 0, true);
  const name = uniq("ACC");
  await memStream(jsm, name);
  const after = await jsm.getAccountInfo();
  assertEquals(after.streams, before.streams + 1);
  assertEquals(await jsm.streams.delete(name), true);
  assertEquals((await jsm.getAccountInfo()).streams, before.streams);
  await nc.close();
});

Deno.test("jsm - JetStream not enabled", async () => {
  const nc = await connect({ servers: NATS_URL });
  const err = await assertRejects(nc.jetstreamManager(), "503");
  assert(err instanceof NatsError);
  assertEquals(err.isJetStreamError(), false);
  if (!IS_NATS_WS) assertEquals(err.message, "JetStream not enabled");
  // without the check, the first request fails the same way
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  await assertRejects(jsm.getAccountInfo(), "503");
  await nc.close();
});

Deno.test("jsm - options: defaults, domain and apiPrefix", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  assertEquals(jsm.getOptions().apiPrefix, "$JS.API");
  assertEquals(jsm.getOptions().timeout, 5000);
  const dom = await nc.jetstreamManager({ domain: "elsewhere", checkAPI: false });
  assertEquals(dom.getOptions().apiPrefix, "$JS.elsewhere.API");
  assertEquals(dom.getOptions().domain, undefined);
  // nothing serves that domain
  await assertRejects(nc.jetstreamManager({ domain: "elsewhere" }), "503");
  const pre = await nc.jetstreamManager({ apiPrefix: "$JS.API." });
  assertEquals(pre.getOptions().apiPrefix, "$JS.API");
  await nc.close();
});

Deno.test("jsm - stream add, info, update", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("ADD");
  const si = await memStream(jsm, name, { max_msgs: 100 });
  assertEquals(si.config.name, name);
  assertEquals(si.config.subjects, [`${name}.>`]);
  assertEquals(si.config.storage, "memory");
  assertEquals(si.config.retention, "limits");
  assertEquals(si.config.max_msgs, 100);
  assertEquals(si.config.sealed, false);
  assertEquals(si.state.messages, 0);

  const info = await jsm.streams.info(name);
  assertEquals(info.config.max_msgs, 100);
  assertEquals(info.state.last_seq, 0);

  // update merges into the current configuration
  const up = await jsm.streams.update(name, { max_msgs: 10, description: "ten" });
  assertEquals(up.config.max_msgs, 10);
  assertEquals(up.config.description, "ten");
  assertEquals(up.config.subjects, [`${name}.>`]);
  assertEquals(up.config.storage, "memory");

  // the same name with another configuration is an API error
  const err = await assertRejects(memStream(jsm, name, { max_msgs: 5 }), "400");
  assertEquals((err as NatsError).api_error?.err_code, 10058);
  assertEquals(err.message, "stream name already in use with a different configuration");
  assertEquals(await jsm.streams.delete(name), true);
  await nc.close();
});

Deno.test("jsm - stream names are validated before any request", async () => {
  const { nc, jsm } = await setup();
  for (
    const [bad, shown] of [["a.b", "."], ["a*", "*"], ["a>", ">"], ["a b", " "], ["a\tb", "\\t"]]
  ) {
    await assertRejects(
      jsm.streams.add({ name: bad, subjects: ["bad.names"] }),
      undefined,
      `invalid stream name - stream name cannot contain '${shown}'`,
    );
    await assertRejects(jsm.streams.info(bad), undefined, "stream name cannot contain");
  }
  await assertRejects(jsm.streams.info(""), undefined, "stream name required");
  await assertRejects(jsm.streams.delete(""), undefined, "stream name required");
  await nc.close();
});

Deno.test("jsm - a missing stream is a JetStream API error 10059", async () => {
  const { nc, jsm } = await setup();
  const err = await assertRejects(jsm.streams.info(uniq("MISSING")), "404");
  assert(err instanceof NatsError);
  assertEquals(err.isJetStreamError(), true);
  assertEquals(err.api_error?.err_code, 10059);
  assertEquals(err.api_error?.code, 404);
  assertEquals(err.message, "stream not found");
  await assertRejects(jsm.streams.delete(uniq("MISSING")), "404");
  await nc.close();
});

Deno.test("jsm - list, names and find", async () => {
  const { nc, jsm } = await setup();
  const a = uniq("LA"), b = uniq("LB");
  await memStream(jsm, a);
  await memStream(jsm, b);
  const names: string[] = [];
  for await (const n of jsm.streams.names()) names.push(n);
  assert(names.includes(a) && names.includes(b), `names: ${names}`);
  const infos: string[] = [];
  for await (const si of jsm.streams.list()) infos.push(si.config.name);
  assert(infos.includes(a) && infos.includes(b), `list: ${infos}`);

  // with a subject filter only the stream that captures it
  const only: string[] = [];
  for await (const si of jsm.streams.list(`${a}.x`)) only.push(si.config.name);
  assertEquals(only, [a]);
  const onlyNames: string[] = [];
  for await (const n of jsm.streams.names(`${b}.y`)) onlyNames.push(n);
  assertEquals(onlyNames, [b]);

  // page by page: one page, then nothing
  const lister = jsm.streams.names(`${a}.z`);
  assertEquals(await lister.next(), [a]);
  assertEquals(await lister.next(), []);

  assertEquals(await jsm.streams.find(`${b}.q`), b);
  await assertRejects(
    jsm.streams.find(`${uniq("NONE")}.q`),
    undefined,
    "no stream matches subject",
  );
  await jsm.streams.delete(a);
  await jsm.streams.delete(b);
  await nc.close();
});

Deno.test("jsm - purge: all, by filter, by seq, keep", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("PURGE");
  await memStream(jsm, name);
  const js = nc.jetstream();
  const fill = async () => {
    for (let i = 0; i < 5; i++) {
      await js.publish(`${name}.a`, `a${i}`);
      await js.publish(`${name}.b`, `b${i}`);
    }
  };
  await fill();
  const pr = await jsm.streams.purge(name, { filter: `${name}.a` });
  assertEquals([pr.success, pr.purged], [true, 5]);
  assertEquals((await jsm.streams.info(name)).state.messages, 5);
  // below sequence 8: the b messages 2, 4, 6 go
  assertEquals((await jsm.streams.purge(name, { seq: 8 })).purged, 3);
  assertEquals((await jsm.streams.info(name)).state.first_seq, 8);
  await fill();
  assertEquals((await jsm.streams.purge(name, { keep: 3 })).purged, 9);
  assertEquals((await jsm.streams.info(name)).state.messages, 3);
  await assertRejects(
    jsm.streams.purge(name, { keep: 1, seq: 2 } as unknown as { keep: number }),
    undefined,
    "can specify one of keep or seq",
  );
  assertEquals((await jsm.streams.purge(name)).purged, 3);
  assertEquals((await jsm.streams.info(name)).state.messages, 0);
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - getMessage and deleteMessage (erase or not)", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("MSG");
  await memStream(jsm, name);
  const js = nc.jetstream();
  const h = headers();
  h.set("X-Test", "one");
  await js.publish(`${name}.a`, "first", { headers: h });
  await js.publish(`${name}.b`, JSON.stringify({ n: 2 }));
  await js.publish(`${name}.a`, "third");
  await js.publish(`${name}.b`, "fourth");

  const m1 = await jsm.streams.getMessage(name, { seq: 1 });
  assertEquals(m1.seq, 1);
  assertEquals(m1.subject, `${name}.a`);
  assertEquals(m1.string(), "first");
  assertEquals(m1.header.get("X-Test"), "one");
  assert(m1.time.getTime() > Date.now() - 60_000, `time ${m1.timestamp}`);
  assertEquals((await jsm.streams.getMessage(name, { seq: 2 })).json(), { n: 2 });
  const last = await jsm.streams.getMessage(name, { last_by_subj: `${name}.a` });
  assertEquals([last.seq, last.string()], [3, "third"]);

  assertEquals(await jsm.streams.deleteMessage(name, 2), true);
  assertEquals(await jsm.streams.deleteMessage(name, 3, false), true);
  const info = await jsm.streams.info(name, { deleted_details: true });
  assertEquals([info.state.messages, info.state.num_deleted], [2, 2]);
  assertEquals(info.state.deleted, [2, 3]);
  assertEquals((await jsm.streams.info(name)).state.deleted, undefined);
  const err = await assertRejects(jsm.streams.getMessage(name, { seq: 2 }), "404");
  assertEquals((err as NatsError).api_error?.err_code, 10037);
  assertEquals(err.message, "no message found");
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - info with subjects_filter reports per-subject counts", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("SUBJ");
  await memStream(jsm, name);
  const js = nc.jetstream();
  for (const s of ["a", "a", "b", "c.d"]) await js.publish(`${name}.${s}`);
  const si = await jsm.streams.info(name, { subjects_filter: ">" });
  assertEquals(si.state.subjects, { [`${name}.a`]: 2, [`${name}.b`]: 1, [`${name}.c.d`]: 1 });
  const only = await jsm.streams.info(name, { subjects_filter: `${name}.a` });
  assertEquals(only.state.subjects, { [`${name}.a`]: 2 });
  assertEquals((await jsm.streams.info(name)).state.subjects, undefined);
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - direct get by seq and last_by_subj (ADR-31)", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("DIRECT");
  await memStream(jsm, name, { allow_direct: true });
  const js = nc.jetstream();
  await js.publish(`${name}.a`, "one");
  await js.publish(`${name}.b`, "two");
  await js.publish(`${name}.a`, "three");
  const m = await jsm.direct.getMessage(name, { seq: 2 });
  assertEquals([m.seq, m.subject, m.string()], [2, `${name}.b`, "two"]);
  assertEquals((m as unknown as { stream: string }).stream, name);
  assert(!isNaN(m.time.getTime()), `timestamp ${m.timestamp}`);
  const last = await jsm.direct.getMessage(name, { last_by_subj: `${name}.a` });
  assertEquals([last.seq, last.string()], [3, "three"]);
  const next = await jsm.direct.getMessage(name, { seq: 1, next_by_subj: `${name}.b` });
  assertEquals(next.seq, 2);
  const err = await assertRejects(jsm.direct.getMessage(name, { seq: 99 }), "404");
  assertEquals(err.message, "message not found");
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - direct getBatch: the last message of each subject", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("BATCH");
  await memStream(jsm, name, { allow_direct: true });
  const js = nc.jetstream();
  for (const s of ["a", "b", "a", "c", "b"]) await js.publish(`${name}.${s}`, s);
  const it = await jsm.direct.getBatch(name, { multi_last: [`${name}.a`, `${name}.b`] });
  const got: [number, string][] = [];
  for await (const m of it) got.push([m.seq, m.subject]);
  assertEquals(got, [[3, `${name}.a`], [5, `${name}.b`]]);
  // up to sequence 3: b's last is then 2
  const upTo = await jsm.direct.getBatch(name, { multi_last: [`${name}.b`], up_to_seq: 3 });
  const seqs: number[] = [];
  for await (const m of upTo) seqs.push(m.seq);
  assertEquals(seqs, [2]);
  if (!IS_NATS_WS) {
    // nats.ws rejects with a bare string here
    await assertRejects(jsm.direct.getBatch(name, { multi_last: [] }), undefined, "multi_last");
  }
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - streams.get returns a Stream handle", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("HANDLE");
  await memStream(jsm, name);
  await nc.jetstream().publish(`${name}.a`, "x");
  const s = await jsm.streams.get(name);
  assertEquals(s.name, name);
  assertEquals((await s.info(true)).state.messages, 1);
  assertEquals(await s.alternates(), []);
  assertEquals((await s.best()).name, name);
  assertEquals((await s.getMessage({ seq: 1 })).string(), "x");
  assertEquals(await s.deleteMessage(1), true);
  assertEquals((await s.info()).state.messages, 0);
  await assertRejects(jsm.streams.get(uniq("NOPE")), "404");
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - consumers add, info, list, update, delete", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("CONS");
  await memStream(jsm, name);
  const ci = await jsm.consumers.add(name, {
    durable_name: "dur",
    ack_policy: "explicit" as never,
    filter_subject: `${name}.a`,
  });
  assertEquals(ci.name, "dur");
  assertEquals(ci.stream_name, name);
  assertEquals(ci.config.durable_name, "dur");
  assertEquals(ci.config.ack_policy, "explicit");
  assertEquals(ci.config.filter_subject, `${name}.a`);
  await jsm.consumers.add(name, { name: "eph", ack_policy: "none" as never });

  assertEquals((await jsm.consumers.info(name, "dur")).config.filter_subject, `${name}.a`);
  const listed: string[] = [];
  for await (const c of jsm.consumers.list(name)) listed.push(c.name);
  assertEquals(listed.sort(), ["dur", "eph"]);

  const up = await jsm.consumers.update(name, "dur", { description: "d", max_deliver: 3 });
  assertEquals([up.config.description, up.config.max_deliver], ["d", 3]);
  assertEquals(up.config.filter_subject, `${name}.a`);

  assertEquals(await jsm.consumers.delete(name, "dur"), true);
  const err = await assertRejects(jsm.consumers.info(name, "dur"), "404");
  assertEquals((err as NatsError).api_error?.err_code, 10014);
  assertEquals(err.message, "consumer not found");
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - consumer names are validated", async () => {
  const { nc, jsm } = await setup();
  await assertRejects(
    jsm.consumers.add("S", { durable_name: "a.b" }),
    undefined,
    "invalid durable name - durable name cannot contain '.'",
  );
  await assertRejects(jsm.consumers.add("S", { name: "a b" }), undefined, "cannot contain ' '");
  await assertRejects(jsm.consumers.info("S", "a>"), undefined, "durable name cannot contain '>'");
  await assertRejects(jsm.consumers.delete("S", ""), undefined, "durable name required");
  await nc.close();
});

Deno.test("jsm - consumers pause and resume", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("PAUSE");
  await memStream(jsm, name);
  await jsm.consumers.add(name, { durable_name: "p", ack_policy: "explicit" as never });
  const until = new Date(Date.now() + 60_000);
  const r = await jsm.consumers.pause(name, "p", until);
  assertEquals(r.paused, true);
  assertEquals(Date.parse(r.pause_until!), until.getTime());
  assertEquals((await jsm.consumers.info(name, "p")).paused, true);
  const res = await jsm.consumers.resume(name, "p");
  assertEquals(res.paused, false);
  assertEquals((await jsm.consumers.info(name, "p")).paused ?? false, false);
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - advisories yield {kind, data}", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("ADV");
  const it = jsm.advisories();
  await nc.flush();
  await memStream(jsm, name);
  const seen = await take(it, 2, 5000, "advisories");
  const kinds = seen.map((a) => a.kind).sort();
  assertEquals(kinds, ["api_audit", "stream_action"]);
  const action = seen.find((a) => a.kind === "stream_action")!.data as Record<string, unknown>;
  assertEquals([action.stream, action.action], [name, "create"]);
  await jsm.streams.delete(name);
  await nc.close();
});

Deno.test("jsm - API replies: errors from any responder, BAD_JSON for non-JSON", async () => {
  const nc = await connect({ servers: JETSTREAM_URL });
  const prefix = `fakejs${counter++}`;
  nc.subscribe(`${prefix}.INFO`, { callback: (_e, m) => m.respond("not json") });
  nc.subscribe(`${prefix}.STREAM.INFO.>`, {
    callback: (_e, m) =>
      m.respond(
        JSON.stringify({
          type: "x",
          error: { code: 400, err_code: 10999, description: "Bad Thing" },
        }),
      ),
  });
  await nc.flush();
  const jsm = await nc.jetstreamManager({ apiPrefix: prefix, checkAPI: false });
  const err = await assertRejects(jsm.streams.info("X"), "400", "bad thing");
  assertEquals((err as NatsError).api_error, {
    code: 400,
    err_code: 10999,
    description: "Bad Thing",
  });
  if (!IS_NATS_WS) {
    await assertRejects(nc.jetstreamManager({ apiPrefix: prefix }), "BAD_JSON");
  }
  await nc.close();
});

Deno.test("jsm - delete stream", async () => {
  const { nc, jsm } = await setup();
  const name = uniq("DEL");
  await memStream(jsm, name);
  assertEquals(await jsm.streams.delete(name), true);
  const err = await assertRejects(jsm.streams.delete(name), "404");
  assertEquals((err as NatsError).api_error?.err_code, 10059);
  await nc.close();
});
