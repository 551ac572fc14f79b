// README › "Draining Connections and Subscriptions": draining a subscription processes what is
// already in flight and the connection stays usable; draining the connection drains every
// subscription and then closes. Run: deno run -A examples/17_drain.ts
import { connect } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

const sub = nc.subscribe("updates");
const done = (async () => {
  for await (const m of sub) console.log(`updates: ${m.string()}`);
  console.log("updates drained");
})();
for (let i = 1; i <= 3; i++) nc.publish("updates", `update ${i}`);
await sub.drain();
await done;

// the connection still works after a subscription drain
const other = nc.subscribe("other");
(async () => {
  for await (const m of other) console.log(`other: ${m.string()}`);
  console.log("other drained with the connection");
})();
nc.publish("other", "last one");

// draining the connection: no new subscriptions or requests, then close
await nc.drain();
console.log(`closed: ${nc.isClosed()}`);
