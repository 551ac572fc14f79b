// Hostile input from a misbehaving WebSocket server written for the tests (helpers.ts FakeServer:
// Deno.serve + Deno.upgradeWebSocket on 127.0.0.1, an ephemeral port): garbage right after INFO,
// an INFO that never ends, a control line of 1 MiB, a MSG whose size claims 1 GiB or more than
// the server's own max_payload, ops cut off by a close, and a server that sends INFO and then
// nothing. The client must report NATS_PROTOCOL_ERR (connect rejects, or an Events.Error and a
// reconnect), refuse oversize claims at the control line instead of buffering the payload,
// reconnect or close as configured, and never trap or hang: every wait here is bounded.
import { connect, ErrorCode, Events } from "../helpers/deps.ts";
import type { NatsError } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import {
  FakeConn,
  FakeServer,
  IS_NATS_WS,
  StatusRecorder,
  take,
  te,
  within,
} from "../helpers/helpers.ts";

/** A control line limit is 64 KiB in the engine (src/proto/parser.rs `Limits`); go past it. */
const OVER_CONTROL_LINE = 70 * 1024;

/** Completes the handshake on `c` (INFO, then PONG for the client's PING). */
function handshake(c: FakeConn, then: () => void) {
  c.sendInfo();
  c.line(/^PING$/).then(() => {
    c.send("PONG\r\n");
    setTimeout(then, 30);
  }, () => {});
}

/** Connection 0 misbehaves after the handshake with `bad`; later connections are sane. */
async function afterHandshake(bad: (c: FakeConn) => void) {
  const fake = new FakeServer((c) => {
    if (c.index === 0) handshake(c, () => bad(c));
    else c.sendInfo();
  });
  const nc = await connect({
    servers: fake.url,
    reconnectTimeWait: 50,
    reconnectJitter: 0,
    pingInterval: 60_000,
  });
  return { fake, nc, rec: new StatusRecorder(nc) };
}

/** Before the handshake: connect (no reconnect) must reject with `code`, well within `ms`. */
async function dialFails(onConnect: (c: FakeConn) => void, code: string, ms = 3000) {
  const fake = new FakeServer(onConnect);
  try {
    const t0 = performance.now();
    const err = await within(
      assertRejects(connect({ servers: fake.url, timeout: 10_000, reconnect: false })),
      ms + 2000,
      "connect settles",
    );
    if (!IS_NATS_WS) {
      assertEquals(err.code, code, err.message);
      assert(
        performance.now() - t0 < ms,
        `failed in ${performance.now() - t0} ms, not at the timeout`,
      );
    }
    await within(fake.conns[0].closed, 3000, "the client closed the socket");
  } finally {
    await fake.close();
  }
}

Deno.test("hostile server: garbage right after INFO is a protocol error", async () => {
  await dialFails((c) => {
    c.sendInfo();
    c.send("\x00\xffGARBAGE\r\n");
  }, ErrorCode.ProtocolError);
});

Deno.test("hostile server: an INFO that never ends fails at the control-line limit, not at the timeout", async () => {
  await dialFails((c) => {
    c.send('INFO {"server_id":"');
    // 8 KiB frames, past the limit; the client must give up on its own
    for (let n = 0; n < OVER_CONTROL_LINE; n += 8192) c.send("x".repeat(8192));
  }, ErrorCode.ProtocolError);
});

Deno.test("hostile server: INFO then a close in the middle of the handshake is a clean dial failure", async () => {
  await dialFails((c) => {
    c.send('INFO {"server_id":"S","proto":1,"max_pay');
    setTimeout(() => c.close(), 20);
  }, ErrorCode.Disconnect);
});

Deno.test("hostile server: INFO and then nothing fails with TIMEOUT at the connect timeout", async () => {
  const fake = new FakeServer((c) => c.sendInfo(), false); // never answers the PING
  try {
    const t0 = performance.now();
    const err = await within(
      assertRejects(connect({ servers: fake.url, timeout: 500, reconnect: false })),
      5000,
      "connect settles",
    );
    if (!IS_NATS_WS) assertEquals(err.code, ErrorCode.Timeout);
    assert(performance.now() - t0 >= 450, "waited for the timeout");
  } finally {
    await fake.close();
  }
});

