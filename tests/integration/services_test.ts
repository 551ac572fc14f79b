// The Service API (ADR-32, nats.deno v1.29.3's `nc.services`): endpoints with handlers and as
// iterators, groups and queue groups, the $SRV PING / INFO / STATS answers and their schemas (also
// through `services.client()`), stats counting requests, errors and processing time, the service
// error headers, stop and drain answering the requests already received, and bad configurations.
// Every service gets a fresh name: $SRV.PING reaches every service on the server.
import {
  createInbox,
  Empty,
  ErrorCode,
  headers,
  JSONCodec,
  nuid,
  RequestStrategy,
  ServiceError,
  ServiceErrorCodeHeader,
  ServiceErrorHeader,
  ServiceResponseType,
  ServiceVerb,
} from "../helpers/deps.ts";
import type {
  Msg,
  NatsConnection,
  QueuedIterator,
  ServiceIdentity,
  ServiceInfo,
  ServiceStats,
} from "../helpers/deps.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { connectTest, drainAll, IS_NATS_WS, latch, within } from "../helpers/helpers.ts";

const jc = JSONCodec();
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A name no other test (or earlier run) uses: services are found by name. */
const uniqueName = (tag: string) => `${tag}-${nuid.next()}`;

/**
 * Every answer to a control request, gathered for `ms` (no count is known in advance); none when
 * nobody listens on the subject (the request then ends with no responders).
 */
async function gather<T>(nc: NatsConnection, subject: string, ms = 500): Promise<T[]> {
  const it = await nc.requestMany(subject, Empty, { maxWait: ms });
  const out: T[] = [];
  try {
    for await (const m of it) out.push(m.json<T>());
  } catch (err) {
    if ((err as { code?: string }).code !== ErrorCode.NoResponders) throw err;
  }
  return out;
}

/** Discovery options that gather for `ms`. */
const timer = (ms: number) => ({ strategy: RequestStrategy.Timer, maxWait: ms });

/** All items of a discovery iterator (it ends by itself after maxWait). */
function all<T>(p: Promise<QueuedIterator<T>>): Promise<T[]> {
  return p.then((it) => drainAll(it, 5000, "discovery answers"));
}

