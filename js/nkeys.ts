/**
 * The `nkeys` namespace of the v1 API (nkeys.js 1.0.4's surface): `createUser`, `createAccount`,
 * `createOperator`, `createPair`, `fromSeed`, `fromPublic`, the `KeyPair` objects they return
 * (`getPublicKey`, `getSeed`, `getPrivateKey`, `sign`, `verify`, `clear`), `encode`/`decode`
 * (standard base64), `Prefix`, `NKeysError` and `NKeysErrorCode`.
 *
 * Every operation on key material is done by the Rust `nkeys` crate in the engine
 * (src/auth/nkey.rs through src/wasm/auth_bindings.rs); this module only keeps the seed bytes a
 * KeyPair was made from, as nkeys.js does, and turns engine errors into `NKeysError`s.
 *
 * Must not: implement any cryptography or key encoding itself.
 */
import {
  base64Decode,
  base64Encode,
  nkeyCheckPublic,
  nkeyCreateSeed,
  nkeyPrivateKey,
  nkeyPublicKey,
  nkeySign,
  nkeyVerify,
} from "./wasm.ts";
import { TD, TE } from "./encoders.ts";

/** Prefix bytes of encoded keys (nkeys.js `Prefix`). */
export enum Prefix {
  /** Seeds, base32 `S…`. */
  Seed = 18 << 3,
  /** Private keys, base32 `P…`. */
  Private = 15 << 3,
  /** Operators, base32 `O…`. */
  Operator = 14 << 3,
  /** Servers, base32 `N…`. */
  Server = 13 << 3,
  /** Clusters, base32 `C…`. */
  Cluster = 2 << 3,
  /** Accounts, base32 `A…`. */
  Account = 0,
  /** Users, base32 `U…`. */
  User = 20 << 3,
}

/** Error codes of {@link NKeysError} (nkeys.js `NKeysErrorCode`). */
export enum NKeysErrorCode {
  InvalidPrefixByte = "nkeys: invalid prefix byte",
  InvalidKey = "nkeys: invalid key",
  InvalidPublicKey = "nkeys: invalid public key",
  InvalidSeedLen = "nkeys: invalid seed length",
  InvalidSeed = "nkeys: invalid seed",
  InvalidEncoding = "nkeys: invalid encoded key",
  InvalidSignature = "nkeys: signature verification failed",
  CannotSign = "nkeys: cannot sign, no private key available",
  PublicKeyOnly = "nkeys: no seed or private key available",
  InvalidChecksum = "nkeys: invalid checksum",
  SerializationError = "nkeys: serialization error",
  ApiError = "nkeys: api error",
  ClearedPair = "nkeys: pair is cleared",
}

/** An nkeys failure: `code` (and `message`) is an {@link NKeysErrorCode}; the engine's detail
 * (what exactly is wrong) is in `chainedError`. */
export class NKeysError extends Error {
  override name: string;
  code: string;
  chainedError?: Error;

  constructor(code: NKeysErrorCode, chainedError?: Error) {
    super(code);
    this.name = "NKeysError";
    this.code = code;
    this.chainedError = chainedError;
  }
}

/** A key pair (or a public key alone) as nkeys.js returns it. */
export interface KeyPair {
  /** The encoded public key (`U…`, `A…`, `O…`, ...). */
  getPublicKey(): string;
  /** The encoded private key (`P…`), as bytes of its text. */
  getPrivateKey(): Uint8Array;
  /** The encoded seed (`S…`), as bytes of its text. */
  getSeed(): Uint8Array;
  /** The Ed25519 signature (64 bytes) of `input`. */
  sign(input: Uint8Array): Uint8Array;
  /** True when `sig` is this key's signature of `input`. */
  verify(input: Uint8Array, sig: Uint8Array): boolean;
  /** Wipes the key; every later call throws `ClearedPair`. */
  clear(): void;
}

