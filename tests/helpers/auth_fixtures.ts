// The authentication tests' fixtures: .tmp/auth/fixtures.json and the creds files beside it, made
// fresh by tests/auth/fixtures.sh (tests/auth/gen_auth.rs: operator, account and user nkeys, JWTs
// signed per the NATS JWT v2 format). tests/run_deno.sh generates them and starts their servers
// (auth-users, auth-operator, auth-wss). Loading this module fails with a clear message when the
// fixtures are missing.

/** A user of the operator-mode server. */
export interface JwtUser {
  seed: string;
  public: string;
  jwt: string;
  /** Path of the user's .creds file. */
  creds: string;
}

export interface Fixtures {
  users: {
    url: string;
    plain: { user: string; pass: string };
    bcrypt: { user: string; pass: string };
    nkey: { seed: string; public: string };
    /** publish and subscribe denied on forbidden.>, queue group qgroup denied on qperm.> */
    limited: { user: string; pass: string };
    /** may not subscribe to _INBOX.> (so request muxes are denied) */
    noinbox: { user: string; pass: string };
  };
  operator: {
    url: string;
    account: { seed: string; public: string };
    alice: JwtUser;
    /** publish and subscribe denied on forbidden.> (in the JWT) */
    restricted: JwtUser;
    /** bearer_token: connects with the JWT alone */
    bearer: JwtUser;
    /** expired an hour before the fixtures were made */
    expired: JwtUser;
    /** signed by an account the server does not know */
    stranger: JwtUser;
  };
  wss: { url: string };
}

export const AUTH_DIR = new URL("../../.tmp/auth/", import.meta.url);

function load(): Fixtures {
  try {
    return JSON.parse(Deno.readTextFileSync(new URL("fixtures.json", AUTH_DIR)));
  } catch (err) {
    throw new Error(
      `auth fixtures missing (${(err as Error).message}): run tests/auth/fixtures.sh start`,
    );
  }
}

export const fx: Fixtures = load();

/** The bytes of a user's creds file. */
export function credsOf(u: JwtUser): Uint8Array {
  return Deno.readFileSync(u.creds);
}
