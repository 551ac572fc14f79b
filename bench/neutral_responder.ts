// Neutral responder for the request/reply benchmarks (bench/scenario.ts starts it in its own
// process). It measures nothing itself: over raw TCP to the bench server's client port it
// subscribes to --subject, prints "ready" once the server has confirmed the SUB (PING/PONG), then
// answers every MSG that carries a reply subject with a PUB of the same payload to it, writing all
// answers of one socket read in one write. Both clients under test thus face the same responder.
// It must not use either client under test, contact anything but 127.0.0.1, or run unbounded: it
// exits after --timeout-ms, on a server -ERR, or when its parent closes its stdin.
//
// usage: deno run --allow-net=127.0.0.1 bench/neutral_responder.ts --subject=S [--port=15222]
//        [--timeout-ms=120000]
import { arg, watchParent } from "./util.ts";

const subject = arg("subject", "");
const port = Number(arg("port", "15222"));
const timeoutMs = Number(arg("timeout-ms", "120000"));
if (!subject) {
  console.error("neutral_responder: --subject is required");
  Deno.exit(2);
}
setTimeout(() => {
  console.error(`neutral_responder: timed out after ${timeoutMs} ms`);
  Deno.exit(3);
}, timeoutMs);
watchParent("neutral_responder");

const enc = new TextEncoder();
const dec = new TextDecoder();
const conn = await Deno.connect({ hostname: "127.0.0.1", port });
conn.setNoDelay(true);

async function writeAll(b: Uint8Array): Promise<void> {
  let off = 0;
  while (off < b.length) off += await conn.write(b.subarray(off));
}

await writeAll(
  enc.encode(
    `CONNECT {"verbose":false,"pedantic":false,"name":"bench-neutral-responder"}\r\n` +
      `SUB ${subject} 1\r\nPING\r\n`,
  ),
);

let ready = false;
let acc = new Uint8Array(0); // unparsed bytes
const readBuf = new Uint8Array(256 * 1024);
let answered = 0;

while (true) {
  const got = await conn.read(readBuf);
  if (got === null) {
    console.error("neutral_responder: server closed the connection");
    Deno.exit(4);
  }
  if (acc.length === 0) {
    acc = readBuf.slice(0, got);
  } else {
    const merged = new Uint8Array(acc.length + got);
    merged.set(acc);
    merged.set(readBuf.subarray(0, got), acc.length);
    acc = merged;
  }
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < acc.length) {
    const lf = acc.indexOf(10, pos);
    if (lf < 0) break;
    const line = dec.decode(acc.subarray(pos, lf > pos && acc[lf - 1] === 13 ? lf - 1 : lf));
    const bodyStart = lf + 1;
    if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
      const parts = line.split(" ");
      const isH = parts[0] === "HMSG";
      const total = Number(parts[parts.length - 1]);
      const hdrLen = isH ? Number(parts[parts.length - 2]) : 0;
      const fixed = isH ? 5 : 4; // tokens without a reply subject
      const reply = parts.length > fixed ? parts[3] : "";
      if (bodyStart + total + 2 > acc.length) break; // payload not complete yet
      if (reply) {
        const body = acc.subarray(bodyStart + hdrLen, bodyStart + total);
        out.push(enc.encode(`PUB ${reply} ${body.length}\r\n`), body, enc.encode("\r\n"));
        answered++;
      }
      pos = bodyStart + total + 2;
      continue;
    }
    pos = bodyStart;
    if (line === "PING") out.push(enc.encode("PONG\r\n"));
    else if (line === "PONG" && !ready) {
      ready = true;
      console.log("ready");
    } else if (line.startsWith("-ERR")) {
      console.error(`neutral_responder: server error ${line} after ${answered} answers`);
      Deno.exit(5);
    }
  }
  acc = pos >= acc.length ? new Uint8Array(0) : acc.slice(pos);
  if (out.length > 0) {
    let len = 0;
    for (const b of out) len += b.length;
    const all = new Uint8Array(len);
    let o = 0;
    for (const b of out) {
      all.set(b, o);
      o += b.length;
    }
    await writeAll(all);
  }
}
