// README › "Authentication" and "Authenticators": user/pass and token as connection options
// (tests/nats/userpass.conf, token.conf), usernamePasswordAuthenticator, tokenAuthenticator,
// nkeyAuthenticator (nonce signing), a custom authenticator function that receives the nonce,
// functions as credential values, and AUTHORIZATION_VIOLATION for wrong or missing credentials.
import {
  connect,
  ErrorCode,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "./deps.ts";
import type { Auth, ConnectionOptions } from "./deps.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { hostPort, NKEY_SEED, TOKEN_URL, USERPASS_URL } from "./helpers.ts";

const te = new TextEncoder();

async function connectsAndWorks(opts: ConnectionOptions): Promise<void> {
  const nc = await connect(opts);
  assertEquals(nc.info?.auth_required, true);
  const r = await (async () => {
    const subj = `auth.${crypto.randomUUID()}`;
    nc.subscribe(subj, { max: 1, callback: (_e, m) => m.respond("pong") });
    return await nc.request(subj, "ping", { timeout: 2000 });
  })();
  assertEquals(r.string(), "pong");
  await nc.close();
}

Deno.test("auth: user and pass options (README's jenny / 867-5309)", async () => {
  await connectsAndWorks({ servers: USERPASS_URL, user: "jenny", pass: "867-5309" });
});

Deno.test("auth: wrong password, unknown user and no credentials are AUTHORIZATION_VIOLATION", async () => {
  for (
    const opts of [
      { user: "jenny", pass: "wrong" },
      { user: "nobody", pass: "867-5309" },
      {},
    ]
  ) {
    await assertRejects(
      connect({ servers: USERPASS_URL, ...opts }),
      ErrorCode.AuthorizationViolation,
      undefined,
      JSON.stringify(opts),
    );
  }
});

Deno.test("auth: token option (README's t0pS3cret!) and a bad token", async () => {
  await connectsAndWorks({ servers: TOKEN_URL, token: "t0pS3cret!" });
  await assertRejects(connect({ servers: TOKEN_URL, token: "nope" }), ErrorCode.AuthorizationViolation);
  await assertRejects(connect({ servers: TOKEN_URL }), ErrorCode.AuthorizationViolation);
});

Deno.test("auth: usernamePasswordAuthenticator and tokenAuthenticator, with values or functions", async () => {
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: usernamePasswordAuthenticator("jenny", "867-5309"),
  });
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: usernamePasswordAuthenticator(() => "jenny", () => "867-5309"),
  });
  await connectsAndWorks({ servers: TOKEN_URL, authenticator: tokenAuthenticator("t0pS3cret!") });
  await connectsAndWorks({ servers: TOKEN_URL, authenticator: tokenAuthenticator(() => "t0pS3cret!") });
});

Deno.test("auth: nkeyAuthenticator signs the server nonce (seed as bytes or a function)", async () => {
  await connectsAndWorks({ servers: USERPASS_URL, authenticator: nkeyAuthenticator(te.encode(NKEY_SEED)) });
  await connectsAndWorks({ servers: USERPASS_URL, authenticator: nkeyAuthenticator(() => te.encode(NKEY_SEED)) });
  // a valid seed of a user the server does not know
  const stranger = "SUAGM7T66W2NIFW2B4BKI7TLHAJ3UN55WJFWMAHYM3UBEF4PLIHZWGRAZ4";
  await assertRejects(
    connect({ servers: USERPASS_URL, authenticator: nkeyAuthenticator(te.encode(stranger)) }),
    ErrorCode.AuthorizationViolation,
  );
});

Deno.test("auth: a custom authenticator function is called with the server's nonce", async () => {
  const nonces: (string | undefined)[] = [];
  const nc = await connect({
    servers: USERPASS_URL,
    authenticator: (nonce?: string) => {
      nonces.push(nonce);
      return { user: "jenny", pass: "867-5309" };
    },
  });
  assertEquals(nc.getServer(), hostPort(USERPASS_URL));
  assertEquals(nonces.length, 1);
  assert(typeof nonces[0] === "string" && nonces[0].length > 0, "the server sent a nonce (it has nkey users)");
  await nc.close();
});

Deno.test("auth: an array of authenticators is merged", async () => {
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: [
      () => ({ user: "jenny" }),
      () => ({ pass: "867-5309" }) as Auth, // the merge supplies the user
    ],
  });
});
