// The core-only entry (`nats-wasm/core`: dist/core/mod.js over dist/core/nats_wasm_bg.wasm, built
// without the JetStream engine) against the real test servers: publish, subscribe, request and
// headers; every authenticator against the auth fixtures' servers; reconnect after a server
// restart; and the full entry's APIs refused with NatsError BAD API naming the full entry. The
// last test reads dist/core itself: its wasm exports no JetStream function and its JS names no
// JetStream, KV, ObjectStore or services subject. Imports dist/core directly (not deps.ts): the
// nats.ws run of the suite (NATS_CLIENT=nats.ws) has no core entry and skips this file's tests.
import {
  connect,
  type ConnectionOptions,
  credsAuthenticator,
  ErrorCode,
  headers,
  jwtAuthenticator,
  NatsError,
  nkeyAuthenticator,
  nkeys,
  StringCodec,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "../../dist/core/mod.js";
import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import {
  IS_NATS_WS,
  NATS_URL,
  PrivateServer,
  TOKEN_URL,
  USERPASS_URL,
  within,
} from "../helpers/helpers.ts";
import { credsOf, fx } from "../helpers/auth_fixtures.ts";

const sc = StringCodec();
const ignore = IS_NATS_WS;

/** Connects with `opts`, does one request/reply with a header through the connection, closes. */
async function roundTrip(opts: ConnectionOptions): Promise<void> {
  const nc = await connect(opts);
  const subject = `core.rt.${crypto.randomUUID()}`;
  nc.subscribe(subject, {
    callback: (_err, m) => {
      const h = headers();
      h.set("Echo", m.headers?.get("Ask") ?? "none");
      m.respond(sc.encode(`re:${sc.decode(m.data)}`), { headers: h });
    },
  });
  const h = headers();
  h.set("Ask", "core");
  const r = await nc.request(subject, sc.encode("ping"), { timeout: 2000, headers: h });
  assertEquals(sc.decode(r.data), "re:ping");
  assertEquals(r.headers?.get("Echo"), "core");
  await nc.close();
}

Deno.test({
  name: "core entry: publish, subscribe (iterator), request with headers",
  ignore,
  fn: async () => {
    const nc = await connect({ servers: NATS_URL });
    const sub = nc.subscribe("core.entry.pubsub", { max: 100 });
    for (let i = 0; i < 100; i++) nc.publish("core.entry.pubsub", sc.encode(`m${i}`));
    const got: string[] = [];
    for await (const m of sub) got.push(sc.decode(m.data));
    assertEquals(got, Array.from({ length: 100 }, (_, i) => `m${i}`));
    await nc.close();
    await roundTrip({ servers: NATS_URL });
  },
});

Deno.test({
  name: "core entry: every authenticator connects (user/pass, token, nkey, JWT, creds)",
  ignore,
  fn: async () => {
    await roundTrip({ servers: USERPASS_URL, user: "jenny", pass: "867-5309" });
    await roundTrip({
      servers: USERPASS_URL,
      authenticator: usernamePasswordAuthenticator("jenny", "867-5309"),
    });
    await roundTrip({ servers: TOKEN_URL, authenticator: tokenAuthenticator("t0pS3cret!") });
    const te = new TextEncoder();
    await roundTrip({
      servers: fx.users.url,
      authenticator: nkeyAuthenticator(te.encode(fx.users.nkey.seed)),
    });
    const alice = fx.operator.alice;
    await roundTrip({
      servers: fx.operator.url,
      authenticator: jwtAuthenticator(alice.jwt, te.encode(alice.seed)),
    });
    await roundTrip({
      servers: fx.operator.url,
      authenticator: credsAuthenticator(credsOf(alice)),
    });
    // a wrong seed is refused by the server, as with the full entry
    await assertRejects(
      connect({
        servers: fx.users.url,
        authenticator: nkeyAuthenticator(nkeys.createUser().getSeed()),
      }),
      ErrorCode.AuthorizationViolation,
    );
  },
});

Deno.test({
  name: "core entry: nkeys sign and verify in the core wasm",
  ignore,
  fn: () => {
    const kp = nkeys.createUser();
    const data = sc.encode("signed by the core entry");
    const sig = kp.sign(data);
    assertEquals(sig.length, 64);
    const pub = nkeys.fromPublic(kp.getPublicKey());
    assert(pub.verify(data, sig));
    assert(!pub.verify(sc.encode("something else"), sig));
  },
});

Deno.test({
  name: "core entry: reconnects after the server drops, and its subscription resumes",
  ignore,
  fn: async () => {
    const srv = await new PrivateServer().start();
    try {
      const nc = await connect({
        servers: srv.url,
        reconnectTimeWait: 50,
        reconnectJitter: 0,
        maxReconnectAttempts: -1,
      });
      const events: string[] = [];
      const reconnected = (async () => {
        for await (const s of nc.status()) {
          events.push(s.type);
          if (s.type === "reconnect") return;
        }
      })();
      const subject = `core.entry.reconnect.${crypto.randomUUID()}`;
      const sub = nc.subscribe(subject, { max: 2 });
      nc.publish(subject, sc.encode("before"));
      await nc.flush();
      await srv.stop();
      await srv.start();
      await within(reconnected, 10_000, "reconnect status");
      assert(events.includes("disconnect"), events.join(","));
      nc.publish(subject, sc.encode("after"));
      const got: string[] = [];
      for await (const m of sub) got.push(sc.decode(m.data));
      assertEquals(got, ["before", "after"]);
      await nc.close();
    } finally {
      await srv.dispose();
    }
  },
});

Deno.test({
  name:
    "core entry: jetstream(), jetstreamManager() and services refuse with BAD API naming the full entry",
  ignore,
  fn: async () => {
    const nc = await connect({ servers: NATS_URL });
    const named = (e: unknown) => {
      assert(e instanceof NatsError, String(e));
      assertEquals(e.code, ErrorCode.ApiError);
      assert(e.message.includes("nats-wasm/core"), e.message);
      assert(e.message.includes("full entry"), e.message);
    };
    named(assertThrows(() => nc.jetstream()));
    named(assertThrows(() => nc.services));
    named(await nc.jetstreamManager().then(() => undefined, (e) => e));
    // the connection is unaffected
    await nc.flush();
    await nc.close();
  },
});

Deno.test({
  name: "core entry: its wasm and its JS carry no JetStream, KV, ObjectStore or services code",
  ignore,
  fn: async () => {
    const dist = new URL("../../dist/", import.meta.url);
    const exportsOf = async (path: string) =>
      WebAssembly.Module.exports(
        await WebAssembly.compile(await Deno.readFile(new URL(path, dist))),
      ).map((e) => e.name);
    const jetstreamOnly = /^(ackStage|parseAck|digest)|_consumePull$|_attachLegacy$|_hookInput$/;
    const full = await exportsOf("nats_wasm_bg.wasm");
    const core = await exportsOf("core/nats_wasm_bg.wasm");
    // the pattern matches the full module's JetStream exports, so its absence below means something
    assert(full.filter((n) => jetstreamOnly.test(n)).length >= 9, full.join(","));
    assertEquals(core.filter((n) => jetstreamOnly.test(n)), []);
    const js = await Deno.readTextFile(new URL("core/mod.js", dist));
    const fullJs = await Deno.readTextFile(new URL("mod.js", dist));
    for (const marker of ["$JS.API", "$SRV", "io.nats.micro", "KV_", "OBJ_"]) {
      assert(fullJs.includes(marker), `the full bundle names ${marker}`);
      assert(!js.includes(marker), `the core bundle names ${marker}`);
    }
  },
});
