// README › "Authenticators": nkeyAuthenticator (signs the server nonce; tests/nats/userpass.conf
// has the nkey user), jwtAuthenticator and credsAuthenticator against an operator-mode server
// (tests/nats/operator.conf + tests/nats/user.creds, the README's creds layout with its banner),
// seeds and JWTs given as values or functions, a custom authenticator function that receives the
// nonce, an array of authenticators merged, and the failures: an unknown key is
// AUTHORIZATION_VIOLATION, creds without a seed block are BAD_CREDS.
import {
  connect,
  credsAuthenticator,
  ErrorCode,
  jwtAuthenticator,
  nkeyAuthenticator,
} from "./deps.ts";
import type { Auth } from "./deps.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import {
  connectsAndWorks,
  hostPort,
  NKEY_SEED,
  OPERATOR_URL,
  USER_CREDS,
  USERPASS_URL,
} from "./helpers.ts";

const te = new TextEncoder();
const creds = Deno.readFileSync(USER_CREDS);
const credsText = new TextDecoder().decode(creds);
const userJwt =
  /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/.exec(credsText)![1];
const userSeed =
  /-----BEGIN USER NKEY SEED-----\s*(\S+)\s*------END USER NKEY SEED------/.exec(credsText)![1];

Deno.test("authenticators: nkeyAuthenticator signs the server nonce (seed as bytes or a function)", async () => {
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: nkeyAuthenticator(te.encode(NKEY_SEED)),
  });
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: nkeyAuthenticator(() => te.encode(NKEY_SEED)),
  });
  // a valid seed of a user the server does not know
  const stranger = "SUAGM7T66W2NIFW2B4BKI7TLHAJ3UN55WJFWMAHYM3UBEF4PLIHZWGRAZ4";
  await assertRejects(
    connect({ servers: USERPASS_URL, authenticator: nkeyAuthenticator(te.encode(stranger)) }),
    ErrorCode.AuthorizationViolation,
  );
});

Deno.test("authenticators: a custom authenticator function is called with the server's nonce", async () => {
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
  assert(
    typeof nonces[0] === "string" && nonces[0].length > 0,
    "the server sent a nonce (it has nkey users)",
  );
  await nc.close();
});

Deno.test("authenticators: an array of authenticators is merged", async () => {
  await connectsAndWorks({
    servers: USERPASS_URL,
    authenticator: [
      () => ({ user: "jenny" }),
      () => ({ pass: "867-5309" }) as Auth, // the merge supplies the user
    ],
  });
});

Deno.test("authenticators: credsAuthenticator with the README's creds layout", async () => {
  await connectsAndWorks({ servers: OPERATOR_URL, authenticator: credsAuthenticator(creds) });
  // the README builds the creds with TextEncoder from a string
  await connectsAndWorks({
    servers: OPERATOR_URL,
    authenticator: credsAuthenticator(new TextEncoder().encode(credsText)),
  });
});

Deno.test("authenticators: jwtAuthenticator with a JWT and seed, as values or functions", async () => {
  await connectsAndWorks({
    servers: OPERATOR_URL,
    authenticator: jwtAuthenticator(userJwt, te.encode(userSeed)),
  });
  await connectsAndWorks({
    servers: OPERATOR_URL,
    authenticator: jwtAuthenticator(() => userJwt, () => te.encode(userSeed)),
  });
});

Deno.test("authenticators: a JWT signed with another user's seed is refused", async () => {
  await assertRejects(
    connect({
      servers: OPERATOR_URL,
      authenticator: jwtAuthenticator(userJwt, te.encode(NKEY_SEED)),
    }),
    ErrorCode.AuthorizationViolation,
  );
  await assertRejects(connect({ servers: OPERATOR_URL }), ErrorCode.AuthorizationViolation);
});

Deno.test("authenticators: creds without a seed block fail the connect with BAD_CREDS", async () => {
  const noSeed = te.encode(credsText.slice(0, credsText.indexOf("-----BEGIN USER NKEY SEED-----")));
  await assertRejects(
    connect({ servers: OPERATOR_URL, authenticator: credsAuthenticator(noSeed) }),
    ErrorCode.BadCreds,
  );
});
