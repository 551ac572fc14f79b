// The Deno side of the KV/ObjectStore page tests (tests/browser/kv_os.html): a client in another
// process and another runtime, which the page calls through run.mjs (`window.peer(...)`), so what
// the page sees was really made, or read back, by a second connection. It runs one command,
// prints its outcome as one JSON line, and exits (1 with the error on stderr on any failure).
//   deno run -A tests/browser/peer.ts <ws url> kv <bucket> <ops as JSON>
//     ops: [["put", key, value] | ["delete", key] | ["get", key]]; prints each op's result:
//     the put's revision, null for a delete, {value, revision, operation} (or null) for a get
//   deno run -A tests/browser/peer.ts <ws url> os-read <bucket> <name>
//     prints {size, sha256 (hex of the bytes read), digest (the object's info)}
//   deno run -A tests/browser/peer.ts <ws url> os-put <bucket> <name> <bytes>
//     stores that many random bytes; prints {size, sha256, digest}
// The client is dist/mod.js, or nats.ws's ESM bundle with NATS_CLIENT=nats.ws (as the pages).
// Must not: keep anything between runs or touch a bucket the command does not name.
const natsWs = Deno.env.get("NATS_CLIENT") === "nats.ws";
const mod = new URL(
  natsWs ? "../../.tools/node_modules/nats.ws/esm/nats.js" : "../../dist/mod.js",
  import.meta.url,
);
const { connect, StringCodec } = await import(mod.href);
const sc = StringCodec();

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `n` random bytes; getRandomValues fills at most 64 KiB a call (Web Crypto's limit). */
function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

const [server, cmd, bucket, ...rest] = Deno.args;
const nc = await connect({ servers: server, name: "browser page peer" });
try {
  const js = nc.jetstream();
  let out: unknown;
  if (cmd === "kv") {
    const kv = await js.views.kv(bucket);
    const results = [];
    for (const [op, key, value] of JSON.parse(rest[0]) as string[][]) {
      if (op === "put") results.push(await kv.put(key, sc.encode(value)));
      else if (op === "delete") results.push(await kv.delete(key) ?? null);
      else if (op === "get") {
        const e = await kv.get(key);
        results.push(
          e && { value: sc.decode(e.value), revision: e.revision, operation: e.operation },
        );
      } else throw new Error(`unknown kv op ${op}`);
    }
    out = results;
  } else if (cmd === "os-read") {
    const os = await js.views.os(bucket);
    const r = await os.get(rest[0]);
    if (!r) throw new Error(`no object ${rest[0]}`);
    const bytes = new Uint8Array(await new Response(r.data).arrayBuffer());
    const err = await r.error;
    if (err) throw err;
    out = { size: bytes.length, sha256: await sha256(bytes), digest: r.info.digest };
  } else if (cmd === "os-put") {
    const os = await js.views.os(bucket);
    const bytes = randomBytes(Number(rest[1]));
    const info = await os.putBlob({ name: rest[0] }, bytes);
    out = { size: info.size, sha256: await sha256(bytes), digest: info.digest };
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
  console.log(JSON.stringify(out));
} finally {
  await nc.close();
}
