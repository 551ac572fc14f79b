/**
 * Copied next to the unpacked npm package by tests/package/check.sh: imports `./mod.js` exactly as
 * a user of the package would, and does publish/subscribe and request/reply against the default
 * test server, the request sent from the core-only entry (`./core/mod.js`). Exits non-zero on any
 * mismatch. Excluded in deno.json from the repo-wide checks, since `./mod.js` exists only beside
 * the unpacked package (check.sh type-checks it there).
 */
import { connect, type Msg, type NatsError, StringCodec } from "./mod.js";
import { connect as connectCore } from "./core/mod.js";

const sc = StringCodec();
const nc = await connect({ servers: "ws://127.0.0.1:14280" });
const sub = nc.subscribe("package.smoke", { max: 3 });
const service = nc.subscribe("package.echo", {
  callback: (_err: NatsError | null, m: Msg) => m.respond(sc.encode(`echo:${sc.decode(m.data)}`)),
});
for (let i = 0; i < 3; i++) nc.publish("package.smoke", sc.encode(`m${i}`));
const got: string[] = [];
for await (const m of sub) got.push(sc.decode(m.data));
// the request goes through the core-only entry (its own module and .wasm in core/)
const cnc = await connectCore({ servers: "ws://127.0.0.1:14280" });
const reply = await cnc.request("package.echo", sc.encode("hi"), { timeout: 2000 });
await cnc.close();
service.unsubscribe();
await nc.close();
const want = "m0,m1,m2|echo:hi";
const have = `${got.join(",")}|${sc.decode(reply.data)}`;
if (have !== want) {
  console.error(`expected ${want}, got ${have}`);
  Deno.exit(1);
}
console.log(`package smoke: ${have}`);
