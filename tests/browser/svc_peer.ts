// The Deno side of tests/browser/services.html: connects to the given server, calls the page's
// service endpoint twice (one answer, one service error), then asks for its STATS through
// `nc.services.client()` and prints one JSON line: the replies and the stats it saw.
// It must not wait unbounded (each request has a timeout) or touch anything but that server.
// Usage: deno run -A tests/browser/svc_peer.ts <ws url> <service name> <endpoint subject>
import { connect, ServiceError } from "../../dist/mod.js";

/** A request's timeout, ms (the page's service answers at once). */
const TIMEOUT_MS = 5000;

const [url, name, subject] = Deno.args;
const nc = await connect({ servers: url });
const reply = (await nc.request(subject, "from deno", { timeout: TIMEOUT_MS })).string();
const err = ServiceError.toServiceError(await nc.request(subject, "", { timeout: TIMEOUT_MS }));
const stats = [];
for await (
  const s of await nc.services.client({ strategy: "timer", maxWait: 500 } as never).stats(name)
) {
  stats.push(s);
}
console.log(
  JSON.stringify({ reply, error: err && { code: err.code, message: err.message }, stats }),
);
await nc.close();
