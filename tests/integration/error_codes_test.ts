// Errors from across the README: BAD_SUBJECT (empty subject), MAX_PAYLOAD_EXCEEDED with nothing
// sent (tests/nats/maxpayload.conf, max_payload 1024), CONNECTION_REFUSED for a closed port
// (project decision; nats.ws says UNKNOWN_ERROR), CONNECTION_CLOSED after close, BAD_PAYLOAD for
// a payload that is neither string nor Uint8Array, NatsError's shape, and a raw WebSocket server
// (Deno.serve + Deno.upgradeWebSocket) that sends garbage: the client must report it and
// reconnect or close, never hang or crash.
import {
  connect,
  createInbox,
  Empty,
  ErrorCode,
  Events,
  headers,
  NatsError,
} from "../helpers/deps.ts";
import type { Payload } from "../helpers/deps.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertThrows,
} from "../helpers/assert.ts";
import {
  closedPort,
  connectTest,
  FakeServer,
  IS_NATS_WS,
  MAX_PAYLOAD_URL,
  SMALL_MAX_PAYLOAD,
  StatusRecorder,
  take,
  within,
} from "../helpers/helpers.ts";

Deno.test("errors: an empty subject is BAD_SUBJECT for publish, subscribe and request", async () => {
  const nc = await connectTest();
  assertThrows(() => nc.publish(""), ErrorCode.BadSubject);
  assertThrows(() => nc.subscribe(""), ErrorCode.BadSubject);
  await assertRejects(() => nc.request(""), ErrorCode.BadSubject);
  assertEquals(nc.isClosed(), false);
  await nc.flush();
  await nc.close();
});

Deno.test("errors: MAX_PAYLOAD_EXCEEDED over max_payload, and nothing is sent", async () => {
  const nc = await connect({ servers: MAX_PAYLOAD_URL });
  assertEquals(nc.info?.max_payload, SMALL_MAX_PAYLOAD);
  const subj = createInbox("big");
  const sub = nc.subscribe(subj);
  await nc.flush();
  const before = nc.stats().outMsgs;
  assertThrows(
    () => nc.publish(subj, new Uint8Array(SMALL_MAX_PAYLOAD + 1)),
    ErrorCode.MaxPayloadExceeded,
  );
  // headers count too: 1000 bytes of data plus a header block of more than 24 bytes
  const h = headers();
  h.set("Some-Header", "x".repeat(40));
  assertThrows(
    () => nc.publish(subj, new Uint8Array(1000), { headers: h }),
    ErrorCode.MaxPayloadExceeded,
  );
  await assertRejects(
    () => nc.request(subj, new Uint8Array(SMALL_MAX_PAYLOAD + 1)),
    ErrorCode.MaxPayloadExceeded,
  );
  assertEquals(nc.stats().outMsgs, before, "nothing was counted as sent");
  // exactly max_payload is fine, and it is the only message that arrives
  nc.publish(subj, new Uint8Array(SMALL_MAX_PAYLOAD).fill(7));
  const [m] = await take(sub, 1);
  assertEquals(m.data.length, SMALL_MAX_PAYLOAD);
  assertEquals(sub.getReceived(), 1);
  assertEquals(nc.isClosed(), false, "the connection survived (the server never saw a big PUB)");
  await nc.flush();
  await nc.close();
});

Deno.test("errors: a closed port fails connect with CONNECTION_REFUSED (nats.ws: UNKNOWN_ERROR)", async () => {
  const url = `ws://127.0.0.1:${closedPort()}`;
  const t0 = performance.now();
  const err = await assertRejects(
    () => connect({ servers: url }),
    IS_NATS_WS ? ErrorCode.Unknown : ErrorCode.ConnectionRefused,
  );
  assertInstanceOf(err, NatsError);
  assert(performance.now() - t0 < 5000, "failed fast");
});

Deno.test("errors: after close, publish/subscribe throw and request/flush/drain reject CONNECTION_CLOSED", async () => {
  const nc = await connectTest();
  await nc.close();
  assertThrows(() => nc.publish("x"), ErrorCode.ConnectionClosed);
  assertThrows(() => nc.subscribe("x"), ErrorCode.ConnectionClosed);
  await assertRejects(() => nc.request("x"), ErrorCode.ConnectionClosed);
  await assertRejects(() => nc.flush(), ErrorCode.ConnectionClosed);
  await assertRejects(() => nc.drain(), ErrorCode.ConnectionClosed);
});

Deno.test("errors: a payload that is neither string nor Uint8Array is BAD_PAYLOAD", async () => {
  const nc = await connectTest();
  for (const bad of [42, { a: 1 }, [1, 2], true]) {
    assertThrows(
      () => nc.publish("x", bad as unknown as Payload),
      ErrorCode.BadPayload,
      undefined,
      String(bad),
    );
  }
  await nc.flush();
  await nc.close();
});

Deno.test("errors: NatsError has name, code and message, and is an Error", async () => {
  const nc = await connectTest();
  const err = await assertRejects(nc.request(createInbox("nobody"), Empty), ErrorCode.NoResponders);
  assertInstanceOf(err, NatsError);
  assertInstanceOf(err, Error);
  assertEquals(err.name, "NatsError");
  assert(err.message.length > 0, "has a message");
  await nc.close();
});

