// Permission violations from real servers (docs/contract.md "Permission errors routing", ADR-40),
// for users whose permissions come from the server config (tests/helpers/auth_fixtures.ts: `limited`,
// `noinbox`) and from a user JWT (`restricted`, operator mode): a denied subscription ends its
// iterator, or calls its callback, with PERMISSIONS_VIOLATION and its permissionContext (with the
// queue for a queue subscription); a denied request rejects (mux and noMux, publish or inbox
// denied); each is an Events.Error status with the context; the connection stays up and works.
import { connect, createInbox, Empty, ErrorCode, Events } from "../helpers/deps.ts";
import type { ConnectionOptions, Msg, NatsConnection, NatsError } from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { drainAll, latch, StatusRecorder, take, within } from "../helpers/helpers.ts";
import { credsOf, fx } from "../helpers/auth_fixtures.ts";
import { credsAuthenticator } from "../helpers/deps.ts";

const LIMITED: ConnectionOptions = { servers: fx.users.url, ...fx.users.limited };
const NOINBOX: ConnectionOptions = { servers: fx.users.url, ...fx.users.noinbox };
const RESTRICTED_JWT: ConnectionOptions = {
  servers: fx.operator.url,
  authenticator: credsAuthenticator(credsOf(fx.operator.restricted)),
};

/** The connection still publishes, subscribes and flushes after the violation. */
async function stillWorks(nc: NatsConnection) {
  assertEquals(nc.isClosed(), false);
  const subj = `allowed.${crypto.randomUUID()}`;
  const sub = nc.subscribe(subj, { max: 1 });
  nc.publish(subj, "ok");
  assertEquals((await take(sub, 1, 3000))[0].string(), "ok");
  await nc.flush();
}

for (const [who, opts] of [["config user", LIMITED], ["JWT user", RESTRICTED_JWT]] as const) {
  Deno.test(`auth permissions (${who}): a denied subscription ends its iterator with the context`, async () => {
    const nc = await connect(opts);
    const rec = new StatusRecorder(nc);
    const bad = nc.subscribe("forbidden.sub");
    const good = nc.subscribe(`allowed.${crypto.randomUUID()}`);
    const err = await assertRejects(
      drainAll(bad, 5000, "denied subscription"),
      ErrorCode.PermissionsViolation,
    ) as NatsError;
    assertEquals(err.permissionContext?.operation, "subscription");
    assertEquals(err.permissionContext?.subject, "forbidden.sub");
    assertEquals(bad.isClosed(), true);
    await within(bad.closed, 2000, "sub.closed");
    assertEquals(good.isClosed(), false, "other subscriptions are untouched");
    const s = await rec.next(Events.Error);
    assertEquals(s.data, ErrorCode.PermissionsViolation);
    assertEquals(s.permissionContext?.operation, "subscription");
    assertEquals(s.permissionContext?.subject, "forbidden.sub");
    await stillWorks(nc);
    assertEquals(rec.types().includes(Events.Disconnect), false, "no disconnect");
    await nc.close();
    assertEquals(await nc.closed(), undefined, "a permission error is not the close reason");
    await rec.stop();
  });

  Deno.test(`auth permissions (${who}): a denied publish is an error status; the connection stays`, async () => {
    const nc = await connect(opts);
    const rec = new StatusRecorder(nc);
    nc.publish("forbidden.pub", "nope");
    const s = await rec.next(Events.Error);
    assertEquals(s.data, ErrorCode.PermissionsViolation);
    assertEquals(s.permissionContext, { operation: "publish", subject: "forbidden.pub" });
    await stillWorks(nc);
    await nc.close();
    await rec.stop();
  });

  Deno.test(`auth permissions (${who}): a request to a denied subject rejects (mux and noMux)`, async () => {
    const nc = await connect(opts);
    const rec = new StatusRecorder(nc);
    for (const noMux of [false, true]) {
      const err = await assertRejects(
        nc.request("forbidden.req", Empty, { timeout: 3000, noMux }),
        ErrorCode.PermissionsViolation,
        undefined,
        `noMux ${noMux}`,
      ) as NatsError;
      assertEquals(err.permissionContext?.operation, "publish");
      assertEquals(err.permissionContext?.subject, "forbidden.req");
      const s = await rec.next(Events.Error);
      assertEquals(s.permissionContext?.subject, "forbidden.req");
    }
    // the mux survives: an allowed request still gets its reply
    const subj = `allowed.${crypto.randomUUID()}`;
    nc.subscribe(subj, { max: 1, callback: (_e, m) => m.respond("pong") });
    assertEquals((await nc.request(subj, "ping", { timeout: 3000 })).string(), "pong");
    await nc.close();
    await rec.stop();
  });
}

Deno.test("auth permissions: a denied subscription in callback mode calls back with the error", async () => {
  const nc = await connect(LIMITED);
  const got = latch<[NatsError | null, Msg | undefined]>();
  const sub = nc.subscribe("forbidden.cb", {
    callback: (err, msg) => got.resolve([err, msg]),
  });
  const [err] = await within(got, 5000, "callback with the error");
  assertEquals(err?.code, ErrorCode.PermissionsViolation);
  assertEquals(err?.permissionContext?.operation, "subscription");
  assertEquals(err?.permissionContext?.subject, "forbidden.cb");
  await within(sub.closed, 2000, "sub.closed");
  assertEquals(sub.isClosed(), true);
  await stillWorks(nc);
  await nc.close();
});

Deno.test("auth permissions: a denied queue subscription reports its queue; the same subject without it stays", async () => {
  const nc = await connect(LIMITED);
  const rec = new StatusRecorder(nc);
  const plain = nc.subscribe("qperm.x"); // only the qgroup queue is denied on qperm.>
  const queued = nc.subscribe("qperm.x", { queue: "qgroup" });
  const err = await assertRejects(
    drainAll(queued, 5000),
    ErrorCode.PermissionsViolation,
  ) as NatsError;
  assertEquals(err.permissionContext?.operation, "subscription");
  assertEquals(err.permissionContext?.subject, "qperm.x");
  assertEquals((err.permissionContext as { queue?: string } | undefined)?.queue, "qgroup");
  assertEquals(plain.isClosed(), false, "the subscription without the queue is not the denied one");
  nc.publish("qperm.x", "m");
  assertEquals((await take(plain, 1, 3000))[0].string(), "m");
  assertEquals((await rec.next(Events.Error)).data, ErrorCode.PermissionsViolation);
  await nc.close();
  await rec.stop();
});

Deno.test("auth permissions: a denied request inbox rejects pending requests; the next request tries again", async () => {
  const nc = await connect(NOINBOX);
  const rec = new StatusRecorder(nc);
  const subj = `svc.${crypto.randomUUID()}`;
  for (let round = 0; round < 2; round++) {
    const err = await assertRejects(
      nc.request(subj, Empty, { timeout: 3000 }),
      ErrorCode.PermissionsViolation,
      undefined,
      `round ${round}`,
    ) as NatsError;
    assertEquals(err.permissionContext?.operation, "subscription");
    assert(err.permissionContext?.subject.startsWith(createInbox().split(".")[0]), "the inbox");
    await rec.next(Events.Error);
  }
  assertEquals(nc.isClosed(), false);
  await nc.flush();
  await nc.close();
  await rec.stop();
});
