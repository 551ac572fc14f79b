// JsMsg without a server: DeliveryInfo through the wasm parser (both subject forms, hostile
// subjects), the ack bodies, the one-terminal-ack rule and ackAck's outcomes, over a fake Msg
// that records what it would publish (needs the wasm build in js/wasm/, as `make build` makes it).
import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import { nakBody, nextBody, parseInfo, termBody, toJsMsg } from "../../js/jetstream/jsmsg.ts";
import type { DeliveryInfo } from "../../js/jetstream/jsmsg.ts";
import { wasmMemory } from "../../js/wasm.ts";
import { parseAckSubject } from "../../js/jetstream/engine.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import type { Msg, Payload, PublishOptions, RequestOptions } from "../../js/types.ts";

const td = new TextDecoder();
const te = new TextEncoder();
const text = (b: Payload) => typeof b === "string" ? b : td.decode(b);

/** A received message stand-in: `respond` records [body, reply option]. */
function fakeMsg(reply: string | undefined, requester?: unknown) {
  const sent: [string, string | undefined][] = [];
  const m = {
    subject: "orders.new",
    sid: 7,
    reply,
    data: te.encode('{"n":1}'),
    headers: undefined,
    respond(payload?: Payload, opts?: PublishOptions): boolean {
      if (!reply) return false;
      sent.push([text(payload ?? ""), opts?.reply]);
      return true;
    },
    json<T>(): T {
      return JSON.parse(td.decode(this.data));
    },
    string(): string {
      return td.decode(this.data);
    },
    publisher: requester,
  };
  return { m: m as unknown as Msg, sent };
}

const V1 = "$JS.ACK.ORDERS.dur.2.9808.9807.1626818873482533123.5";
const V2 = "$JS.ACK._.ACCHASH.S.C.1.10.3.1700000000000000001.0.RANDTOK";

Deno.test("jsmsg - the v1 (9-token) form: every field, no domain or account hash", () => {
  const want: DeliveryInfo = {
    domain: "",
    account_hash: "",
    stream: "ORDERS",
    consumer: "dur",
    redeliveryCount: 2,
    deliveryCount: 2,
    streamSequence: 9808,
    deliverySequence: 9807,
    timestampNanos: Number(1626818873482533123n),
    pending: 5,
    redelivered: true,
  };
  assertEquals(parseInfo(V1), want);
});

Deno.test("jsmsg - the v2 form: `_` is no domain, the token and later tokens are ignored", () => {
  const info = parseInfo(V2);
  assertEquals(
    [info.domain, info.account_hash, info.stream, info.consumer],
    ["", "ACCHASH", "S", "C"],
  );
  assertEquals(
    [info.deliveryCount, info.streamSequence, info.deliverySequence, info.pending],
    [1, 10, 3, 0],
  );
  assertEquals(info.redelivered, false);
  const hub = parseInfo("$JS.ACK.hub.H.S.C.1.10.3.17.4.T.future1.future2");
  assertEquals([hub.domain, hub.account_hash, hub.timestampNanos, hub.pending], [
    "hub",
    "H",
    17,
    4,
  ]);
  // 11 tokens: no random token
  assertEquals(parseInfo("$JS.ACK.hub.H.S.C.1.10.3.17.0").domain, "hub");
});

Deno.test("jsmsg - the timestamp crosses rounded once to a double, like parseInt", () => {
  const ts = "1700000000123456789";
  const n = parseAckSubject(`$JS.ACK.S.C.1.1.1.${ts}.0`);
  assertEquals([n[3], n[4]], [parseInt(ts, 10), 0], "slot 3 the nanoseconds, slot 4 pending");
  // parseInt rounds the decimal to the nearest double: the value nats.deno reports
  assertEquals(parseInfo(`$JS.ACK.S.C.1.1.1.${ts}.0`).timestampNanos, parseInt(ts, 10));
  // 1700768805039646804: ms * 1e6 + ns in doubles rounds twice and misses parseInt by one step
  const cases = ["0", "999999", "1000000", "18446744073709551615", "1700768805039646804"];
  for (const t of cases) {
    assertEquals(parseInfo(`$JS.ACK.S.C.1.1.1.${t}.0`).timestampNanos, parseInt(t, 10), t);
  }
});

