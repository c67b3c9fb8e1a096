import { ConfigError } from '../core/errors.ts';
import type { Task } from '../core/trial.ts';
import type { ColumnKind } from './table.ts';
import { errorAtKey, readSettingsFile } from './yaml-file.ts';

/**
 * The `.schema.json` form that describes a bundled data set (see datasets/*.schema.json).
 * Only the fields that steer reading and AutoML are interpreted; the rest (source,
 * citation, counts) is kept for display.
 */
export interface DatasetSchema {
  readonly name?: string;
  readonly file?: string;
  readonly task?: Task;
  readonly target?: string;
  readonly categorical_features?: readonly string[];
  readonly numeric_features?: readonly string[];
  readonly [key: string]: unknown;
}

function stringList(
  value: unknown,
  file: string | undefined,
  keyPath: string,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw errorAtKey(`must be a list of column names, got ${JSON.stringify(value)}`, { file, keyPath });
  }
  return value as string[];
}

/**
 * Validates a parsed schema object; `file` only names the source in errors.
 *
 * @example
 * parseSchema({ task: 'regression', target: 'y', categorical_features: ['city'] });
 */
export function parseSchema(value: unknown, file?: string): DatasetSchema {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`a schema must be a JSON object, got ${JSON.stringify(value)}`, { file });
  }
  const o = value as Record<string, unknown>;
  if (o.task !== undefined && o.task !== 'classification' && o.task !== 'regression') {
    throw errorAtKey(`must be 'classification' or 'regression', got ${JSON.stringify(o.task)}`, {
      file,
      keyPath: 'task',
    });
  }
  if (o.target !== undefined && typeof o.target !== 'string') {
    throw errorAtKey(`must be a column name, got ${JSON.stringify(o.target)}`, {
      file,
      keyPath: 'target',
    });
  }
  stringList(o.categorical_features, file, 'categorical_features');
  stringList(o.numeric_features, file, 'numeric_features');
  return o as DatasetSchema;
}

/**
 * Reads and validates a `.schema.json` file.
 *
 * @example
 * const schema = loadSchema('datasets/boston_housing.schema.json');
 * schema.categorical_features; // ['chas']
 */
export function loadSchema(path: string): DatasetSchema {
  return parseSchema(readSettingsFile(path, 'the schema file'), path);
}

/**
 * The column types a schema fixes: its categorical features, its numeric features, and
 * for a classification task the target as categorical (class labels are strings even
 * when they look like numbers, e.g. glass types 1..7).
 *
 * @example
 * schemaTypes({ task: 'classification', target: 'y', numeric_features: ['a'] }); // { a: 'numeric', y: 'categorical' }
 */
export function schemaTypes(schema: DatasetSchema): Record<string, ColumnKind> {
  const types: Record<string, ColumnKind> = {};
  for (const name of schema.numeric_features ?? []) types[name] = 'numeric';
  for (const name of schema.categorical_features ?? []) types[name] = 'categorical';
  if (schema.target !== undefined && schema.task !== undefined) {
    types[schema.target] = schema.task === 'regression' ? 'numeric' : 'categorical';
  }
  return types;
}
