// Option validation and defaults (js/options.ts runs without wasm; server strings are checked by
// a fake normaliser standing in for the wasm normalizeServerUrl).
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { parseOptions } from "../../js/options.ts";
import { ErrorCode } from "../../js/errors.ts";
import type { ConnectionOptions } from "../../js/types.ts";

/** ws:// and wss:// kept, no scheme means wss (as the engine normalises). */
function normalize(s: string): string {
  if (s.includes(" ")) {
    throw Object.assign(new Error(`bad server '${s}'`), { code: "INVALID_OPTION" });
  }
  if (/^wss?:\/\//.test(s)) return s;
  return `wss://${s}`;
}

function invalid(opts: unknown, includes?: string) {
  return assertThrows(
    () => parseOptions(opts as ConnectionOptions, normalize),
    ErrorCode.InvalidOption,
    includes,
    JSON.stringify(opts),
  );
}

Deno.test("options - defaults", () => {
  const { options, wasm, auth } = parseOptions();
  assertEquals(options.servers, ["127.0.0.1:443"]);
  assertEquals(wasm.servers, ["127.0.0.1:443"]);
  assertEquals(wasm.maxReconnectAttempts, 10);
  assertEquals(wasm.reconnectTimeWait, 2000);
  assertEquals(wasm.reconnectJitter, 100);
  assertEquals(wasm.reconnectJitterTLS, 1000);
  assertEquals(wasm.timeout, 20000);
  assertEquals(wasm.pingInterval, 120000);
  assertEquals(wasm.maxPingOut, 2);
  assertEquals(wasm.reconnect, true);
  assertEquals(wasm.noRandomize, false);
  assertEquals(wasm.waitOnFirstConnect, false);
  assertEquals(wasm.ignoreClusterUpdates, false);
  assertEquals(wasm.ignoreAuthErrorAbort, false);
  assertEquals(wasm.verbose, false);
  assertEquals(wasm.pedantic, false);
  assertEquals(wasm.noEcho, false);
  assertEquals(wasm.tls, false);
  assertEquals(wasm.inboxPrefix, "_INBOX");
  assertEquals(wasm.reconnectBufferSize, 8 * 1024 * 1024);
  assertEquals(wasm.name, undefined);
  assertEquals(options.resolve, false);
  assertEquals(auth, undefined);
  assertEquals(typeof options.authenticator, "function");
});

Deno.test("options - servers and port", () => {
  assertEquals(parseOptions({ servers: "ws://h:1" }).wasm.servers, ["ws://h:1"]);
  assertEquals(parseOptions({ servers: ["a", "b:2"] }).options.servers, ["a", "b:2"]);
  assertEquals(parseOptions({ servers: [] }).options.servers, ["127.0.0.1:443"]);
  assertEquals(parseOptions({ port: 4222 }).options.servers, ["127.0.0.1:4222"]);
  invalid({ servers: "a", port: 4222 }, "mutually exclusive");
  invalid({ servers: ["a", 1] });
  invalid({ servers: [""] });
  invalid({ servers: 12 });
  invalid({ port: 0 });
  invalid({ port: 70000 });
  invalid({ port: 1.5 });
  invalid({ port: "4222" });
  invalid({ servers: "bad server" }, "bad server");
});

Deno.test("options - booleans must be booleans", () => {
  for (
    const k of [
      "debug",
      "verbose",
      "pedantic",
      "noEcho",
      "noRandomize",
      "reconnect",
      "waitOnFirstConnect",
      "ignoreClusterUpdates",
      "ignoreAuthErrorAbort",
      "noAsyncTraces",
      "resolve",
    ]
  ) {
    invalid({ [k]: "yes" }, k);
    parseOptions({ [k]: false } as ConnectionOptions);
  }
  invalid({ resolve: true }, "resolve");
  const { wasm } = parseOptions({ noEcho: true, verbose: true, pedantic: true, reconnect: false });
  assert(wasm.noEcho && wasm.verbose && wasm.pedantic && !wasm.reconnect);
});

Deno.test("options - numbers by type and range", () => {
  invalid({ maxReconnectAttempts: -2 });
  invalid({ maxReconnectAttempts: 1.5 });
  assertEquals(parseOptions({ maxReconnectAttempts: -1 }).wasm.maxReconnectAttempts, -1);
  invalid({ reconnectTimeWait: -1 });
  invalid({ reconnectTimeWait: "1" });
  invalid({ reconnectJitter: -1 });
  invalid({ reconnectJitterTLS: NaN });
  invalid({ timeout: 0 });
  invalid({ timeout: Infinity });
  invalid({ pingInterval: 0 });
  invalid({ maxPingOut: 0 });
  invalid({ maxPingOut: 2.5 });
  invalid({ reconnectBufferSize: -1 });
  const { wasm } = parseOptions({
    reconnectTimeWait: 0,
    reconnectJitter: 0,
    timeout: 500,
    pingInterval: 1000,
    maxPingOut: 5,
    reconnectBufferSize: 0,
  });
  assertEquals(
    [
      wasm.reconnectTimeWait,
      wasm.reconnectJitter,
      wasm.timeout,
      wasm.pingInterval,
      wasm.maxPingOut,
    ],
    [0, 0, 500, 1000, 5],
  );
  assertEquals(wasm.reconnectBufferSize, 0);
});

Deno.test("options - strings and functions", () => {
  invalid({ name: 1 }, "name");
  assertEquals(parseOptions({ name: "me" }).wasm.name, "me");
  invalid({ user: 1 });
  invalid({ pass: {} });
  invalid({ token: 5 });
  assertThrows(() => parseOptions({ authenticator: "x" as never }), ErrorCode.NotFunction);
  assertThrows(
    () => parseOptions({ authenticator: [() => undefined, 1 as never] }),
    ErrorCode.NotFunction,
  );
  assertThrows(() => parseOptions({ reconnectDelayHandler: 5 as never }), ErrorCode.NotFunction);
  const h = () => 10;
  assertEquals(parseOptions({ reconnectDelayHandler: h }).wasm.reconnectDelayHandler, h);
  assertEquals(parseOptions({ reconnectDelayHandler: h }).options.reconnectDelayHandler, h);
  invalid(null, "object");
  invalid([], "object");
});

Deno.test("options - inboxPrefix is validated with createInbox (BAD API)", () => {
  assertEquals(parseOptions({ inboxPrefix: "my.inbox" }).wasm.inboxPrefix, "my.inbox");
  assertThrows(() => parseOptions({ inboxPrefix: "a.*" }), ErrorCode.ApiError, "wildcards");
  assertThrows(() => parseOptions({ inboxPrefix: ">" }), ErrorCode.ApiError);
  assertThrows(() => parseOptions({ inboxPrefix: 5 as never }), ErrorCode.ApiError);
});

Deno.test("options - tls: {} requires wss, files are rejected, null is fine", () => {
  assertEquals(parseOptions({ tls: null }).wasm.tls, false);
  assertEquals(parseOptions({ tls: undefined }).wasm.tls, false);
  assertEquals(parseOptions({ tls: {}, servers: "wss://h:443" }, normalize).wasm.tls, true);
  assertEquals(parseOptions({ tls: {}, servers: "h:443" }, normalize).wasm.tls, true);
  assertEquals(
    parseOptions({ tls: { handshakeFirst: true }, servers: "h" }, normalize).wasm.tls,
    true,
  );
  invalid({ tls: {}, servers: "ws://h:80" }, "wss://");
  invalid({ tls: {}, servers: ["wss://a", "ws://b"] }, "ws://b");
  for (const f of ["certFile", "cert", "caFile", "ca", "keyFile", "key"]) {
    invalid({ tls: { [f]: "x" } }, "WebSocket API cannot set");
  }
  invalid({ tls: true }, "tls");
  invalid({ tls: "yes" }, "tls");
  invalid({ tls: { handshakeFirst: "no" } }, "handshakeFirst");
});

Deno.test("options - one merged authenticator for the engine", () => {
  const { auth } = parseOptions({
    user: "u",
    pass: "p",
    token: "t",
    authenticator: [
      () => ({ jwt: "j", nkey: "", sig: "" }),
      (n?: string) => ({ nkey: "N", sig: n ?? "" }),
    ],
  });
  assert(auth);
  assertEquals(auth("nonce"), {
    jwt: "j",
    nkey: "N",
    sig: "nonce",
    auth_token: "t",
    user: "u",
    pass: "p",
  });
  let n = 0;
  const { auth: a2 } = parseOptions({ authenticator: () => ({ auth_token: `t${++n}` }) });
  assertEquals(a2!(), { auth_token: "t1" });
  assertEquals(a2!(), { auth_token: "t2" });
  const { auth: a3 } = parseOptions({ user: "u" });
  assertEquals(a3!(), { user: "u" });
});

Deno.test("options - the user's object is not modified, nc.options shows defaults", () => {
  const opts: ConnectionOptions = { servers: "a", name: "n" };
  const { options } = parseOptions(opts);
  assertEquals(opts, { servers: "a", name: "n" });
  assertEquals(options.name, "n");
  assertEquals(options.servers, ["a"]);
  assertEquals(options.maxReconnectAttempts, 10);
  assertEquals(options.inboxPrefix, "_INBOX");
});

Deno.test("options - reconnectDelayHandler defaults to nats.deno's jittered delay, kept from the engine", () => {
  const p = parseOptions({ reconnectTimeWait: 50, reconnectJitter: 10, reconnectJitterTLS: 500 });
  // the engine applies its own formula: the default function is not forwarded
  assertEquals(p.wasm.reconnectDelayHandler, undefined);
  assertEquals(typeof p.options.reconnectDelayHandler, "function");
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) {
    const d = p.options.reconnectDelayHandler();
    assert(Number.isInteger(d) && d >= 50 && d <= 60, `delay ${d} outside 50..60`);
    seen.add(d);
  }
  assert(seen.size > 1, "the delay is not jittered");
  const tls = parseOptions({ reconnectTimeWait: 0, reconnectJitterTLS: 3, tls: {} });
  for (let i = 0; i < 100; i++) assert(tls.options.reconnectDelayHandler() <= 3);
  const noJitter = parseOptions({ reconnectTimeWait: 7, reconnectJitter: 0 });
  assertEquals(noJitter.options.reconnectDelayHandler(), 7);
  const dflt = parseOptions({}).options.reconnectDelayHandler();
  assert(dflt >= 2000 && dflt <= 2100, `default delay ${dflt}`);
});
