/**
 * NKey user authentication for the handshake: decodes an nkey seed (`S…`, base32 with a CRC16),
 * derives the Ed25519 key pair, and signs the server nonce (its UTF-8 bytes). Returns the public
 * key (`U…`) and the signature as standard base64 with padding, as nats.deno sends them.
 *
 * Ed25519 (RFC 8032) and SHA-512 are implemented here with BigInt: a signature per handshake, so
 * simplicity wins over speed (a few milliseconds). Verified against the RFC 8032 test vectors.
 *
 * Must not: be used for anything but signing nonces (no constant-time guarantees), or keep a seed
 * after the call.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { TE } from "./encoders.ts";

// ---- base32 (RFC 4648, no padding) and CRC16-XMODEM, as nkeys use them ----

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Decode(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((s.length * 5) / 8));
  let bits = 0, value = 0, n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = B32.indexOf(String.fromCharCode(s[i]));
    if (v < 0) throw new NatsError("invalid nkey encoding", ErrorCode.BadCreds);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out.subarray(0, n);
}

function base32Encode(a: Uint8Array): string {
  let bits = 0, value = 0, s = "";
  for (let i = 0; i < a.length; i++) {
    value = (value << 8) | a[i];
    bits += 8;
    while (bits >= 5) {
      s += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) s += B32[(value << (5 - bits)) & 31];
  return s;
}

function crc16(a: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < a.length; i++) {
    crc ^= a[i] << 8;
    for (let j = 0; j < 8; j++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

const PREFIX_SEED = 18 << 3; // 'S'

/** Decodes an nkey seed: the role prefix byte and the 32-byte Ed25519 seed. */
export function decodeSeed(seed: Uint8Array): { prefix: number; raw: Uint8Array } {
  let text = seed;
  // tolerate surrounding whitespace (creds files, copy/paste)
  let a = 0, b = text.length;
  while (a < b && text[a] <= 32) a++;
  while (b > a && text[b - 1] <= 32) b--;
  text = text.subarray(a, b);
  const raw = base32Decode(text);
  if (raw.length !== 36) throw new NatsError("invalid nkey seed", ErrorCode.BadCreds);
  const crc = raw[34] | (raw[35] << 8);
  if (crc16(raw.subarray(0, 34)) !== crc) {
    throw new NatsError("invalid nkey seed checksum", ErrorCode.BadCreds);
  }
  if ((raw[0] & 0xf8) !== PREFIX_SEED) {
    throw new NatsError("not an nkey seed", ErrorCode.BadCreds);
  }
  const prefix = ((raw[0] & 7) << 5) | ((raw[1] & 0xf8) >> 3);
  return { prefix, raw: raw.slice(2, 34) };
}

/** Encodes a public key with its role prefix (`U…` for users). */
export function encodePublic(prefix: number, pub: Uint8Array): string {
  const a = new Uint8Array(35);
  a[0] = prefix;
  a.set(pub, 1);
  const crc = crc16(a.subarray(0, 33));
  a[33] = crc & 0xff;
  a[34] = crc >> 8;
  return base32Encode(a);
}

function base64(a: Uint8Array): string {
  let s = "";
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
  return btoa(s);
}

// ---- SHA-512 (FIPS 180-4) ----