Deno.test("jsmsg - names are sliced at UTF-16 offsets, also after non-ASCII tokens", () => {
  const info = parseInfo("$JS.ACK.dømæn.hash.流.😀c.1.2.3.4.5");
  assertEquals([info.domain, info.account_hash, info.stream, info.consumer], [
    "dømæn",
    "hash",
    "流",
    "😀c",
  ]);
  assertEquals(parseInfo("$JS.ACK.ström.cønsumer.1.2.3.4.5").consumer, "cønsumer");
});

Deno.test("jsmsg - hostile subjects are a BAD_SUBJECT NatsError naming the problem", () => {
  const cases: [string, string][] = [
    ["", "no $JS.ACK prefix"],
    ["_INBOX.abc", "no $JS.ACK prefix"],
    ["$js.ack.S.C.1.1.1.1.1", "no $JS.ACK prefix"],
    ["$JS.ACK.S.C.1.1.1.1", "8 tokens"],
    ["$JS.ACK.D.A.S.C.1.1.1.1", "10 tokens"],
    ["$JS.ACK..C.1.1.1.1.1", "empty token"],
    ["$JS.ACK.S.C.12abc.1.1.1.1", "token 6 is not an integer"],
    ["$JS.ACK.S.C.1.1.-1.1.1", "token 8 is not an integer"],
    ["$JS.ACK.S.C.1.1.1.1.18446744073709551616", "token 10 is not an integer"],
    [`$JS.ACK.${".".repeat(1_000_000)}`, "33 tokens"],
    ["$JS.ACK.S.C.1.1.1.1.\u0000", "token 10 is not an integer"],
    ["$JS.ACK.S.C.1.1.1.1.\ud800", "token 10 is not an integer"],
  ];
  for (const [subject, why] of cases) {
    const err = assertThrows(() => parseInfo(subject), ErrorCode.BadSubject, why, subject);
    assert(err instanceof NatsError, "a NatsError");
    assert(err.message.startsWith("not js message"), err.message);
  }
});

Deno.test("jsmsg - fuzz: random subjects give info or BAD_SUBJECT, never a trap", () => {
  const alphabet = ".$_0123456789AZaz -+\u00ff\u0000";
  let state = 0x2545f491;
  for (let i = 0; i < 5000; i++) {
    state ^= state << 13, state ^= state >>> 17, state ^= state << 5;
    let s = "$JS.ACK.";
    for (let r = state >>> 0, n = r % 40; n > 0; n--, r = (r * 1103515245 + 12345) >>> 0) {
      s += alphabet[(r >>> 16) % alphabet.length];
    }
    try {
      const info = parseInfo(s);
      assertEquals(parseInfo(s), info, "the parse is a function of the text");
    } catch (e) {
      assertEquals((e as NatsError).code, ErrorCode.BadSubject, s);
    }
  }
  // the engine still works after all those errors
  assertEquals(parseInfo(V1).stream, "ORDERS");
});

Deno.test("jsmsg - ack bodies: nak delay in ns, term reason, next options", () => {
  assertEquals(text(nakBody()), "-NAK");
  assertEquals(text(nakBody(0)), "-NAK", "a delay of 0 is the bare -NAK");
  assertEquals(text(nakBody(5000)), '-NAK {"delay":5000000000}');
  assertEquals(text(nakBody(1.5)), '-NAK {"delay":1500000}');
  assertEquals(text(termBody()), "+TERM");
  assertEquals(text(termBody("bad payload")), "+TERM bad payload");
  assertEquals(text(nextBody()), '+NXT {"batch":1,"no_wait":false}');
  assertEquals(text(nextBody({ batch: 0 })), '+NXT {"batch":1,"no_wait":false}');
  assertEquals(
    text(nextBody({ batch: 10, no_wait: true, expires: 30000 })),
    '+NXT {"batch":10,"no_wait":true,"expires":30000000000}',
  );
  assertEquals(text(nextBody({ expires: -1 })), '+NXT {"batch":1,"no_wait":false}');
});

Deno.test("jsmsg - fields pass through and info is parsed only when read", () => {
  const { m } = fakeMsg("not-an-ack-subject");
  const jm = toJsMsg(m); // a bad reply does not throw here: the parse is lazy
  assertEquals([jm.subject, jm.sid, jm.string()], ["orders.new", 7, '{"n":1}']);
  assertEquals(jm.json<{ n: number }>(), { n: 1 });
  assertEquals(jm.headers, undefined);
  assertThrows(() => jm.info, ErrorCode.BadSubject, "no $JS.ACK prefix");
  assertThrows(() => jm.seq, ErrorCode.BadSubject);
  const ok = toJsMsg(fakeMsg(V1).m);
  assertEquals([ok.seq, ok.redelivered, ok.info.consumer], [9808, true, "dur"]);
  assert(ok.info === ok.info, "parsed once, then kept");
});

