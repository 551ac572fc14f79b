// Run by tests/package/check.sh from a temporary Node project that installed the packed npm
// package: imports "nats-wasm" by name, as server-side code would, uses nkeys before any
// connection (the engine then loads synchronously from node_modules), and does publish/subscribe
// and request/reply against the server in argv[2] through Node's WebSocket; the request is sent
// from "nats-wasm/core", whose nc.jetstream() must refuse. Exits non-zero on any
// mismatch.
// Excluded in deno.json from the repo-wide checks: "nats-wasm" resolves only in that project.
// Usage: node [--experimental-websocket] node_smoke.mjs <ws url>
import { connect, nkeys, StringCodec } from "nats-wasm";
import * as core from "nats-wasm/core";

const ws = process.argv[2];
const pub = nkeys.createUser().getPublicKey();
if (!pub.startsWith("U")) throw new Error(`nkeys before connect: got ${pub}`);
if (typeof globalThis.WebSocket !== "function") {
  throw new Error("this Node has no WebSocket (Node 22, or 20 with --experimental-websocket)");
}
const sc = StringCodec();
const nc = await connect({ servers: ws });
const sub = nc.subscribe("package.node", { max: 3 });
const service = nc.subscribe("package.node.echo", {
  callback: (_err, m) => m.respond(sc.encode(`echo:${sc.decode(m.data)}`)),
});
for (let i = 0; i < 3; i++) nc.publish("package.node", sc.encode(`m${i}`));
const got = [];
for await (const m of sub) got.push(sc.decode(m.data));
// the request goes through the core-only entry, which has no JetStream
const cnc = await core.connect({ servers: ws });
const reply = await cnc.request("package.node.echo", sc.encode("hi"), { timeout: 2000 });
let refused;
try {
  cnc.jetstream();
} catch (err) {
  refused = err.code;
}
if (refused !== "BAD API") throw new Error(`core jetstream(): ${refused}`);
await cnc.close();
service.unsubscribe();
await nc.close();
const want = "m0,m1,m2|echo:hi";
const have = `${got.join(",")}|${sc.decode(reply.data)}`;
if (have !== want) throw new Error(`expected ${want}, got ${have}`);
console.log(`node smoke: ${have}`);
