// README › "Async vs. Callbacks": the same messages handled by an async iterator (buffered,
// processed in microtasks) and by a callback (processed in the event-loop turn that delivered
// them). Run: deno run -A examples/18_async_vs_callbacks.ts
import { connect } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

let viaCallback = 0;
nc.subscribe("tick", { callback: (_err, _msg) => viaCallback++ });
const iter = nc.subscribe("tick");

for (let i = 0; i < 1000; i++) nc.publish("tick");
await nc.flush();
console.log(
  `after flush: callback saw ${viaCallback}, the iterator has ${iter.getPending()} waiting`,
);

let viaIterator = 0;
for await (const _m of iter) {
  if (++viaIterator === 1000) break;
}
console.log(`the iterator processed ${viaIterator}`);

await nc.close();
