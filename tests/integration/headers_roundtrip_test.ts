// README › "Headers": headers() / MsgHdrs on publish, request and respond; iteration order and
// multiple values; key case kept on the wire and case-sensitive lookups by default (project
// decision: Match.Exact, as the reference code), Match.IgnoreCase and Match.CanonicalMIME;
// status code/description; canonicalMIMEHeaderKey; BAD_HEADER for invalid keys and values.
import {
  canonicalMIMEHeaderKey,
  createInbox,
  Empty,
  ErrorCode,
  headers,
  Match,
  nuid,
} from "../helpers/deps.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { connectTest, take } from "../helpers/helpers.ts";

Deno.test("headers: the README example (id + unix_time on an empty payload)", async () => {
  const nc = await connectTest();
  const subj = createInbox();
  const sub = nc.subscribe(subj);
  const h = headers();
  const id = nuid.next();
  const now = Date.now().toString();
  h.append("id", id);
  h.append("unix_time", now);
  nc.publish(subj, Empty, { headers: h });
  await nc.flush();
  const [m] = await take(sub, 1);
  assert(m.headers, "the message has headers");
  const lines: string[] = [];
  for (const [key, value] of m.headers) lines.push(`${key}=${value}`);
  assertEquals(lines, [`id=${id}`, `unix_time=${now}`]);
  assertEquals(m.headers.get("id"), id);
  assertEquals(m.data.length, 0, "the header block is not part of data");
  await nc.close();
});

Deno.test("headers: multiple values, keys(), values(), last(), has(), delete(), payload intact", async () => {
  const nc = await connectTest();
  const subj = createInbox("hdrs");
  const sub = nc.subscribe(subj);
  const h = headers();
  h.append("Multi", "one");
  h.append("Multi", "two");
  h.set("Single", "  padded value  ");
  h.set("Gone", "x");
  h.delete("Gone");
  assertEquals(h.has("Gone"), false);
  nc.publish(subj, "payload!", { headers: h });
  const [m] = await take(sub, 1);
  const r = m.headers!;
  assertEquals(r.values("Multi"), ["one", "two"]);
  assertEquals(r.get("Multi"), "one");
  assertEquals(r.last("Multi"), "two");
  assertEquals(r.get("Single"), "padded value", "values are trimmed");
  assertEquals(r.keys(), ["Multi", "Single"]);
  assertEquals(r.has("Gone"), false);
  assertEquals(r.get("Missing"), "");
  assertEquals(r.hasError, false);
  assertEquals(m.string(), "payload!");
  await nc.close();
});

Deno.test("headers: key case survives the wire; lookups are exact unless a Match says otherwise", async () => {
  const nc = await connectTest();
  const subj = createInbox("case");
  const sub = nc.subscribe(subj);
  const h = headers();
  h.set("X-Mixed-Case", "a");
  h.set("lower-only", "b");
  h.append("content-type", "text/plain", Match.CanonicalMIME);
  nc.publish(subj, Empty, { headers: h });
  const [m] = await take(sub, 1);
  const r = m.headers!;
  assertEquals(r.keys(), ["X-Mixed-Case", "lower-only", "Content-Type"]);
  // project decision (docs/decisions.md "Header lookups"): Match.Exact is the default
  assertEquals(r.get("x-mixed-case"), "");
  assertEquals(r.has("x-mixed-case"), false);
  assertEquals(r.get("x-mixed-case", Match.IgnoreCase), "a");
  assertEquals(r.has("X-MIXED-CASE", Match.IgnoreCase), true);
  assertEquals(r.get("LOWER-ONLY", Match.IgnoreCase), "b");
  assertEquals(r.get("content-type", Match.CanonicalMIME), "text/plain");
  assertEquals(r.get("Content-Type"), "text/plain");
  await nc.close();
});

Deno.test("headers: a status code and description travel with the message", async () => {
  const nc = await connectTest();
  const subj = createInbox("status");
  const sub = nc.subscribe(subj);
  const h = headers(408, "Request Timeout");
  h.set("K", "v");
  nc.publish(subj, Empty, { headers: h });
  const [m] = await take(sub, 1);
  assertEquals(m.headers?.code, 408);
  assertEquals(m.headers?.description, "Request Timeout");
  assertEquals(m.headers?.status, "408 Request Timeout");
  assertEquals(m.headers?.hasError, true);
  assertEquals(m.headers?.get("K"), "v");
  assertThrows(() => headers(500), undefined, undefined, "a code needs a description");
  await nc.close();
});

