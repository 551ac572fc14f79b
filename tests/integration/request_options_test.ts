// README › "RequestOptions" and "noMux and reply": `timeout` (TIMEOUT after roughly that long,
// INVALID_OPTION when below 1), `headers`, `noMux` (a dedicated inbox instead of the shared
// mux subscription), `reply` (only with noMux, else INVALID_OPTION), and inboxPrefix.
import { createInbox, Empty, ErrorCode, headers } from "../helpers/deps.ts";
import type { NatsConnection } from "../helpers/deps.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { connectTest, IS_NATS_WS, within } from "../helpers/helpers.ts";

/** A responder that answers with the reply subject it saw and the `X` header it got. */
function replyInspector(nc: NatsConnection, subj: string) {
  return nc.subscribe(subj, {
    callback: (_e, m) =>
      m.respond(JSON.stringify({ reply: m.reply, x: m.headers?.get("X") ?? null })),
  });
}

Deno.test("request options: timeout rejects with TIMEOUT after about that long", async () => {
  const nc = await connectTest();
  const subj = createInbox("slow");
  nc.subscribe(subj, { callback: () => {} }); // never answers
  for (const timeout of [100, 300]) {
    const t0 = performance.now();
    await assertRejects(nc.request(subj, Empty, { timeout }), ErrorCode.Timeout);
    const took = performance.now() - t0;
    assert(took >= timeout - 20 && took < timeout + 1000, `timeout ${timeout}: took ${took} ms`);
  }
  await assertRejects(() => nc.request(subj, Empty, { timeout: -1 }), ErrorCode.InvalidOption);
  await nc.close();
});

Deno.test("request options: headers reach the responder", async () => {
  const nc = await connectTest();
  const subj = createInbox("hdr");
  replyInspector(nc, subj);
  const h = headers();
  h.set("X", "from-request");
  const r = await nc.request(subj, Empty, { timeout: 2000, headers: h });
  assertEquals(r.json<{ x: string }>().x, "from-request");
  await nc.close();
});

Deno.test("request options: mux replies share one inbox; noMux uses a fresh inbox per request", async () => {
  const nc = await connectTest();
  const subj = createInbox("mux");
  replyInspector(nc, subj);
  const ask = async (noMux: boolean) =>
    (await nc.request(subj, Empty, { timeout: 2000, noMux })).json<{ reply: string }>().reply;
  const m1 = await ask(false);
  const m2 = await ask(false);
  // mux: _INBOX.<nuid>.<token> with the same <nuid> for every request of the connection
  assertMatch(m1, /^_INBOX\.[^.]+\.[^.]+$/);
  assertEquals(m1.split(".")[1], m2.split(".")[1]);
  assert(m1 !== m2, "each mux request has its own token");
  const n1 = await ask(true);
  const n2 = await ask(true);
  // noMux: a plain createInbox(): _INBOX.<nuid>, different each time
  assertMatch(n1, /^_INBOX\.[^.]+$/);
  assertMatch(n2, /^_INBOX\.[^.]+$/);
  assert(n1 !== n2, "a new inbox for each noMux request");
  await nc.close();
});

Deno.test("request options: noMux with reply (the README's reply: 'bar') uses that subject", async () => {
  const nc = await connectTest();
  const q = createInbox("q");
  const bar = createInbox("bar");
  replyInspector(nc, q);
  const m = await nc.request(q, Empty, { reply: bar, noMux: true, timeout: 1000 });
  assertEquals(m.json<{ reply: string }>().reply, bar);
  assertEquals(m.subject, bar);
  await nc.close();
});

Deno.test("request options: reply without noMux is INVALID_OPTION", async () => {
  const nc = await connectTest();
  const q = createInbox("q");
  replyInspector(nc, q);
  await assertRejects(
    () => nc.request(q, Empty, { reply: createInbox(), timeout: 1000 }),
    ErrorCode.InvalidOption,
  );
  await nc.close();
});

Deno.test("request options: inboxPrefix changes the reply subjects of mux and noMux requests", async () => {
  const nc = await connectTest({ inboxPrefix: "_my_inbox" });
  const subj = createInbox("prefix");
  replyInspector(nc, subj);
  for (const noMux of [false, true]) {
    const r = await nc.request(subj, Empty, { timeout: 2000, noMux });
    assertMatch(r.json<{ reply: string }>().reply, /^_my_inbox\./, `noMux ${noMux}`);
  }
  await nc.close();
});

Deno.test({
  name: "request options: a noMux request pending at close rejects instead of hanging",
  // our client settles it like a mux request; nats.ws 1.30.3 leaves it pending
  ignore: IS_NATS_WS,
  fn: async () => {
    const nc = await connectTest();
    const subj = createInbox("never");
    nc.subscribe(subj, { callback: () => {} }); // receives the request, never answers
    const p = nc.request(subj, Empty, { timeout: 10_000, noMux: true });
    await nc.flush();
    await nc.close();
    await assertRejects(within(p, 2000, "noMux request settles"), ErrorCode.ConnectionClosed);
  },
});
