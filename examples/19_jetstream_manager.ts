// JetStream manager and publish: a stream made with the JetStream manager, acknowledged publishes (a
// repeated msgID is reported as a duplicate), reading a stored message, a durable consumer, and
// what an API error looks like. Needs a server with JetStream (tests/nats/jetstream.conf).
// Run: deno run -A examples/19_jetstream_manager.ts
import { AckPolicy, connect, StorageType } from "../dist/mod.js";
import type { NatsError } from "../dist/mod.js";

const nc = await connect({
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14285",
});
const jsm = await nc.jetstreamManager();

// start from nothing, whatever an earlier run left behind
await jsm.streams.delete("ORDERS").catch(() => {});
await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], storage: StorageType.Memory });

const js = nc.jetstream();
let pa = await js.publish("orders.new", "order 1", { msgID: "o1" });
console.log(`published to ${pa.stream}, seq ${pa.seq}`);
pa = await js.publish("orders.new", "order 1", { msgID: "o1" });
console.log(`same msgID again: duplicate=${pa.duplicate}, seq ${pa.seq}`);
await js.publish("orders.shipped", "order 1");

const si = await jsm.streams.info("ORDERS");
console.log(`ORDERS holds ${si.state.messages} messages`);
const m = await jsm.streams.getMessage("ORDERS", { last_by_subj: "orders.new" });
console.log(`last on orders.new: ${m.string()} (seq ${m.seq})`);

await jsm.consumers.add("ORDERS", { durable_name: "shipper", ack_policy: AckPolicy.Explicit });
for await (const ci of jsm.consumers.list("ORDERS")) {
  console.log(`consumer ${ci.name}: ${ci.num_pending} pending`);
}

try {
  await jsm.streams.info("MISSING");
} catch (err) {
  const e = err as NatsError;
  console.log(`API error ${e.api_error?.err_code}: ${e.message}`);
}

await jsm.streams.delete("ORDERS");
await nc.close();