/** Busy-waits `ms` so that a handler has a measurable processing time. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}

Deno.test("services: an endpoint answers; ping, info and stats on the nine $SRV subjects", async () => {
  const nc = await connectTest();
  const name = uniqueName("echo");
  const srv = await nc.services.add({
    name,
    version: "1.2.3",
    description: "echoes",
    metadata: { team: "a" },
  });
  const subject = createInbox("svc");
  srv.addEndpoint("echo", {
    subject,
    metadata: { kind: "echo" },
    handler: (_err, m) => {
      m.respond(m.data);
    },
  });
  await nc.flush();
  assertEquals((await nc.request(subject, "hi")).string(), "hi");

  const ping = srv.ping();
  assertEquals(ping.type, "io.nats.micro.v1.ping_response");
  assertEquals(ServiceResponseType.PING, "io.nats.micro.v1.ping_response");
  assertEquals(ping.name, name);
  assertEquals(ping.version, "1.2.3");
  assertEquals(ping.metadata, { team: "a" });
  assertMatch(ping.id, /^[A-Za-z0-9]{22}$/);
  const id = ping.id;

  // PING: all services (others may answer too), this name, this instance; all the same JSON
  for (const subj of [`$SRV.PING`, `$SRV.PING.${name}`, `$SRV.PING.${name}.${id}`]) {
    const mine = (await gather<ServiceIdentity>(nc, subj)).filter((p) => p.id === id);
    assertEquals(mine, [{
      type: ServiceResponseType.PING,
      name,
      id,
      version: "1.2.3",
      metadata: { team: "a" },
    }], subj);
  }
  assertEquals(await gather(nc, `$SRV.PING.${name}.nosuchid`, 200), []);

  const expectedInfo = {
    type: "io.nats.micro.v1.info_response",
    name,
    id,
    version: "1.2.3",
    description: "echoes",
    metadata: { team: "a" },
    endpoints: [{ name: "echo", subject, metadata: { kind: "echo" }, queue_group: "q" }],
  };
  assertEquals(srv.info(), expectedInfo as ServiceInfo);
  for (const subj of [`$SRV.INFO`, `$SRV.INFO.${name}`, `$SRV.INFO.${name}.${id}`]) {
    const mine = (await gather<ServiceInfo>(nc, subj)).filter((p) => p.id === id);
    assertEquals(mine, [expectedInfo as ServiceInfo], subj);
  }

  for (const subj of [`$SRV.STATS`, `$SRV.STATS.${name}`, `$SRV.STATS.${name}.${id}`]) {
    const mine = (await gather<ServiceStats>(nc, subj)).filter((p) => p.id === id);
    assertEquals(mine.length, 1, subj);
    const s = mine[0];
    assertEquals(s.type, "io.nats.micro.v1.stats_response");
    assertEquals([s.name, s.id, s.version], [name, id, "1.2.3"]);
    assertEquals(s.metadata, { team: "a" });
    assert(!Number.isNaN(Date.parse(s.started)) && s.started.endsWith("Z"), `started ${s.started}`);
    assertEquals(s.endpoints!.length, 1);
    const e = s.endpoints![0];
    assertEquals([e.name, e.subject, e.queue_group], ["echo", subject, "q"]);
    assertEquals([e.num_requests, e.num_errors], [1, 0]);
    assert(Number.isInteger(e.processing_time) && Number.isInteger(e.average_processing_time));
  }
  assertEquals(ServiceVerb.PING, "PING");
  await srv.stop();
  await nc.close();
});

Deno.test("services: groups nest and the queue group resolves endpoint, group, service, 'q'", async () => {
  const nc = await connectTest();
  const p = createInbox("grp").replaceAll(".", "_");
  const srv = await nc.services.add({ name: uniqueName("groups"), version: "0.0.1" });
  const ok = (_e: unknown, m: { respond(d?: string): boolean }) => void m.respond("ok");
  const g = srv.addGroup(p);
  g.addEndpoint("a", ok);
  const h = g.addGroup("h.i", "gq");
  h.addEndpoint("b", ok);
  h.addEndpoint("c", { handler: ok, queue: "eq", subject: "cc.>" });
  srv.addGroup("").addEndpoint("d", { handler: ok, subject: `${p}.d` });
  const srv2 = await nc.services.add({ name: uniqueName("groups"), version: "0.0.1", queue: "sq" });
  srv2.addEndpoint("e", { handler: ok, subject: `${p}.e` });
  await nc.flush();
  const eps = srv.info().endpoints.map((e) => [e.name, e.subject, e.queue_group]);
  assertEquals(eps, [
    ["a", `${p}.a`, "q"],
    ["b", `${p}.h.i.b`, "gq"],
    ["c", `${p}.h.i.cc.>`, "eq"],
    ["d", `${p}.d`, "q"],
  ]);
  assertEquals(srv2.info().endpoints[0].queue_group, "sq");
  for (const s of [`${p}.a`, `${p}.h.i.b`, `${p}.h.i.cc.x.y`, `${p}.d`, `${p}.e`]) {
    assertEquals((await nc.request(s)).string(), "ok", s);
  }
  await srv.stop();
  await srv2.stop();
  await nc.close();
});

Deno.test("services: two instances in one queue group share the requests", async () => {
  const a = await connectTest();
  const b = await connectTest();
  const client = await connectTest();
  const name = uniqueName("shared");
  const subject = createInbox("shared");
  const instances = [];
  for (const nc of [a, b]) {
    const srv = await nc.services.add({ name, version: "1.0.0" });
    srv.addEndpoint("work", { subject, handler: (_e, m) => void m.respond(srv.info().id) });
    await nc.flush();
    instances.push(srv);
  }
  const N = 200;
  const replies = await Promise.all(
    Array.from({ length: N }, () => client.request(subject, Empty, { timeout: 5000 })),
  );
  const by = new Map<string, number>();
  for (const r of replies) by.set(r.string(), (by.get(r.string()) ?? 0) + 1);
  const ids = instances.map((s) => s.info().id);
  assertEquals([...by.keys()].sort(), [...ids].sort(), "both instances answered");
  // each request went to exactly one instance, and the stats say so
  const stats = await all(client.services.client().stats(name));
  assertEquals(stats.length, 2);
  const counts = stats.map((s) => s.endpoints![0].num_requests);
  assertEquals(counts[0] + counts[1], N);
  for (const s of stats) assertEquals(s.endpoints![0].num_requests, by.get(s.id));
  await Promise.all(instances.map((s) => s.stop()));
  await Promise.all([a.close(), b.close(), client.close()]);
});

Deno.test("services: stats count requests, errors and processing time; reset() zeroes them", async () => {
  const nc = await connectTest();
  const name = uniqueName("stats");
  const subject = createInbox("stats");
  const srv = await nc.services.add({
    name,
    version: "1.0.0",
    statsHandler: (ep) => Promise.resolve({ subject: ep.subject, extra: 42 }),
  });
  srv.addEndpoint("work", {
    subject,
    handler: (_e, m) => {
      spin(3);
      if (m.string() === "fail") throw new Error("bad input");
      m.respond("done");
    },
  });
  await nc.flush();
  for (let i = 0; i < 4; i++) assertEquals((await nc.request(subject, "x")).string(), "done");
  const failed = await nc.request(subject, "fail");
  assertEquals(failed.headers?.get(ServiceErrorHeader), "bad input");
  assertEquals(failed.headers?.get(ServiceErrorCodeHeader), "500");
  assertEquals(failed.data.length, 0);

  const check = (s: ServiceStats, label: string) => {
    const e = s.endpoints![0];
    assertEquals(e.num_requests, 5, label);
    assertEquals(e.num_errors, 1, label);
    assertEquals(e.last_error, "bad input", label);
    assertEquals(e.data, { subject, extra: 42 }, label);
    // 5 handlers of at least 3 ms each, in nanoseconds
    assert(e.processing_time >= 15_000_000, `${label}: processing_time ${e.processing_time}`);
    assert(e.processing_time < 5_000_000_000, `${label}: processing_time ${e.processing_time}`);
    assertEquals(e.average_processing_time, Math.round(e.processing_time / 5), label);
  };
  check(await srv.stats(), "srv.stats()");
  const [viaClient] = await all(nc.services.client().stats(name, srv.info().id));
  check(viaClient, "client().stats()");
  const [viaSubject] = await gather<ServiceStats>(nc, `$SRV.STATS.${name}`);
  check(viaSubject, "$SRV.STATS.<name>");

  const before = (await srv.stats()).started;
  await delay(5);
  srv.reset();
  const after = await srv.stats();
  assert(Date.parse(after.started) > Date.parse(before), "reset() restarts the clock");
  const e = after.endpoints![0];
  assertEquals([e.num_requests, e.num_errors, e.processing_time, e.average_processing_time], [
    0,
    0,
    0,
    0,
  ]);
  assertEquals(e.last_error, undefined);
  await srv.stop();
  await nc.close();
});

Deno.test("services: a failing stats handler counts an error on its endpoint", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({
    name: uniqueName("badstats"),
    version: "1.0.0",
    statsHandler: () => Promise.reject(new Error("no data")),
  });
  srv.addEndpoint("x", { subject: createInbox("x"), handler: (_e, m) => void m.respond() });
  const e = (await srv.stats()).endpoints![0];
  assertEquals([e.num_errors, e.last_error], [1, "no data"]);
  await srv.stop();
  await nc.close();
});

Deno.test("services: respondError and thrown errors answer with the service error headers", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("errors"), version: "1.0.0" });
  const p = createInbox("err");
  srv.addEndpoint("explicit", {
    subject: `${p}.explicit`,
    handler: (_e, m) => {
      m.data.length
        ? m.respond("fine")
        : m.respondError(411, "data required", jc.encode({ why: 1 }));
    },
  });
  srv.addEndpoint("coded", {
    subject: `${p}.coded`,
    handler: () => {
      throw new ServiceError(1210, "something");
    },
  });
  srv.addEndpoint("plain", {
    subject: `${p}.plain`,
    handler: () => {
      throw new Error("boom");
    },
  });
  await nc.flush();

  let r = await nc.request(`${p}.explicit`);
  assertEquals(ServiceError.isServiceError(r), true);
  const se = ServiceError.toServiceError(r)!;
  assert(se instanceof ServiceError && se instanceof Error);
  assertEquals([se.code, se.message], [411, "data required"]);
  assertEquals(r.headers?.get(ServiceErrorCodeHeader), "411");
  assertEquals(r.json(), { why: 1 });
  r = await nc.request(`${p}.explicit`, "x");
  assertEquals([ServiceError.isServiceError(r), ServiceError.toServiceError(r)], [false, null]);
  assertEquals(r.string(), "fine");

  r = await nc.request(`${p}.coded`);
  assertEquals([r.headers?.get(ServiceErrorCodeHeader), r.headers?.get(ServiceErrorHeader)], [
    "1210",
    "something",
  ]);
  r = await nc.request(`${p}.plain`);
  assertEquals(ServiceError.toServiceError(r)?.code, 500);
  assertEquals(ServiceError.toServiceError(r)?.message, "boom");
  // thrown errors are counted; respondError is an answer, not a failure (as nats.deno)
  const eps = (await srv.stats()).endpoints!;
  assertEquals(eps.map((e) => [e.name, e.num_requests, e.num_errors]), [
    ["explicit", 2, 0],
    ["coded", 1, 1],
    ["plain", 1, 1],
  ]);
  await srv.stop();
  await nc.close();
});

Deno.test("services: a code header that is not a number reads as 400, its text the message", async () => {
  const nc = await connectTest();
  const subj = createInbox("code");
  const sub = nc.subscribe(subj, {
    callback: (_e, m) => {
      // a hand-written error reply: a text code and no description
      const h = headers();
      h.set(ServiceErrorCodeHeader, "oops");
      m.respond(Empty, { headers: h });
    },
  });
  await nc.flush();
  const se = ServiceError.toServiceError(await nc.request(subj))!;
  assertEquals([se.code, se.message], [400, "oops"]);
  sub.unsubscribe();
  await nc.close();
});

Deno.test("services: an iterator endpoint yields ServiceMsg; leaving its loop stops the service", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("iter"), version: "2.0.0" });
  const subject = createInbox("iter");
  const iter = srv.addEndpoint("q", { subject });
  const loop = (async () => {
    let n = 0;
    for await (const m of iter) {
      spin(2);
      m.data.length ? m.respond(m.data) : m.respondError(411, "data required");
      if (++n === 3) break;
    }
    return n;
  })();
  await nc.flush();
  assertEquals((await nc.request(subject, "a")).string(), "a");
  assertEquals(ServiceError.toServiceError(await nc.request(subject))?.code, 411);
  const e = (await srv.stats()).endpoints![0];
  assertEquals(e.num_requests, 2);
  assert(e.processing_time > 0, `processing_time ${e.processing_time}`);
  assertEquals(iter.getProcessed(), 2);
  assertEquals((await nc.request(subject, "c")).string(), "c");
  assertEquals(await within(loop, 2000, "the loop"), 3);
  assertEquals(await within(srv.stopped, 2000, "stopped"), null);
  assertEquals(srv.isStopped, true);
  await assertRejects(nc.request(subject, "d", { timeout: 500 }), ErrorCode.NoResponders);
  await nc.close();
});

Deno.test("services: iterating a handler endpoint throws, and the service keeps running", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("cbiter"), version: "2.0.0" });
  const subject = createInbox("cbiter");
  const it = srv.addEndpoint("q", { subject, handler: (_e, m) => void m.respond("cb") });
  await assertRejects((async () => {
    for await (const _m of it) { /* never */ }
  })());
  await nc.flush();
  assertEquals(srv.isStopped, false);
  assertEquals((await nc.request(subject)).string(), "cb");
  await srv.stop();
  await nc.close();
});

