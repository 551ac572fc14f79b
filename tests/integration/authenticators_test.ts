// README › "Authenticators": the authenticator option against real servers with credentials
// generated for this run (tests/helpers/auth_fixtures.ts): nkeyAuthenticator, a custom authenticator
// function that receives the server's nonce, an array of authenticators merged, and
// credsAuthenticator with the README's creds layout built from a string with TextEncoder.
// (Every credential form with its failures: auth_credentials_test.ts.)
import { connect, credsAuthenticator, nkeyAuthenticator } from "../helpers/deps.ts";
import type { Auth } from "../helpers/deps.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { connectsAndWorks, hostPort } from "../helpers/helpers.ts";
import { credsOf, fx } from "../helpers/auth_fixtures.ts";

const te = new TextEncoder();
const USERS = fx.users.url;

Deno.test("authenticators: nkeyAuthenticator signs the server nonce", async () => {
  await connectsAndWorks({
    servers: USERS,
    authenticator: nkeyAuthenticator(te.encode(fx.users.nkey.seed)),
  });
});

Deno.test("authenticators: a custom authenticator function is called with the server's nonce", async () => {
  const nonces: (string | undefined)[] = [];
  const nc = await connect({
    servers: USERS,
    authenticator: (nonce?: string) => {
      nonces.push(nonce);
      return { user: fx.users.plain.user, pass: fx.users.plain.pass };
    },
  });
  assertEquals(nc.getServer(), hostPort(USERS));
  assertEquals(nonces.length, 1);
  assert(
    typeof nonces[0] === "string" && nonces[0].length > 0,
    "the server sent a nonce (it has nkey users)",
  );
  await nc.close();
});

Deno.test("authenticators: an array of authenticators is merged", async () => {
  await connectsAndWorks({
    servers: USERS,
    authenticator: [
      () => ({ user: fx.users.plain.user }),
      () => ({ pass: fx.users.plain.pass }) as Auth, // the merge supplies the user
    ],
  });
});

Deno.test("authenticators: credsAuthenticator with the README's creds layout", async () => {
  const text = new TextDecoder().decode(credsOf(fx.operator.alice));
  // the README builds the creds with TextEncoder from a string
  await connectsAndWorks({
    servers: fx.operator.url,
    authenticator: credsAuthenticator(new TextEncoder().encode(text)),
  });
});
