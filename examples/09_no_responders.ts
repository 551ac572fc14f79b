// README › "No Responders": a request nobody listens to is rejected at once with
// ErrorCode.NoResponders instead of timing out. Run: deno run -A examples/09_no_responders.ts
import { connect, ErrorCode } from "../dist/mod.js";
import type { NatsError } from "../dist/mod.js";

const nc = await connect({
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280",
});

try {
  const m = await nc.request("hello.world");
  console.log(m.data);
} catch (err) {
  const nerr = err as NatsError;
  switch (nerr.code) {
    case ErrorCode.NoResponders:
      console.log("no one is listening to 'hello.world'");
      break;
    case ErrorCode.Timeout:
      console.log("someone is listening but didn't respond");
      break;
    default:
      console.log("request failed", err);
  }
}

await nc.close();
