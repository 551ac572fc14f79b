import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { MsgImpl } from "../../js/msg.ts";
import { K_MSG, K_REPLY, STRIDE } from "../../js/records.ts";
import { setHeaderWire } from "../../js/headers.ts";
import { ErrorCode } from "../../js/errors.ts";
import type { MsgHdrs, Payload } from "../../js/types.ts";
import { recordWords } from "../helpers/records.ts";

const te = new TextEncoder();

/** Builds an arena with junk before the record, like a batch with several records. */
function arena(subject: string, reply: string, hdr: string, data: string) {
  const pre = te.encode("junk");
  const parts = [pre, te.encode(subject), te.encode(reply), te.encode(hdr), te.encode(data)];
  const buf = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return { buf, off: pre.length, lens: parts.slice(1).map((p) => p.length) };
}

class FakePub {
  sent: [string, Payload, unknown][] = [];
  publish(subject: string, data: Payload, opts?: { reply?: string; headers?: MsgHdrs }) {
    this.sent.push([subject, data, opts]);
  }
}

function msg(
  subject: string,
  reply: string,
  hdr: string,
  data: string,
  status = 0,
  pub = new FakePub(),
) {
  const a = arena(subject, reply, hdr, data);
  // a MSG record at word STRIDE, after a record of another kind
  const records = new Uint32Array(2 * STRIDE);
  records.set(recordWords(K_MSG, 7, a.off, a.lens, status), STRIDE);
  return new MsgImpl(pub, records, STRIDE, a.buf, undefined);
}

Deno.test("msg - lazy fields over the arena", () => {
  const m = msg("foo.bar", "_INBOX.x", "", "hello");
  assertEquals(m.sid, 7);
  assertEquals(m.subject, "foo.bar");
  assertEquals(m.subject, "foo.bar");
  assertEquals(m.reply, "_INBOX.x");
  assertEquals(m.data, te.encode("hello"));
  assertEquals(m.string(), "hello");
  assertEquals(m.headers, undefined);
  assertEquals(m.size(), 7 + 8 + 5);
  const e = msg("a", "", "", "");
  assertEquals(e.reply, "");
  assertEquals(e.data.length, 0);
});

Deno.test("msg - UTF-8 and long subjects", () => {
  assertEquals(msg("héllo.wörld", "", "", "").subject, "héllo.wörld");
  const long = "a.".repeat(100) + "z";
  assertEquals(msg(long, "", "", "").subject, long);
  assertEquals(msg("x".repeat(64) + "é", "", "", "").subject, "x".repeat(64) + "é");
});

Deno.test("msg - json and BAD_JSON", () => {
  assertEquals(msg("a", "", "", '{"n":1}').json(), { n: 1 });
  assertEquals(
    msg("a", "", "", '{"n":1}').json<{ n: number }>((k, v) => (k === "n" ? v + 1 : v)),
    { n: 2 },
  );
  assertThrows(() => msg("a", "", "", "{").json(), ErrorCode.BadJson);
});

Deno.test("msg - respond publishes to reply, false without one", () => {
  const pub = new FakePub();
  const m = msg("a", "reply.here", "", "", 0, pub);
  assert(m.respond("pong"));
  assertEquals(pub.sent[0][0], "reply.here");
  assertEquals(pub.sent[0][1], "pong");
  assert(m.respond());
  assertEquals((pub.sent[1][1] as Uint8Array).length, 0);
  assert(!msg("a", "", "", "", 0, pub).respond("x"));
  assertEquals(pub.sent.length, 2);
});

Deno.test("msg - headers decoded on first access through the wire codec", () => {
  let decodes = 0;
  setHeaderWire({
    encode: () => new Uint8Array(),
    decode(block) {
      decodes++;
      assertEquals(new TextDecoder().decode(block), "NATS/1.0 503\r\n\r\n");
      return '503\r\n\r\nNats-Request-Info\r\n1\r\n{"acc":"A","rtt":1}\r\n';
    },
  });
  const m = msg("a", "", "NATS/1.0 503\r\n\r\n", "", 503);
  assertEquals(decodes, 0);
  assertEquals(m.headers?.code, 503);
  assertEquals(m.headers?.code, 503);
  assertEquals(decodes, 1);
  assertEquals(m.data.length, 0);
  assertEquals(m.statusCode, 503);
  assertEquals(m.requestInfo()?.acc, "A");
});

Deno.test("msg - a REPLY record has sid 0 and its fields", () => {
  const a = arena("svc", "", "", "pong");
  const records = new Uint32Array(STRIDE);
  records.set(recordWords(K_REPLY, 42, a.off, a.lens));
  const m = new MsgImpl(new FakePub(), records, 0, a.buf, undefined);
  assertEquals([m.sid, m.subject, m.string(), m.statusCode], [0, "svc", "pong", 0]);
});

Deno.test("msg - a body left in the frame: data and headers from the frame, names from the arena", () => {
  const hdr = "NATS/1.0\r\nA: b\r\n\r\n";
  const a = arena("subj", "rep", "", "");
  // the frame holds other ops around the message's header block and payload
  const frame = te.encode(`MSG x 1 3\r\nabc\r\nHMSG subj 2 rep 18 22\r\n${hdr}wxyz\r\n`);
  const at = frame.indexOf(te.encode("NATS")[0], 11);
  const records = new Uint32Array(STRIDE);
  records.set(recordWords(K_MSG, 2, a.off, [4, 3, hdr.length, 4], 0, at));
  const m = new MsgImpl(new FakePub(), records, 0, a.buf, frame);
  assertEquals([m.subject, m.reply, m.string()], ["subj", "rep", "wxyz"]);
  const blocks: string[] = [];
  setHeaderWire({
    encode: () => new Uint8Array(),
    decode(block) {
      blocks.push(new TextDecoder().decode(block));
      return "0\r\n\r\nA\r\n1\r\nb\r\n";
    },
  });
  assertEquals(m.headers?.get("A"), "b");
  assertEquals(blocks, [hdr]);
  assertEquals(m.size(), 4 + 3 + hdr.length + 4);
  // a view into the frame, not a copy of it
  assertEquals(m.data.buffer, frame.buffer);
  assertEquals(m.data.byteOffset, at + hdr.length);
});

Deno.test("msg - subjectFrom decodes only the bytes after the skipped ASCII prefix", () => {
  const m = msg("$KV.b.k.é", "", "", "");
  assertEquals(m.subjectFrom(6), "k.é");
  assertEquals(m.subjectFrom(99), "");
  assertEquals(m.subject, "$KV.b.k.é");
  // once the subject is decoded it is cut from it
  assertEquals(m.subjectFrom(6), "k.é");
});
