// README › "Connection Options" and "TlsOptions" / "Jitter": invalid combinations are
// INVALID_OPTION (servers + port, resolve: true, a bad inboxPrefix is BAD API), server strings
// and `port` normalise as nats.ws does (no scheme or `port` means wss://), `tls` per the project
// decision, name/lang/version in CONNECT (seen through the server monitor), noEcho, verbose,
// pedantic, timeout, waitOnFirstConnect, reconnectDelayHandler and ignoreClusterUpdates.
import { connect, createInbox, ErrorCode, Events } from "../helpers/deps.ts";
import type { ConnectionOptions, ServersChanged } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import {
  connectTest,
  FakeServer,
  hostPort,
  IS_NATS_WS,
  NATS_URL,
  PrivateServer,
  StatusRecorder,
  take,
  within,
} from "../helpers/helpers.ts";

const MONITOR = "http://127.0.0.1:14822"; // tests/nats/default.conf http

/** Project decision: a socket that fails before opening is CONNECTION_REFUSED (nats.ws: UNKNOWN_ERROR). */
const REFUSED = IS_NATS_WS ? ErrorCode.Unknown : ErrorCode.ConnectionRefused;
const wsPort = new URL(NATS_URL).port;

Deno.test("connection options: servers together with port is INVALID_OPTION", async () => {
  await assertRejects(() => connect({ servers: NATS_URL, port: 14280 }), ErrorCode.InvalidOption);
});

Deno.test("connection options: resolve: true is INVALID_OPTION over WebSocket", async () => {
  await assertRejects(
    () => connect({ servers: NATS_URL, resolve: true }),
    ErrorCode.InvalidOption,
    "resolve",
  );
});

Deno.test("connection options: an inboxPrefix with wildcards is BAD API", async () => {
  await assertRejects(
    () => connect({ servers: NATS_URL, inboxPrefix: "bad.*" }),
    ErrorCode.ApiError,
  );
});

Deno.test("connection options: ws://, nats:// and http:// mean plain ws; no scheme and `port` mean wss", async () => {
  for (const servers of [NATS_URL, `nats://127.0.0.1:${wsPort}`, `http://127.0.0.1:${wsPort}`]) {
    const nc = await connect({ servers });
    assertEquals(nc.getServer(), `127.0.0.1:${wsPort}`, servers);
    await nc.close();
  }
  // the server speaks plain ws, so a secure dial to it fails before the socket opens
  for (
    const opts of [{ servers: `127.0.0.1:${wsPort}` }, {
      port: Number(wsPort),
    }] as ConnectionOptions[]
  ) {
    await assertRejects(() => connect(opts), REFUSED, undefined, JSON.stringify(opts));
  }
});

Deno.test("connection options: tls: {} with a ws:// server is INVALID_OPTION; tls: null connects", async () => {
  await assertRejects(() => connect({ servers: NATS_URL, tls: {} }), ErrorCode.InvalidOption);
  const nc = await connect({ servers: NATS_URL, tls: null });
  await nc.flush();
  await nc.close();
});

Deno.test("connection options: [project decision] TlsOptions naming files or keys is INVALID_OPTION", async () => {
  for (
    const tls of [{ caFile: "/tmp/ca.pem" }, { certFile: "/c" }, { keyFile: "/k" }, { ca: "x" }, {
      cert: "x",
    }]
  ) {
    const err = await assertRejects(
      () => connect({ servers: `wss://127.0.0.1:${wsPort}`, tls }),
      ErrorCode.InvalidOption,
      undefined,
      JSON.stringify(tls),
    );
    if (!IS_NATS_WS) {
      // our message explains that the WebSocket API cannot set certificates
      assert(/websocket|--cert|DENO_CERT/i.test(err.message), `message: ${err.message}`);
    }
  }
});

Deno.test("connection options: [project decision] tls: {} with wss:// is allowed (then the dial decides)", async () => {
  // ours: tls: {} only requires wss://, so the dial happens and fails on this plain server;
  // nats.ws rejects any truthy tls with INVALID_OPTION before dialling
  await assertRejects(
    () => connect({ servers: `wss://127.0.0.1:${wsPort}`, tls: {} }),
    IS_NATS_WS ? ErrorCode.InvalidOption : ErrorCode.ConnectionRefused,
  );
});

interface ConnzConn {
  name?: string;
  lang?: string;
  version?: string;
  type?: string;
}

async function connz(): Promise<ConnzConn[]> {
  const r = await fetch(`${MONITOR}/connz`);
  return (await r.json()).connections as ConnzConn[];
}

Deno.test("connection options: name, lang and version reach the server in CONNECT", async () => {
  const name = `opts-${crypto.randomUUID()}`;
  const nc = await connectTest({ name });
  await nc.flush();
  const mine = (await connz()).filter((c) => c.name === name);
  assertEquals(mine.length, 1, "the monitor lists the connection by its name");
  assertEquals(mine[0].type, "websocket");
  assert(mine[0].lang && mine[0].version, "lang and version are set");
  if (!IS_NATS_WS) {
    assert(mine[0].lang !== "nats.ws", `project decision: our own lang (${mine[0].lang})`);
  }
  await nc.close();
});

Deno.test("connection options: noEcho keeps the client's own messages from its subscriptions", async () => {
  const quiet = await connectTest({ noEcho: true });
  const other = await connectTest();
  const subj = createInbox("echo");
  const sub = quiet.subscribe(subj);
  await quiet.flush();
  quiet.publish(subj, "mine");
  await quiet.flush();
  other.publish(subj, "theirs");
  const [m] = await take(sub, 1);
  assertEquals(m.string(), "theirs", "the own message was not echoed");
  assertEquals(sub.getReceived(), 1);
  await quiet.close();
  await other.close();
});

