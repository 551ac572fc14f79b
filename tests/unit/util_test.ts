import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import {
  backoff,
  deadline,
  deferred,
  delay,
  jitter,
  millis,
  nanos,
  timeout,
} from "../../js/util.ts";
import { ErrorCode } from "../../js/errors.ts";

Deno.test("util - deferred resolves and rejects", async () => {
  const d = deferred<number>();
  d.resolve(7);
  assertEquals(await d, 7);
  const e = deferred<number>();
  e.reject(new Error("boom"));
  await assertRejects(e, undefined, "boom");
});

Deno.test("util - delay resolves after the time, cancel stops the timer", async () => {
  const start = Date.now();
  await delay(20);
  assert(Date.now() - start >= 15);
  const d = delay(10_000);
  d.cancel(); // no timer left behind (the test sanitizer would fail otherwise)
  let settled = false;
  d.then(() => settled = true);
  await delay(5);
  assert(!settled);
});

Deno.test("util - deadline passes values and rejects late promises", async () => {
  assertEquals(await deadline(Promise.resolve(1), 100), 1);
  const never = new Promise<number>(() => {});
  const e = await assertRejects(deadline(never, 10));
  assertEquals(e.message, "deadline exceeded");
  await assertRejects(deadline(Promise.reject(new Error("x")), 100), undefined, "x");
});

Deno.test("util - timeout rejects with TIMEOUT unless cancelled", async () => {
  await assertRejects(timeout(5), ErrorCode.Timeout);
  const t = timeout<void>(10_000);
  t.cancel();
});

Deno.test("util - millis and nanos", () => {
  assertEquals(nanos(1), 1_000_000);
  assertEquals(nanos(1500), 1_500_000_000);
  assertEquals(millis(1_999_999), 1);
  assertEquals(millis(nanos(30_000)), 30_000);
});

Deno.test("util - jitter stays between 0.5x and 1.5x", () => {
  assertEquals(jitter(0), 0);
  for (let i = 0; i < 1000; i++) {
    const v = jitter(1000);
    assert(v >= 500 && v < 1500, `${v}`);
  }
});

Deno.test("util - backoff follows the policy, last entry past the end", () => {
  const b = backoff();
  assertEquals(b.backoff(0), 0);
  for (let i = 0; i < 200; i++) {
    const v1 = b.backoff(1);
    assert(v1 >= 125 && v1 < 375, `attempt 1: ${v1}`);
    const v9 = b.backoff(9);
    assert(v9 >= 2500 && v9 < 7500, `attempt 9: ${v9}`);
  }
  const c = backoff([100]);
  for (let i = 0; i < 100; i++) {
    const v = c.backoff(i);
    assert(v >= 50 && v < 150);
  }
});
