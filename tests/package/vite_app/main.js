// The app of tests/package/check.sh's Vite page: imports the installed npm package by name, as a
// user's app would, and does publish/subscribe and request/reply against the server in `?ws=`;
// the request goes through a second connection made with the core-only entry (`nats-wasm/core`).
// First, the engine is loaded on first need: importing loaded nothing, so a synchronous engine
// call (nkeys) fails with BAD API until loadEngine() has resolved (a page cannot read the .wasm
// synchronously). Sets the title to "ok: <what it got>" or "failed: <why>" (vite_page.mjs reads
// it). Excluded in deno.json from the repo-wide checks: "nats-wasm" resolves only in that app.
import { connect, createInbox, loadEngine, nkeys, StringCodec } from "nats-wasm";
// the core-only entry, with its own wasm asset: it sends the request below
import { connect as connectCore } from "nats-wasm/core";

async function run() {
  let early;
  try {
    early = nkeys.createUser().getPublicKey();
  } catch (err) {
    early = err.chainedError?.code; // an NKeysError (api error) around the engine's NatsError
  }
  if (early !== "BAD API") throw new Error(`nkeys before loadEngine(): ${early}`);
  await loadEngine();
  if (!nkeys.createUser().getPublicKey().startsWith("U")) throw new Error("nkeys after load");
  const ws = new URLSearchParams(location.search).get("ws");
  const sc = StringCodec();
  const nc = await connect({ servers: ws });
  const subject = createInbox("vite");
  const sub = nc.subscribe(subject, { max: 3 });
  const service = nc.subscribe(`${subject}.echo`, {
    callback: (_err, m) => m.respond(sc.encode(`echo:${sc.decode(m.data)}`)),
  });
  for (let i = 0; i < 3; i++) nc.publish(subject, sc.encode(`m${i}`));
  const got = [];
  for await (const m of sub) got.push(sc.decode(m.data));
  const core = await connectCore({ servers: ws });
  const reply = await core.request(`${subject}.echo`, sc.encode("hi"), { timeout: 2000 });
  await core.close();
  service.unsubscribe();
  await nc.close();
  return `${got.join(",")}|${sc.decode(reply.data)}`;
}

run().then(
  (have) => {
    document.getElementById("out").textContent = have;
    document.title = have === "m0,m1,m2|echo:hi" ? `ok: ${have}` : `failed: got ${have}`;
  },
  (err) => {
    document.title = `failed: ${err?.code ?? ""} ${err?.message ?? err}`;
  },
);
