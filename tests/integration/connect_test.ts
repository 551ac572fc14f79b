// README › "Connecting to a nats-server": connect() with servers (string or array) and the
// README's list of option sets, getServer(), info, close(), closed() (resolves undefined after a
// clean close, an Error when the client gives up), and reconnection after the server drops.
import { connect, NatsError, StringCodec } from "../helpers/deps.ts";
import type { ConnectionOptions, NatsConnection } from "../helpers/deps.ts";
import { assert, assertEquals, assertInstanceOf, assertMatch } from "../helpers/assert.ts";
import {
  closedPort,
  connectTest,
  hostPort,
  IS_NATS_WS,
  NATS_URL,
  PrivateServer,
  StatusRecorder,
  take,
  within,
} from "../helpers/helpers.ts";

Deno.test("connect: a servers string connects; getServer, info, close and closed()", async () => {
  const nc = await connect({ servers: NATS_URL });
  assertEquals(nc.getServer(), hostPort(NATS_URL));
  const info = nc.info;
  assert(info, "nc.info is set once connected");
  assertEquals(info.proto, 1);
  assertEquals(info.headers, true);
  assertEquals(info.max_payload, 1024 * 1024);
  assertMatch(info.server_id, /^N[A-Z0-9]{55}$/);
  assertEquals(typeof info.client_id, "number");
  assertEquals(nc.isClosed(), false);
  const done = nc.closed();
  await nc.close();
  assertEquals(await done, undefined, "closed() after close()");
  assertEquals(nc.isClosed(), true);
  assertEquals(nc.info, undefined, "info is gone once closed");
  assertEquals(await nc.closed(), undefined, "closed() asked after close()");
});

Deno.test("connect: a servers array skips a dead entry (noRandomize keeps the order)", async () => {
  const dead = `ws://127.0.0.1:${closedPort()}`;
  const nc = await connect({ servers: [dead, NATS_URL], noRandomize: true });
  assertEquals(nc.getServer(), hostPort(NATS_URL));
  await nc.flush();
  await nc.close();
});

Deno.test("connect: the README's list of option sets, connected concurrently", async () => {
  const dead = `ws://127.0.0.1:${closedPort()}`;
  const sets: ConnectionOptions[] = [
    { servers: NATS_URL },
    { servers: [NATS_URL] },
    { servers: [dead, NATS_URL], noRandomize: true },
    { servers: dead },
    { servers: [dead] },
  ];
  const results = await Promise.all(sets.map(async (opts) => {
    try {
      const nc = await connect(opts);
      const server = nc.getServer();
      const done = nc.closed();
      await nc.close();
      const err = await done;
      return { ok: true, server, err };
    } catch (err) {
      return { ok: false, server: "", err };
    }
  }));
  assertEquals(results.map((r) => r.ok), [true, true, true, false, false]);
  for (const r of results.slice(0, 3)) {
    assertEquals(r.server, hostPort(NATS_URL));
    assertEquals(r.err, undefined, "a clean close resolves closed() with undefined");
  }
  for (const r of results.slice(3)) assertInstanceOf(r.err, NatsError);
});

Deno.test("connect: close() twice is a no-op and closed() stays resolved", async () => {
  const nc = await connectTest();
  await nc.close();
  await within(nc.close(), 1000, "second close()");
  assertEquals(await nc.closed(), undefined);
  assertEquals(nc.isClosed(), true);
});

Deno.test("connect: each connection is independent (messages cross between two clients)", async () => {
  const sc = StringCodec();
  const a = await connectTest({ name: "a" });
  const b = await connectTest({ name: "b" });
  const subj = `connect.${crypto.randomUUID()}`;
  const sub = b.subscribe(subj, { max: 1 });
  await b.flush();
  a.publish(subj, sc.encode("from a"));
  const [m] = await take(sub, 1);
  assertEquals(sc.decode(m.data), "from a");
  await a.close();
  await b.close();
});

async function connectPrivate(
  srv: PrivateServer,
  opts: ConnectionOptions = {},
): Promise<NatsConnection> {
  return await connect({ servers: srv.url, reconnectTimeWait: 50, reconnectJitter: 0, ...opts });
}

