// README › "Services: Request/Reply" (Services and Making Requests): the time service and the
// admin.uptime / admin.stop service that drains its own connection, msg.respond() (true only with
// a reply subject), request() with a timeout, many concurrent requests matched to their replies,
// and replies that carry headers.
import { createInbox, Empty, headers, StringCodec } from "../helpers/deps.ts";
import type { Subscription } from "../helpers/deps.ts";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { connectTest, within } from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("services: the README's time and admin services, stopped by admin.stop", async () => {
  const svc = await connectTest();
  const client = await connectTest();
  const p = createInbox("svc");
  const log: string[] = [];

  const sub = svc.subscribe(`${p}.time`);
  const timeLoop = (async (sub: Subscription) => {
    for await (const m of sub) {
      if (m.respond(sc.encode(new Date().toISOString()))) {
        log.push(`[time] handled #${sub.getProcessed()}`);
      } else {
        log.push(`[time] #${sub.getProcessed()} ignored - no reply subject`);
      }
    }
    log.push(`subscription time drained.`);
  })(sub);

  const started = Date.now();
  const msub = svc.subscribe(`${p}.admin.*`);
  const adminLoop = (async (sub: Subscription) => {
    for await (const m of sub) {
      const verb = m.subject.split(".").pop();
      switch (verb) {
        case "uptime":
          m.respond(sc.encode(`${Date.now() - started}`));
          break;
        case "stop":
          m.respond(sc.encode(`[admin] #${sub.getProcessed()} stopping....`));
          svc.drain().catch((err) => log.push(`error draining ${err}`));
          break;
        default:
          log.push(`[admin] #${sub.getProcessed()} ignoring request for ${verb}`);
      }
    }
    log.push(`subscription admin drained.`);
  })(msub);
  await svc.flush();

  const t0 = Date.now();
  const r1 = await client.request(`${p}.time`, Empty, { timeout: 1000 });
  const when = Date.parse(sc.decode(r1.data));
  assert(
    Math.abs(when - t0) < 60_000,
    `the time reply is a current ISO date: ${sc.decode(r1.data)}`,
  );
  client.publish(`${p}.time`); // no reply subject: respond() returns false
  const r2 = await client.request(`${p}.time`);
  assertMatch(sc.decode(r2.data), /^\d{4}-\d\d-\d\dT/);
  const up = await client.request(`${p}.admin.uptime`, Empty, { timeout: 1000 });
  assert(Number(sc.decode(up.data)) >= 0, "uptime is a number of ms");
  client.publish(`${p}.admin.other`);
  const stop = await client.request(`${p}.admin.stop`, Empty, { timeout: 1000 });
  assertEquals(sc.decode(stop.data), "[admin] #3 stopping....");

  assertEquals(await within(svc.closed(), 5000, "service closes after admin.stop"), undefined);
  await within(Promise.all([timeLoop, adminLoop]), 2000, "service loops end");
  assertEquals(log.filter((l) => l.startsWith("[time]")), [
    "[time] handled #1",
    "[time] #2 ignored - no reply subject",
    "[time] handled #3",
  ]);
  assertEquals(log.includes("[admin] #2 ignoring request for other"), true);
  assertEquals(log.slice(-2).sort(), ["subscription admin drained.", "subscription time drained."]);
  await client.close();
});

Deno.test("services: 200 concurrent requests each get their own reply", async () => {
  const nc = await connectTest();
  const subj = createInbox("echo");
  const sub = nc.subscribe(subj, {
    callback: (_err, m) => {
      m.respond(sc.encode(`re:${sc.decode(m.data)}`));
    },
  });
  const replies = await within(
    Promise.all(
      Array.from({ length: 200 }, (_, i) => nc.request(subj, sc.encode(`${i}`), { timeout: 5000 })),
    ),
    10000,
    "200 requests",
  );
  assertEquals(
    replies.map((m) => sc.decode(m.data)),
    Array.from({ length: 200 }, (_, i) => `re:${i}`),
  );
  assertEquals(sub.getProcessed(), 200);
  await nc.close();
});

Deno.test("services: requester and responder on separate connections; reply headers and subject", async () => {
  const svc = await connectTest();
  const client = await connectTest();
  const subj = createInbox("hdr-svc");
  const sub = svc.subscribe(subj, { max: 1 });
  const served = (async () => {
    for await (const m of sub) {
      assert(m.reply, "a request carries a reply subject");
      const h = headers();
      h.set("Served-By", "svc");
      assertEquals(m.respond(sc.encode("ok"), { headers: h }), true);
      return m.reply;
    }
  })();
  await svc.flush();
  const r = await client.request(subj, "payload as string", { timeout: 2000 });
  assertEquals(sc.decode(r.data), "ok");
  assertEquals(r.headers?.get("Served-By"), "svc");
  assertEquals(r.subject, await served, "the reply arrives on the request's reply subject");
  await svc.close();
  await client.close();
});

Deno.test("services: a request sent before the responder's SUB reached the server is not lost", async () => {
  const nc = await connectTest();
  const subj = createInbox("same-conn");
  const sub = nc.subscribe(subj, { max: 1 });
  (async () => {
    for await (const m of sub) m.respond(m.data);
  })();
  // same connection: SUB goes out before PUB, so no flush is needed in between
  const r = await nc.request(subj, sc.encode("x"), { timeout: 2000 });
  assertEquals(sc.decode(r.data), "x");
  await within(sub.closed, 2000, "max: 1 ends the responder");
  await nc.close();
});
