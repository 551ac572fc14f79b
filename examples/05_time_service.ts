// README › "Services: Request/Reply" › "Services": the `time` service and the `admin.*` service
// (admin.uptime answers how long it has run, admin.stop drains the connection). In the README it
// runs until someone requests admin.stop; this bounded variant also drains by itself after
// SERVICE_TTL_MS (default 10000). Try it with examples/06_making_requests.ts [time|admin.uptime|
// admin.stop] from another shell. Run: deno run -A examples/05_time_service.ts
import { connect, StringCodec } from "../dist/mod.js";
import type { Subscription } from "../dist/mod.js";

// create a connection
const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });

// create a codec
const sc = StringCodec();

// this subscription listens for `time` requests and returns the current time
const sub = nc.subscribe("time");
(async (sub: Subscription) => {
  console.log(`listening for ${sub.getSubject()} requests...`);
  for await (const m of sub) {
    if (m.respond(sc.encode(new Date().toISOString()))) {
      console.info(`[time] handled #${sub.getProcessed()}`);
    } else {
      console.log(`[time] #${sub.getProcessed()} ignored - no reply subject`);
    }
  }
  console.log(`subscription ${sub.getSubject()} drained.`);
})(sub);

// this subscription listens for admin.uptime and admin.stop
// requests to admin.uptime returns how long the service has been running
// requests to admin.stop gracefully stop the client by draining
// the connection
const started = Date.now();
const msub = nc.subscribe("admin.*");
(async (sub: Subscription) => {
  console.log(`listening for ${sub.getSubject()} requests [uptime | stop]`);
  // it would be very good to verify the origin of the request
  // before implementing something that allows your service to be managed.
  // NATS can limit which client can send or receive on what subjects.
  for await (const m of sub) {
    const chunks = m.subject.split(".");
    console.info(`[admin] #${sub.getProcessed()} handling ${chunks[1]}`);
    switch (chunks[1]) {
      case "uptime":
        // send the number of millis since up
        m.respond(sc.encode(`${Date.now() - started}`));
        break;
      case "stop": {
        m.respond(sc.encode(`[admin] #${sub.getProcessed()} stopping....`));
        // gracefully shutdown
        nc.drain()
          .catch((err) => {
            console.log("error draining", err);
          });
        break;
      }
      default:
        console.log(
          `[admin] #${sub.getProcessed()} ignoring request for ${m.subject}`,
        );
    }
  }
  console.log(`subscription ${sub.getSubject()} drained.`);
})(msub);

// (added) the bounded variant: stop by itself if nobody sent admin.stop in time
const ttl = setTimeout(() => {
  console.log("[admin] time to live is over, stopping....");
  nc.drain().catch(() => {});
}, Number(Deno.env.get("SERVICE_TTL_MS") ?? 10000));

// wait for the client to close here.
await nc.closed().then((err?: void | Error) => {
  let m = `connection to ${nc.getServer()} closed`;
  if (err) {
    m = `${m} with an error: ${err.message}`;
  }
  console.log(m);
});
clearTimeout(ttl);
