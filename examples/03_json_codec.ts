// README › "Publish and Subscribe" (JSONCodec): a typed JSONCodec<Person>; the README's snippet
// completed with its connection, a Person type and a drain at the end.
// Run: deno run -A examples/03_json_codec.ts
import { connect, JSONCodec } from "../dist/mod.js";

interface Person {
  name: string;
}
const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

// create a codec
const sc = JSONCodec<Person>();
// create a simple subscriber and iterate over messages
// matching the subscription
const sub = nc.subscribe("people");
(async () => {
  for await (const m of sub) {
    // typescript will see this as a Person
    const p = sc.decode(m.data);
    console.log(`[${sub.getProcessed()}]: ${p.name}`);
  }
})();

// if you made a typo or added other properties
// the compiler will get angry
const p = { name: "Memo" } as Person;
nc.publish("people", sc.encode(p));

// (added so that the example ends: deliver what is in flight, then close)
await nc.drain();
