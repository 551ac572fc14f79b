// PendingRequest: what a request token settles (no wasm).
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { PendingRequest } from "../../js/requests.ts";
import { QueuedIteratorImpl } from "../../js/queued_iterator.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import { deferred } from "../../js/util.ts";
import type { Msg } from "../../js/types.ts";

const reply = (data: string) => ({ data: new TextEncoder().encode(data) }) as unknown as Msg;

async function collect(it: AsyncIterable<Msg>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of it) out.push(new TextDecoder().decode(m.data));
  return out;
}

Deno.test("request - a single request is settled by its reply", async () => {
  const d = deferred<Msg>();
  const r = new PendingRequest(d, null, null);
  assertEquals(r.reply(reply("ok")), true);
  assertEquals(new TextDecoder().decode((await d).data), "ok");
});

Deno.test("request - an error rejects with the call site appended; no error is CANCELLED", async () => {
  const d = deferred<Msg>();
  new PendingRequest(d, null, new Error("call site")).fail(
    NatsError.errorForCode(ErrorCode.NoResponders),
  );
  const err = await assertRejects(d, ErrorCode.NoResponders);
  assertEquals(err.stack?.includes("call site"), true);
  const d2 = deferred<Msg>();
  new PendingRequest(d2, null, null).fail();
  await assertRejects(d2, ErrorCode.Cancelled);
});

Deno.test("requestMany - replies queue until the end; an error ends the iterator", async () => {
  const qi = new QueuedIteratorImpl<Msg>();
  const r = new PendingRequest(null, qi, null);
  assertEquals(r.reply(reply("a")), false);
  assertEquals(r.reply(reply("b")), false);
  r.fail();
  assertEquals(await collect(qi), ["a", "b"]);
  const q2 = new QueuedIteratorImpl<Msg>();
  const r2 = new PendingRequest(null, q2, null);
  r2.reply(reply("a"));
  r2.fail(NatsError.errorForCode(ErrorCode.ConnectionClosed));
  await assertRejects(() => collect(q2), ErrorCode.ConnectionClosed);
});
