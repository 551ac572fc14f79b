// ObjectStore: files in JetStream. put() streams the bytes in 128 KiB chunks and stores their
// SHA-256; get() streams them back and checks the digest (its `error` promise says whether the
// bytes were right); links, list, watch, delete and the store listing. Needs a server with
// JetStream (tests/nats/jetstream.conf).
// Run: deno run -A examples/22_objectstore.ts
import { connect, StorageType } from "../dist/mod.js";

const nc = await connect({
  servers: Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14285",
});
const js = nc.jetstream();
const jsm = await nc.jetstreamManager();
await jsm.streams.delete("OBJ_DOCS").catch(() => {});
const os = await js.views.os("DOCS", { storage: StorageType.File, description: "documents" });

// put from a ReadableStream: 300 000 bytes written as 10 pieces, stored as 3 chunks
const line = new TextEncoder().encode("0123456789".repeat(3000));
let pieces = 0;
const source = new ReadableStream<Uint8Array>({
  pull(c) {
    if (pieces++ < 10) c.enqueue(line);
    else c.close();
  },
});
const info = await os.put({ name: "report.txt", description: "a report" }, source);
console.log(`put ${info.name}: ${info.size} bytes in ${info.chunks} chunks`);
console.log(`digest ${info.digest}`);

// get: the data streams chunk by chunk; `error` settles once the digest was checked
const r = await os.get("report.txt");
let size = 0;
for await (const chunk of r!.data) size += chunk.length;
console.log(`get: ${size} bytes, digest check: ${(await r!.error) ?? "ok"}`);

// small objects in one call; a link is a name for another object
await os.putBlob({ name: "notes.txt" }, new TextEncoder().encode("remember the milk"));
await os.link("latest", info);
const linked = await os.getBlob("latest");
console.log(`link "latest" reads ${linked!.length} bytes of ${info.name}`);
const names = (await os.list()).map((i) => i.name).sort();
console.log(`list: ${names.join(", ")}`);

// a watcher sees changes as they happen
const watch = await os.watch();
await os.delete("notes.txt");
for await (const change of watch) {
  console.log(`watch: ${change!.name} deleted=${change!.deleted}`);
  break;
}
console.log(`after delete: get notes.txt -> ${await os.get("notes.txt")}`);

const stores = [];
for await (const s of jsm.streams.listObjectStores()) stores.push(`${s.bucket} (${s.description})`);
console.log(`object stores: ${stores.join(", ")}`);

await os.destroy();
await nc.close();
