import { assert, assertEquals, assertMatch, assertThrows } from "../helpers/assert.ts";
import { Nuid, nuid } from "../../js/nuid.ts";
import { createInbox } from "../../js/inbox.ts";
import { ErrorCode } from "../../js/errors.ts";

Deno.test("nuid - 22 base36 chars, unique", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const n = nuid.next();
    assertEquals(n.length, 22);
    assertMatch(n, /^[0-9A-Z]{22}$/);
    seen.add(n);
  }
  assertEquals(seen.size, 10_000);
});

Deno.test("nuid - prefix stays, sequence grows by 33..333, reset redraws", () => {
  const g = new Nuid();
  const a = g.next();
  const b = g.next();
  assertEquals(a.slice(0, 12), b.slice(0, 12));
  const seq = (s: string) => parseInt(s.slice(12), 36);
  const step = seq(b) - seq(a);
  assert(step >= 33 && step <= 333, `step ${step}`);
  g.reset();
  const c = g.next();
  assert(c.slice(0, 12) !== a.slice(0, 12));
});

Deno.test("nuid - the sequence rolls over into a new prefix", () => {
  const g = new Nuid();
  const a = g.next();
  g.seq = 36 ** 10;
  const b = g.next();
  assert(a.slice(0, 12) !== b.slice(0, 12));
  assertEquals(b.length, 22);
});

Deno.test("createInbox - default and custom prefix", () => {
  assertMatch(createInbox(), /^_INBOX\.[0-9A-Z]{22}$/);
  assertMatch(createInbox("my.replies"), /^my\.replies\.[0-9A-Z]{22}$/);
  assertMatch(createInbox(""), /^_INBOX\./);
});

Deno.test("createInbox - wildcard tokens are BAD API", () => {
  assertThrows(() => createInbox("a.*"), ErrorCode.ApiError, "wildcards");
  assertThrows(() => createInbox(">"), ErrorCode.ApiError);
  assertThrows(() => createInbox("a.>.b"), ErrorCode.ApiError);
  // not a token: allowed
  assertMatch(createInbox("a*b"), /^a\*b\./);
});
