// README › "Core only": the core-only entry (dist/core/mod.js, npm `nats-wasm/core`), for pages
// that need no JetStream: the same connect, publish, subscribe and request as the full entry, over
// a smaller bundle and wasm. JetStream, KV, ObjectStore and services are not in it: asking for
// them throws NatsError "BAD API" naming the full entry.
// Run: deno run -A examples/24_core_entry.ts
import { connect, type NatsError, StringCodec } from "../dist/core/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });
const sc = StringCodec();

// a responder and a request, as with the full entry
nc.subscribe("core.greet", {
  callback: (_err, m) => m.respond(sc.encode(`hello, ${sc.decode(m.data)}`)),
});
const reply = await nc.request("core.greet", sc.encode("core"), { timeout: 2000 });
console.log(`request: ${sc.decode(reply.data)}`);

// JetStream lives in the full entry only
try {
  nc.jetstream();
} catch (err) {
  console.log(`jetstream(): ${(err as NatsError).code}`);
}

await nc.drain();
