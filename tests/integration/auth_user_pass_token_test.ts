// README › "Authentication": user/pass and token as connection options (tests/nats/userpass.conf,
// token.conf), the same through usernamePasswordAuthenticator and tokenAuthenticator (with values
// or functions), and AUTHORIZATION_VIOLATION for wrong or missing credentials.
// (nkey, JWT, creds and custom authenticators: authenticators_test.ts)
import {
  connect,
  ErrorCode,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "../helpers/deps.ts";
import { assertRejects } from "../helpers/assert.ts";
import { connectsAndWorks, TOKEN_URL, USERPASS_URL } from "../helpers/helpers.ts";

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
  await assertRejects(
    connect({ servers: TOKEN_URL, token: "nope" }),
    ErrorCode.AuthorizationViolation,
  );
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
  await connectsAndWorks({
    servers: TOKEN_URL,
    authenticator: tokenAuthenticator(() => "t0pS3cret!"),
  });
});