Deno.test("services: client() pings, infos and stats all services, one name, one instance", async () => {
  const nc = await connectTest();
  const other = await connectTest();
  const nameA = uniqueName("alpha");
  const nameB = uniqueName("beta");
  const a1 = await nc.services.add({ name: nameA, version: "1.0.0" });
  const a2 = await other.services.add({ name: nameA, version: "1.0.1" });
  const b = await other.services.add({ name: nameB, version: "3.0.0", description: "b" });
  b.addEndpoint("b1", { subject: createInbox("b1"), handler: (_e, m) => void m.respond() });
  await Promise.all([nc.flush(), other.flush()]);
  const client = nc.services.client(timer(500));
  const mine = new Set([a1, a2, b].map((s) => s.info().id));

  const everyone = (await all(client.ping())).filter((p) => mine.has(p.id));
  assertEquals(everyone.length, 3);
  for (const p of everyone) assertEquals(p.type, ServiceResponseType.PING);
  const alphas = await all(client.ping(nameA));
  assertEquals(alphas.map((p) => p.version).sort(), ["1.0.0", "1.0.1"]);
  const one = await all(client.info(nameB, b.info().id));
  assertEquals(one.length, 1);
  assertEquals(one[0].type, ServiceResponseType.INFO);
  assertEquals([one[0].description, one[0].endpoints.map((e) => e.name)], ["b", ["b1"]]);
  const st = await all(client.stats(nameA, a2.info().id));
  assertEquals(st.map((s) => [s.type, s.version, s.endpoints]), [
    [ServiceResponseType.STATS, "1.0.1", []],
  ]);
  // the default options gather for 2 s at most (jitter timer), so this is quick too
  const t0 = Date.now();
  assertEquals((await all(nc.services.client().ping(nameB))).length, 1);
  assert(Date.now() - t0 < 2500, "the default discovery ends within maxWait");
  // a prefix replaces $SRV: nobody answers under another one, and the iterator says so
  await assertRejects(
    all(nc.services.client(timer(200), createInbox("nope")).ping()),
    ErrorCode.NoResponders,
  );
  await Promise.all([a1.stop(), a2.stop(), b.stop()]);
  await Promise.all([nc.close(), other.close()]);
});

