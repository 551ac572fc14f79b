// MsgHdrsImpl logic that needs no wire codec, plus encode/decode through a fake wire codec.
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { canonicalMIMEHeaderKey, headers, MsgHdrsImpl, setHeaderWire } from "../../js/headers.ts";
import { Match } from "../../js/enums.ts";
import { ErrorCode } from "../../js/errors.ts";

Deno.test("headers - canonicalMIMEHeaderKey", () => {
  assertEquals(canonicalMIMEHeaderKey("content-type"), "Content-Type");
  assertEquals(canonicalMIMEHeaderKey("CONTENT-TYPE"), "Content-Type");
  assertEquals(canonicalMIMEHeaderKey("x-a-b-c"), "X-A-B-C");
  assertEquals(canonicalMIMEHeaderKey("a_b"), "A_b");
  assertEquals(canonicalMIMEHeaderKey("1abc"), "1abc");
  assertThrows(() => canonicalMIMEHeaderKey("a:b"), ErrorCode.BadHeader);
  assertThrows(() => canonicalMIMEHeaderKey("a b"), ErrorCode.BadHeader);
  assertThrows(() => canonicalMIMEHeaderKey("ä"), ErrorCode.BadHeader);
});

Deno.test("headers - status requires code and description together", () => {
  assertThrows(() => headers(503), undefined, "both code and description");
  assertThrows(() => headers(0, "x"), undefined, "both code and description");
  const h = headers(503, "No Responders");
  assertEquals(h.code, 503);
  assertEquals(h.description, "No Responders");
  assertEquals(h.status, "503 No Responders");
  assert(h.hasError);
  const ok = headers();
  assertEquals(ok.code, 0);
  assertEquals(ok.status, "0");
  assert(!ok.hasError);
  assert(!headers(100, "Idle Heartbeat").hasError);
});

Deno.test("headers - exact match is case-sensitive by default", () => {
  const h = headers();
  h.append("a", "1");
  h.append("A", "2");
  assertEquals(h.get("a"), "1");
  assertEquals(h.get("A"), "2");
  assert(!h.has("b"));
  assertEquals(h.get("b"), "");
  assertEquals(h.keys(), ["a", "A"]);
  assertEquals(h.values("a", Match.IgnoreCase), ["1", "2"]);
  assertEquals(h.get("A", Match.IgnoreCase), "1");
  h.delete("a");
  assertEquals(h.keys(), ["A"]);
  h.delete("a", Match.IgnoreCase);
  assertEquals(h.keys(), []);
});

Deno.test("headers - append keeps the key as given, set replaces", () => {
  const h = headers();
  h.append("my-key", " v1 ");
  h.append("my-key", "v2");
  assertEquals(h.values("my-key"), ["v1", "v2"]);
  assertEquals(h.get("my-key"), "v1");
  assertEquals(h.last("my-key"), "v2");
  assertEquals(h.last("nope"), "");
  h.set("my-key", "v3");
  assertEquals(h.values("my-key"), ["v3"]);
  // canonical MIME stores the canonical key and matches it
  h.append("foo-bar", "x", Match.CanonicalMIME);
  assert(h.has("Foo-Bar"));
  assert(!h.has("foo-bar"));
  assert(h.has("foo-bar", Match.CanonicalMIME));
  assertEquals(h.get("FOO-BAR", Match.CanonicalMIME), "x");
  // an ignore-case append goes to the existing key
  h.append("MY-KEY", "v4", Match.IgnoreCase);
  assertEquals(h.values("my-key"), ["v3", "v4"]);
  h.set("MY-KEY", "v5", Match.IgnoreCase);
  assertEquals(h.keys().includes("my-key"), false);
  assertEquals(h.values("MY-KEY"), ["v5"]);
});

Deno.test("headers - invalid keys and values", () => {
  const h = headers();
  assertThrows(() => h.append("a:b", "1"), ErrorCode.BadHeader);
  assertThrows(() => h.append("a", "1\r\n2"), ErrorCode.BadHeader);
  assertThrows(() => h.set("a", "1\n"), ErrorCode.BadHeader);
});

Deno.test("headers - iteration, size, records, equality", () => {
  const h = new MsgHdrsImpl();
  h.append("a", "1");
  h.append("a", "2");
  h.append("b", "3");
  assertEquals([...h], [["a", ["1", "2"]], ["b", ["3"]]]);
  assertEquals(h.size(), 2);
  assertEquals(h.toRecord(), { a: ["1", "2"], b: ["3"] });
  const r = MsgHdrsImpl.fromRecord({ a: ["2", "1"], b: ["3"] });
  assert(h.equals(r));
  r.append("b", "4");
  assert(!h.equals(r));
  assert(!h.equals(new MsgHdrsImpl(503, "x")));
});

Deno.test("headers - toString", () => {
  assertEquals(new MsgHdrsImpl().toString(), "");
  const h = new MsgHdrsImpl(503, "No Responders");
  assertEquals(h.toString(), "NATS/1.0 503 No Responders\r\n\r\n");
  const k = new MsgHdrsImpl();
  k.append("a", "1");
  k.append("a", "2");
  assertEquals(k.toString(), "NATS/1.0\r\na: 1\r\na: 2\r\n\r\n");
});

Deno.test("headers - encode and decode go through the wire codec", () => {
  const calls: unknown[] = [];
  setHeaderWire({
    encode(code, description, flat) {
      calls.push({ code, description, flat });
      return new Uint8Array([1, 2, 3]);
    },
    decode(block) {
      calls.push(Array.from(block));
      return "408\r\nRequest Timeout\r\nK\r\n2\r\na\r\nb\r\nk\r\n1\r\nc\r\n";
    },
  });
  const h = headers(404, "Not Found");
  h.append("x", "1");
  h.append("x", "2");
  h.append("y", "3");
  assertEquals((h as MsgHdrsImpl).encode(), new Uint8Array([1, 2, 3]));
  assertEquals(calls[0], {
    code: 404,
    description: "Not Found",
    flat: ["x", "1", "x", "2", "y", "3"],
  });
  const d = MsgHdrsImpl.decode(new Uint8Array([9]));
  assertEquals(calls[1], [9]);
  assertEquals(d.code, 408);
  assertEquals(d.description, "Request Timeout");
  assertEquals(d.get("K"), "a");
  assertEquals(d.values("k", Match.IgnoreCase), ["a", "b", "c"]);
});
