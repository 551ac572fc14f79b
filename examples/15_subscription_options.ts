// README › "SubscriptionOptions": Auto Unsubscribe (`max`) and Timeout Subscriptions (`timeout`),
// with `queue` and `callback` shown briefly. Run: deno run -A examples/15_subscription_options.ts
import { connect, ErrorCode } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

// subscriptions can auto unsubscribe after a certain number of messages
const foo = nc.subscribe("foo", { max: 10 });
(async () => {
  for await (const m of foo) console.log(`foo #${foo.getProcessed()}: ${m.string()}`);
  console.log("foo is done after 10 messages");
})();
for (let i = 1; i <= 15; i++) nc.publish("foo", `message ${i}`);

// create subscription with a timeout, if no message arrives
// within the timeout, the function running the iterator with
// reject - depending on how you code it, you may need a
// try/catch block.
const sub = nc.subscribe("hello", { timeout: 1000 });
await (async () => {
  for await (const _m of sub) {
    // nobody publishes to hello here
  }
})().catch((err) => {
  if (err.code === ErrorCode.Timeout) {
    console.log(`sub timed out!`);
  } else {
    console.log(`sub iterator got an error!`);
  }
});

// queue: members of the same queue share the messages; callback: no iterator, just a function
let a = 0, b = 0;
nc.subscribe("work", { queue: "workers", callback: () => a++ });
nc.subscribe("work", { queue: "workers", callback: () => b++ });
for (let i = 0; i < 100; i++) nc.publish("work");
await nc.flush();
console.log(`queue members got ${a} + ${b} = ${a + b} messages`);

await nc.drain();
