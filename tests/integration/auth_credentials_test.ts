// Every credential form against real nats-servers with keys and JWTs generated for this run
// (tests/helpers/auth_fixtures.ts): user/password with a plain and a bcrypt password, nkey users (seed
// signs the server nonce), user JWTs signed by an account of an operator-mode server (with a
// seed, or alone as a bearer token), creds files, and the nkeys namespace. Each form has its
// success path and its wrong-credential paths: a server refusal is AUTHORIZATION_VIOLATION, a
// malformed seed or creds file is BAD_CREDS with a message saying what is wrong, an authenticator
// that throws something else is BAD_AUTHENTICATION.
import {
  connect,
  credsAuthenticator,
  ErrorCode,
  jwtAuthenticator,
  NatsError,
  nkeyAuthenticator,
  nkeys,
  usernamePasswordAuthenticator,
} from "../helpers/deps.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { connectsAndWorks, IS_NATS_WS } from "../helpers/helpers.ts";
import { credsOf, fx } from "../helpers/auth_fixtures.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const USERS = fx.users.url;
const OPERATOR = fx.operator.url;

Deno.test("auth credentials: user/password with a plain password; wrong ones are refused", async () => {
  const { user, pass } = fx.users.plain;
  await connectsAndWorks({ servers: USERS, user, pass });
  await connectsAndWorks({
    servers: USERS,
    authenticator: usernamePasswordAuthenticator(() => user, () => pass),
  });
  for (const opts of [{ user, pass: "wrong" }, { user: "nobody", pass }, { user }, {}]) {
    await assertRejects(
      connect({ servers: USERS, ...opts }),
      ErrorCode.AuthorizationViolation,
      undefined,
      JSON.stringify(opts),
    );
  }
});

Deno.test("auth credentials: user/password against a bcrypt hash; the hash itself is refused", async () => {
  const { user, pass } = fx.users.bcrypt;
  await connectsAndWorks({ servers: USERS, user, pass });
  await assertRejects(
    connect({ servers: USERS, user, pass: pass + "x" }),
    ErrorCode.AuthorizationViolation,
  );
  // the server's config holds the hash: sending it as the password must not log in
  const conf = Deno.readTextFileSync(new URL("../../.tmp/auth/users.conf", import.meta.url));
  const hash = /password: "(\$2b\$[^"]+)"/.exec(conf)![1];
  await assertRejects(
    connect({ servers: USERS, user, pass: hash }),
    ErrorCode.AuthorizationViolation,
  );
});

Deno.test("auth credentials: an nkey user signs the nonce; seed as bytes or a function", async () => {
  const seed = te.encode(fx.users.nkey.seed);
  await connectsAndWorks({ servers: USERS, authenticator: nkeyAuthenticator(seed) });
  let calls = 0;
  await connectsAndWorks({
    servers: USERS,
    authenticator: nkeyAuthenticator(() => {
      calls++;
      return seed;
    }),
  });
  assertEquals(calls, 1, "the seed function is called once per handshake");
  // a valid key the server does not know
  await assertRejects(
    connect({ servers: USERS, authenticator: nkeyAuthenticator(nkeys.createUser().getSeed()) }),
    ErrorCode.AuthorizationViolation,
  );
});

Deno.test("auth credentials: a malformed nkey seed fails connect with BAD_CREDS saying why", async () => {
  const s = fx.users.nkey.seed;
  const typo = s.slice(0, 20) + (s[20] === "A" ? "B" : "A") + s.slice(21);
  const cases: [string, string][] = [
    [typo, "checksum"],
    [s.slice(0, 40), "58 characters"],
    [fx.users.nkey.public, "public key"],
    ["SU!", "base32"],
  ];
  for (const [seed, why] of cases) {
    const err = await assertRejects(
      connect({ servers: USERS, authenticator: nkeyAuthenticator(te.encode(seed)) }),
      IS_NATS_WS ? undefined : ErrorCode.BadCreds,
      IS_NATS_WS ? undefined : why,
      seed,
    );
    assert(err instanceof Error, "an Error");
  }
});

