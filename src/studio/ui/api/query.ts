/**
 * Reading the query string of a studio API request: paging and typed values, each
 * refused with a 400 naming the parameter.
 */
import { StudioApiError } from '../errors.ts';

/** Most rows one page may hold. */
export const MAX_PAGE = 1000;

/**
 * `limit` (default 50, at most MAX_PAGE) and `offset` (or `pageToken`, the offset as text).
 *
 * @example
 * pageQuery({ limit: '100', pageToken: '200' }); // { limit: 100, offset: 200 }
 */
export function pageQuery(
  query: Record<string, unknown>,
  defaultLimit = 50,
): { limit: number; offset: number } {
  const limit = queryInteger(query, 'limit', 1, MAX_PAGE) ?? defaultLimit;
  const offset = queryInteger(query, 'offset', 0) ?? queryInteger(query, 'pageToken', 0) ?? 0;
  return { limit, offset };
}

/**
 * A whole number parameter within [min, max], or undefined when absent or empty.
 *
 * @example
 * queryInteger({ step: '5' }, 'step', 0); // 5
 */
export function queryInteger(
  query: Record<string, unknown>,
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = queryString(query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new StudioApiError(
      400,
      'INVALID_VALUE',
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * A text parameter, or undefined when absent or empty (a repeated one: its last value).
 *
 * @example
 * queryString({ filter: "metrics.acc > 0.9" }, 'filter'); // 'metrics.acc > 0.9'
 */
export function queryString(query: Record<string, unknown>, name: string): string | undefined {
  let value = query[name];
  if (Array.isArray(value)) value = value[value.length - 1];
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/**
 * A comma-separated list parameter (empty entries dropped), or [] when absent.
 *
 * @example
 * queryList({ runs: 'a,b' }, 'runs'); // ['a', 'b']
 */
export function queryList(query: Record<string, unknown>, name: string): string[] {
  const raw = query[name];
  const values = Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
