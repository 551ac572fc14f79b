// README › "RequestOptions" › "noMux and reply": a request with noMux and an application-chosen
// reply subject, next to a default (muxed) request with headers and a timeout. A small responder
// on `q` is added so that the requests have someone to answer.
// Run: deno run -A examples/16_request_options.ts
import { connect, Empty, headers } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

// (added) the responder: says where the reply goes
nc.subscribe("q", {
  callback: (_err, m) =>
    m.respond(`reply sent to ${m.reply} (trace: ${m.headers?.get("Trace") ?? "-"})`),
});

const m = await nc.request(
  "q",
  Empty,
  { reply: "bar", noMux: true, timeout: 1000 },
);
console.log(m.string());

// timeout and headers
const h = headers();
h.set("Trace", "abc-123");
const m2 = await nc.request("q", Empty, { timeout: 500, headers: h });
console.log(m2.string());

await nc.close();
