// README › "Queue Groups": two queue groups (3 and 2 members, each its own connection) and a
// standalone subscriber on `echo`. The README then waits for you to publish requests; this bounded
// variant sends them itself (each request is echoed by one member of each group and by the
// standalone), then closes every connection. Run: deno run -A examples/07_queue_groups.ts
import { connect, StringCodec } from "../dist/mod.js";
import type { NatsConnection, Subscription } from "../dist/mod.js";

const servers = Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280";

// this is the definition of a service with `count` members in them.
// if the queue is specified, the they will be part of a queue
async function createService(
  name: string,
  count: number = 1,
  queue: string = "",
): Promise<NatsConnection[]> {
  const conns: NatsConnection[] = [];
  for (let i = 1; i <= count; i++) {
    const n = queue ? `${name}-${i}` : name;
    const nc = await connect(
      { servers, name: `${n}` },
    );
    nc.closed()
      .then((err) => {
        if (err) {
          console.error(
            `service ${n} exited because of error: ${err.message}`,
          );
        }
      });
    // create a subscription - note the option for a queue, if set
    // any client with the same queue will be a member of the group.
    const sub = nc.subscribe("echo", { queue: queue });
    const _ = handleRequest(n, sub);
    // (the README prints nc.options.name, which is not part of the NatsConnection interface)
    console.log(`${n} is listening for 'echo' requests...`);
    conns.push(nc);
  }
  return conns;
}

const sc = StringCodec();

// simple handler for service requests
async function handleRequest(name: string, s: Subscription) {
  const p = 12 - name.length;
  const pad = "".padEnd(p);
  for await (const m of s) {
    // respond returns true if the message had a reply subject, thus it could respond
    if (m.respond(m.data)) {
      console.log(
        `[${name}]:${pad} #${s.getProcessed()} echoed ${sc.decode(m.data)}`,
      );
    } else {
      console.log(
        `[${name}]:${pad} #${s.getProcessed()} ignoring request - no reply subject`,
      );
    }
  }
}

// let's create two queue groups and a standalone subscriber
const conns: NatsConnection[] = [];
conns.push(...await createService("echo", 3, "echo"));
conns.push(...await createService("other-echo", 2, "other-echo"));
conns.push(...await createService("standalone"));

const a: Promise<void | Error>[] = [];
conns.forEach((c) => {
  a.push(c.closed());
});

// (added) "publish a request to the subject echo to see what happens": six requests, then stop
await Promise.all(conns.map((c) => c.flush())); // every subscription is known to the server
const client = await connect({ servers });
for (let i = 1; i <= 6; i++) {
  const r = await client.request("echo", sc.encode(`request ${i}`), { timeout: 1000 });
  console.log(`client got: ${sc.decode(r.data)}`);
}
await client.flush();
await client.close();
for (const c of conns) await c.drain();

await Promise.all(a);
