// A subscriber that stops reading (its event loop blocked, as a slow synchronous callback would)
// while another process floods it, on real servers (docs/websocket.md "Large backlogs"): the server queues
// the backlog and either cuts the client as a slow consumer past its max_pending (no close frame,
// no -ERR) or, with max_pending above 64 MiB, sends it as one frame that Deno refuses ("Frame too
// large"). Neither may be silent: the client says what most likely happened in its status events,
// then reconnects and the subscription works again. Run by tests/cluster/run.sh.
import { connect, ErrorCode, Events, StringCodec } from "../helpers/deps.ts";
import type { NatsConnection, Status } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { within } from "../helpers/helpers.ts";
import { ConnState, servers } from "./cluster.ts";

const sc = StringCodec();
const FLOOD = new URL("./flood.ts", import.meta.url).pathname;

function reasonOf(s: Status): Error & { code?: string } | undefined {
  return (s as Status & { error?: Error & { code?: string } }).error;
}

/** Blocks the event loop for `ms`: nothing is read from any socket meanwhile. */
function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: this is the slow subscriber
  }
}

/**
 * Starts `flood.ts` against `port`, waits until it is connected, lets it go and blocks this
 * event loop for `blockMs` while it publishes `count` × `size` bytes to `subject`.
 */
async function floodWhileBlocked(
  port: number,
  subject: string,
  count: number,
  size: number,
  blockMs: number,
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", FLOOD, `${port}`, subject, `${count}`, `${size}`],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready")) {
    const { value, done } = await within(lines.read(), 10_000, "flood publisher ready");
    if (done) throw new Error(`flood publisher ended: ${out}`);
    out += value;
  }
  const stdin = child.stdin.getWriter();
  await stdin.write(new TextEncoder().encode("go\n"));
  block(blockMs);
  await stdin.close();
  while (!out.includes("done")) {
    const { value, done } = await within(lines.read(), 30_000, "flood publisher done");
    if (done) break;
    out += value;
  }
  lines.releaseLock();
  await child.stdout.cancel().catch(() => {});
  const st = await within(child.status, 10_000, "flood publisher exit");
  assert(st.success, `flood publisher failed: ${out}`);
}

/** Subscribes with an iterator that reads everything; returns the messages seen. */
function reader(nc: NatsConnection, subject: string): { n: number } {
  const seen = { n: 0 };
  const sub = nc.subscribe(subject, { pendingMsgsLimit: -1, pendingBytesLimit: -1 } as never);
  (async () => {
    for await (const _ of sub) seen.n++;
  })();
  return seen;
}

/** After a reconnect the subscription delivers again. */
async function worksAgain(nc: NatsConnection, subject: string, seen: { n: number }) {
  const before = seen.n;
  nc.publish(subject, sc.encode("after"));
  await nc.flush();
  const deadline = Date.now() + 5000;
  while (seen.n === before) {
    assert(Date.now() < deadline, "no message after the reconnect");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("slow consumer: cut by the server past max_pending, reported, then reconnected", async () => {
  await servers("start", "slow");
  const nc = await connect({
    servers: "ws://127.0.0.1:17151",
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });
  const state = new ConnState(nc);
  try {
    const seen = reader(nc, "flood");
    await nc.flush();
    // 20 MB against a 1 MiB max_pending: far more than the kernel's socket buffers absorb
    await floodWhileBlocked(17141, "flood", 20_000, 1000, 3000);
    const d = await state.next(Events.Disconnect, 0, 10_000);
    const why = reasonOf(d.s);
    assertEquals(why?.code, ErrorCode.Disconnect);
    assert(why?.message.includes("without a close frame or -ERR"), why?.message);
    assert(why?.message.includes("slow consumer"), why?.message);
    // the cause the client could only name as likely: the server's log confirms it
    const log = await Deno.readTextFile(new URL("../../.tmp/cluster/slow.log", import.meta.url));
    assert(log.includes("Slow Consumer Detected"), "the server cut a slow consumer");
    await state.next(Events.Reconnect, 0, 10_000);
    await worksAgain(nc, "flood", seen);
  } finally {
    await nc.close();
    await state.stop();
    await servers("stop", "slow");
  }
});

Deno.test("slow consumer: a backlog of 64 MiB or more ('Frame too large') is SLOW_CONSUMER", async () => {
  await servers("start", "bigpending");
  const nc = await connect({
    servers: "ws://127.0.0.1:17152",
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });
  const state = new ConnState(nc);
  try {
    const seen = reader(nc, "flood");
    await nc.flush();
    // 100 MB queued on the server (max_pending 200 MiB) while this client does not read: the
    // server then writes it as one frame, past Deno's 64 MiB limit
    await floodWhileBlocked(17142, "flood", 100_000, 1000, 6000);
    const e = await state.next(Events.Error, 0, 20_000);
    assertEquals(e.s.data, ErrorCode.SlowConsumer);
    const why = reasonOf(e.s);
    assertEquals(why?.code, ErrorCode.SlowConsumer);
    assert(why?.message.includes("Frame too large"), why?.message);
    assert(why?.message.includes("64 MiB"), why?.message);
    const d = await state.next(Events.Disconnect, 0, 1000);
    assertEquals(reasonOf(d.s)?.message, why?.message);
    await state.next(Events.Reconnect, 0, 10_000);
    await worksAgain(nc, "flood", seen);
  } finally {
    await nc.close();
    await state.stop();
    await servers("stop", "bigpending");
  }
});
