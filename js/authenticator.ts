/**
 * Authenticators of the v1 API: `usernamePasswordAuthenticator`, `tokenAuthenticator`,
 * `nkeyAuthenticator`, `jwtAuthenticator`, `credsAuthenticator` (every argument may be a function
 * evaluated per handshake), and `buildAuthenticator`, which merges the `authenticator` option
 * (function or array) with `token` and `user`/`pass` into one function. The engine calls that
 * function once per handshake with the INFO nonce.
 *
 * Seed decoding, nonce signing and creds parsing are the engine's (src/auth through
 * src/wasm/auth_bindings.rs): a malformed seed or creds file throws `NatsError` `BAD_CREDS` whose
 * message says what is wrong, which fails that connect with the same error.
 *
 * Must not: cache credentials across handshakes (functions are re-evaluated so callers can rotate
 * them), implement any cryptography, or talk to the server.
 */
import { ErrorCode, NatsError, toNatsError } from "./errors.ts";
import { TE } from "./encoders.ts";
import { credsSignNonce, nkeySignNonce } from "./wasm.ts";
import type { Auth, Authenticator, ConnectionOptions, JwtAuth, NKeyAuth } from "./types.ts";

/** Runs an engine credential call, rethrowing its error as a NatsError (BAD_CREDS). */
function engine<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toNatsError(err);
  }
}

/** The bytes of a seed or creds argument: nats.deno takes a Uint8Array; text is accepted too. */
function bytesOf(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return TE.encode(v);
  throw new NatsError(`${what} must be a Uint8Array`, ErrorCode.BadCreds);
}

/** Calls several authenticators in order and merges their results. */
export function multiAuthenticator(authenticators: Authenticator[]): Authenticator {
  return (nonce?: string): Auth => {
    let auth = {};
    for (const a of authenticators) {
      const args = a(nonce) || {};
      auth = Object.assign(auth, args);
    }
    return auth as Auth;
  };
}

/** An authenticator that sends no credentials. */
export function noAuthFn(): Authenticator {
  return (): Auth => {
    return;
  };
}

/** `{user, pass}`; either may be a function. */
export function usernamePasswordAuthenticator(
  user: string | (() => string),
  pass?: string | (() => string),
): Authenticator {
  return (): Auth => {
    const u = typeof user === "function" ? user() : user;
    const p = typeof pass === "function" ? pass() : pass;
    return { user: u, pass: p };
  };
}

/** `{auth_token}`; the token may be a function. */
export function tokenAuthenticator(token: string | (() => string)): Authenticator {
  return (): Auth => {
    // deno-lint-ignore camelcase
    const auth_token = typeof token === "function" ? token() : token;
    return { auth_token };
  };
}

/**
 * `{nkey, sig}` from an nkey user seed (`SU…`, as bytes of its text): the public key and the
 * signature of the server nonce (`""` without a nonce or without a seed).
 */
export function nkeyAuthenticator(seed?: Uint8Array | (() => Uint8Array)): Authenticator {
  return (nonce?: string): NKeyAuth => {
    const s = typeof seed === "function" ? seed() : seed;
    if (!s) return { nkey: "", sig: "" };
    const bytes = bytesOf(s, "the nkey seed");
    const [nkey, sig] = engine(() => nkeySignNonce(bytes, nonce));
    return { nkey, sig };
  };
}

/** `{jwt, nkey, sig}`: a user JWT, signed with the seed when one is given (bearer otherwise). */
export function jwtAuthenticator(
  ajwt: string | (() => string),
  seed?: Uint8Array | (() => Uint8Array),
): Authenticator {
  return (nonce?: string): JwtAuth => {
    const jwt = typeof ajwt === "function" ? ajwt() : ajwt;
    const fn = nkeyAuthenticator(seed);
    const { nkey, sig } = fn(nonce) as NKeyAuth;
    return { jwt, nkey, sig };
  };
}

/**
 * Parses a `.creds` file (JWT block, then seed block, each between dash lines) on every call
 * and authenticates with it. A missing or empty block, or a seed that does not decode, is
 * BAD_CREDS.
 */
export function credsAuthenticator(creds: Uint8Array | (() => Uint8Array)): Authenticator {
  const fn = typeof creds !== "function" ? () => creds : creds;
  return (nonce?: string): JwtAuth => {
    const bytes = bytesOf(fn(), "the creds");
    const [jwt, nkey, sig] = engine(() => credsSignNonce(bytes, nonce));
    return { jwt, nkey, sig };
  };
}

/**
 * One authenticator from the options: `authenticator` (function or array), then `token`, then
 * `user`/`pass`, results merged; a no-auth function when none is set.
 */
export function buildAuthenticator(opts: ConnectionOptions): Authenticator {
  const buf: Authenticator[] = [];
  if (typeof opts.authenticator === "function") buf.push(opts.authenticator);
  if (Array.isArray(opts.authenticator)) buf.push(...opts.authenticator);
  if (opts.token) buf.push(tokenAuthenticator(opts.token));
  if (opts.user) buf.push(usernamePasswordAuthenticator(opts.user, opts.pass));
  return buf.length === 0 ? noAuthFn() : multiAuthenticator(buf);
}
