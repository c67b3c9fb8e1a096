/**
 * MLflow's rules for what may be logged (mlflow/utils/validation.py): key names, value
 * lengths and the limits of one log-batch request, each broken rule an
 * INVALID_PARAMETER_VALUE with MLflow's wording.
 */

import type { LoggedMetric } from './context.ts';
import { MlflowApiError } from './context.ts';
import { type Fields, optionalInteger, requiredDouble, requiredInteger, requiredString } from './request.ts';

/** Longest metric, param or tag key. */
export const MAX_KEY_LENGTH = 250;
/** Longest param value. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest tag value. */
export const MAX_TAG_VALUE_LENGTH = 8000;
/** Most metrics in one log-batch request. */
export const MAX_BATCH_METRICS = 1000;
/** Most params in one log-batch request. */
export const MAX_BATCH_PARAMS = 100;
/** Most tags in one log-batch request. */
export const MAX_BATCH_TAGS = 100;
/** Most metrics, params and tags together in one log-batch request. */
export const MAX_BATCH_ENTITIES = 1000;
/** Largest log-batch request body, in bytes. */
export const MAX_BATCH_BYTES = 1024 * 1024;

// Alphanumerics, underscores, dashes, periods, spaces, colons and slashes, as MLflow allows.
const VALID_NAME = /^[/\w.\- :]*$/;

/**
 * A metric, param or tag key checked against MLflow's rules.
 *
 * @example
 * checkKey('train/loss', 'metric'); // 'train/loss'
 */
export function checkKey(key: string, what: 'metric' | 'param' | 'tag'): string {
  if (!VALID_NAME.test(key)) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid ${what} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  if (key.split('/').includes('..') || key.startsWith('/')) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid ${what} name: '${key}'. Names cannot resolve outside their folder.`,
    );
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `${what} '${key.slice(0, 20)}...' had length ${key.length}, which exceeded length limit of ${MAX_KEY_LENGTH}`,
    );
  }
  return key;
}

/**
 * A `{key, value}` tag; the value may be empty, and at most 8,000 characters.
 *
 * @example
 * checkTag({ key: 'model', value: 'rf' });
 */
export function checkTag(fields: Fields): { key: string; value: string } {
  const key = checkKey(requiredString(fields, 'key'), 'tag');
  const value = stringValue(fields, 'value', key, 'tag', MAX_TAG_VALUE_LENGTH);
  return { key, value };
}

/**
 * A `{key, value}` param; the value is a string of at most 6,000 characters.
 *
 * @example
 * checkParam({ key: 'max_depth', value: '5' });
 */
export function checkParam(fields: Fields): { key: string; value: string } {
  const key = checkKey(requiredString(fields, 'key'), 'param');
  const value = stringValue(fields, 'value', key, 'param', MAX_PARAM_VALUE_LENGTH);
  return { key, value };
}

/**
 * A `{key, value, timestamp, step}` metric; step defaults to 0, timestamp is required.
 *
 * @example
 * checkMetric({ key: 'loss', value: 0.5, timestamp: 1700000000000, step: 3 });
 */
export function checkMetric(fields: Fields): LoggedMetric {
  const key = checkKey(requiredString(fields, 'key'), 'metric');
  return {
    key,
    value: requiredDouble(fields, 'value'),
    timestamp: requiredInteger(fields, 'timestamp'),
    step: optionalInteger(fields, 'step') ?? 0,
  };
}

/**
 * MLflow's limits of one log-batch request: counts and the body size.
 *
 * @example
 * checkBatchLimits(metrics.length, params.length, tags.length, bodyBytes);
 */
export function checkBatchLimits(metrics: number, params: number, tags: number, bytes: number): void {
  if (bytes > MAX_BATCH_BYTES) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Batched logging API requests must be at most 1 MB in size, got size ${bytes} bytes`,
    );
  }
  const over = (count: number, limit: number, what: string) => {
    if (count > limit) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  over(metrics, MAX_BATCH_METRICS, 'metrics');
  over(params, MAX_BATCH_PARAMS, 'params');
  over(tags, MAX_BATCH_TAGS, 'tags');
  const total = metrics + params + tags;
  if (total > MAX_BATCH_ENTITIES) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `A batch logging request can contain at most ${MAX_BATCH_ENTITIES} metrics, params, and tags in total. Got ${total} in total. Please split up the request and try again.`,
    );
  }
}

function stringValue(fields: Fields, name: string, key: string, what: string, limit: number): string {
  const value = fields[name];
  if (value === undefined || value === null) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${name}' of ${what} '${key}'.`,
    );
  }
  if (typeof value !== 'string') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(value)} for parameter '${name}' of ${what} '${key}' supplied: expected a string`,
    );
  }
  if (value.length > limit) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `${what} '${key}' had a value of length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
  return value;
}
