// Server auth errors after the first connect (docs/contract.md "Auth error abort"), against private
// nats-servers the tests restart or reload with other users: two auth errors in a row with the
// same code stop the reconnect loop and closed() resolves with that error; ignoreAuthErrorAbort
// keeps trying (and the authenticator function, called at every reconnect, can fix it); a user
// removed by a config reload while connected is an error event, then the same abort; a user JWT
// that expires while connected is AUTHENTICATION_EXPIRED (the JWT is minted here with the nkeys
// namespace and signed by the fixtures' account).
import { connect, ErrorCode, Events, jwtAuthenticator, nkeys } from "../helpers/deps.ts";
import type { NatsError, UserPass } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { PrivateServer, StatusRecorder, within } from "../helpers/helpers.ts";
import { fx } from "../helpers/auth_fixtures.ts";

/** A private server whose users can change between restarts and reloads. */
class AuthServer extends PrivateServer {
  users: string[] = [];

  override config(): string {
    const users = this.users.map((u) => `{ user: "${u}", password: "${u}-pass" }`).join("\n    ");
    return `${super.config()}authorization {\n  users: [\n    ${users}\n  ]\n}\n`;
  }

  /** Rewrites the config with the current users and has the server reload it. */
  async reload(): Promise<void> {
    await Deno.writeTextFile(`${this.dir}/server.conf`, this.config());
    this.signal("SIGHUP");
  }
}

/** An authenticator whose password can be switched from the test; counts its calls. */
function switchable(user: string) {
  const state = { pass: `${user}-pass`, calls: 0 };
  const fn = (): UserPass => {
    state.calls++;
    return { user, pass: state.pass };
  };
  return { state, fn };
}

const count = (rec: StatusRecorder, code: string) =>
  rec.events.filter((e) => e.type === Events.Error && e.data === code).length;

Deno.test("auth abort: two authorization violations in a row stop reconnecting; closed() says why", async () => {
  const srv = new AuthServer();
  srv.users = ["a"];
  await srv.start();
  try {
    const auth = switchable("a");
    const nc = await connect({
      servers: srv.url,
      authenticator: auth.fn,
      maxReconnectAttempts: -1, // only the auth rule may stop the loop
      reconnectTimeWait: 50,
      reconnectJitter: 0,
    });
    const rec = new StatusRecorder(nc);
    auth.state.pass = "wrong";
    await srv.stop();
    await srv.start();
    const err = await within(nc.closed(), 10_000, "closed() after the auth errors") as NatsError;
    assertEquals(err?.code, ErrorCode.AuthorizationViolation);
    assertEquals(count(rec, ErrorCode.AuthorizationViolation), 2, `events: ${rec.types()}`);
    assertEquals(auth.state.calls, 3, "called at the first connect and at each reconnect");
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("auth abort: with ignoreAuthErrorAbort the client keeps trying; the authenticator can fix it", async () => {
  const srv = new AuthServer();
  srv.users = ["a"];
  await srv.start();
  try {
    const auth = switchable("a");
    const nc = await connect({
      servers: srv.url,
      authenticator: auth.fn,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 50,
      reconnectJitter: 0,
      ignoreAuthErrorAbort: true,
    });
    const rec = new StatusRecorder(nc);
    auth.state.pass = "wrong";
    await srv.stop();
    await srv.start();
    const deadline = Date.now() + 10_000;
    while (count(rec, ErrorCode.AuthorizationViolation) < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert(count(rec, ErrorCode.AuthorizationViolation) >= 4, `events: ${rec.types()}`);
    assertEquals(nc.isClosed(), false, "still reconnecting");
    auth.state.pass = "a-pass";
    await rec.next(Events.Reconnect, 10_000);
    await nc.flush();
    await nc.close();
    assertEquals(await nc.closed(), undefined);
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

Deno.test("auth abort: a user removed by a config reload is an error while connected, then the abort", async () => {
  const srv = new AuthServer();
  srv.users = ["a", "b"];
  await srv.start();
  try {
    const nc = await connect({
      servers: srv.url,
      user: "b",
      pass: "b-pass",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 50,
      reconnectJitter: 0,
    });
    const rec = new StatusRecorder(nc);
    srv.users = ["a"];
    await srv.reload();
    const first = await rec.next(Events.Error, 10_000);
    assertEquals(first.data, ErrorCode.AuthorizationViolation);
    const err = await within(nc.closed(), 10_000, "closed() after the reload") as NatsError;
    assertEquals(err?.code, ErrorCode.AuthorizationViolation);
    assert(rec.types().includes(Events.Disconnect), `events: ${rec.types()}`);
    await rec.stop();
  } finally {
    await srv.dispose();
  }
});

/** base64url without padding of bytes or text. */
function b64url(v: Uint8Array | string): string {
  const bytes = typeof v === "string" ? new TextEncoder().encode(v) : v;
  return nkeys.encode(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A bearer user JWT signed by the fixtures' account, expiring `seconds` from now. */
function expiringBearerJwt(seconds: number): string {
  const account = nkeys.fromSeed(new TextEncoder().encode(fx.operator.account.seed));
  const user = nkeys.createUser();
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + seconds,
    iss: account.getPublicKey(),
    name: "expiring",
    sub: user.getPublicKey(),
    nats: {
      pub: {},
      sub: {},
      subs: -1,
      data: -1,
      payload: -1,
      bearer_token: true,
      type: "user",
      version: 2,
    },
  };
  const signing = `${b64url('{"typ":"JWT","alg":"ed25519-nkey"}')}.${
    b64url(JSON.stringify(claims))
  }`;
  return `${signing}.${b64url(account.sign(new TextEncoder().encode(signing)))}`;
}

Deno.test("auth abort: a user JWT that expires while connected is AUTHENTICATION_EXPIRED", async () => {
  const nc = await connect({
    servers: fx.operator.url,
    authenticator: jwtAuthenticator(expiringBearerJwt(2)),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 50,
    reconnectJitter: 0,
  });
  const rec = new StatusRecorder(nc);
  await nc.flush();
  const e = await rec.next(Events.Error, 10_000);
  assertEquals(e.data, ErrorCode.AuthenticationExpired);
  // Reconnects within the expiry's second are accepted and expire at once (a success clears the
  // remembered AUTHENTICATION_EXPIRED); one whose handshake the expiry overtakes fails with it, and
  // after that second the server refuses the JWT at connect time (AUTHORIZATION_VIOLATION). Either
  // way the loop ends on the first two errors in a row with the same code, and closed() has it.
  const err = await within(nc.closed(), 10_000, "closed() after the expiry") as NatsError;
  const errors = rec.events.filter((s) => s.type === Events.Error).map((s) => s.data);
  assert(
    [ErrorCode.AuthenticationExpired, ErrorCode.AuthorizationViolation].includes(
      err?.code as ErrorCode,
    ),
    `closed with ${err?.code}`,
  );
  assertEquals(errors.slice(-2), [err.code, err.code], `events: ${rec.types()}`);
  await rec.stop();
});
