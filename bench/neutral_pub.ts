// Neutral publisher for the subscribe benchmarks (bench/scenario.ts starts it in its own process).
// It measures nothing itself: it writes the NATS protocol over raw TCP to the bench server's client
// port (CONNECT, then `PUB <subject> <size>` x N in large chunks, then PING) and exits once the
// server answers PONG, so both clients under test receive the identical stream at the same rate.
// With --ack-window=W it pre-loads a JetStream stream instead: every PUB carries a reply subject
// it subscribes to, and at most W messages are written and not yet acknowledged, because a stream
// silently drops core publishes that outrun its ingest queue ("IPQ len limit reached"); a PubAck
// with an error ends it with a failure.
// It must not use either client under test, contact anything but 127.0.0.1, or run unbounded: it
// exits after --timeout-ms, on a server -ERR, or when its parent closes its stdin.
//
// usage: deno run --allow-net=127.0.0.1 bench/neutral_pub.ts --subject=S --n=N [--size=16]
//        [--ack-window=W] [--distinct] [--port=15222] [--timeout-ms=60000]
import { arg, CRLF, flag, watchParent } from "./util.ts";

const subject = arg("subject", "");
const n = Number(arg("n", "0"));
const size = Number(arg("size", "16"));
const port = Number(arg("port", "15222"));
const timeoutMs = Number(arg("timeout-ms", "60000"));
const ackWindow = Number(arg("ack-window", "0")); // 0: core publishes, nothing acknowledged
const distinct = flag("distinct");
if (!subject || !(n > 0) || !(size >= 0) || !(ackWindow >= 0)) {
  console.error("neutral_pub: --subject and --n are required");
  Deno.exit(2);
}
const reply = ackWindow ? `_INBOX.bench_neutral_pub.${Deno.pid}` : "";

const timer = setTimeout(() => {
  console.error(`neutral_pub: timed out after ${timeoutMs} ms`);
  Deno.exit(3);
}, timeoutMs);
watchParent("neutral_pub");

const conn = await Deno.connect({ hostname: "127.0.0.1", port });
conn.setNoDelay(true);
const enc = new TextEncoder();

// Reads until PONG (the answer to our final PING); fails on -ERR or an error PubAck.
let pongSeen: () => void = () => {};
const pong = new Promise<void>((resolve) => (pongSeen = resolve));
let acked = 0; // PubAcks received (with --ack-window)
let ackWaiter = null as (() => void) | null; // the writer, waiting for acks to open the window
(async () => {
  const dec = new TextDecoder();
  const buf = new Uint8Array(64 * 1024);
  let text = "";
  let ackPayloadNext = false; // a PubAck's payload is one line of JSON after its MSG line
  while (true) {
    const got = await conn.read(buf);
    if (got === null) {
      console.error("neutral_pub: server closed the connection");
      Deno.exit(4);
    }
    text += dec.decode(buf.subarray(0, got));
    let i: number;
    while ((i = text.indexOf(CRLF)) >= 0) {
      const line = text.slice(0, i);
      text = text.slice(i + 2);
      if (ackPayloadNext) {
        ackPayloadNext = false;
        if (line.includes('"error"')) {
          console.error(`neutral_pub: PubAck error ${line}`);
          Deno.exit(5);
        }
        acked++;
      } else if (line.startsWith("MSG ")) {
        ackPayloadNext = true;
      } else if (line.startsWith("-ERR")) {
        console.error(`neutral_pub: server error ${line}`);
        Deno.exit(5);
      } else if (line === "PING") {
        await writeAll(enc.encode("PONG\r\n"));
      } else if (line === "PONG") {
        pongSeen();
      }
    }
    if (ackWaiter) {
      ackWaiter();
      ackWaiter = null;
    }
  }
})();

async function writeAll(b: Uint8Array): Promise<void> {
  let off = 0;
  while (off < b.length) off += await conn.write(b.subarray(off));
}

// One chunk of about 256 KiB (or half the ack window) holding whole PUB records; the tail chunk is
// a prefix of it.
const payload = new Uint8Array(size).fill(0x61); // "aaaa..."
const head = enc.encode(`PUB ${subject} ${reply ? reply + " " : ""}${size}\r\n`);
const recLen = head.length + size + 2;
const perChunk = Math.max(
  1,
  Math.min(Math.floor((256 * 1024) / recLen), ackWindow ? Math.floor(ackWindow / 2) : Infinity),
);
const chunk = new Uint8Array(perChunk * recLen);
for (let r = 0; r < perChunk; r++) {
  const o = r * recLen;
  chunk.set(head, o);
  chunk.set(payload, o + head.length);
  chunk[o + head.length + size] = 13;
  chunk[o + head.length + size + 1] = 10;
}

/** With --distinct: records `first`..`first + k - 1`, each on its own subject `<subject>.<i>`. */
function distinctChunk(first: number, k: number): Uint8Array {
  const parts: string[] = [];
  const text = new TextDecoder().decode(payload);
  for (let i = first; i < first + k; i++) {
    parts.push(`PUB ${subject}.${i} ${reply ? reply + " " : ""}${size}\r\n${text}\r\n`);
  }
  return enc.encode(parts.join(""));
}

await writeAll(
  enc.encode(`CONNECT {"verbose":false,"pedantic":false,"name":"bench-neutral-pub"}\r\n`),
);
if (reply) await writeAll(enc.encode(`SUB ${reply} 1\r\n`));
const t0 = performance.now();
let left = n;
while (left > 0) {
  const k = Math.min(left, perChunk);
  while (ackWindow && n - left - acked + k > ackWindow) {
    await new Promise<void>((resolve) => (ackWaiter = resolve));
  }
  if (distinct) await writeAll(distinctChunk(n - left, k));
  else await writeAll(k === perChunk ? chunk : chunk.subarray(0, k * recLen));
  left -= k;
}
while (acked < (ackWindow ? n : 0)) await new Promise<void>((resolve) => (ackWaiter = resolve));
await writeAll(enc.encode("PING\r\n"));
await pong;
const ms = performance.now() - t0;
clearTimeout(timer);
console.log(JSON.stringify({ sent: n, ms }));
conn.close();
Deno.exit(0);