Deno.test("headers: request headers reach the responder and reply headers come back", async () => {
  const nc = await connectTest();
  const subj = createInbox("req-hdrs");
  nc.subscribe(subj, {
    callback: (_err, m) => {
      const h = headers();
      h.set("Echo-Trace", m.headers?.get("Trace") ?? "none");
      h.set("Count", String(m.headers?.values("Trace").length ?? 0));
      m.respond(Empty, { headers: h });
    },
  });
  const h = headers();
  h.set("Trace", "abc-123");
  const r = await nc.request(subj, Empty, { headers: h, timeout: 2000 });
  assertEquals(r.headers?.get("Echo-Trace"), "abc-123");
  assertEquals(r.headers?.get("Count"), "1");
  await nc.close();
});

Deno.test("headers: canonicalMIMEHeaderKey and BAD_HEADER for invalid keys or values", () => {
  assertEquals(canonicalMIMEHeaderKey("content-type"), "Content-Type");
  assertEquals(canonicalMIMEHeaderKey("x-NATS-foo"), "X-Nats-Foo");
  assertEquals(canonicalMIMEHeaderKey("ALLCAPS"), "Allcaps");
  const h = headers();
  assertThrows(() => h.append("bad:key", "v"), ErrorCode.BadHeader);
  assertThrows(() => h.append("bad key", "v"), ErrorCode.BadHeader);
  assertThrows(() => h.append("k", "line\r\nbreak"), ErrorCode.BadHeader);
  assertThrows(() => canonicalMIMEHeaderKey("with space"), ErrorCode.BadHeader);
});

Deno.test("headers: many headers and a large header block round-trip", async () => {
  const nc = await connectTest();
  const subj = createInbox("many-hdrs");
  const sub = nc.subscribe(subj);
  const h = headers();
  for (let i = 0; i < 100; i++) h.append(`K-${i}`, `value-${i}-${"x".repeat(100)}`);
  nc.publish(subj, "data", { headers: h });
  const [m] = await take(sub, 1);
  assertEquals(m.headers?.keys().length, 100);
  for (let i = 0; i < 100; i++) {
    assertEquals(m.headers?.get(`K-${i}`), `value-${i}-${"x".repeat(100)}`);
  }
  assertEquals(m.string(), "data");
  await nc.close();
});

/** A responder over raw TCP (port 14222 of the default server) that answers every request with
 * an empty payload and a header value that is not UTF-8, as a Latin-1 peer might send. */
async function latin1Responder(subject: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: 14222 });
  const enc = new TextEncoder();
  await conn.write(
    enc.encode(`CONNECT {"verbose":false,"headers":true}\r\nSUB ${subject} 1\r\nPING\r\n`),
  );
  const buf = new Uint8Array(64 * 1024);
  let text = "";
  // wait for the PONG so the SUB is in place before the request is sent
  while (!text.includes("PONG")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("responder: server closed");
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  (async () => {
    let pending = "";
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) return;
      pending += new TextDecoder().decode(buf.subarray(0, n));
      const m = /MSG \S+ \d+ (\S+) \d+\r\n/.exec(pending);
      if (!m) continue;
      pending = "";
      const hdr = new Uint8Array([...enc.encode("NATS/1.0\r\nX-Name: caf"), 0xe9, 13, 10, 13, 10]);
      const line = enc.encode(`HPUB ${m[1]} ${hdr.length} ${hdr.length}\r\n`);
      await conn.write(new Uint8Array([...line, ...hdr, 13, 10]));
    }
  })();
  return conn;
}

Deno.test("headers: a reply whose header value is not UTF-8 still resolves the request", async () => {
  const nc = await connectTest();
  const subject = createInbox("latin1");
  const responder = await latin1Responder(subject);
  try {
    const m = await nc.request(subject, Empty, { timeout: 2000 });
    assertEquals(m.data.length, 0);
    assertEquals(m.headers?.get("X-Name"), "caf\uFFFD");
  } finally {
    responder.close();
    await nc.close();
  }
});
