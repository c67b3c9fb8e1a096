/**
 * One page of a list held in memory, in the studio's list shape
 * `{ items, total, nextPageToken? }` (the domain lists are short: sweeps, models, endpoints).
 */
import { pageQuery } from './query.ts';

/** A page of a list: its items, how many there are in all, and the next page's token. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly nextPageToken?: string;
}

/**
 * The page of `all` that the query's `limit` and `offset` (or `pageToken`) ask for.
 *
 * @example
 * pageOfList([1, 2, 3], { limit: '2' }); // { items: [1, 2], total: 3, nextPageToken: '2' }
 */
export function pageOfList<T>(
  all: readonly T[],
  query: Record<string, unknown>,
  defaultLimit = 100,
): ListPage<T> {
  const { limit, offset } = pageQuery(query, defaultLimit);
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length < all.length ? String(offset + items.length) : undefined;
  return { items, total: all.length, ...(next !== undefined ? { nextPageToken: next } : {}) };
}
