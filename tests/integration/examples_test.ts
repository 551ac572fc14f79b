// The runnable examples (examples/*.ts, one per README section): each runs as its own `deno run`
// process against the test servers, must exit 0 by itself within a time bound, and must print the
// lines that show its README behaviour.
import { assert, assertEquals } from "../helpers/assert.ts";
import { IS_NATS_WS, JETSTREAM_URL, NATS_URL } from "../helpers/helpers.ts";

const root = new URL("../../", import.meta.url);

async function runExample(file: string, args: string[] = [], env: Record<string, string> = {}) {
  const flags = ["run", "-A", "--no-check"];
  if (IS_NATS_WS) {
    flags.push("--import-map", new URL("tests/helpers/natsws.importmap.json", root).pathname);
  }
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [...flags, new URL(`examples/${file}`, root).pathname, ...args],
    env: { NATS_URL, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  });
  const { code, stdout, stderr } = await cmd.output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assertEquals(code, 0, `${file} exit code; stdout:\n${out}\nstderr:\n${err}`);
  return out.split("\n").filter((l) => l.length > 0);
}

function has(lines: string[], want: string | RegExp, count = 1) {
  const n = lines.filter((l) => typeof want === "string" ? l.includes(want) : want.test(l)).length;
  assertEquals(n, count, `lines matching ${want} in:\n${lines.join("\n")}`);
}

const host = new URL(NATS_URL).host;

Deno.test("examples: 01_connect", async () => {
  const lines = await runExample("01_connect.ts");
  has(lines, `connected to ${host}`, 2);
  has(lines, "error connecting to", 3);
});

Deno.test("examples: 02_publish_subscribe", async () => {
  assertEquals(await runExample("02_publish_subscribe.ts"), [
    "[1]: world",
    "[2]: again",
    "subscription closed",
  ]);
});

Deno.test("examples: 03_json_codec", async () => {
  assertEquals(await runExample("03_json_codec.ts"), ["[1]: Memo"]);
});

Deno.test("examples: 04_wildcards", async () => {
  const lines = await runExample("04_wildcards.ts");
  has(lines, /^\[help\.\*\.system\]/, 2);
  has(lines, /^\[help\.me\.\*\]/, 2);
  has(lines, /^\[help\.>\]/, 4);
});

Deno.test("examples: 05_time_service stops by itself after its time to live", async () => {
  const lines = await runExample("05_time_service.ts", [], { SERVICE_TTL_MS: "200" });
  has(lines, "listening for time requests...");
  has(lines, "subscription time drained.");
  has(lines, "subscription admin.* drained.");
  has(lines, `connection to ${host} closed`);
});

