// README › "Publish and Subscribe" (JSONCodec part): JSONCodec<T> round trips of typed objects,
// nested values and unicode, undefined encoded as null, a reviver, msg.json(), and BAD_JSON for
// payloads that are not JSON.
import { createInbox, ErrorCode, JSONCodec, StringCodec } from "../helpers/deps.ts";
import { assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import { connectTest, take } from "../helpers/helpers.ts";

interface Person {
  name: string;
  age?: number;
  tags?: string[];
  address?: { city: string; zip: string | null };
}

Deno.test("json: the README's JSONCodec<Person> example delivers typed people in order", async () => {
  const nc = await connectTest();
  const jc = JSONCodec<Person>();
  const subj = createInbox("people");
  const sub = nc.subscribe(subj);
  const people: Person[] = [
    { name: "Memo" },
    { name: "Zoë", age: 41, tags: ["a", "ü", "😀"] },
    { name: "Ada", address: { city: "London", zip: null } },
  ];
  for (const p of people) nc.publish(subj, jc.encode(p));
  const got = await take(sub, 3);
  const lines = got.map((m, i) => `[${i + 1}]: ${jc.decode(m.data).name}`);
  assertEquals(lines, ["[1]: Memo", "[2]: Zoë", "[3]: Ada"]);
  assertEquals(got.map((m) => jc.decode(m.data)), people);
  assertEquals(got.map((m) => m.json<Person>()), people, "msg.json() decodes the same");
  await nc.close();
});

Deno.test("json: scalars, arrays, undefined (as null) and a reviver", () => {
  const jc = JSONCodec();
  for (const v of [0, -1.5, "s", true, false, null, [1, [2, [3]]], { a: { b: { c: [] } } }]) {
    assertEquals(jc.decode(jc.encode(v)), v);
  }
  assertEquals(StringCodec().decode(jc.encode(undefined)), "null");
  const withDates = JSONCodec<{ when: Date }>((k, v) => (k === "when" ? new Date(v as string) : v));
  const when = new Date("2024-01-02T03:04:05.000Z");
  assertEquals(withDates.decode(withDates.encode({ when })).when.getTime(), when.getTime());
});

Deno.test("json: decoding a payload that is not JSON throws BAD_JSON", async () => {
  const jc = JSONCodec();
  assertThrows(() => jc.decode(StringCodec().encode("{not json")), ErrorCode.BadJson);
  const nc = await connectTest();
  const subj = createInbox("badjson");
  const sub = nc.subscribe(subj);
  nc.publish(subj, "{oops");
  const [m] = await take(sub, 1);
  assertThrows(() => m.json(), ErrorCode.BadJson);
  await nc.close();
  await assertRejects(
    Promise.resolve().then(() => jc.decode(new Uint8Array([0xff]))),
    ErrorCode.BadJson,
  );
});
