/**
 * `createInbox(prefix?)`: a unique reply subject `<prefix or _INBOX>.<nuid>`. A prefix with a `*`
 * or `>` token (or one that is not a string) throws NatsError code "BAD API".
 *
 * Must not: validate anything else about the prefix (the server checks subjects).
 */
import { ErrorCode, NatsError } from "./errors.ts";
import { nuid } from "./nuid.ts";

/** Returns `<prefix>.<nuid>`; the prefix defaults to `_INBOX`. */
export function createInbox(prefix = ""): string {
  prefix = prefix || "_INBOX";
  if (typeof prefix !== "string") {
    throw new NatsError("prefix must be a string", ErrorCode.ApiError);
  }
  for (const t of prefix.split(".")) {
    if (t === "*" || t === ">") {
      throw new NatsError(`inbox prefixes cannot have wildcards '${prefix}'`, ErrorCode.ApiError);
    }
  }
  return `${prefix}.${nuid.next()}`;
}