Deno.test("services: stop() answers the requests already received, then ends every subscription", async () => {
  const nc = await connectTest();
  const client = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("stop"), version: "1.0.0" });
  const p = createInbox("stop");
  const iter = srv.addEndpoint("slow", { subject: `${p}.slow` });
  const first = latch();
  (async () => {
    for await (const m of iter) {
      first.resolve();
      await delay(30);
      m.respond(m.data);
    }
  })();
  srv.addEndpoint("cb", { subject: `${p}.cb`, handler: (_e, m) => void m.respond("cb") });
  await nc.flush();
  const N = 5;
  const replies = Array.from(
    { length: N },
    (_, i) => client.request(`${p}.slow`, `${i}`, { timeout: 5000 }),
  );
  await client.flush();
  await within(first, 2000, "the first request");
  await delay(50); // all N have reached the service's connection
  const stopped = srv.stop();
  assertEquals(srv.isStopped, true);
  assertEquals(srv.stop(), stopped, "stop() again returns the same promise");
  const got = await within(Promise.all(replies), 5000, "replies after stop()");
  assertEquals(got.map((m) => m.string()), ["0", "1", "2", "3", "4"]);
  assertEquals(await within(stopped, 5000, "stopped"), null);
  await assertRejects(client.request(`${p}.cb`, "x", { timeout: 500 }), ErrorCode.NoResponders);
  assertEquals(await gather(client, `$SRV.PING.${srv.info().name}`, 200), []);
  assertEquals(nc.isClosed(), false, "stopping a service leaves the connection open");
  await Promise.all([nc.close(), client.close()]);
});

