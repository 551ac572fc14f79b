import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { JSONCodec, StringCodec } from "../../js/codecs.ts";
import { ErrorCode, NatsError } from "../../js/errors.ts";
import { Empty } from "../../js/encoders.ts";

Deno.test("codecs - string round trip, UTF-8", () => {
  const sc = StringCodec();
  assertEquals(sc.encode("hello"), new Uint8Array([104, 101, 108, 108, 111]));
  assertEquals(sc.decode(sc.encode("héllo ✓ 🚀")), "héllo ✓ 🚀");
  assertEquals(sc.decode(Empty), "");
});

Deno.test("codecs - json round trip, undefined is null", () => {
  const jc = JSONCodec<{ a: number; b: string[] }>();
  const v = { a: 1, b: ["x"] };
  assertEquals(jc.decode(jc.encode(v)), v);
  const any = JSONCodec();
  assertEquals(new TextDecoder().decode(any.encode(undefined)), "null");
  assertEquals(any.decode(any.encode(undefined)), null);
});

Deno.test("codecs - json reviver", () => {
  const jc = JSONCodec<{ d: Date }>((k, v) => (k === "d" ? new Date(v) : v));
  const d = jc.decode(new TextEncoder().encode('{"d":"2020-01-01T00:00:00.000Z"}'));
  assertEquals(d.d.getTime(), Date.UTC(2020, 0, 1));
});

Deno.test("codecs - json errors are BAD_JSON", () => {
  const jc = JSONCodec();
  const e = assertThrows(() => jc.decode(new TextEncoder().encode("{bad")), ErrorCode.BadJson);
  assertEquals(e.message, "Bad JSON");
  assertEquals((e as NatsError).chainedError instanceof SyntaxError, true);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assertThrows(() => jc.encode(cyclic), ErrorCode.BadJson);
  assertThrows(() => jc.encode(1n), ErrorCode.BadJson);
});
