// README › "Flush": flush() resolves when the server has answered a PING, so everything published
// before it has reached the server. Run: deno run -A examples/13_flush.ts
import { connect } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

nc.publish("foo");
nc.publish("bar");
await nc.flush();

// (added)
console.log(`foo and bar reached the server; round trip ${await nc.rtt()} ms`);
await nc.close();
