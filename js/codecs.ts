/**
 * Payload codecs of the v1 API: `StringCodec` (UTF-8) and `JSONCodec<T>` (undefined encodes as
 * null; encode/decode failures throw NatsError BAD_JSON chaining the cause).
 *
 * Must not: allocate encoders per call (the shared TE/TD are used).
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { TD, TE } from "./encoders.ts";
import type { Codec, ReviverFn } from "./types.ts";

/** A codec between strings and UTF-8 bytes. */
export function StringCodec(): Codec<string> {
  return {
    encode(d: string): Uint8Array {
      return TE.encode(d);
    },
    decode(a: Uint8Array): string {
      return TD.decode(a);
    },
  };
}

/** A codec between JS values and JSON text bytes. */
// deno-lint-ignore no-explicit-any
export function JSONCodec<T = any>(reviver?: ReviverFn): Codec<T> {
  return {
    encode(d: T): Uint8Array {
      try {
        return TE.encode(JSON.stringify(d === undefined ? null : d));
      } catch (err) {
        throw NatsError.errorForCode(ErrorCode.BadJson, err as Error);
      }
    },
    decode(a: Uint8Array): T {
      try {
        return JSON.parse(TD.decode(a), reviver);
      } catch (err) {
        throw NatsError.errorForCode(ErrorCode.BadJson, err as Error);
      }
    },
  };
}
