/**
 * Reading MLflow request fields: from the JSON body of a POST or the query string of a
 * GET, with MLflow's messages for a missing or malformed value (INVALID_PARAMETER_VALUE).
 * int64 fields arrive as numbers or as numeric strings (protobuf's JSON form); both are read.
 */
import type { FastifyRequest } from 'fastify';
import { MlflowApiError } from './context.ts';

/** The fields of a request: the JSON body, or the query string of a GET. */
export type Fields = Readonly<Record<string, unknown>>;

/**
 * The request's fields: the body of a POST/PATCH/DELETE (an object), else the query.
 *
 * @example
 * const fields = fieldsOf(request);
 */
export function fieldsOf(request: FastifyRequest): Fields {
  const source = request.method === 'GET' ? request.query : request.body;
  if (source === undefined || source === null) return {};
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'the request body must be a JSON object');
  }
  return source as Fields;
}

/**
 * A required string field; MLflow's "Missing value for required parameter" otherwise.
 *
 * @example
 * const runId = requiredString(fields, 'run_id');
 */
export function requiredString(fields: Fields, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value !== 'string') throw invalid(name, value, 'a string');
  return value;
}

/**
 * A required id field (`experiment_id`): a string, or a whole JSON number, which some
 * clients send for ids and which means the same.
 *
 * @example
 * requiredId({ experiment_id: 3 }, 'experiment_id'); // '3'
 */
export function requiredId(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return requiredString(fields, name);
}

/**
 * An optional id field, as {@link requiredId}.
 *
 * @example
 * optionalId({}, 'experiment_id'); // undefined
 */
export function optionalId(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  return requiredId(fields, name);
}

/**
 * An optional string field (undefined when absent).
 *
 * @example
 * optionalString(fields, 'run_name');
 */
export function optionalString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, value, 'a string');
  return value;
}

/**
 * An optional int64 field: a JSON number or a string of digits (protobuf's JSON form).
 *
 * @example
 * optionalInteger(fields, 'start_time'); // 1700000000000
 */
export function optionalInteger(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw invalid(name, value, 'an integer');
  return number;
}

/**
 * A required int64 field.
 *
 * @example
 * requiredInteger(fields, 'timestamp');
 */
export function requiredInteger(fields: Fields, name: string): number {
  const value = optionalInteger(fields, name);
  if (value === undefined) throw missing(name);
  return value;
}

/**
 * A double field: a number, or the strings protobuf writes for NaN and the infinities.
 *
 * @example
 * requiredDouble({ value: 'NaN' }, 'value'); // NaN
 */
export function requiredDouble(fields: Fields, name: string): number {
  const value = fields[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const number = Number(value);
    if (value.trim() !== '' && !Number.isNaN(number)) return number;
  }
  throw invalid(name, value, 'a number');
}

/**
 * An optional list of strings (a GET may repeat the key, or give it once).
 *
 * @example
 * stringList(fields, 'experiment_ids'); // ['1', '2']
 */
export function stringList(fields: Fields, name: string): string[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  const list = (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === 'number' && Number.isSafeInteger(item) ? String(item) : item,
  );
  for (const item of list) if (typeof item !== 'string') throw invalid(name, value, 'a list of strings');
  return list as string[];
}

/**
 * An optional list of objects (tags, metrics, params, datasets).
 *
 * @example
 * objectList(fields, 'tags'); // [{ key: 'a', value: 'b' }]
 */
export function objectList(fields: Fields, name: string): Fields[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
  ) {
    throw invalid(name, value, 'a list of objects');
  }
  return value as Fields[];
}

/**
 * MLflow's `max_results` rule: a positive integer up to `limit`, `fallback` when absent.
 *
 * @example
 * maxResults(fields, 1000, 50000);
 */
export function maxResults(fields: Fields, fallback: number, limit: number): number {
  const value = optionalInteger(fields, 'max_results') ?? fallback;
  if (value < 1 || value > limit) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${limit} and at least 1.`,
    );
  }
  return value;
}

/**
 * The offset a page token stands for: tokens are base64 JSON `{"offset": N}` written by
 * {@link pageToken}; anything else is INVALID_PARAMETER_VALUE.
 *
 * @example
 * pageOffset(fields); // 0 without a token
 */
export function pageOffset(fields: Fields): number {
  const token = optionalString(fields, 'page_token');
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through to the error below
  }
  throw new MlflowApiError(
    'INVALID_PARAMETER_VALUE',
    `Invalid page token, could not base64-decode: '${token}'`,
  );
}

/**
 * The token of the next page: callers fetch one row more than the page holds, and pass
 * whether they got it; no token when nothing is left.
 *
 * @example
 * pageToken(0, 100, true); // token for offset 100
 */
export function pageToken(offset: number, pageSize: number, hasMore: boolean): string | undefined {
  if (!hasMore) return undefined;
  return Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString('base64');
}

/** MLflow's message for a missing required field. */
export function missing(name: string): MlflowApiError {
  return new MlflowApiError(
    'INVALID_PARAMETER_VALUE',
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
  );
}

function invalid(name: string, value: unknown, expected: string): MlflowApiError {
  return new MlflowApiError(
    'INVALID_PARAMETER_VALUE',
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}`,
  );
}
