/**
 * KV keys and codecs (ADR-8): the bucket and key name rules (checked before anything is sent,
 * INVALID_OPTION otherwise), the codecs nats.deno exports (`NoopKvCodecs`, `Base64KeyCodec`), the
 * default bucket options (`defaultBucketOpts`), and key encoding token by token.
 *
 * Must not: talk to the server, or encode the wildcard tokens `*` and `>` (a filter must stay a
 * filter after encoding).
 */
import { ErrorCode, NatsError } from "../errors.ts";
import { StorageType } from "./types.ts";
import type { KvCodec, KvCodecs, KvOptions } from "./kv_types.ts";

/** Key characters ADR-8 allows: letters, digits, `_`, `-`, `/`, `=` and `.` between tokens. */
const validKeyRe = /^[-/=.\w]+$/;
/** A watch/keys filter may also hold the subject wildcards. */
const validSearchKeyRe = /^[-/=.>*\w]+$/;
/** Bucket names become part of a stream name and of subjects: letters, digits, `_`, `-`. */
const validBucketRe = /^[-\w]+$/;

function invalid(message: string): NatsError {
  return new NatsError(message, ErrorCode.InvalidOption);
}

/** Throws INVALID_OPTION unless `k` is a usable key (no wildcards). */
export function validateKey(k: string): void {
  if (typeof k !== "string" || k.startsWith(".") || k.endsWith(".") || !validKeyRe.test(k)) {
    throw invalid(`invalid key: ${k}`);
  }
}

/** Throws INVALID_OPTION unless `k` is a usable key filter (wildcards allowed). */
export function validateSearchKey(k: string): void {
  if (typeof k !== "string" || k.startsWith(".") || k.endsWith(".") || !validSearchKeyRe.test(k)) {
    throw invalid(`invalid key: ${k}`);
  }
}

/** True when `k` holds `*` or `>` tokens; `>` anywhere but last is an invalid key. */
export function hasWildcards(k: string): boolean {
  if (k.startsWith(".") || k.endsWith(".")) throw invalid(`invalid key: ${k}`);
  const tokens = k.split(".");
  let found = false;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === "*") found = true;
    if (tokens[i] === ">") {
      if (i !== tokens.length - 1) throw invalid(`invalid key: ${k}`);
      found = true;
    }
  }
  return found;
}

/** Throws INVALID_OPTION unless `name` is a usable bucket name. */
export function validateBucket(name: string): void {
  if (typeof name !== "string" || !validBucketRe.test(name)) {
    throw invalid(`invalid bucket name: ${name}`);
  }
}

/** Keys stored as base64 (any text becomes a key; not for keys with `.` meant as tokens). */
export function Base64KeyCodec(): KvCodec<string> {
  return {
    encode: (key: string) => btoa(key),
    decode: (bkey: string) => atob(bkey),
  };
}

/** The key codec of `NoopKvCodecs`: readers that see it skip the token-by-token mapping. */
export function keepKey(k: string): string {
  return k;
}

/** Keys and values stored as given. */
export function NoopKvCodecs(): KvCodecs {
  return {
    key: { encode: keepKey, decode: keepKey },
    value: { encode: (v: Uint8Array) => v, decode: (v: Uint8Array) => v },
  };
}

/** nats.deno's defaults: 1 replica, 1 revision per key, no size limits, file storage. */
export function defaultBucketOpts(): Partial<KvOptions> {
  return {
    replicas: 1,
    history: 1,
    timeout: 2000,
    max_bytes: -1,
    maxValueSize: -1,
    codec: NoopKvCodecs(),
    storage: StorageType.File,
  };
}

/** Applies `fn` to each token of a key, keeping the wildcard tokens as they are. */
export function mapTokens(key: string, fn: (token: string) => string): string {
  return key.split(".").map((t) => (t === "*" || t === ">" ? t : fn(t))).join(".");
}
