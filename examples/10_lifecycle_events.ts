// README › "Lifecycle/Informational Events": print every nc.status() event and how closed()
// resolved. To have something to report, this bounded variant forces a reconnect with
// nc.reconnect() (disconnect + reconnect events), waits for it, then closes.
// Run: deno run -A examples/10_lifecycle_events.ts
import { connect, Events } from "../dist/mod.js";

const opts = {
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280",
  reconnectTimeWait: 100,
};
const nc = await connect(opts);
let reconnected: () => void = () => {};
const back = new Promise<void>((r) => reconnected = r);
(async () => {
  console.info(`connected ${nc.getServer()}`);
  for await (const s of nc.status()) {
    console.info(`${s.type}: ${JSON.stringify(s.data)}`);
    if (s.type === Events.Reconnect) reconnected(); // (added)
  }
})().then();

nc.closed()
  .then((err) => {
    console.log(
      `connection closed ${err ? " with error: " + err.message : ""}`,
    );
  });

// (added) a client-initiated reconnect, bounded by a 5 s timer
await nc.reconnect();
let timer: ReturnType<typeof setTimeout> | undefined;
await Promise.race([back, new Promise<void>((r) => timer = setTimeout(r, 5000))]);
clearTimeout(timer);
await nc.close();