Deno.test("services: stop(err) resolves stopped with that error", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("stoperr"), version: "1.0.0" });
  const err = new Error("going down");
  assertEquals(await srv.stop(err), err);
  assertEquals(await srv.stopped, err);
  await nc.close();
});

Deno.test("services: closing the connection stops its services", async () => {
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("close"), version: "1.0.0" });
  srv.addEndpoint("x", { subject: createInbox("x"), handler: (_e, m) => void m.respond() });
  await nc.close();
  const why = await within(srv.stopped, 2000, "stopped");
  // a clean stop for us; nats.deno sees its control subscriptions end first and reports that
  if (!IS_NATS_WS) assertEquals(why, null);
  assertEquals(srv.isStopped, true);
});

Deno.test("services: nc.drain() answers requests already received by handlers and iterators", async () => {
  // nats.ws can close before an iterator or an async handler has answered (requests time out)
  if (IS_NATS_WS) return;
  const nc = await connectTest();
  const client = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("drain"), version: "1.0.0" });
  const p = createInbox("drain");
  const iter = srv.addEndpoint("iter", { subject: `${p}.iter` });
  const seen = latch();
  (async () => {
    for await (const m of iter) {
      seen.resolve();
      await delay(20);
      m.respond(`i${m.string()}`);
    }
  })();
  srv.addEndpoint("async", {
    subject: `${p}.async`,
    handler: async (_e, m) => {
      await delay(100);
      m.respond(`a${m.string()}`);
    },
  });
  await nc.flush();
  const N = 4;
  const replies: Promise<Msg>[] = [];
  for (let i = 0; i < N; i++) {
    replies.push(client.request(`${p}.iter`, `${i}`, { timeout: 5000 }));
    replies.push(client.request(`${p}.async`, `${i}`, { timeout: 5000 }));
  }
  await client.flush();
  await within(seen, 2000, "the first request");
  await delay(50);
  const drained = nc.drain();
  const got = await within(Promise.all(replies), 5000, "replies after nc.drain()");
  assertEquals(got.map((m) => m.string()), [
    "i0",
    "a0",
    "i1",
    "a1",
    "i2",
    "a2",
    "i3",
    "a3",
  ]);
  await within(drained, 5000, "drain");
  assertEquals(await within(srv.stopped, 2000, "stopped"), null);
  const e = (await srv.stats()).endpoints!;
  assertEquals(e.map((x) => x.num_requests), [N, N]);
  await client.close();
});

