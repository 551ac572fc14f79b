// Message bodies read straight from the socket's frames (docs/design.md "Output batch"): a scripted
// server (FakeServer) decides exactly where frames begin and end, so each way a body can sit is
// covered: inside one frame, split across frames, behind a header block, in a frame larger than
// the engine's 64 KiB parse chunk. Messages kept in an iterator's queue must read the same bytes
// after later frames have come in.
import { assertEquals } from "../helpers/assert.ts";
import { connect, type Msg } from "../helpers/deps.ts";
import { FakeServer } from "../helpers/helpers.ts";

const te = new TextEncoder();

/** A payload of `n` bytes that differs with `seed` at every position. */
function payload(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("frame bodies - every body reads right and stays so, however the frames cut the ops", async () => {
  const fake = new FakeServer((c) => c.sendInfo());
  try {
    const nc = await connect({ servers: fake.url, pingInterval: 60_000 });
    const c = await fake.connection(0);
    const sub = nc.subscribe("f.>");
    await nc.flush();
    await c.line(/^SUB f\.> 1$/);
    const want: { subject: string; data: Uint8Array; header?: string }[] = [];
    const op = (i: number, size: number, header?: string) => {
      const data = payload(i, size);
      want.push({ subject: `f.${i}`, data, header });
      if (header === undefined) {
        return concat([te.encode(`MSG f.${i} 1 ${size}\r\n`), data, te.encode("\r\n")]);
      }
      const block = te.encode(`NATS/1.0\r\nK: ${header}\r\n\r\n`);
      return concat([
        te.encode(`HMSG f.${i} 1 ${block.length} ${block.length + size}\r\n`),
        block,
        data,
        te.encode("\r\n"),
      ]);
    };
    // one frame of small ops with and without headers
    c.send(concat([op(0, 10), op(1, 1024, "a"), op(2, 0), op(3, 5, "b")]));
    // an op split across three frames, the cuts inside its control line and its payload
    const split = op(4, 3000, "c");
    c.send(split.subarray(0, 7));
    c.send(split.subarray(7, 1500));
    c.send(concat([split.subarray(1500), op(5, 1024)]));
    // one frame of ~1.5 MB: ops cross the engine's 64 KiB chunks, one op is larger than a chunk
    const big: Uint8Array[] = [];
    for (let i = 6; i < 1406; i++) big.push(op(i, 1024, i % 5 === 0 ? `h${i}` : undefined));
    big.push(op(1406, 200_000));
    c.send(concat(big));
    c.send(op(1407, 1));
    const got: Msg[] = [];
    for await (const m of sub) {
      got.push(m);
      if (got.length === want.length) break;
    }
    // read only now, after every frame came in and later messages were handled
    for (let i = 0; i < want.length; i++) {
      const m = got[i];
      assertEquals(m.subject, want[i].subject);
      assertEquals(m.data, want[i].data, `message ${i}`);
      assertEquals(m.headers?.get("K"), want[i].header);
    }
    await nc.close();
  } finally {
    await fake.close();
  }
});

Deno.test("frame bodies - a request's reply and a callback's message read from the frame", async () => {
  const fake = new FakeServer((c) => c.sendInfo());
  try {
    const nc = await connect({ servers: fake.url, pingInterval: 60_000 });
    const c = await fake.connection(0);
    const seen: Uint8Array[] = [];
    nc.subscribe("cb", { callback: (_e, m) => seen.push(m.data) });
    await nc.flush();
    await c.line(/^SUB cb 1$/);
    c.send(concat([te.encode("MSG cb 1 3\r\nabc\r\nMSG cb 1 3\r\ndef\r\n")]));
    const reply = nc.request("svc", "q", { timeout: 2000 });
    const line = await c.line(/^PUB svc /);
    const inbox = line.split(" ")[2];
    const sid = (await c.line(/^SUB _INBOX\./)).split(" ")[2];
    c.send(`MSG ${inbox} ${sid} 4\r\npong\r\n`);
    const m = await reply;
    assertEquals(m.string(), "pong");
    assertEquals(seen.map((d) => new TextDecoder().decode(d)), ["abc", "def"]);
    await nc.close();
  } finally {
    await fake.close();
  }
});
