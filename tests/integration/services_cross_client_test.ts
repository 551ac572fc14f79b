// Cross-client services (ADR-32): a nats-py `nats.micro` service (tests/services/micro_service.py,
// TCP) and one of ours (WebSocket) on the same nats-server find each other's PING, INFO and
// STATS answers and call each other's endpoints, errors included. nats-py is installed, pinned,
// by `scripts/setup.sh test`.
import { createInbox, nuid, ServiceError, ServiceResponseType } from "../helpers/deps.ts";
import type { ServiceIdentity, ServiceInfo, ServiceStats } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { connectTest, drainAll, within } from "../helpers/helpers.ts";

/** The default test server's plain NATS (TCP) port (tests/nats/default.conf `listen`). */
const TCP_URL = "nats://127.0.0.1:14222";
const SCRIPT = new URL("../services/micro_service.py", import.meta.url).pathname;

/** Reads stdout lines of the Python process. */
class Lines {
  private buf = "";
  private reader: ReadableStreamDefaultReader<string>;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  async next(): Promise<string> {
    while (!this.buf.includes("\n")) {
      const { value, done } = await this.reader.read();
      if (done) throw new Error(`micro_service.py ended its output (${this.buf.trim()})`);
      this.buf += value;
    }
    const i = this.buf.indexOf("\n");
    const line = this.buf.slice(0, i);
    this.buf = this.buf.slice(i + 1);
    return line;
  }
}

Deno.test("services: a nats-py micro service and ours discover and call each other", async () => {
  const id = nuid.next();
  const ours = `wasm-${id}`;
  const theirs = `py-${id}`;
  const oursSubject = createInbox("xc-ours");
  const theirsSubject = createInbox("xc-py");
  const nc = await connectTest();
  const srv = await nc.services.add({ name: ours, version: "1.0.0", metadata: { lang: "ts" } });
  srv.addEndpoint("echo", {
    subject: oursSubject,
    handler: (_e, m) => {
      if (m.data.length) m.respond(`ours:${m.string()}`);
      else m.respondError(422, "empty request");
    },
  });
  await nc.flush();

  const py = new Deno.Command("python3", {
    args: [SCRIPT, TCP_URL, theirs, theirsSubject, ours, oursSubject],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = new Lines(py.stdout);
  const stderr = new Response(py.stderr).text();
  try {
    assertEquals(await within(lines.next(), 15_000, "micro_service.py ready"), "ready");

    // what the Python service saw of ours
    const seen = JSON.parse(await within(lines.next(), 15_000, "micro_service.py results"));
    const ourId = srv.info().id;
    assertEquals(seen.ping, {
      type: "io.nats.micro.v1.ping_response",
      name: ours,
      id: ourId,
      version: "1.0.0",
      metadata: { lang: "ts" },
    });
    assertEquals(seen.info.type, ServiceResponseType.INFO);
    assertEquals(seen.info.endpoints, [{ name: "echo", subject: oursSubject, queue_group: "q" }]);
    assertEquals(seen.stats.type, ServiceResponseType.STATS);
    assertEquals(seen.stats.id, ourId);
    assertEquals(seen.reply, "ours:hello");
    assertEquals(seen.error["Nats-Service-Error-Code"], "422");
    assertEquals(seen.error["Nats-Service-Error"], "empty request");
    const s = (await srv.stats()).endpoints![0];
    assertEquals([s.num_requests, s.num_errors], [2, 0]);

    // what we see of the Python service
    const client = nc.services.client();
    const pings = await drainAll(await client.ping(theirs), 5000) as ServiceIdentity[];
    assertEquals(pings.length, 1);
    assertEquals(pings[0].type, "io.nats.micro.v1.ping_response");
    assertEquals([pings[0].name, pings[0].version], [theirs, "0.1.0"]);
    assertEquals(pings[0].metadata, { lang: "python" });
    const pyId = pings[0].id;
    const [info] = await drainAll(await client.info(theirs, pyId), 5000) as ServiceInfo[];
    assertEquals(info.type, "io.nats.micro.v1.info_response");
    assertEquals(info.description, "nats-py echo");
    assertEquals(info.endpoints.map((e) => [e.name, e.subject, e.queue_group, e.metadata]), [
      ["echo", theirsSubject, "q", { kind: "echo" }],
    ]);
    assertEquals((await nc.request(theirsSubject, "hi", { timeout: 5000 })).string(), "py:hi");
    const err = ServiceError.toServiceError(
      await nc.request(theirsSubject, "fail", { timeout: 5000 }),
    );
    assertEquals([err?.code, err?.message], [418, "teapot"]);
    const [stats] = await drainAll(await client.stats(theirs), 5000) as ServiceStats[];
    assertEquals(stats.type, "io.nats.micro.v1.stats_response");
    assert(!Number.isNaN(Date.parse(stats.started)), `started ${stats.started}`);
    const e = stats.endpoints![0];
    assertEquals([e.name, e.num_requests, e.num_errors], ["echo", 2, 1]);
    assert(e.processing_time > 0 && Number.isInteger(e.average_processing_time));
  } finally {
    await py.stdin.close();
    const status = await within(py.status, 10_000, "micro_service.py exit");
    const text = await stderr;
    await srv.stop();
    await nc.close();
    assert(status.success, `micro_service.py failed (${status.code}): ${text}`);
  }
});