Deno.test("errors: a pending request is rejected when the connection closes", async () => {
  const nc = await connectTest();
  const subj = createInbox("pending");
  nc.subscribe(subj, { callback: () => {} });
  const p = nc.request(subj, Empty, { timeout: 10_000 });
  await nc.flush();
  await nc.close();
  const err = await within(assertRejects(p), 2000, "pending request settles on close");
  assertInstanceOf(err, NatsError);
});

Deno.test("errors: garbage right after INFO fails the dial quickly, no hang", async () => {
  const fake = new FakeServer((c) => {
    c.sendInfo();
    c.send("THIS IS NOT NATS\r\n");
  });
  try {
    // nats.ws 1.30.3 only gets out through the dial timeout (its parser error closes the reader
    // and nothing else); ours must fail on the parse error itself, well before the timeout
    const t0 = performance.now();
    const err = await within(
      assertRejects(() => connect({ servers: fake.url, timeout: 1500, reconnect: false })),
      4000,
      "connect settles",
    );
    assertInstanceOf(err, Error);
    if (!IS_NATS_WS) {
      assert(performance.now() - t0 < 1000, "failed on the garbage, not on the timeout");
      assert((err as NatsError).code !== ErrorCode.Timeout, `code ${(err as NatsError).code}`);
    }
  } finally {
    await fake.close();
  }
});

Deno.test("errors: a first frame that is not INFO fails the dial", async () => {
  const fake = new FakeServer((c) => c.send("HTTP/1.1 200 OK\r\n\r\n"));
  try {
    await within(
      assertRejects(() => connect({ servers: fake.url, timeout: 5000 })),
      4000,
      "connect settles",
    );
  } finally {
    await fake.close();
  }
});

Deno.test("errors: garbage after the handshake is an error/disconnect, then a reconnect", async () => {
  // connection 0 completes the handshake, then sends a protocol violation; connection 1 is sane
  const fake = new FakeServer((c) => {
    c.sendInfo();
    if (c.index === 0) {
      c.line(/^PING$/).then(() => {
        c.send("PONG\r\n");
        setTimeout(() => c.send("MSG foo notasid\r\n\x00\xff garbage\r\n"), 50);
      }, () => {});
    }
  });
  try {
    // pingInterval is the safety net that gets nats.ws 1.30.3 out (it stops reading on a parse
    // error and only notices through missing PONGs); ours must react to the garbage itself
    const nc = await connect({
      servers: fake.url,
      reconnectTimeWait: 50,
      reconnectJitter: 0,
      pingInterval: 250,
    });
    const rec = new StatusRecorder(nc);
    await fake.connection(1, 5000); // the client dropped the bad socket and dialled again
    await rec.next(Events.Reconnect, 5000);
    const types = rec.types();
    assert(
      types.includes(Events.Disconnect) || types.includes(Events.Error),
      `the bad stream was reported: ${types}`,
    );
    if (!IS_NATS_WS) {
      assertEquals(
        types.includes("staleConnection"),
        false,
        `found by the parser, not by pings: ${types}`,
      );
    }
    assertEquals(nc.isClosed(), false);
    await nc.flush(); // the new connection works (the fake answers PING)
    await nc.close();
    await rec.stop();
  } finally {
    await fake.close();
  }
});

Deno.test("errors: garbage after the handshake with reconnect: false closes with an Error", async () => {
  const fake = new FakeServer((c) => {
    c.sendInfo();
    c.line(/^PING$/).then(() => {
      c.send("PONG\r\n");
      setTimeout(() => c.send("\x01\x02\x03 nonsense nonsense\r\n"), 50);
    }, () => {});
  });
  try {
    const nc = await connect({ servers: fake.url, reconnect: false, pingInterval: 250 }); // see above
    const rec = new StatusRecorder(nc);
    const err = await within(nc.closed(), 5000, "closed() after garbage");
    assertEquals(nc.isClosed(), true);
    await rec.stop();
    if (!IS_NATS_WS) {
      assertInstanceOf(err, Error, "the close carries the protocol error");
      assertEquals(
        rec.types().includes("staleConnection"),
        false,
        `found by the parser: ${rec.types()}`,
      );
    }
  } finally {
    await fake.close();
  }
});

Deno.test("errors: a server -ERR is an error event (NATS_PROTOCOL_ERR) and the client recovers", async () => {
  const fake = new FakeServer((c) => {
    c.sendInfo();
    if (c.index === 0) {
      c.line(/^PING$/).then(() => {
        c.send("PONG\r\n");
        setTimeout(() => {
          c.send("-ERR 'Unknown Protocol Operation'\r\n");
          c.close();
        }, 50);
      }, () => {});
    }
  });
  try {
    const nc = await connect({ servers: fake.url, reconnectTimeWait: 50, reconnectJitter: 0 });
    const rec = new StatusRecorder(nc);
    const e = await rec.next(Events.Error, 5000);
    assertEquals(e.data, ErrorCode.ProtocolError);
    await rec.next(Events.Reconnect, 5000);
    await nc.flush();
    await nc.close();
    await rec.stop();
  } finally {
    await fake.close();
  }
});
