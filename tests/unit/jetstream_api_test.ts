// js/jetstream/api.ts and friends without a server: option defaults, API error mapping, name
// validation, JSON parsing, flow-control/heartbeat detection, the request primitive over a fake
// connection, enum values.
import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import {
  BaseApiClient,
  checkJsError,
  checkJsErrorCode,
  isFlowControlMsg,
  isHeartbeatMsg,
  jsOptions,
  parseJsResponse,
  validateName,
} from "../../js/jetstream/api.ts";
import { StoredMsgImpl, StreamAPIImpl } from "../../js/jetstream/streams.ts";
import {
  AckPolicy,
  AdvisoryKind,
  DeliverPolicy,
  DirectMsgHeaders,
  PubHeaders,
  StorageType,
} from "../../js/jetstream/types.ts";
import type { Msg, NatsConnection } from "../../js/types.ts";

const te = new TextEncoder();

/** The parts of a Msg these helpers read. */
function msg(data: string, code = 0, description = ""): Msg {
  const headers = code ? { code, description } : undefined;
  return { data: te.encode(data), headers } as unknown as Msg;
}

Deno.test("jetstream api - options: defaults, domain, trailing dot, empty prefix", () => {
  assertEquals(jsOptions(), { apiPrefix: "$JS.API", timeout: 5000 });
  assertEquals(jsOptions({ domain: "hub", timeout: 10 }), {
    apiPrefix: "$JS.hub.API",
    timeout: 10,
  });
  assertEquals(jsOptions({ apiPrefix: "my.api." }).apiPrefix, "my.api");
  assertThrows(() => jsOptions({ apiPrefix: "" }), ErrorCode.InvalidOption, "invalid empty prefix");
});

Deno.test("jetstream api - status codes become nats.deno's errors", () => {
  assertEquals(checkJsErrorCode(200, "ok"), null);
  let e = checkJsErrorCode(404, "No Messages")!;
  assertEquals([e.code, e.message], ["404", "no messages"]);
  e = checkJsErrorCode(408, "Request Timeout")!;
  assertEquals([e.code, e.message], ["408", "request timeout"]);
  e = checkJsErrorCode(409, "Exceeded MaxWaiting")!;
  assertEquals([e.code, e.message], ["409", "exceeded maxwaiting"]);
  e = checkJsErrorCode(409, "Idle Heartbeats Missed")!;
  assertEquals(e.code, ErrorCode.JetStreamIdleHeartBeat);
  e = checkJsErrorCode(503, "No Responders")!;
  assertEquals([e.code, e.chainedError?.message], ["503", "no responders"]);
  e = checkJsErrorCode(500)!;
  assertEquals([e.code, e.message], ["500", ErrorCode.Unknown]);
});

Deno.test("jetstream api - checkJsError only for empty status messages", () => {
  assertEquals(checkJsError(msg("data", 404, "Not Found")), null);
  assertEquals(checkJsError(msg("")), null);
  assertEquals(checkJsError(msg("", 404, "Message Not Found"))?.message, "message not found");
});

Deno.test("jetstream api - flow control and heartbeats", () => {
  assertEquals(isFlowControlMsg(msg("", 100, "FlowControl Request")), true);
  assertEquals(isHeartbeatMsg(msg("", 100, "FlowControl Request")), false);
  assertEquals(isHeartbeatMsg(msg("", 100, "Idle Heartbeat")), true);
  assertEquals(isFlowControlMsg(msg("x", 100, "Idle Heartbeat")), false);
  assertEquals(isFlowControlMsg(msg("", 404, "Not Found")), false);
  assertEquals(isFlowControlMsg(msg("")), false);
});

Deno.test("jetstream api - names", () => {
  validateName("stream", "ORDERS-1_x");
  assertThrows(() => validateName("stream", ""), undefined, "stream name required");
  for (
    const [c, shown] of [
      [".", "."],
      ["*", "*"],
      [">", ">"],
      ["/", "/"],
      ["\\", "\\"],
      [" ", " "],
      ["\n", "\\n"],
      ["\r", "\\r"],
      ["\t", "\\t"],
    ]
  ) {
    assertThrows(
      () => validateName("durable", `a${c}b`),
      undefined,
      `invalid durable name - durable name cannot contain '${shown}'`,
    );
  }
});

Deno.test("jetstream api - replies: body, API error with api_error, BAD_JSON", () => {
  assertEquals(parseJsResponse(msg('{"type":"t","total":1}')), { type: "t", total: 1 });
  const apiErr = { code: 404, err_code: 10059, description: "stream not found" };
  const e = assertThrows(() => parseJsResponse(msg(JSON.stringify({ error: apiErr }))), "404");
  assert(e instanceof NatsError);
  assertEquals([e.api_error, e.isJetStreamError(), e.jsError()], [apiErr, true, apiErr]);
  const bad = assertThrows(() => parseJsResponse(msg("<html>")), ErrorCode.BadJson, "Bad JSON");
  assert((bad as NatsError).chainedError instanceof SyntaxError);
});

