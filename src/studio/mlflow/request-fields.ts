/**
 * Reading an MLflow request's fields: GET sends them in the query string, other methods
 * as a JSON body (DELETE included); both are read, the body winning.
 */
import type { FastifyRequest } from 'fastify';
import { MlflowApiError } from './context.ts';

/** The fields of a request, from its query string and JSON body. */
export type Fields = Readonly<Record<string, unknown>>;

/**
 * The query string's fields overlaid by the JSON body's.
 *
 * @example
 * const fields = requestFields(request); // { name: 'iris-rf' }
 */
export function requestFields(request: FastifyRequest): Fields {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new MlflowApiError('BAD_REQUEST', 'the request body must be a JSON object');
  }
  return { ...query, ...((body ?? {}) as Record<string, unknown>) };
}

/**
 * A required string field; MLflow's INVALID_PARAMETER_VALUE naming it when missing or empty.
 *
 * @example
 * const name = requiredString(fields, 'name');
 */
export function requiredString(fields: Fields, key: string): string {
  const value = fields[key];
  if (value === undefined || value === null || value === '') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`,
    );
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(value)} for parameter '${key}' supplied: expected a string`,
    );
  }
  return String(value);
}

/**
 * An optional string field (undefined when absent or empty).
 *
 * @example
 * optionalString(fields, 'description'); // undefined
 */
export function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  return requiredString(fields, key);
}

/**
 * A whole number field within [min, max], `fallback` when absent.
 *
 * @example
 * integerField(fields, 'max_results', 100, 1, 1000);
 */
export function integerField(
  fields: Fields,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = fields[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(raw)} for parameter '${key}' supplied: expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * A model version number field ("3" or 3).
 *
 * @example
 * versionField(fields); // 3
 */
export function versionField(fields: Fields, key = 'version'): number {
  const raw = requiredString(fields, key);
  if (!/^[1-9]\d*$/.test(raw)) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value '${raw}' for parameter '${key}': a model version is a whole number from 1`,
    );
  }
  return Number(raw);
}

/**
 * A list field given as an array, or once or repeated in a query string.
 *
 * @example
 * listField(fields, 'order_by'); // ['name ASC']
 */
export function listField(fields: Fields, key: string): unknown[] {
  const value = fields[key];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * `[{key, value}]` tags or params as a record; INVALID_PARAMETER_VALUE for a bad entry.
 *
 * @example
 * keyValues(fields, 'tags'); // { team: 'ml' }
 */
export function keyValues(fields: Fields, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of listField(fields, key)) {
    const item = entry as { key?: unknown; value?: unknown } | null;
    if (item === null || typeof item !== 'object' || typeof item.key !== 'string' || item.key === '') {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid value ${JSON.stringify(entry)} in '${key}': expected {"key": "...", "value": "..."}`,
      );
    }
    out[item.key] = item.value === undefined || item.value === null ? '' : String(item.value);
  }
  return out;
}

/**
 * Paging as MLflow does it: an opaque token holding the offset of the next page.
 *
 * @example
 * const { items, nextPageToken } = pageOf(all, 100, fields['page_token']);
 */
export function pageOf<T>(
  all: readonly T[],
  maxResults: number,
  token: unknown,
): { items: T[]; nextPageToken?: string } {
  let offset = 0;
  if (token !== undefined && token !== null && token !== '') {
    try {
      const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
        offset?: unknown;
      };
      if (typeof parsed.offset !== 'number' || !Number.isSafeInteger(parsed.offset) || parsed.offset < 0)
        throw new Error();
      offset = parsed.offset;
    } catch {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid page token ${JSON.stringify(token)}`);
    }
  }
  const items = all.slice(offset, offset + maxResults);
  const next = offset + items.length;
  return next < all.length
    ? { items, nextPageToken: Buffer.from(JSON.stringify({ offset: next })).toString('base64url') }
    : { items };
}
