// README › "Advanced Usage" › "Headers": publish an empty message with two headers and print
// them on the receiving side. Run: deno run -A examples/08_headers.ts
import { connect, createInbox, Empty, headers, nuid } from "../dist/mod.js";

const nc = await connect(
  {
    servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280",
  },
);

const subj = createInbox();
const sub = nc.subscribe(subj);
(async () => {
  for await (const m of sub) {
    if (m.headers) {
      for (const [key, value] of m.headers) {
        console.log(`${key}=${value}`);
      }
      // reading a header is not case sensitive
      // (in this project, as in the reference code, lookups are exact by default: Match.Exact)
      console.log("id", m.headers.get("id"));
    }
  }
})().then();

// header names can be any printable ASCII character with the exception of `:`.
// header values can be any ASCII character except `\r` or `\n`.
// see https://www.ietf.org/rfc/rfc822.txt
const h = headers();
h.append("id", nuid.next());
h.append("unix_time", Date.now().toString());
nc.publish(subj, Empty, { headers: h });

await nc.flush();
await nc.close();
