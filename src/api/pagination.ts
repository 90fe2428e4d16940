import type { Page } from './models.js';

export type { Page };

/** Page-size arguments of every `get…Page` method. */
export interface PageOptions {
  /** 0–100, default 10 (0 is legal: no items, real total). */
  limit?: number;
  /** ≥ 0, default 0. */
  offset?: number;
}

/** Arguments of every `iter…` method. */
export interface IterOptions {
  /** Page size used while iterating, 1–100, default 100. */
  limit?: number;
}

export const DEFAULT_PAGE_LIMIT = 10;
export const DEFAULT_ITER_LIMIT = 100;

/**
 * Streams every item of an offset-paginated list, one page in memory at a time. Stops at `total`
 * and on an empty page (which also guards against a server whose `total` overstates the list).
 */
export async function* iteratePages<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
  limit: number,
): AsyncGenerator<T, void, undefined> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage(limit, offset);
    yield* page.items;
    if (page.items.length === 0 || offset + page.items.length >= page.total) return;
    // Advance by what arrived, not by what was asked: a server capping pages below `limit`
    // must not make the walk skip items.
    offset += page.items.length;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
