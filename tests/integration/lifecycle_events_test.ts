// README › "Lifecycle/Informational Events": nc.status() reports disconnect / reconnect (data =
// host:port), reconnecting, update (cluster servers added), ldm (lame-duck mode), error
// (permission violations, with permissionContext), pingTimer / staleConnection; several status
// iterators each see every event and end when the connection closes; closed() tells why the
// client ended. Also the project decision on publishing while disconnected (buffered, in order).
import {
  connect,
  createInbox,
  DebugEvents,
  ErrorCode,
  Events,
  StringCodec,
} from "../helpers/deps.ts";
import type { ConnectionOptions, NatsError, ServersChanged } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import {
  connectTest,
  drainAll,
  FakeServer,
  IS_NATS_WS,
  PrivateServer,
  StatusRecorder,
  take,
  USERPASS_URL,
  within,
} from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("lifecycle: Events and DebugEvents values", () => {
  assertEquals(
    [Events.Disconnect, Events.Reconnect, Events.Update, Events.LDM, Events.Error],
    ["disconnect", "reconnect", "update", "ldm", "error"],
  );
  assertEquals(
    [DebugEvents.Reconnecting, DebugEvents.PingTimer, DebugEvents.StaleConnection],
    ["reconnecting", "pingTimer", "staleConnection"],
  );
});

