// KV: a bucket of settings over JetStream. put/get with revisions, an optimistic update, create
// that refuses to overwrite, history, keys, and a watch that first gets every current value
// (initializedFn says when it has them all) and then each change. Needs a server with JetStream
// (tests/nats/jetstream.conf).
// Run: deno run -A examples/21_kv.ts
import { connect, KvWatchInclude } from "../dist/mod.js";
import type { KvEntry } from "../dist/mod.js";

const nc = await connect({
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14285",
});
const js = nc.jetstream();
const jsm = await nc.jetstreamManager();
await jsm.streams.delete("KV_settings").catch(() => {});

// the bucket keeps 5 revisions of each key
const kv = await js.views.kv("settings", { history: 5, description: "app settings" });
const r1 = await kv.put("theme", "light");
await kv.put("lang", "en");
const e = await kv.get("theme");
console.log(`put theme=light at revision ${r1}; get: ${e?.key}=${e?.string()} (${e?.operation})`);

// update only if nobody changed the key since the revision we read
const r3 = await kv.update("theme", "dark", e!.revision);
try {
  await kv.update("theme", "blue", e!.revision);
} catch (err) {
  console.log(`update at a stale revision: ${(err as Error).message}`);
}
try {
  await kv.create("lang", "fr");
} catch (err) {
  console.log(`create of an existing key: ${(err as Error).message}`);
}

// a watch: the current values, then changes as they happen
const show = (e: KvEntry) => `${e.key}=${e.operation === "PUT" ? e.string() : e.operation}`;
const seen: string[] = [];
let ready!: () => void;
const initialized = new Promise<void>((r) => ready = r);
const watch = await kv.watch({ include: KvWatchInclude.LastValue, initializedFn: () => ready() });
const watching = (async () => {
  for await (const e of watch) {
    seen.push(show(e));
    if (e.key === "done") break;
  }
})();
await initialized;
console.log(`watch: initial values ${seen.join(", ")}`);
await kv.put("theme", "solarized");
await kv.delete("lang");
await kv.put("done", "");
await watching;
console.log(`watch: then ${seen.slice(2).join(", ")}`);

const history = [];
for await (const e of await kv.history({ key: "theme" })) {
  history.push(`${e.revision}:${e.string()}`);
}
console.log(`history of theme: ${history.join(" ")} (the update was revision ${r3})`);
const keys = [];
for await (const k of await kv.keys()) keys.push(k);
console.log(`keys: ${keys.sort().join(", ")}`);
const st = await kv.status();
console.log(`status: bucket ${st.bucket}, ${st.values} values, history ${st.history}`);

await kv.destroy();
await nc.close();
