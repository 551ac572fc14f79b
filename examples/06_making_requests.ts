// README › "Services: Request/Reply" › "Making Requests": one request with a 1 s timeout to the
// service of 05_time_service.ts. The subject is `time` as in the README, or the first argument
// (e.g. admin.uptime or admin.stop). Run: deno run -A examples/06_making_requests.ts [subject]
import { connect, Empty, StringCodec } from "../dist/mod.js";

// create a connection
const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

// create an encoder
const sc = StringCodec();

// the client makes a request and receives a promise for a message
// by default the request times out after 1s (1000 millis) and has
// no payload.
await nc.request(Deno.args[0] ?? "time", Empty, { timeout: 1000 })
  .then((m) => {
    console.log(`got response: ${sc.decode(m.data)}`);
  })
  .catch((err) => {
    console.log(`problem with request: ${err.message}`);
  });

await nc.close();