Deno.test("lifecycle: disconnect, reconnecting, reconnect in order, seen by two status iterators", async () => {
  const srv = await new PrivateServer().start();
  try {
    const nc = await connect({
      servers: srv.url,
      reconnectTimeWait: 100,
      reconnectJitter: 0,
      maxReconnectAttempts: -1,
    });
    const a = new StatusRecorder(nc);
    const b = new StatusRecorder(nc);
    let closedEarly = false;
    nc.closed().then(() => closedEarly = !nc.isClosed());
    await srv.stop();
    assertEquals((await a.next(Events.Disconnect)).data, srv.hostPort);
    assertEquals((await a.next(DebugEvents.Reconnecting)).data, srv.hostPort);
    // while disconnected (not closed) rtt() cannot measure anything
    await assertRejects(() => nc.rtt(), ErrorCode.Disconnect);
    await srv.start();
    assertEquals((await a.next(Events.Reconnect, 10000)).data, srv.hostPort);
    await b.next(Events.Reconnect);
    const order = a.types().filter((t) => t !== Events.Update);
    assertEquals(order[0], Events.Disconnect);
    assertEquals(order[order.length - 1], Events.Reconnect);
    assert(order.slice(1, -1).every((t) => t === DebugEvents.Reconnecting), `order: ${order}`);
    assertEquals(b.types(), a.types(), "both iterators saw the same events");
    assertEquals(closedEarly, false);
    await nc.close();
    await a.stop(); // both iterators end by themselves on close
    await b.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("lifecycle: the README's closed() handler reports why the client closed", async () => {
  const srv = await new PrivateServer().start();
  try {
    const nc = await connect({ servers: srv.url, reconnectTimeWait: 50, maxReconnectAttempts: 1 });
    const msgs: string[] = [];
    const done = nc.closed().then((err) => {
      msgs.push(`connection closed ${err ? " with error: " + err.message : ""}`);
    });
    await srv.stop();
    await within(done, 10000, "closed()");
    assertEquals(msgs.length, 1);
    assert(msgs[0].startsWith("connection closed  with error: "), msgs[0]);
  } finally {
    await srv.dispose();
  }
});

Deno.test("lifecycle: update events list the servers a cluster adds", async () => {
  const a = await new PrivateServer("", [], true).start();
  let b: PrivateServer | undefined;
  try {
    const nc = await connect({ servers: a.url });
    const rec = new StatusRecorder(nc);
    b = await new PrivateServer("", [a.clusterPort]).start();
    const bHost = b.hostPort;
    let added: string[] = [];
    const deadline = Date.now() + 8000;
    while (!added.some((s) => s.includes(bHost))) {
      const u = await rec.next(Events.Update, Math.max(1, deadline - Date.now()));
      added = (u.data as ServersChanged).added;
    }
    if (!IS_NATS_WS) {
      // docs/websocket.md "Cluster discovery": ServersChanged holds host:port, gossip is compared
      // normalised, so a live server is never reported as deleted (nats.ws reports full URLs and
      // churns: it lists the same server as added and deleted).
      assert(added.includes(bHost), `added ${JSON.stringify(added)} lists ${bHost}`);
      for (const e of rec.events.filter((e) => e.type === Events.Update)) {
        assertEquals((e.data as ServersChanged).deleted.includes(bHost), false, "no churn");
      }
    }
    assert(nc.info?.connect_urls?.includes(bHost), `connect_urls ${nc.info?.connect_urls}`);
    await nc.close();
    await rec.stop();
  } finally {
    await b?.dispose();
    await a.dispose();
  }
});

Deno.test("lifecycle: an ldm event when the server enters lame-duck mode", async () => {
  const srv = await new PrivateServer('lame_duck_duration: "30s"\nlame_duck_grace_period: "10s"\n')
    .start();
  try {
    const nc = await connect({ servers: srv.url });
    const rec = new StatusRecorder(nc);
    srv.signal("SIGUSR2");
    assertEquals((await rec.next(Events.LDM)).data, srv.hostPort);
    assertEquals(nc.isClosed(), false, "the client does not leave on its own (ADR-5)");
    await nc.flush();
    await nc.close();
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("lifecycle: a publish permission violation is an error event; the connection stays", async () => {
  const nc = await connect({ servers: USERPASS_URL, user: "restricted", pass: "restricted" });
  const rec = new StatusRecorder(nc);
  nc.publish("forbidden.x", "nope");
  const e = await rec.next(Events.Error);
  assertEquals(e.data, ErrorCode.PermissionsViolation);
  assertEquals(e.permissionContext?.operation, "publish");
  assertEquals(e.permissionContext?.subject, "forbidden.x");
  assertEquals(nc.isClosed(), false);
  // still usable
  const subj = `allowed.${crypto.randomUUID()}`;
  const sub = nc.subscribe(subj, { max: 1 });
  nc.publish(subj, "ok");
  assertEquals((await take(sub, 1))[0].string(), "ok");
  await nc.close();
  await rec.stop();
});

Deno.test("lifecycle: a subscription permission violation ends that subscription with the error", async () => {
  const nc = await connect({ servers: USERPASS_URL, user: "restricted", pass: "restricted" });
  const rec = new StatusRecorder(nc);
  const bad = nc.subscribe("forbidden.y");
  const good = nc.subscribe(`allowed.${crypto.randomUUID()}`);
  const err = await assertRejects(
    drainAll(bad, 5000, "forbidden subscription"),
    ErrorCode.PermissionsViolation,
  );
  assertEquals((err as NatsError).permissionContext?.subject, "forbidden.y");
  assertEquals(bad.isClosed(), true);
  assertEquals(good.isClosed(), false, "other subscriptions are untouched");
  assertEquals((await rec.next(Events.Error)).data, ErrorCode.PermissionsViolation);
  await nc.flush();
  await nc.close();
  await rec.stop();
});

Deno.test("lifecycle: pingTimer events, then staleConnection and a reconnect when PONGs stop", async () => {
  // connection 0 answers only the handshake PING; connection 1 answers every PING
  const fake = new FakeServer((c) => {
    c.sendInfo();
    if (c.index === 0) c.line(/^PING$/).then(() => c.send("PONG\r\n"), () => {});
  }, false);
  try {
    const nc = await connect({
      servers: fake.url,
      pingInterval: 100,
      maxPingOut: 2,
      reconnectTimeWait: 50,
      reconnectJitter: 0,
    });
    const rec = new StatusRecorder(nc);
    await rec.next(DebugEvents.PingTimer, 3000);
    await rec.next(DebugEvents.StaleConnection, 3000);
    await rec.next(Events.Disconnect, 3000);
    const c1 = await fake.connection(1, 5000);
    // answer the handshake of the second connection, then every later PING
    c1.line(/^PING$/).then(() => c1.send("PONG\r\n"), () => {});
    await rec.next(Events.Reconnect, 5000);
    assertEquals(nc.isClosed(), false);
    await nc.close();
    await rec.stop();
  } finally {
    await fake.close();
  }
});

Deno.test({
  name: "lifecycle: [project decision] publishes made while disconnected are sent after reconnect",
  ignore: IS_NATS_WS, // nats.ws drops them (docs/decisions.md "Publishing while disconnected")
  fn: async () => {
    const srv = await new PrivateServer().start();
    try {
      const nc = await connect({
        servers: srv.url,
        reconnectTimeWait: 100,
        reconnectJitter: 0,
        maxReconnectAttempts: -1,
      });
      const rec = new StatusRecorder(nc);
      const subj = createInbox("buffered");
      const sub = nc.subscribe(subj);
      await nc.flush();
      await srv.stop();
      await rec.next(Events.Disconnect);
      for (let i = 0; i < 20; i++) nc.publish(subj, sc.encode(`${i}`));
      await srv.start();
      await rec.next(Events.Reconnect, 10000);
      const got = await take(sub, 20, 5000, "buffered publishes");
      assertEquals(got.map((m) => sc.decode(m.data)), Array.from({ length: 20 }, (_, i) => `${i}`));
      await nc.close();
      await rec.stop();
    } finally {
      await srv.dispose();
    }
  },
});

Deno.test({
  name:
    "lifecycle: [project decision] a full reconnect buffer fails the publish, never drops silently",
  ignore: IS_NATS_WS, // reconnectBufferSize is a nats-wasm extension
  fn: async () => {
    const srv = await new PrivateServer().start();
    try {
      const opts = {
        servers: srv.url,
        reconnectTimeWait: 100,
        reconnectJitter: 0,
        maxReconnectAttempts: -1,
        reconnectBufferSize: 2048,
      };
      const nc = await connect(opts as ConnectionOptions);
      const rec = new StatusRecorder(nc);
      const subj = createInbox("overflow");
      const sub = nc.subscribe(subj);
      await nc.flush();
      await srv.stop();
      await rec.next(Events.Disconnect);
      const accepted: string[] = [];
      let refused = 0;
      for (let i = 0; i < 100; i++) {
        try {
          nc.publish(subj, sc.encode(`${i}`.padStart(100, "-")));
          accepted.push(`${i}`.padStart(100, "-"));
        } catch (err) {
          assertEquals((err as NatsError).code, ErrorCode.Disconnect);
          refused++;
        }
      }
      assert(accepted.length > 0 && refused > 0, `accepted ${accepted.length}, refused ${refused}`);
      await srv.start();
      await rec.next(Events.Reconnect, 10000);
      const got = await take(sub, accepted.length, 5000, "buffered publishes");
      assertEquals(
        got.map((m) => sc.decode(m.data)),
        accepted,
        "exactly the accepted ones, in order",
      );
      await nc.flush();
      assertEquals(sub.getReceived(), accepted.length);
      await nc.close();
      await rec.stop();
    } finally {
      await srv.dispose();
    }
  },
});

Deno.test("lifecycle: nc.status() on the default server sees nothing while all is well", async () => {
  const nc = await connectTest();
  const rec = new StatusRecorder(nc);
  await nc.flush();
  await nc.close();
  await rec.stop();
  const unexpected = rec.types().filter((t) => t !== Events.Update);
  assertEquals(unexpected, []);
});
