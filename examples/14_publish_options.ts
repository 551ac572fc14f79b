// README › "PublishOptions": publish with `reply` (a subscription for it is set up first) and
// with `headers`. Run: deno run -A examples/14_publish_options.ts
import { connect, createInbox, headers, StringCodec } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });
const sc = StringCodec();

// a service that answers to the reply subject of whatever it gets
nc.subscribe("greet", {
  callback: (_err, m) => {
    console.log(
      `greet got "${sc.decode(m.data)}", reply to ${m.reply}, lang=${m.headers?.get("Lang")}`,
    );
    m.respond(sc.encode(m.headers?.get("Lang") === "es" ? "hola" : "hello"));
  },
});

// reply: the subscription for it must exist before the publish
const inbox = createInbox();
const replies = nc.subscribe(inbox, { max: 1 });

// headers: a set of headers to decorate the message
const h = headers();
h.set("Lang", "es");
nc.publish("greet", sc.encode("hi"), { reply: inbox, headers: h });

for await (const m of replies) {
  console.log(`reply on ${m.subject}: ${sc.decode(m.data)}`);
}
await nc.close();
