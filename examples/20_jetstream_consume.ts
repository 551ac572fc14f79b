// JetStream consumers: a work queue read with consume() and acks, a batch with fetch(), an
// ordered consumer replaying the stream in order, and the legacy push subscription
// (js.subscribe with consumerOpts) that nats.deno v1 programs still use. Needs a server with
// JetStream (tests/nats/jetstream.conf).
// Run: deno run -A examples/20_jetstream_consume.ts
import { AckPolicy, connect, consumerOpts, StorageType } from "../dist/mod.js";

const nc = await connect({
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14285",
});
const jsm = await nc.jetstreamManager();
await jsm.streams.delete("JOBS").catch(() => {});
await jsm.streams.add({ name: "JOBS", subjects: ["jobs.>"], storage: StorageType.Memory });

const js = nc.jetstream();
for (let i = 1; i <= 10; i++) await js.publish(`jobs.${i % 2 ? "odd" : "even"}`, `job ${i}`);

// a durable pull consumer: consume() keeps pulling; each message is acknowledged when done
await jsm.consumers.add("JOBS", { durable_name: "worker", ack_policy: AckPolicy.Explicit });
const worker = await js.consumers.get("JOBS", "worker");
const jobs = await worker.consume({ max_messages: 4 });
let last = "";
for await (const m of jobs) {
  last = m.string();
  m.ack();
  if (m.info.pending === 0) break;
}
console.log(`consume: worked ${jobs.getProcessed()} jobs, the last was "${last}"`);

// another consumer reads in batches: fetch() ends when the batch is full or expires
await jsm.consumers.add("JOBS", { durable_name: "auditor", ack_policy: AckPolicy.Explicit });
const auditor = await js.consumers.get("JOBS", "auditor");
const batch = await auditor.fetch({ max_messages: 3, expires: 1000 });
const first: string[] = [];
for await (const m of batch) {
  first.push(m.string());
  m.ack();
}
console.log(`fetch: ${first.join(", ")}`);

// an ordered consumer replays the stream in order; no server-side state to manage
const replay = await js.consumers.get("JOBS", { filterSubjects: "jobs.even" });
const evens = await replay.fetch({ max_messages: 5, expires: 1000 });
const seqs: number[] = [];
for await (const m of evens) seqs.push(m.seq);
console.log(`ordered: jobs.even at stream seqs ${seqs.join(" ")}`);

// the legacy API: a push subscription, acknowledged automatically as messages are handed out
const opts = consumerOpts().deliverTo("audit.jobs").filterSubject("jobs.odd").deliverAll();
const sub = await js.subscribe("jobs.odd", opts);
const odd: string[] = [];
for await (const m of sub) {
  odd.push(m.string());
  if (odd.length === 5) break;
}
console.log(`js.subscribe: ${odd.join(", ")}`);

await jsm.streams.delete("JOBS");
await nc.close();
