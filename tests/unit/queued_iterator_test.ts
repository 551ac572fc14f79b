import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { QueuedIteratorImpl, syncIterator } from "../../js/queued_iterator.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

Deno.test("queued iterator - yields pushed values then ends after end()", async () => {
  const qi = new QueuedIteratorImpl<number>();
  qi.push(1);
  qi.push(2);
  const p = collect(qi);
  await Promise.resolve();
  qi.push(3);
  qi.end();
  qi.push(4); // ignored after end
  assertEquals(await p, [1, 2, 3]);
  assertEquals(qi.getReceived(), 3);
  assertEquals(qi.getProcessed(), 3);
  assertEquals(qi.getPending(), 0);
});

Deno.test("queued iterator - end(err) throws after the queued values", async () => {
  const qi = new QueuedIteratorImpl<number>();
  qi.push(1);
  qi.push(2);
  qi.end(new NatsError("t", ErrorCode.Timeout));
  const got: number[] = [];
  await assertRejects(async () => {
    for await (const v of qi) got.push(v);
  }, ErrorCode.Timeout);
  assertEquals(got, [1, 2]);
});

Deno.test("queued iterator - stop(err) drops queued values and rejects a waiting consumer", async () => {
  const qi = new QueuedIteratorImpl<number>();
  const p = collect(qi);
  await Promise.resolve();
  qi.stop(new Error("stopped"));
  await assertRejects(p, undefined, "stopped");
  const q2 = new QueuedIteratorImpl<number>();
  q2.push(1);
  q2.stop();
  assertEquals(await collect(q2), []);
});

Deno.test("queued iterator - a burst is taken whole, pending counts the current value", async () => {
  const qi = new QueuedIteratorImpl<number>();
  for (let i = 0; i < 5; i++) qi.push(i);
  assertEquals(qi.getPending(), 5);
  const pendings: number[] = [];
  for await (const v of qi) {
    pendings.push(qi.getPending());
    assertEquals(qi.getProcessed(), v + 1);
    if (v === 4) break;
  }
  assertEquals(pendings, [5, 4, 3, 2, 1]);
  assertEquals(qi.getPending(), 0);
});

Deno.test("queued iterator - values pushed while the consumer waits arrive in order", async () => {
  const qi = new QueuedIteratorImpl<number>();
  const p = collect(qi);
  for (let round = 0; round < 3; round++) {
    await new Promise((r) => setTimeout(r, 1));
    for (let i = 0; i < 4; i++) qi.push(round * 4 + i);
  }
  qi.end();
  assertEquals(await p, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

Deno.test("queued iterator - second iteration is 'already yielding'", async () => {
  const qi = new QueuedIteratorImpl<number>();
  const p = collect(qi);
  const e = await assertRejects(collect(qi), ErrorCode.ApiError);
  assertEquals(e.message, "already yielding");
  qi.end();
  await p;
});

Deno.test("queued iterator - callback mode refuses iteration", async () => {
  const qi = new QueuedIteratorImpl<number>();
  qi.noIterator = true;
  const e = await assertRejects(collect(qi), ErrorCode.ApiError);
  assertEquals(e.message, "unsupported iterator");
});

Deno.test("queued iterator - leaving the loop runs onStop once and drops the rest", async () => {
  const qi = new QueuedIteratorImpl<number>();
  let stops = 0;
  qi.onStop = () => stops++;
  qi.push(1);
  qi.push(2);
  qi.push(3);
  for await (const v of qi) {
    if (v === 2) break;
  }
  assertEquals(stops, 1);
  assertEquals(qi.getPending(), 0);
  qi.push(4);
  assertEquals(qi.getReceived(), 3);
  qi.end();
  assertEquals(stops, 1);
});

Deno.test("queued iterator - onStop runs at once when ended with nothing queued and no reader", () => {
  const qi = new QueuedIteratorImpl<number>();
  let err: Error | undefined | null = null;
  qi.onStop = (e) => err = e;
  qi.end();
  assertEquals(err, undefined);
  const q2 = new QueuedIteratorImpl<number>();
  let called = false;
  q2.onStop = () => called = true;
  q2.push(1);
  q2.end();
  assert(!called, "must wait for the queued value to be read");
});

Deno.test("queued iterator - an error ending an unread iterator is thrown by a later loop", async () => {
  const qi = new QueuedIteratorImpl<number>();
  qi.end(new NatsError("late", ErrorCode.Timeout));
  await assertRejects(collect(qi), ErrorCode.Timeout);
});

Deno.test("syncIterator - next() resolves values then null", async () => {
  const qi = new QueuedIteratorImpl<string>();
  qi.push("a");
  qi.push("b");
  qi.end();
  const si = syncIterator(qi);
  assertEquals(await si.next(), "a");
  assertEquals(await si.next(), "b");
  assertEquals(await si.next(), null);
  assertEquals(await si.next(), null);
});
