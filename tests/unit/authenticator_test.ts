import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertNotEquals,
  assertThrows,
} from "../helpers/assert.ts";
import {
  buildAuthenticator,
  credsAuthenticator,
  jwtAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "../../js/authenticator.ts";
import * as nkeys from "../../js/nkeys.ts";
import { ErrorCode } from "../../js/errors.ts";

const te = new TextEncoder();
const td = new TextDecoder();

// a throwaway user key; values cross-checked against nkeys.js 1.0.4 (the reference's signer)
const SEED = "SUAKGJAOF4EFRH3TZACU72G5EF3EB2VMPOHFYAVY6R26WJTOBETT3AVKDM";
const PUB = "UBZBNFXELOHXSZDVIPJFQ7PQPQMQ564KQH5PRN434PURFJUHRI4BMSIB";
const SIG_NONCE_ABC =
  "EpDXy/iv+sYpB9zHONKU60uUhZSvZZKnlE0CVPq9NIXfq33qg+CoZNJpvF1v2aAqp8yUWgUeJsqw/WcjBL12DQ==";

Deno.test("auth - user/pass and token, functions evaluated per call", () => {
  assertEquals(usernamePasswordAuthenticator("a", "b")(), { user: "a", pass: "b" });
  let n = 0;
  const up = usernamePasswordAuthenticator(() => `u${++n}`, () => "p");
  assertEquals(up(), { user: "u1", pass: "p" });
  assertEquals(up(), { user: "u2", pass: "p" });
  assertEquals(tokenAuthenticator("t")(), { auth_token: "t" });
  assertEquals(tokenAuthenticator(() => "f")(), { auth_token: "f" });
});

Deno.test("auth - buildAuthenticator merges in order", () => {
  assertEquals(buildAuthenticator({})(), undefined);
  const a = buildAuthenticator({
    authenticator: () => ({ user: "from-fn" }),
    token: "t",
    user: "u",
    pass: "p",
  });
  assertEquals(a(), { user: "u", auth_token: "t", pass: "p" });
});

Deno.test("nkeys - fromSeed signs like nkeys.js; the public key verifies", () => {
  const kp = nkeys.fromSeed(te.encode(SEED));
  assertEquals(kp.getPublicKey(), PUB);
  const sig = kp.sign(te.encode("nonce-abc"));
  assertEquals(sig.length, 64);
  assertEquals(nkeys.encode(sig), SIG_NONCE_ABC);
  assertEquals(kp.verify(te.encode("nonce-abc"), sig), true);
  const pub = nkeys.fromPublic(PUB);
  assertEquals(pub.verify(te.encode("nonce-abc"), sig), true);
  assertEquals(pub.verify(te.encode("nonce-abd"), sig), false);
  assertEquals(pub.verify(te.encode("nonce-abc"), sig.subarray(1)), false);
  assertEquals(td.decode(kp.getPrivateKey()).slice(0, 1), "P");
  assertEquals(td.decode(kp.getSeed()), SEED);
  assertThrows(() => pub.sign(te.encode("x")), nkeys.NKeysErrorCode.CannotSign);
  assertThrows(() => pub.getSeed(), nkeys.NKeysErrorCode.PublicKeyOnly);
  assertThrows(() => pub.getPrivateKey(), nkeys.NKeysErrorCode.PublicKeyOnly);
});

Deno.test("nkeys - createUser/Account/Operator/Pair make distinct keys of their role", () => {
  const made = [
    [nkeys.createUser(), "SU", "U"],
    [nkeys.createAccount(), "SA", "A"],
    [nkeys.createOperator(), "SO", "O"],
    [nkeys.createPair(nkeys.Prefix.Server), "SN", "N"],
  ] as const;
  for (const [kp, seed, pub] of made) {
    assertEquals(td.decode(kp.getSeed()).slice(0, 2), seed);
    assertEquals(kp.getPublicKey().slice(0, 1), pub);
    assertEquals(kp.getPublicKey().length, 56);
    const again = nkeys.fromSeed(kp.getSeed());
    assertEquals(again.getPublicKey(), kp.getPublicKey());
    const msg = te.encode("hello");
    assertEquals(nkeys.fromPublic(kp.getPublicKey()).verify(msg, kp.sign(msg)), true);
  }
  assertNotEquals(nkeys.createUser().getPublicKey(), nkeys.createUser().getPublicKey());
  assertThrows(
    () => nkeys.createPair(nkeys.Prefix.Private),
    nkeys.NKeysErrorCode.InvalidPrefixByte,
  );
});

Deno.test("nkeys - clear wipes the key; bad seeds and keys are NKeysErrors that say why", () => {
  const kp = nkeys.createUser();
  const seed = kp.getSeed();
  kp.clear();
  assertEquals(seed.every((b) => b === 0), true, "the seed bytes are wiped");
  assertThrows(() => kp.getPublicKey(), nkeys.NKeysErrorCode.ClearedPair);
  assertThrows(() => kp.sign(te.encode("x")), nkeys.NKeysErrorCode.ClearedPair);
  kp.clear(); // twice is fine

  const typo = SEED.slice(0, 10) + (SEED[10] === "A" ? "B" : "A") + SEED.slice(11);
  const e = assertThrows(
    () => nkeys.fromSeed(te.encode(typo)),
    nkeys.NKeysErrorCode.InvalidChecksum,
  );
  assertInstanceOf(e, nkeys.NKeysError);
  assert(/checksum/.test((e as nkeys.NKeysError).chainedError?.message ?? ""), "detail chained");
  assertThrows(() => nkeys.fromSeed(te.encode("SUAB")), nkeys.NKeysErrorCode.InvalidSeedLen);
  assertThrows(() => nkeys.fromSeed(te.encode(PUB)), nkeys.NKeysErrorCode.InvalidSeed);
  assertThrows(() => nkeys.fromSeed(te.encode("süd")), nkeys.NKeysErrorCode.InvalidEncoding);
  assertThrows(() => nkeys.fromPublic(SEED), nkeys.NKeysErrorCode.InvalidPublicKey);
  assertThrows(
    () => nkeys.fromPublic(PUB.slice(0, -1) + "A"),
    nkeys.NKeysErrorCode.InvalidChecksum,
  );
});

Deno.test("nkeys - encode/decode are standard base64 and decode takes the URL-safe form", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  assertEquals(nkeys.encode(bytes), btoa(String.fromCharCode(...bytes)));
  assertEquals(nkeys.decode(nkeys.encode(bytes)), bytes);
  assertEquals(nkeys.decode("-_8"), nkeys.decode("+/8="));
  assertThrows(() => nkeys.decode("a"));
});

