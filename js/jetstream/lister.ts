/**
 * `Lister`: a paged listing of an `$JS.API` LIST/NAMES endpoint (ADR-1 paging: each page reports
 * `total`, `offset`, `limit`; the next request asks from the count seen so far), as an async
 * iterator or page by page with `next()`.
 *
 * Must not: know which endpoint it pages (the caller gives the subject and the field to read), or
 * request another page once `total` is reached or a page came back empty.
 */
import type { ApiPaged } from "./types.ts";
import type { BaseApiClient } from "./api.ts";
import type { Lister, StreamInfo } from "./types.ts";

export class ListerImpl<T> implements Lister<T>, AsyncIterable<T> {
  err?: Error;
  offset = 0;
  pageInfo?: ApiPaged;

  /** `field` names the array of each page (`streams` or `consumers`); payload adds filters. */
  constructor(
    readonly subject: string,
    readonly field: string,
    readonly api: BaseApiClient,
    readonly payload: Record<string, unknown> = {},
    readonly fix?: (v: T) => void,
  ) {}

  /** The next page ([] once done, or after an error). */
  async next(): Promise<T[]> {
    if (this.err || (this.pageInfo && this.offset >= this.pageInfo.total)) return [];
    try {
      const r = await this.api._request(this.subject, { ...this.payload, offset: this.offset });
      this.pageInfo = r as ApiPaged;
      const items = ((r as Record<string, unknown>)[this.field] ?? []) as T[];
      this.offset += items.length;
      if (this.fix) items.forEach(this.fix);
      return items;
    } catch (err) {
      this.err = err as Error;
      throw err;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let page = await this.next(); page.length > 0; page = await this.next()) {
      yield* page;
    }
  }
}

/**
 * The streams of one kind (their names start with `prefix`: `KV_`, `OBJ_`) as `T`, over the
 * stream listing's pages. A page with none of them is skipped, not taken for the end.
 */
export function streamsOfKind<T>(
  all: Lister<StreamInfo>,
  prefix: string,
  as: (si: StreamInfo) => T,
): Lister<T> {
  const next = async (): Promise<T[]> => {
    for (let page = await all.next(); page.length > 0; page = await all.next()) {
      const found = page.filter((si) => si.config.name.startsWith(prefix));
      if (found.length > 0) return found.map(as);
    }
    return [];
  };
  return {
    next,
    async *[Symbol.asyncIterator]() {
      for (let page = await next(); page.length > 0; page = await next()) yield* page;
    },
  };
}