Deno.test("jetstream api - no responders means JetStream not enabled; other errors pass", async () => {
  const fake = (err: NatsError) =>
    ({ request: () => Promise.reject(err) }) as unknown as NatsConnection;
  const api = new BaseApiClient(fake(NatsError.errorForCode(ErrorCode.NoResponders)));
  const e = await assertRejects(api._request("$JS.API.INFO"), "503", "JetStream not enabled");
  assertEquals((e as NatsError).isJetStreamError(), false);
  const t = new BaseApiClient(fake(NatsError.errorForCode(ErrorCode.Timeout)));
  await assertRejects(t._request("$JS.API.INFO"), ErrorCode.Timeout);
  // the body is JSON, the timeout the client's
  let seen: unknown[] = [];
  const ok = {
    request: (...a: unknown[]) => {
      seen = a;
      return Promise.resolve(msg('{"streams":["S"]}'));
    },
  } as unknown as NatsConnection;
  const c = new BaseApiClient(ok, { timeout: 1234 });
  assertEquals(await c.findStream("a.b"), "S");
  assertEquals(seen[0], "$JS.API.STREAM.NAMES");
  assertEquals(new TextDecoder().decode(seen[1] as Uint8Array), '{"subject":"a.b"}');
  assertEquals((seen[2] as { timeout: number }).timeout, 1234);
});

Deno.test("jetstream api - stored messages decode base64 data", () => {
  const m = new StoredMsgImpl({
    subject: "a",
    seq: 7,
    time: "2024-01-02T03:04:05.000000006Z",
    data: btoa('{"n":1}'),
  });
  assertEquals([m.subject, m.seq, m.json(), m.string()], ["a", 7, { n: 1 }, '{"n":1}']);
  assertEquals(m.time.toISOString(), "2024-01-02T03:04:05.000Z");
  assertEquals(new StoredMsgImpl({ subject: "a", seq: 1, time: "" }).data.length, 0);
});

Deno.test("jetstream api - enum values are nats.deno's", () => {
  assertEquals([AckPolicy.Explicit, AckPolicy.NotSet], ["explicit", ""]);
  assertEquals(DeliverPolicy.StartSequence, "by_start_sequence");
  assertEquals(DeliverPolicy.LastPerSubject, "last_per_subject");
  assertEquals(StorageType.Memory, "memory");
  assertEquals(AdvisoryKind.Ack, "consumer_ack");
  assertEquals(DirectMsgHeaders.TimeStamp, "Nats-Time-Stamp");
  assertEquals(PubHeaders.ExpectedLastSubjectSequenceHdr, "Nats-Expected-Last-Subject-Sequence");
});

/** A connection answering each request with the next of `replies`, recording the request bodies. */
function scripted(replies: unknown[]): { nc: NatsConnection; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const nc = {
    request: (_subj: string, data: Uint8Array) => {
      bodies.push(data.length ? JSON.parse(new TextDecoder().decode(data)) : null);
      return Promise.resolve(msg(JSON.stringify(replies.shift())));
    },
  } as unknown as NatsConnection;
  return { nc, bodies };
}

Deno.test("jetstream api - stream info pages through subject counts", async () => {
  const page = (offset: number, subjects: Record<string, number>) => ({
    total: 3,
    limit: 2,
    offset,
    config: { name: "S" },
    state: { subjects },
  });
  const { nc, bodies } = scripted([page(0, { a: 1, b: 2 }), page(2, { c: 3 })]);
  const si = await new StreamAPIImpl(nc).info("S", { subjects_filter: ">" });
  assertEquals(si.state.subjects, { a: 1, b: 2, c: 3 });
  assertEquals([si.total, si.limit, si.offset], [0, 0, 0]);
  assertEquals(bodies, [{ subjects_filter: ">" }, { subjects_filter: ">", offset: 2 }]);
  assertEquals([si.config.sealed, si.config.deny_delete], [false, false]);
});

Deno.test("jetstream api - listers request from the count seen, stop at total", async () => {
  const { nc, bodies } = scripted([
    { type: "t", total: 3, offset: 0, limit: 2, streams: ["A", "B"] },
    { type: "t", total: 3, offset: 2, limit: 2, streams: ["C"] },
  ]);
  const names: string[] = [];
  for await (const n of new StreamAPIImpl(nc).names("x.>")) names.push(n);
  assertEquals(names, ["A", "B", "C"]);
  assertEquals(bodies, [{ subject: "x.>", offset: 0 }, { subject: "x.>", offset: 2 }]);
});