Deno.test("examples: 05_time_service answers 06_making_requests, and admin.stop stops it", async () => {
  const service = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-check",
      ...(IS_NATS_WS
        ? ["--import-map", new URL("tests/helpers/natsws.importmap.json", root).pathname]
        : []),
      new URL("examples/05_time_service.ts", root).pathname,
    ],
    env: { NATS_URL, NO_COLOR: "1", SERVICE_TTL_MS: "15000" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = new Response(service.stdout).text();
  try {
    // the service needs a moment to subscribe: ask (bounded) until it answers
    let time: string[] = [];
    for (let i = 0; i < 50; i++) {
      time = await runExample("06_making_requests.ts", ["time"]);
      if (time[0]?.startsWith("got response")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert(/^got response: \d{4}-\d\d-\d\dT/.test(time[0] ?? ""), `time: ${time}`);
    const up = await runExample("06_making_requests.ts", ["admin.uptime"]);
    assert(/^got response: \d+$/.test(up[0] ?? ""), `uptime: ${up}`);
    const stop = await runExample("06_making_requests.ts", ["admin.stop"]);
    assert(/^got response: \[admin\] #\d+ stopping\.\.\.\.$/.test(stop[0] ?? ""), `stop: ${stop}`);
    const status = await service.status;
    assertEquals(status.code, 0);
    const lines = (await output).split("\n");
    has(lines, `connection to ${host} closed`);
    has(lines, "time to live is over", 0);
  } finally {
    try {
      service.kill();
    } catch {
      // already exited
    }
    await service.status;
    await output;
  }
});

Deno.test("examples: 06_making_requests without a service reports no responders", async () => {
  const lines = await runExample("06_making_requests.ts", ["nobody.home"]);
  assertEquals(lines.length, 1);
  // the message text is the client's own (ours: "no responders", nats.ws: "503")
  assert(/^problem with request: (no responders|503)$/.test(lines[0]), lines[0]);
});

Deno.test("examples: 07_queue_groups", async () => {
  const lines = await runExample("07_queue_groups.ts");
  has(lines, /is listening for 'echo' requests/, 6);
  has(lines, /^client got: request \d$/, 6);
  has(lines, /^\[echo-\d\]/, 6);
  has(lines, /^\[other-echo-\d\]/, 6);
  has(lines, /^\[standalone\]/, 6);
});

Deno.test("examples: 08_headers", async () => {
  const lines = await runExample("08_headers.ts");
  has(lines, /^id=[0-9A-Za-z]{22}$/);
  has(lines, /^unix_time=\d+$/);
  has(lines, /^id [0-9A-Za-z]{22}$/);
});

Deno.test("examples: 09_no_responders", async () => {
  assertEquals(await runExample("09_no_responders.ts"), ["no one is listening to 'hello.world'"]);
});

Deno.test("examples: 10_lifecycle_events", async () => {
  const lines = await runExample("10_lifecycle_events.ts");
  has(lines, `connected ${host}`);
  has(lines, `disconnect: "${host}"`);
  has(lines, `reconnect: "${host}"`);
  has(lines, /^connection closed/);
});

Deno.test("examples: 11_authentication", async () => {
  has(await runExample("11_authentication.ts"), /^jenny is connected to .*, the token user to /);
});

Deno.test("examples: 12_authenticators", async () => {
  has(await runExample("12_authenticators.ts"), /^connected with creds to /);
});

Deno.test("examples: 13_flush", async () => {
  has(await runExample("13_flush.ts"), /^foo and bar reached the server; round trip \d/);
});

Deno.test("examples: 14_publish_options", async () => {
  const lines = await runExample("14_publish_options.ts");
  has(lines, /^greet got "hi", reply to _INBOX\.\S+, lang=es$/);
  has(lines, /^reply on _INBOX\.\S+: hola$/);
});

Deno.test("examples: 15_subscription_options", async () => {
  const lines = await runExample("15_subscription_options.ts");
  has(lines, /^foo #\d+: message \d+$/, 10);
  has(lines, "foo is done after 10 messages");
  has(lines, "sub timed out!");
  has(lines, /^queue members got \d+ \+ \d+ = 100 messages$/);
});

Deno.test("examples: 16_request_options", async () => {
  const lines = await runExample("16_request_options.ts");
  assertEquals(lines[0], "reply sent to bar (trace: -)");
  assert(/^reply sent to _INBOX\.\S+ \(trace: abc-123\)$/.test(lines[1]), lines[1]);
});

Deno.test("examples: 17_drain", async () => {
  assertEquals(await runExample("17_drain.ts"), [
    "updates: update 1",
    "updates: update 2",
    "updates: update 3",
    "updates drained",
    "other: last one",
    "other drained with the connection",
    "closed: true",
  ]);
});

Deno.test("examples: 18_async_vs_callbacks", async () => {
  assertEquals(await runExample("18_async_vs_callbacks.ts"), [
    "after flush: callback saw 1000, the iterator has 1000 waiting",
    "the iterator processed 1000",
  ]);
});

Deno.test("examples: 19_jetstream_manager", async () => {
  assertEquals(await runExample("19_jetstream_manager.ts", [], { NATS_URL: JETSTREAM_URL }), [
    "published to ORDERS, seq 1",
    "same msgID again: duplicate=true, seq 1",
    "ORDERS holds 2 messages",
    "last on orders.new: order 1 (seq 1)",
    "consumer shipper: 2 pending",
    "API error 10059: stream not found",
  ]);
});

Deno.test("examples: 20_jetstream_consume", async () => {
  assertEquals(await runExample("20_jetstream_consume.ts", [], { NATS_URL: JETSTREAM_URL }), [
    'consume: worked 10 jobs, the last was "job 10"',
    "fetch: job 1, job 2, job 3",
    "ordered: jobs.even at stream seqs 2 4 6 8 10",
    "js.subscribe: job 1, job 3, job 5, job 7, job 9",
  ]);
});

Deno.test("examples: 21_kv", async () => {
  assertEquals(await runExample("21_kv.ts", [], { NATS_URL: JETSTREAM_URL }), [
    "put theme=light at revision 1; get: theme=light (PUT)",
    "update at a stale revision: wrong last sequence: 3",
    "create of an existing key: wrong last sequence: 2",
    "watch: initial values lang=en, theme=dark",
    "watch: then theme=solarized, lang=DEL, done=",
    "history of theme: 1:light 3:dark 4:solarized (the update was revision 3)",
    "keys: done, theme",
    "status: bucket settings, 6 values, history 5",
  ]);
});

Deno.test("examples: 22_objectstore", async () => {
  assertEquals(await runExample("22_objectstore.ts", [], { NATS_URL: JETSTREAM_URL }), [
    "put report.txt: 300000 bytes in 3 chunks",
    // sha256 of "0123456789" x 30000, base64url with padding (ADR-20)
    "digest SHA-256=kcME5NrtFtGsB0hnw6e2sl8RNoSCK7nLXbJTXPayHIw=",
    "get: 300000 bytes, digest check: ok",
    'link "latest" reads 300000 bytes of report.txt',
    "list: latest, notes.txt, report.txt",
    "watch: notes.txt deleted=true",
    "after delete: get notes.txt -> null",
    "object stores: DOCS (documents)",
  ]);
});

Deno.test("examples: 23_services", async () => {
  assertEquals(await runExample("23_services.ts"), [
    "max of [1, 7, 3]: 7",
    'max of []: error 400 "expected a non-empty array of numbers"',
    "min of [4, 2, 9]: 2",
    "ping: max 0.0.1 (io.nats.micro.v1.ping_response)",
    'info: "the largest and smallest of some numbers" on demo.math.max, demo.math.min',
    "stats: max 2 requests, 0 errors; min 1 requests, 0 errors",
    "stopped: true",
  ]);
});

Deno.test({
  name: "examples: 24_core_entry",
  // nats.ws has no core-only entry to remap dist/core/mod.js to
  ignore: IS_NATS_WS,
  fn: async () => {
    assertEquals(await runExample("24_core_entry.ts"), [
      "request: hello, core",
      "jetstream(): BAD API",
    ]);
  },
});