Deno.test("connect: the client reconnects when the server drops, and subscriptions resume", async () => {
  const srv = await new PrivateServer().start();
  try {
    const sc = StringCodec();
    const nc = await connectPrivate(srv, { maxReconnectAttempts: -1 });
    const rec = new StatusRecorder(nc);
    const subj = `connect.reconnect.${crypto.randomUUID()}`;
    const sub = nc.subscribe(subj);
    nc.publish(subj, sc.encode("before"));
    await nc.flush();
    await srv.stop();
    assertEquals((await rec.next("disconnect")).data, srv.hostPort);
    await srv.start();
    assertEquals((await rec.next("reconnect", 10000)).data, srv.hostPort);
    assertEquals(nc.isClosed(), false);
    nc.publish(subj, sc.encode("after"));
    await nc.flush();
    const got = await take(sub, 2);
    assertEquals(got.map((m) => sc.decode(m.data)), ["before", "after"]);
    // requests work again too: the shared reply subscription was re-established
    const other = await connect({ servers: srv.url });
    other.subscribe(`${subj}.svc`, { callback: (_e, m) => m.respond("still here") });
    await other.flush();
    assertEquals((await nc.request(`${subj}.svc`, "", { timeout: 2000 })).string(), "still here");
    await other.close();
    await nc.close();
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("connect: closed() resolves with an Error once every reconnect attempt failed", async () => {
  const srv = await new PrivateServer().start();
  try {
    const nc = await connectPrivate(srv, { maxReconnectAttempts: 2 });
    const done = nc.closed();
    await srv.stop();
    const err = await within(done, 10000, "closed() after giving up");
    assertInstanceOf(err, Error, "closed() resolves (never rejects) with the terminal Error");
    assertEquals(nc.isClosed(), true);
    if (!IS_NATS_WS) {
      // Project decision: a dial refused before the socket opens is CONNECTION_REFUSED.
      assertEquals((err as NatsError).code, "CONNECTION_REFUSED");
    }
  } finally {
    await srv.dispose();
  }
});

Deno.test("connect: reconnect: false closes the client when the server drops", async () => {
  const srv = await new PrivateServer().start();
  try {
    const nc = await connectPrivate(srv, { reconnect: false });
    const rec = new StatusRecorder(nc);
    const done = nc.closed();
    await srv.stop();
    await within(done, 5000, "closed() without reconnect");
    assertEquals(nc.isClosed(), true);
    await rec.stop();
    assertEquals(rec.types().includes("reconnect"), false);
    assertEquals(rec.types().includes("reconnecting"), false);
  } finally {
    await srv.dispose();
  }
});

Deno.test("connect: a reconnectDelayHandler may give up by closing the connection", async () => {
  const srv = await new PrivateServer().start();
  try {
    const ref: { nc?: NatsConnection } = {};
    let calls = 0;
    const nc = ref.nc = await connectPrivate(srv, {
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => {
        calls++;
        // called by the engine while it decides the next dial: the close runs right after
        ref.nc?.close();
        return 50;
      },
    });
    const done = nc.closed();
    await srv.stop();
    await within(done, 5000, "closed() after the handler closed the connection");
    assert(calls >= 1, "the handler ran");
    assertEquals(nc.isClosed(), true);
  } finally {
    await srv.dispose();
  }
});

Deno.test("connect: an authenticator that uses the connection gets an error, not a broken client", async () => {
  const srv = await new PrivateServer().start();
  try {
    const ref: { nc?: NatsConnection } = {};
    const seen: string[] = [];
    const nc = ref.nc = await connectPrivate(srv, {
      authenticator: (): void => {
        try {
          ref.nc?.publish("from.authenticator");
          seen.push("published");
        } catch (err) {
          seen.push((err as NatsError).code);
        }
      },
    });
    const sc = StringCodec();
    const sub = nc.subscribe("after.reconnect", { max: 1 });
    await srv.stop();
    await srv.start();
    await within(nc.flush(), 10_000, "reconnected");
    // the client still works after the nested call was refused
    nc.publish("after.reconnect", sc.encode("ok"));
    const [m] = await take(sub, 1, 5000, "message after reconnect");
    assertEquals(sc.decode(m.data), "ok");
    assertEquals(seen[0], "published", "first handshake: nc was not yet assigned");
    assertEquals(seen.slice(1).every((c) => c === "BAD API"), true, `got ${seen}`);
    assert(seen.length >= 2, "the authenticator ran again on reconnect");
    await nc.close();
  } finally {
    await srv.dispose();
  }
});