Deno.test("jsmsg - only the first terminal ack is sent; working repeats until then", () => {
  for (
    const first of [
      (j: ReturnType<typeof toJsMsg>) => j.ack(),
      (j: ReturnType<typeof toJsMsg>) => j.nak(),
      (j: ReturnType<typeof toJsMsg>) => j.term("why"),
    ]
  ) {
    const { m, sent } = fakeMsg(V1);
    const jm = toJsMsg(m);
    jm.working();
    jm.working();
    first(jm);
    jm.ack();
    jm.nak(10);
    jm.term();
    jm.working();
    assertEquals(sent.length, 3, JSON.stringify(sent));
    assertEquals(sent.slice(0, 2).map((s) => s[0]), ["+WPI", "+WPI"]);
    assert(["+ACK", "-NAK", "+TERM why"].includes(sent[2][0]), sent[2][0]);
  }
});

Deno.test("jsmsg - next is always sent, with the reply subject it is given", () => {
  const { m, sent } = fakeMsg(V1);
  const jm = toJsMsg(m);
  jm.ack();
  jm.next("my.inbox", { batch: 2 });
  jm.next();
  assertEquals(sent, [
    ["+ACK", undefined],
    ['+NXT {"batch":2,"no_wait":false}', "my.inbox"],
    ['+NXT {"batch":1,"no_wait":false}', undefined],
  ]);
});

Deno.test("jsmsg - ackAck: a +ACK request; true once, then false; its errors reject", async () => {
  const calls: [string, string, number | undefined][] = [];
  const outcome: { fail?: Error } = {};
  const requester = {
    request(subject: string, payload?: Payload, opts?: Partial<RequestOptions>) {
      calls.push([subject, text(payload ?? ""), opts?.timeout]);
      return outcome.fail ? Promise.reject(outcome.fail) : Promise.resolve({} as Msg);
    },
  };
  const { m, sent } = fakeMsg(V1, requester);
  const jm = toJsMsg(m, 1234);
  assertEquals(await jm.ackAck(), true);
  assertEquals(await jm.ackAck(), false, "already acked");
  jm.ack();
  assertEquals(sent.length, 0, "nothing published besides the request");
  assertEquals(calls, [[V1, "+ACK", 1234]]);

  const other = toJsMsg(fakeMsg(V1, requester).m);
  outcome.fail = NatsError.errorForCode(ErrorCode.Timeout);
  await assertRejects(() => other.ackAck({ timeout: 50 }), ErrorCode.Timeout);
  assertEquals(calls[1], [V1, "+ACK", 50]);

  const acked = toJsMsg(fakeMsg(V1, requester).m);
  acked.nak();
  assertEquals(await acked.ackAck(), false, "after a nak");
  assertEquals(await toJsMsg(fakeMsg(undefined, requester).m).ackAck(), false, "no reply");
  await assertRejects(
    () => toJsMsg(fakeMsg(V1).m).ackAck(),
    ErrorCode.ApiError,
    "received by a nats-wasm connection",
  );
});

Deno.test("jsmsg - the staged parser: long subjects fall back, a grown memory is followed", () => {
  // longer than the 256-byte stage: parsed by the allocating path, same answer
  const stream = "S".repeat(300);
  const long = parseInfo(`$JS.ACK.${stream}.C.1.7.3.17.0`);
  assertEquals([long.stream.length, long.streamSequence, long.deliverySequence], [300, 7, 3]);
  assertEquals(parseInfo("$JS.ACK.S.C.1.5.2.17.0").streamSequence, 5);
  // growing the memory detaches the stage's views; the next parse must remake them
  wasmMemory().grow(1);
  assertEquals(parseInfo("$JS.ACK.S.C.1.6.2.17.0").streamSequence, 6);
  // a bad subject after a good one still says why
  assertThrows(() => parseInfo("$JS.ACK.S.C.1.x.2.17.0"), ErrorCode.BadSubject, "not js message");
});