Deno.test("auth credentials: the server takes the nonce signature as sent (standard base64)", async () => {
  // a hand-made authenticator with the nkeys namespace (as nats.deno's "auth - custom" test),
  // sending the signature both in standard base64 and in unpadded base64url (what Go sends)
  const kp = nkeys.fromSeed(te.encode(fx.users.nkey.seed));
  for (const urlSafe of [false, true]) {
    const nonces: string[] = [];
    await connectsAndWorks({
      servers: USERS,
      authenticator: (nonce?: string) => {
        nonces.push(nonce!);
        const std = nkeys.encode(kp.sign(te.encode(nonce)));
        const sig = urlSafe ? std.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") : std;
        return { nkey: kp.getPublicKey(), sig };
      },
    });
    assertEquals(nonces.length, 1);
    assert(nonces[0].length > 0, "the server sent a nonce");
  }
});

Deno.test("auth credentials: a user JWT with its seed, as values or functions", async () => {
  const u = fx.operator.alice;
  await connectsAndWorks({
    servers: OPERATOR,
    authenticator: jwtAuthenticator(u.jwt, te.encode(u.seed)),
  });
  await connectsAndWorks({
    servers: OPERATOR,
    authenticator: jwtAuthenticator(() => u.jwt, () => te.encode(u.seed)),
  });
});

Deno.test("auth credentials: a bearer JWT connects without a seed; a plain one does not", async () => {
  await connectsAndWorks({
    servers: OPERATOR,
    authenticator: jwtAuthenticator(fx.operator.bearer.jwt),
  });
  await assertRejects(
    connect({ servers: OPERATOR, authenticator: jwtAuthenticator(fx.operator.alice.jwt) }),
    ErrorCode.AuthorizationViolation,
  );
});

Deno.test("auth credentials: refused JWTs: another user's seed, an expired JWT, an unknown account, none", async () => {
  const { alice, restricted, expired, stranger } = fx.operator;
  const cases: [string, Parameters<typeof connect>[0]][] = [
    ["signed with another user's seed", {
      authenticator: jwtAuthenticator(alice.jwt, te.encode(restricted.seed)),
    }],
    ["expired", { authenticator: credsAuthenticator(credsOf(expired)) }],
    ["issued by an account the server does not know", {
      authenticator: credsAuthenticator(credsOf(stranger)),
    }],
    ["no credentials", {}],
  ];
  for (const [label, opts] of cases) {
    await assertRejects(
      connect({ servers: OPERATOR, ...opts }),
      ErrorCode.AuthorizationViolation,
      undefined,
      label,
    );
  }
});

Deno.test("auth credentials: a creds file, as bytes or a function re-read at each connect", async () => {
  await connectsAndWorks({
    servers: OPERATOR,
    authenticator: credsAuthenticator(credsOf(fx.operator.alice)),
  });
  let reads = 0;
  await connectsAndWorks({
    servers: OPERATOR,
    authenticator: credsAuthenticator(() => {
      reads++;
      return credsOf(fx.operator.restricted);
    }),
  });
  assertEquals(reads, 1);
});

Deno.test("auth credentials: a malformed creds file fails connect with BAD_CREDS saying why", async () => {
  const text = td.decode(credsOf(fx.operator.alice));
  const seed = fx.operator.alice.seed;
  const cases: [string, string][] = [
    [text.slice(0, text.indexOf("-----BEGIN USER NKEY SEED")), "no nkey seed block"],
    ["", "no user JWT block"],
    [text.replace(seed, seed.slice(0, -2) + (seed.endsWith("AA") ? "BB" : "AA")), "checksum"],
    [text.replace(fx.operator.alice.jwt, ""), "JWT block is empty"],
  ];
  for (const [creds, why] of cases) {
    await assertRejects(
      connect({ servers: OPERATOR, authenticator: credsAuthenticator(te.encode(creds)) }),
      ErrorCode.BadCreds,
      IS_NATS_WS ? undefined : why,
      why,
    );
  }
});

Deno.test("auth credentials: an authenticator that throws fails connect with BAD_AUTHENTICATION", async () => {
  await assertRejects(
    connect({
      servers: USERS,
      authenticator: () => {
        throw new Error("user code exploded");
      },
    }),
    ErrorCode.BadAuthentication,
  );
  if (IS_NATS_WS) return;
  // a NatsError thrown by user code keeps its code and message
  const err = await assertRejects(
    connect({
      servers: USERS,
      authenticator: () => {
        throw new NatsError("the vault is locked", ErrorCode.BadCreds);
      },
    }),
    ErrorCode.BadCreds,
  );
  assertEquals(err.message, "the vault is locked");
});