Deno.test("auth - nkey authenticator: a bad seed is BAD_CREDS that says what is wrong", () => {
  assertThrows(
    () => nkeyAuthenticator(te.encode("SUAB"))("n"),
    ErrorCode.BadCreds,
    "58 characters",
  );
  assertThrows(
    () => nkeyAuthenticator(te.encode(SEED.slice(0, -1) + "A"))("n"),
    ErrorCode.BadCreds,
    "checksum",
  );
  assertThrows(
    () => jwtAuthenticator("a.b.c", te.encode(PUB))("n"),
    ErrorCode.BadCreds,
    "public key",
  );
});

Deno.test("auth - nkey and jwt authenticators", () => {
  assertEquals(nkeyAuthenticator(te.encode(SEED))("nonce-abc"), { nkey: PUB, sig: SIG_NONCE_ABC });
  assertEquals(nkeyAuthenticator(() => te.encode(SEED))(), { nkey: PUB, sig: "" });
  assertEquals(jwtAuthenticator("JWT")("n"), { jwt: "JWT", nkey: "", sig: "" });
  assertEquals(
    jwtAuthenticator(() => "JWT", te.encode(SEED))("nonce-abc"),
    { jwt: "JWT", nkey: PUB, sig: SIG_NONCE_ABC },
  );
});

Deno.test("auth - creds file parsing", () => {
  const creds = `-----BEGIN NATS USER JWT-----
eyJ0eXAiOiJqd3QiLCJhbGciOiJlZDI1NTE5In0.e30.sig
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${SEED}
------END USER NKEY SEED------

*************************************************************
`;
  const a = credsAuthenticator(te.encode(creds));
  assertEquals(a("nonce-abc"), {
    jwt: "eyJ0eXAiOiJqd3QiLCJhbGciOiJlZDI1NTE5In0.e30.sig",
    nkey: PUB,
    sig: SIG_NONCE_ABC,
  });
  assertThrows(
    () => credsAuthenticator(te.encode("nothing here"))(),
    ErrorCode.BadCreds,
    "no user JWT block",
  );
  const jwtOnly = creds.slice(0, creds.indexOf("*"));
  assertThrows(() => credsAuthenticator(te.encode(jwtOnly))(), ErrorCode.BadCreds, "no nkey seed");
  const badSeed = creds.replace(SEED, SEED.slice(0, 40));
  assertThrows(() => credsAuthenticator(te.encode(badSeed))(), ErrorCode.BadCreds, "seed");
  // re-read at every call: a function's new value is used
  let text = "garbage";
  const fn = credsAuthenticator(() => te.encode(text));
  assertThrows(() => fn("n"), ErrorCode.BadCreds);
  text = creds;
  assertEquals((fn("nonce-abc") as { sig: string }).sig, SIG_NONCE_ABC);
});