for (
  const [label, bad] of [
    ["a 1 MiB control line", (c: FakeConn) => c.send("MSG " + "a".repeat(1024 * 1024))],
    ["a MSG claiming 1 GiB", (c: FakeConn) => c.send("MSG foo 1 1073741824\r\n")],
    [
      "a MSG claiming more than the INFO max_payload",
      (c: FakeConn) => c.send(`MSG foo 1 ${2 * 1024 * 1024 + 1}\r\n`),
    ],
    [
      "an HMSG whose header is longer than the message",
      (c: FakeConn) => c.send("HMSG foo 1 20 10\r\n"),
    ],
  ] as const
) {
  Deno.test(`hostile server: ${label} after the handshake is an error, then a reconnect`, async () => {
    const { fake, nc, rec } = await afterHandshake(bad);
    try {
      const e = await rec.next(Events.Error, 5000);
      if (!IS_NATS_WS) assertEquals(e.data, ErrorCode.ProtocolError);
      await rec.next(Events.Reconnect, 5000);
      await within(fake.conns[0].closed, 3000, "the client dropped the bad socket");
      await within(nc.flush(), 3000, "the new connection works");
      await nc.close();
      await rec.stop();
    } finally {
      await fake.close();
    }
  });
}

Deno.test("hostile server: a 1 GiB claim is refused at its control line, not after buffering a payload", async () => {
  let chunks = 0;
  const { fake, nc, rec } = await afterHandshake((c) => {
    c.send("MSG foo 1 1073741824\r\n");
    // keep streaming 1 MiB chunks while the socket stays open (bounded at 64 MiB)
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const pump = () => {
      if (c.ws.readyState !== WebSocket.OPEN || chunks >= 64) return;
      c.send(chunk);
      chunks++;
      setTimeout(pump, 5);
    };
    pump();
  });
  try {
    await rec.next(Events.Error, 5000);
    await within(fake.conns[0].closed, 5000, "the client dropped the socket");
    assert(chunks < 16, `the client read ${chunks} MiB of the claimed payload before giving up`);
    await nc.close();
    await rec.stop();
  } finally {
    await fake.close();
  }
});

Deno.test("hostile server: an op cut off by a close delivers nothing partial; the next server delivers", async () => {
  const { fake, nc, rec } = await afterHandshake((c) => {
    c.send("MSG cut.off 1 10\r\nabc");
    setTimeout(() => c.close(), 30);
  });
  try {
    const sub = nc.subscribe("cut.off"); // sid 1, as the fake's MSG says
    await rec.next(Events.Disconnect, 5000);
    const types = rec.types();
    assertEquals(types.includes(Events.Error), false, `a close is not a protocol error: ${types}`);
    const c1 = await fake.connection(1, 5000);
    await rec.next(Events.Reconnect, 5000);
    await c1.line(/^SUB cut\.off 1$/, 5000);
    c1.send("MSG cut.off 1 5\r\nwhole\r\n");
    const [m] = await take(sub, 1, 3000);
    assertEquals(m.string(), "whole");
    assertEquals(sub.getReceived(), 1, "the partial message was never delivered");
    await nc.close();
    await rec.stop();
  } finally {
    await fake.close();
  }
});

Deno.test("hostile server: with reconnect: false a protocol error closes the client with it", async () => {
  const fake = new FakeServer((c) =>
    handshake(c, () => c.send(te.encode("-ERR\r\nPONG extra\r\n")))
  );
  try {
    const nc = await connect({ servers: fake.url, reconnect: false });
    const err = await within(nc.closed(), 5000, "closed()") as NatsError | undefined;
    assertEquals(nc.isClosed(), true);
    if (!IS_NATS_WS) assertEquals(err?.code, ErrorCode.ProtocolError);
  } finally {
    await fake.close();
  }
});
