// The Service API (nats.deno's services, ADR-32): a service with a group of endpoints, one with a
// handler (bad input answered with a service error) and one read as an iterator; then discovery
// with nc.services.client(): PING, INFO and STATS of the services called "max".
// Run: deno run -A examples/23_services.ts
import { connect, JSONCodec, ServiceError } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });
const jc = JSONCodec<number[] | number>();

const srv = await nc.services.add({
  name: "max",
  version: "0.0.1",
  description: "the largest and smallest of some numbers",
  metadata: { example: "23" },
});
const math = srv.addGroup("demo.math");

// a handler: called for each request; what it throws is answered as an error and counted
math.addEndpoint("max", (_err, m) => {
  const xs = m.json<number[]>();
  if (!Array.isArray(xs) || xs.length === 0) {
    m.respondError(400, "expected a non-empty array of numbers");
    return;
  }
  m.respond(jc.encode(Math.max(...xs)));
});

// no handler: the endpoint is an iterator of requests
const min = math.addEndpoint("min", { metadata: { style: "iterator" } });
(async () => {
  for await (const m of min) m.respond(jc.encode(Math.min(...m.json<number[]>())));
})();

const r = await nc.request("demo.math.max", jc.encode([1, 7, 3]));
console.log(`max of [1, 7, 3]: ${jc.decode(r.data)}`);
const bad = ServiceError.toServiceError(await nc.request("demo.math.max", jc.encode([])));
console.log(`max of []: error ${bad?.code} "${bad?.message}"`);
console.log(
  `min of [4, 2, 9]: ${(await nc.request("demo.math.min", jc.encode([4, 2, 9]))).json()}`,
);

// discovery: every answer within the client's wait (any tool, in any language, sees the same)
const client = nc.services.client();
for await (const p of await client.ping("max")) {
  console.log(`ping: ${p.name} ${p.version} (${p.type})`);
}
for await (const i of await client.info("max")) {
  console.log(`info: "${i.description}" on ${i.endpoints.map((e) => e.subject).join(", ")}`);
}
for await (const s of await client.stats("max")) {
  const eps = s.endpoints ?? [];
  console.log(
    `stats: ${
      eps.map((e) => `${e.name} ${e.num_requests} requests, ${e.num_errors} errors`).join("; ")
    }`,
  );
}

await srv.stop();
console.log(`stopped: ${srv.isStopped}`);
await nc.close();