Deno.test("services: an async handler that rejects is counted and answered like a throw", async () => {
  if (IS_NATS_WS) return; // nats.deno leaves the rejection unhandled (no answer)
  const nc = await connectTest();
  const srv = await nc.services.add({ name: uniqueName("reject"), version: "1.0.0" });
  const subject = createInbox("reject");
  srv.addEndpoint("r", {
    subject,
    handler: async () => {
      await delay(1);
      throw new ServiceError(503, "later");
    },
  });
  await nc.flush();
  const r = await nc.request(subject);
  assertEquals([ServiceError.toServiceError(r)?.code, ServiceError.toServiceError(r)?.message], [
    503,
    "later",
  ]);
  const e = (await srv.stats()).endpoints![0];
  assertEquals([e.num_requests, e.num_errors, e.last_error], [1, 1, "later"]);
  await srv.stop();
  await nc.close();
});

Deno.test(
  "services: a thrown message with a line break still answers (the break becomes a space)",
  async () => {
    if (IS_NATS_WS) return; // nats.ws fails to set the header and never answers
    const nc = await connectTest();
    const srv = await nc.services.add({ name: uniqueName("nl"), version: "1.0.0" });
    const subject = createInbox("nl");
    srv.addEndpoint("nl", {
      subject,
      handler: () => {
        throw new Error("first line\r\nsecond line");
      },
    });
    await nc.flush();
    const r = await nc.request(subject);
    assertEquals(r.headers?.get(ServiceErrorHeader), "first line second line");
    assertEquals((await srv.stats()).endpoints![0].last_error, "first line\r\nsecond line");
    await srv.stop();
    await nc.close();
  },
);

Deno.test("services: bad names, versions and subjects are rejected with clear errors", async () => {
  const nc = await connectTest();
  const code = IS_NATS_WS ? undefined : ErrorCode.InvalidOption;
  const add = (name: unknown, version: unknown = "1.0.0") =>
    nc.services.add({ name, version } as { name: string; version: string });
  await assertRejects(add(""), code, "name required");
  await assertRejects(add("a b"), code, "name cannot contain ' '");
  await assertRejects(add("a.b"), code, "name cannot contain '.'");
  await assertRejects(add(">"), code, "name cannot contain '>'");
  await assertRejects(add("/"), code, "name cannot contain '/'");
  await assertRejects(add("ok", ""), code, "'' is not a semver value");
  await assertRejects(add("ok", "a.b.c"), code, "'a.b.c' is not a semver value");
  await assertRejects(add("ok", "1.0"), code, "'1.0' is not a semver value");
  await assertRejects(
    nc.services.add({ name: "ok", version: "1.0.0", queue: "a b" }),
    code,
    "name cannot contain ' '",
  );
  // nats.deno's semver check finds major.minor.patch anywhere in the string
  const srv = await add("ok", "v1.2.3-hello");
  assertEquals(srv.info().version, "v1.2.3-hello");
  const t = (fn: () => unknown, includes: string) => {
    let thrown: unknown = undefined;
    try {
      fn();
    } catch (e) {
      thrown = e;
    }
    assert(thrown instanceof Error, `expected a throw with ${includes}`);
    assert(thrown.message.includes(includes), `'${thrown.message}' should say ${includes}`);
    if (code) assertEquals((thrown as { code?: string }).code, code);
  };
  const ok = () => {};
  t(() => srv.addEndpoint("", ok), "endpoint name required");
  t(() => srv.addEndpoint("a.b", ok), "endpoint name cannot contain '.'");
  t(() => srv.addEndpoint("a", { subject: "a b", handler: ok }), "cannot contain spaces");
  t(() => srv.addEndpoint("a", { subject: "a.>.b", handler: ok }), "cannot have internal '>'");
  t(() => srv.addGroup("a b"), "cannot contain spaces");
  t(() => srv.addGroup("a.>"), "cannot contain internal '>'");
  assertEquals(srv.info().endpoints, [], "nothing was added");
  assertEquals(srv.isStopped, false);
  await srv.stop();
  await nc.close();
});
