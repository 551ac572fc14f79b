// README › "No Responders": a request with no subscriber rejects at once with code "503"
// (ErrorCode.NoResponders) instead of waiting for its timeout; a subscriber that never answers
// gives ErrorCode.Timeout after the timeout; the README's switch on err.code.
import { createInbox, Empty, ErrorCode, NatsError } from "../helpers/deps.ts";
import { assert, assertEquals, assertInstanceOf, assertRejects } from "../helpers/assert.ts";
import { connectTest } from "../helpers/helpers.ts";

Deno.test("no responders: a request without subscribers rejects with 503 long before its timeout", async () => {
  const nc = await connectTest();
  assertEquals(ErrorCode.NoResponders, "503");
  const t0 = performance.now();
  const err = await assertRejects(
    nc.request(createInbox("nobody"), Empty, { timeout: 5000 }),
    "503",
  );
  assertInstanceOf(err, NatsError);
  assert(performance.now() - t0 < 2000, "rejected without waiting for the 5 s timeout");
  assertEquals(nc.isClosed(), false, "the connection is still usable");
  await nc.flush();
  await nc.close();
});

Deno.test("no responders: the README's switch tells no-responders from a timeout", async () => {
  const nc = await connectTest();
  const silent = createInbox("silent");
  nc.subscribe(silent, { callback: () => {} }); // listens but never answers
  async function classify(subject: string): Promise<string> {
    try {
      await nc.request(subject, Empty, { timeout: 200 });
      return "ok";
    } catch (err) {
      const nerr = err as NatsError;
      switch (nerr.code) {
        case ErrorCode.NoResponders:
          return "no one is listening";
        case ErrorCode.Timeout:
          return "someone is listening but didn't respond";
        default:
          return `request failed ${err}`;
      }
    }
  }
  const t0 = performance.now();
  assertEquals(await classify(silent), "someone is listening but didn't respond");
  const waited = performance.now() - t0;
  assert(waited >= 150 && waited < 2000, `the timeout took ${waited} ms (200 asked)`);
  assertEquals(await classify(createInbox("nobody")), "no one is listening");
  await nc.close();
});

Deno.test("no responders: noMux requests and concurrent requests get 503 too", async () => {
  const nc = await connectTest();
  await assertRejects(nc.request(createInbox("x"), Empty, { noMux: true, timeout: 2000 }), "503");
  const all = await Promise.allSettled(
    Array.from({ length: 10 }, () => nc.request(createInbox("y"), Empty, { timeout: 2000 })),
  );
  assertEquals(
    all.map((r) => r.status === "rejected" ? (r.reason as NatsError).code : "fulfilled"),
    Array(10).fill("503"),
  );
  await nc.close();
});