Deno.test("connection options: verbose and pedantic connections work normally", async () => {
  for (const opts of [{ verbose: true }, { pedantic: true }, { verbose: true, pedantic: true }]) {
    const nc = await connectTest(opts);
    const subj = createInbox("vp");
    nc.subscribe(subj, { callback: (_e, m) => m.respond(m.data) });
    for (let i = 0; i < 5; i++) {
      assertEquals(
        (await nc.request(subj, `${i}`, { timeout: 2000 })).string(),
        `${i}`,
        JSON.stringify(opts),
      );
    }
    await nc.close();
  }
});

Deno.test("connection options: timeout fails the dial with TIMEOUT when INFO never comes", async () => {
  const fake = new FakeServer(() => {/* accept the socket, say nothing */});
  try {
    const t0 = performance.now();
    await assertRejects(() => connect({ servers: fake.url, timeout: 300 }), ErrorCode.Timeout);
    const took = performance.now() - t0;
    assert(took >= 250 && took < 3000, `took ${took} ms (timeout 300)`);
  } finally {
    await fake.close();
  }
});

Deno.test("connection options: waitOnFirstConnect keeps trying until the server appears", async () => {
  const srv = new PrivateServer();
  try {
    let settled = false;
    const p = connect({
      servers: srv.url,
      waitOnFirstConnect: true,
      reconnectTimeWait: 100,
      reconnectJitter: 0,
    });
    p.finally(() => settled = true).catch(() => {});
    // several dials fail meanwhile (there is no event to wait for before the server exists)
    await new Promise((r) => setTimeout(r, 400));
    assertEquals(settled, false, "connect() is still pending while nothing listens");
    await srv.start();
    const nc = await within(p, 10000, "connect after the server started");
    assertEquals(nc.getServer(), srv.hostPort);
    await nc.close();
  } finally {
    await srv.dispose();
  }
});

Deno.test("connection options: reconnectDelayHandler decides the wait between attempts", async () => {
  const srv = await new PrivateServer().start();
  try {
    let calls = 0;
    const nc = await connect({
      servers: srv.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 5000, // replaced entirely by the handler
      reconnectDelayHandler: () => {
        calls++;
        return 50;
      },
    });
    const rec = new StatusRecorder(nc);
    await srv.stop();
    await rec.next(Events.Disconnect);
    await srv.start();
    const t0 = performance.now();
    await rec.next(Events.Reconnect, 10000);
    const took = performance.now() - t0;
    assert(calls > 0, "the handler was asked for the delay");
    assert(took < 1500, `reconnected ${took} ms after the server came back (handler: 50 ms)`);
    await nc.close();
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("connection options: ignoreClusterUpdates keeps the server list as configured", async () => {
  const a = await new PrivateServer("", [], true).start();
  let b: PrivateServer | undefined;
  try {
    const nc = await connect({ servers: a.url, ignoreClusterUpdates: true });
    const rec = new StatusRecorder(nc);
    b = await new PrivateServer("", [a.clusterPort]).start();
    // the INFO naming b arrives asynchronously; poll nc.info (bounded), with a flush per round
    const deadline = Date.now() + 8000;
    while (!nc.info?.connect_urls?.includes(b.hostPort)) {
      assert(Date.now() < deadline, `connect_urls never listed ${b.hostPort}`);
      await nc.flush();
      await new Promise((r) => setTimeout(r, 50));
    }
    const added = rec.events.filter((e) => e.type === Events.Update)
      .flatMap((e) => (e.data as ServersChanged).added);
    assertEquals(
      added.filter((s) => s.includes(b!.hostPort)),
      [],
      "no update added the new server",
    );
    await nc.close();
    await rec.stop();
  } finally {
    await b?.dispose();
    await a.dispose();
  }
});

Deno.test("connection options: getServer() reports host:port of the URL it connected to", async () => {
  const nc = await connectTest();
  assertEquals(nc.getServer(), hostPort(NATS_URL));
  await nc.close();
});

Deno.test({
  name: "connection options: a pingInterval beyond setTimeout's range does not spin the timer",
  ignore: IS_NATS_WS,
  fn: async () => {
    // Hosts run a setTimeout delay above 2^31-1 ms after 1 ms, and Deno warns each time: the
    // client must cap the delay and re-arm instead. Run in a child process to read its stderr.
    const script = `
      import { connect } from "${new URL("../../dist/mod.js", import.meta.url).href}";
      const nc = await connect({ servers: "${NATS_URL}", pingInterval: 2 ** 32 });
      await new Promise((r) => setTimeout(r, 300));
      await nc.close();
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assert(!stderr.includes("TimeoutOverflowWarning"), stderr);
  },
});

Deno.test({
  name: "connection options: debug logs the protocol traffic both ways",
  ignore: IS_NATS_WS,
  fn: async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    try {
      const nc = await connectTest({ debug: true });
      await nc.flush();
      await nc.close();
    } finally {
      console.log = log;
    }
    assert(lines.some((l) => l.startsWith("< INFO {")), `no INFO logged: ${lines}`);
    assert(lines.some((l) => l.startsWith("> CONNECT {")), `no CONNECT logged: ${lines}`);
    assert(lines.some((l) => l.startsWith("< PONG")), `no PONG logged: ${lines}`);
  },
});
