// Child process of tests/integration/wss_test.ts: connects to the wss:// server given as the first argument
// with `tls: {}` (secure connection required), does a publish/subscribe round trip, and prints one
// JSON line: {"ok":true,"server":"host:port"} or {"ok":false,"code":"...","message":"..."}.
// Run with the test CA trusted (deno run --cert .tmp/auth/tls/ca.pem, or DENO_CERT) or without it.
import { connect } from "../helpers/deps.ts";
import type { NatsError } from "../helpers/deps.ts";

const url = Deno.args[0];
try {
  const nc = await connect({ servers: url, tls: {}, timeout: 5000, reconnect: false });
  const subj = `wss.${crypto.randomUUID()}`;
  const sub = nc.subscribe(subj, { max: 1 });
  nc.publish(subj, "over tls");
  let got = "";
  for await (const m of sub) got = m.string();
  await nc.close();
  console.log(JSON.stringify({ ok: got === "over tls", server: nc.getServer(), got }));
} catch (err) {
  const e = err as NatsError;
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
}