/** Runs an engine call, rethrowing its error as an NKeysError with the engine's detail chained. */
function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    const known = Object.values(NKeysErrorCode).includes(code as NKeysErrorCode);
    throw new NKeysError(
      known ? code as NKeysErrorCode : NKeysErrorCode.ApiError,
      err instanceof Error ? err : new Error(String(err)),
    );
  }
}

/** A key pair holding its seed (nkeys.js `KP`). */
class KP implements KeyPair {
  #seed?: Uint8Array;

  constructor(seed: Uint8Array) {
    this.#seed = seed;
  }

  #s(): Uint8Array {
    if (!this.#seed) throw new NKeysError(NKeysErrorCode.ClearedPair);
    return this.#seed;
  }

  getPublicKey(): string {
    const s = this.#s();
    return call(() => nkeyPublicKey(s));
  }

  getPrivateKey(): Uint8Array {
    const s = this.#s();
    return TE.encode(call(() => nkeyPrivateKey(s)));
  }

  getSeed(): Uint8Array {
    return this.#s();
  }

  sign(input: Uint8Array): Uint8Array {
    const s = this.#s();
    return call(() => nkeySign(s, input));
  }

  verify(input: Uint8Array, sig: Uint8Array): boolean {
    const pub = TE.encode(this.getPublicKey());
    return call(() => nkeyVerify(pub, input, sig));
  }

  clear(): void {
    if (!this.#seed) return;
    this.#seed.fill(0);
    this.#seed = undefined;
  }
}

/** A public key alone: it can verify but not sign (nkeys.js `PublicKey`). */
class PublicKey implements KeyPair {
  #key?: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  #k(): Uint8Array {
    if (!this.#key) throw new NKeysError(NKeysErrorCode.ClearedPair);
    return this.#key;
  }

  getPublicKey(): string {
    return TD.decode(this.#k());
  }

  getPrivateKey(): Uint8Array {
    this.#k();
    throw new NKeysError(NKeysErrorCode.PublicKeyOnly);
  }

  getSeed(): Uint8Array {
    this.#k();
    throw new NKeysError(NKeysErrorCode.PublicKeyOnly);
  }

  sign(_input: Uint8Array): Uint8Array {
    this.#k();
    throw new NKeysError(NKeysErrorCode.CannotSign);
  }

  verify(input: Uint8Array, sig: Uint8Array): boolean {
    const k = this.#k();
    return call(() => nkeyVerify(k, input, sig));
  }

  clear(): void {
    if (!this.#key) return;
    this.#key.fill(0);
    this.#key = undefined;
  }
}

/** A new key pair for `prefix` (Operator, Account, User, Server or Cluster) from fresh randomness. */
export function createPair(prefix: Prefix): KeyPair {
  return new KP(TE.encode(call(() => nkeyCreateSeed(prefix))));
}

/** A new operator key pair (`O…`). */
export function createOperator(): KeyPair {
  return createPair(Prefix.Operator);
}

/** A new account key pair (`A…`). */
export function createAccount(): KeyPair {
  return createPair(Prefix.Account);
}

/** A new user key pair (`U…`). */
export function createUser(): KeyPair {
  return createPair(Prefix.User);
}

/** A new cluster key pair (`C…`). */
export function createCluster(): KeyPair {
  return createPair(Prefix.Cluster);
}

/** A new server key pair (`N…`). */
export function createServer(): KeyPair {
  return createPair(Prefix.Server);
}

/** A key pair from an encoded seed (its text as bytes); throws NKeysError when it is not one. */
export function fromSeed(src: Uint8Array): KeyPair {
  call(() => nkeyPublicKey(src));
  return new KP(src);
}

/** A verify-only key pair from an encoded public key; throws NKeysError when it is not one. */
export function fromPublic(src: string): KeyPair {
  const key = TE.encode(src);
  call(() => nkeyCheckPublic(key));
  return new PublicKey(key);
}

/** Standard base64 of `bytes`, with padding. */
export function encode(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

/** Bytes of standard or URL-safe base64 text (padding optional); throws on other text. */
export function decode(b64str: string): Uint8Array {
  return base64Decode(b64str);
}
