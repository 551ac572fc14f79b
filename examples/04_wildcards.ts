// README › "Wildcard Subscriptions": `*` and `>` subscriptions, each printing what it matched.
// The README waits for nc.closed() forever; this bounded variant publishes a few subjects and then
// drains the connection, which ends the three loops and resolves closed().
// Run: deno run -A examples/04_wildcards.ts
import { connect, StringCodec } from "../dist/mod.js";
import type { Subscription } from "../dist/mod.js";

const nc = await connect({ servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280" });
const sc = StringCodec();

// subscriptions can have wildcard subjects
// the '*' matches any string in the specified token position
const s1 = nc.subscribe("help.*.system");
const s2 = nc.subscribe("help.me.*");
// the '>' matches any tokens in that position or following
// '>' can only be specified at the end of the subject
const s3 = nc.subscribe("help.>");

async function printMsgs(s: Subscription) {
  const subj = s.getSubject();
  console.log(`listening for ${subj}`);
  const c = 13 - subj.length;
  const pad = "".padEnd(c);
  for await (const m of s) {
    console.log(
      `[${subj}]${pad} #${s.getProcessed()} - ${m.subject} ${
        m.data ? " " + sc.decode(m.data) : ""
      }`,
    );
  }
}

printMsgs(s1);
printMsgs(s2);
printMsgs(s3);

// (added) some traffic to see who gets what, then a drain instead of waiting forever
for (const subj of ["help.me.system", "help.you.system", "help.me.now", "help.a.b.c"]) {
  nc.publish(subj, sc.encode(`to ${subj}`));
}
nc.drain();

// don't exit until the client closes
await nc.closed();
