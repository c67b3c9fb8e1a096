/**
 * The request fields of the registry, artifact and logged-model routes beyond request.ts's
 * basics: a model version number, `[{key, value}]` lists as records, and one page of an
 * in-memory list with request.ts's page tokens.
 */
import { MlflowApiError } from './context.ts';
import { type Fields, missing, objectList, pageOffset, pageToken } from './request.ts';

/**
 * A model version number field ("3", or 3 from clients that send numbers).
 *
 * @example
 * versionField({ version: '3' }); // 3
 */
export function versionField(fields: Fields, key = 'version'): number {
  const raw = fields[key];
  if (raw === undefined || raw === null || raw === '') throw missing(key);
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : '';
  if (!/^[1-9]\d*$/.test(text)) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(raw)} for parameter '${key}': a model version is a whole number from 1`,
    );
  }
  return Number(text);
}

/**
 * `[{key, value}]` tags or params as a record; INVALID_PARAMETER_VALUE for an entry
 * without a key.
 *
 * @example
 * keyValues({ tags: [{ key: 'team', value: 'ml' }] }, 'tags'); // { team: 'ml' }
 */
export function keyValues(fields: Fields, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of objectList(fields, key)) {
    if (typeof item['key'] !== 'string' || item['key'] === '') {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid value ${JSON.stringify(item)} in '${key}': expected {"key": "...", "value": "..."}`,
      );
    }
    const value = item['value'];
    out[item['key']] = value === undefined || value === null ? '' : String(value);
  }
  return out;
}

/**
 * One page of `all` from the request's `page_token`, and the token of the next page
 * (request.ts's tokens, so every search of the API pages alike).
 *
 * @example
 * const { items, nextPageToken } = pageOf(models, 100, fields);
 */
export function pageOf<T>(
  all: readonly T[],
  size: number,
  fields: Fields,
): { items: T[]; nextPageToken?: string } {
  const offset = pageOffset(fields);
  const items = all.slice(offset, offset + size);
  const next = pageToken(offset, size, offset + size < all.length);
  return next === undefined ? { items } : { items, nextPageToken: next };
}