const K512 = [
  "428a2f98d728ae22",
  "7137449123ef65cd",
  "b5c0fbcfec4d3b2f",
  "e9b5dba58189dbbc",
  "3956c25bf348b538",
  "59f111f1b605d019",
  "923f82a4af194f9b",
  "ab1c5ed5da6d8118",
  "d807aa98a3030242",
  "12835b0145706fbe",
  "243185be4ee4b28c",
  "550c7dc3d5ffb4e2",
  "72be5d74f27b896f",
  "80deb1fe3b1696b1",
  "9bdc06a725c71235",
  "c19bf174cf692694",
  "e49b69c19ef14ad2",
  "efbe4786384f25e3",
  "0fc19dc68b8cd5b5",
  "240ca1cc77ac9c65",
  "2de92c6f592b0275",
  "4a7484aa6ea6e483",
  "5cb0a9dcbd41fbd4",
  "76f988da831153b5",
  "983e5152ee66dfab",
  "a831c66d2db43210",
  "b00327c898fb213f",
  "bf597fc7beef0ee4",
  "c6e00bf33da88fc2",
  "d5a79147930aa725",
  "06ca6351e003826f",
  "142929670a0e6e70",
  "27b70a8546d22ffc",
  "2e1b21385c26c926",
  "4d2c6dfc5ac42aed",
  "53380d139d95b3df",
  "650a73548baf63de",
  "766a0abb3c77b2a8",
  "81c2c92e47edaee6",
  "92722c851482353b",
  "a2bfe8a14cf10364",
  "a81a664bbc423001",
  "c24b8b70d0f89791",
  "c76c51a30654be30",
  "d192e819d6ef5218",
  "d69906245565a910",
  "f40e35855771202a",
  "106aa07032bbd1b8",
  "19a4c116b8d2d0c8",
  "1e376c085141ab53",
  "2748774cdf8eeb99",
  "34b0bcb5e19b48a8",
  "391c0cb3c5c95a63",
  "4ed8aa4ae3418acb",
  "5b9cca4f7763e373",
  "682e6ff3d6b2b8a3",
  "748f82ee5defb2fc",
  "78a5636f43172f60",
  "84c87814a1f0ab72",
  "8cc702081a6439ec",
  "90befffa23631e28",
  "a4506cebde82bde9",
  "bef9a3f7b2c67915",
  "c67178f2e372532b",
  "ca273eceea26619c",
  "d186b8c721c0c207",
  "eada7dd6cde0eb1e",
  "f57d4f7fee6ed178",
  "06f067aa72176fba",
  "0a637dc5a2c898a6",
  "113f9804bef90dae",
  "1b710b35131c471b",
  "28db77f523047d84",
  "32caab7b40c72493",
  "3c9ebe0a15c9bebc",
  "431d67c49c100d4c",
  "4cc5d4becb3e42b6",
  "597f299cfc657e2a",
  "5fcb6fab3ad6faec",
  "6c44198c4a475817",
].map((h) => BigInt("0x" + h));

const M64 = (1n << 64n) - 1n;
const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & M64;

/** SHA-512 of `msg`. */
export function sha512(msg: Uint8Array): Uint8Array {
  const h = [
    "6a09e667f3bcc908",
    "bb67ae8584caa73b",
    "3c6ef372fe94f82b",
    "a54ff53a5f1d36f1",
    "510e527fade682d1",
    "9b05688c2b3e6c1f",
    "1f83d9abfb41bd6b",
    "5be0cd19137e2179",
  ].map((x) => BigInt("0x" + x));
  const len = msg.length;
  const padded = new Uint8Array(Math.ceil((len + 17) / 128) * 128);
  padded.set(msg);
  padded[len] = 0x80;
  const bitLen = BigInt(len) * 8n;
  for (let i = 0; i < 16; i++) {
    padded[padded.length - 1 - i] = Number((bitLen >> BigInt(8 * i)) & 0xffn);
  }
  const w = new Array<bigint>(80);
  for (let off = 0; off < padded.length; off += 128) {
    for (let t = 0; t < 16; t++) {
      let v = 0n;
      for (let j = 0; j < 8; j++) v = (v << 8n) | BigInt(padded[off + t * 8 + j]);
      w[t] = v;
    }
    for (let t = 16; t < 80; t++) {
      const s0 = rotr(w[t - 15], 1n) ^ rotr(w[t - 15], 8n) ^ (w[t - 15] >> 7n);
      const s1 = rotr(w[t - 2], 19n) ^ rotr(w[t - 2], 61n) ^ (w[t - 2] >> 6n);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) & M64;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 80; t++) {
      const S1 = rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n);
      const ch = (e & f) ^ (~e & M64 & g);
      const t1 = (hh + S1 + ch + K512[t] + w[t]) & M64;
      const S0 = rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) & M64;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & M64;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & M64;
    }
    h[0] = (h[0] + a) & M64;
    h[1] = (h[1] + b) & M64;
    h[2] = (h[2] + c) & M64;
    h[3] = (h[3] + d) & M64;
    h[4] = (h[4] + e) & M64;
    h[5] = (h[5] + f) & M64;
    h[6] = (h[6] + g) & M64;
    h[7] = (h[7] + hh) & M64;
  }
  const out = new Uint8Array(64);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) out[i * 8 + j] = Number((h[i] >> BigInt(56 - 8 * j)) & 0xffn);
  }
  return out;
}

