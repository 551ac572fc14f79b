// A raw NATS publisher over TCP for the slow-consumer tests, run as its own process so that it
// keeps publishing while the test's event loop is blocked. Connects, prints "ready", waits for a
// line on stdin, publishes `count` messages of `size` bytes to `subject`, waits for the PONG of
// a final PING (the server has them all), prints "done" and exits.
// Usage: deno run -A tests/cluster/flood.ts <port> <subject> <count> <size>
const [port, subject, count, size] = [
  Number(Deno.args[0]),
  Deno.args[1],
  Number(Deno.args[2]),
  Number(Deno.args[3]),
];
const te = new TextEncoder();
const conn = await Deno.connect({ hostname: "127.0.0.1", port });
const buf = new Uint8Array(64 * 1024);

async function writeAll(b: Uint8Array): Promise<void> {
  for (let off = 0; off < b.length;) off += await conn.write(b.subarray(off));
}

/** Reads until the text read so far contains `what` (INFO comes first, then PONG). */
async function readUntil(what: string): Promise<void> {
  let text = "";
  while (!text.includes(what)) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`connection closed before ${what}`);
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
}

await writeAll(te.encode('CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\nPING\r\n'));
await readUntil("PONG");
console.log("ready");
await Deno.stdin.readable.getReader().read();
// 100 messages per write: large writes keep the publisher fast
const one = `PUB ${subject} ${size}\r\n${"x".repeat(size)}\r\n`;
const chunk = te.encode(one.repeat(100));
for (let i = 0; i < count; i += 100) await writeAll(chunk);
await writeAll(te.encode("PING\r\n"));
await readUntil("PONG");
console.log("done");
conn.close();
