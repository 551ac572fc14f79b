import { assertEquals, assertThrows } from "../assert.ts";
import {
  buildAuthenticator,
  credsAuthenticator,
  jwtAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "../../js/authenticator.ts";
import { decodeSeed, ed25519PublicKey, ed25519Sign, nkeySign, sha512 } from "../../js/nkeys.ts";
import { ErrorCode } from "../../js/errors.ts";

const te = new TextEncoder();
const hex = (a: Uint8Array) => Array.from(a).map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

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

Deno.test("nkeys - sha512 and RFC 8032 vectors", () => {
  assertEquals(
    hex(sha512(te.encode("abc"))),
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
  );
  assertEquals(
    hex(sha512(new Uint8Array(0))),
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
  );
  // two-block input
  assertEquals(hex(sha512(new Uint8Array(200).fill(0x61))).slice(0, 16), "4b11459c33f52a22");
  // padding boundaries (111 bytes fit one block, 112 need two)
  assertEquals(hex(sha512(new Uint8Array(111).fill(0x61))).slice(0, 16), "fa9121c7b32b9e01");
  assertEquals(hex(sha512(new Uint8Array(112).fill(0x61))).slice(0, 16), "c01d080efd492776");
  // RFC 8032 7.1 TEST 1 and TEST 2
  const sk1 = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  assertEquals(
    hex(ed25519PublicKey(sk1)),
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
  );
  assertEquals(
    hex(ed25519Sign(sk1, new Uint8Array(0))),
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  );
  const sk2 = unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  assertEquals(
    hex(ed25519PublicKey(sk2)),
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
  );
  assertEquals(
    hex(ed25519Sign(sk2, unhex("72"))),
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  );
});

Deno.test("nkeys - seed decoding and nonce signature", () => {
  const { prefix } = decodeSeed(te.encode(SEED));
  assertEquals(prefix, 20 << 3);
  assertEquals(nkeySign(te.encode(SEED), "nonce-abc"), { nkey: PUB, sig: SIG_NONCE_ABC });
  assertEquals(nkeySign(te.encode(` ${SEED}\n`)), { nkey: PUB, sig: "" });
  assertThrows(() => decodeSeed(te.encode(SEED.slice(0, -1) + "A")), ErrorCode.BadCreds);
  assertThrows(() => decodeSeed(te.encode("SUA1")), ErrorCode.BadCreds);
  assertThrows(() => decodeSeed(te.encode(PUB)), ErrorCode.BadCreds);
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
  assertThrows(() => credsAuthenticator(te.encode("nothing here"))(), ErrorCode.BadCreds);
  const jwtOnly = creds.slice(0, creds.indexOf("*"));
  assertThrows(() => credsAuthenticator(te.encode(jwtOnly))(), ErrorCode.BadCreds);
});