// ---- Ed25519 (RFC 8032) ----

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const mod = (a: bigint, m = P) => {
  const r = a % m;
  return r >= 0n ? r : r + m;
};

function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b = mod(b);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}

const inv = (a: bigint) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const D2 = mod(2n * D);

type Point = [bigint, bigint, bigint, bigint]; // extended coordinates X, Y, Z, T

const BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
const BY = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;
const BASE: Point = [BX, BY, 1n, mod(BX * BY)];
const ZERO: Point = [0n, 1n, 1n, 0n];

function add(p: Point, q: Point): Point {
  const [X1, Y1, Z1, T1] = p;
  const [X2, Y2, Z2, T2] = q;
  const A = mod((Y1 - X1) * (Y2 - X2));
  const B = mod((Y1 + X1) * (Y2 + X2));
  const C = mod(T1 * D2 * T2);
  const Dd = mod(Z1 * 2n * Z2);
  const E = B - A, F = Dd - C, G = Dd + C, H = B + A;
  return [mod(E * F), mod(G * H), mod(F * G), mod(E * H)];
}

function mul(s: bigint, p: Point): Point {
  let q = ZERO;
  let r = p;
  while (s > 0n) {
    if (s & 1n) q = add(q, r);
    r = add(r, r);
    s >>= 1n;
  }
  return q;
}

function encodePoint(p: Point): Uint8Array {
  const zi = inv(p[2]);
  const x = mod(p[0] * zi);
  const y = mod(p[1] * zi);
  const out = leBytes(y, 32);
  if (x & 1n) out[31] |= 0x80;
  return out;
}

function leBytes(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function leInt(a: Uint8Array): bigint {
  let n = 0n;
  for (let i = a.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(a[i]);
  return n;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

function expand(seed: Uint8Array): { a: bigint; prefix: Uint8Array; pub: Uint8Array } {
  const h = sha512(seed);
  const s = h.slice(0, 32);
  s[0] &= 248;
  s[31] &= 127;
  s[31] |= 64;
  const a = leInt(s);
  return { a, prefix: h.subarray(32), pub: encodePoint(mul(a, BASE)) };
}

/** The Ed25519 public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return expand(seed).pub;
}

/** The Ed25519 signature (64 bytes) of `msg` with a 32-byte seed. */
export function ed25519Sign(seed: Uint8Array, msg: Uint8Array): Uint8Array {
  return signExpanded(expand(seed), msg);
}

function signExpanded(
  { a, prefix, pub }: { a: bigint; prefix: Uint8Array; pub: Uint8Array },
  msg: Uint8Array,
): Uint8Array {
  const r = mod(leInt(sha512(concat(prefix, msg))), L);
  const R = encodePoint(mul(r, BASE));
  const k = mod(leInt(sha512(concat(R, pub, msg))), L);
  const S = mod(r + k * a, L);
  return concat(R, leBytes(S, 32));
}

/**
 * `{nkey, sig}` for a handshake: the public key of the seed, and the signature of the nonce's
 * UTF-8 bytes (`""` when there is no nonce). A bad seed throws BAD_CREDS.
 */
export function nkeySign(seed: Uint8Array, nonce?: string): { nkey: string; sig: string } {
  const { prefix, raw } = decodeSeed(seed);
  const key = expand(raw);
  const nkey = encodePublic(prefix, key.pub);
  const sig = nonce ? base64(signExpanded(key, TE.encode(nonce))) : "";
  raw.fill(0);
  return { nkey, sig };
}
