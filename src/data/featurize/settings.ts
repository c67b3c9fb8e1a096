import { didYouMeanAfterList } from '../../space/nearest.ts';
import type { ColumnKind } from '../table.ts';
import { errorAtKey, readSettingsFile } from '../yaml-file.ts';
import type { FeaturizerOptions, ImputeStrategy } from './fit.ts';

/** Azure AutoML's column purposes (`column_name_and_types` values). */
export const COLUMN_PURPOSES = [
  'Numeric',
  'Categorical',
  'CategoricalHash',
  'DateTime',
  'Text',
  'Hashes',
  'Ignore',
  'AllNan',
] as const;
/** One column purpose of `column_name_and_types`. */
export type ColumnPurpose = (typeof COLUMN_PURPOSES)[number];

/** Azure AutoML's transformer names (`blocked_transformers` values). */
export const AZURE_TRANSFORMERS = [
  'TextTargetEncoder',
  'OneHotEncoder',
  'CatTargetEncoder',
  'TfIdf',
  'WoETargetEncoder',
  'LabelEncoder',
  'WordEmbedding',
  'NaiveBayes',
  'CountVectorizer',
  'HashOneHotEncoder',
] as const;
export type AzureTransformer = (typeof AZURE_TRANSFORMERS)[number];

/** One entry of `transformer_params.imputer`, as Azure writes it. */
export interface ImputerSetting {
  readonly fields: readonly string[];
  readonly parameters: { readonly strategy: ImputeStrategy; readonly fill_value?: number | string };
}

/**
 * Azure AutoML's `featurization` block (its `custom` form), with Azure's key names. The
 * transformers mlsweep does not have (text, hashing, label and word-embedding encoders)
 * are accepted and said to have no effect.
 */
export interface FeaturizationSettings {
  readonly mode?: 'auto' | 'off' | 'custom';
  readonly blocked_transformers?: readonly AzureTransformer[];
  /** Column name to purpose: overrides the kind read from the data; `Ignore` leaves the column out. */
  readonly column_name_and_types?: Readonly<Record<string, ColumnPurpose>>;
  readonly transformer_params?: {
    readonly imputer?: readonly ImputerSetting[];
    readonly hash_one_hot_encoder?: readonly unknown[];
    readonly tf_idf?: readonly unknown[];
  };
  /** Azure's deep-learning featurization: not available here, accepted when false. */
  readonly enable_dnn_featurization?: boolean;
}

/** `featurization` as AutoML takes it: Azure's `auto`, `off`, or the settings block. */
export type Featurization = 'auto' | 'off' | FeaturizationSettings;

const KEYS = [
  'mode',
  'blocked_transformers',
  'column_name_and_types',
  'transformer_params',
  'enable_dnn_featurization',
];
const TRANSFORMER_PARAMS = ['imputer', 'hash_one_hot_encoder', 'tf_idf'];
const STRATEGIES: readonly ImputeStrategy[] = ['mean', 'median', 'most_frequent', 'constant'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One allowed value of a closed list, or a ConfigError naming the key, the value and the nearest allowed one. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: Where): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const shown = JSON.stringify(value);
  throw errorAtKey(
    `unknown value ${shown} (allowed: ${allowed.join(', ')})${typeof value === 'string' ? didYouMeanAfterList(value, allowed) : ''}`,
    where,
  );
}

interface Where {
  readonly file?: string;
  readonly keyPath: string;
}

function at(file: string | undefined, keyPath: string): Where {
  return { ...(file !== undefined ? { file } : {}), keyPath };
}

function unknownKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  file: string | undefined,
  prefix: string,
) {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      throw errorAtKey(
        `unknown key '${k}' (known: ${known.join(', ')})${didYouMeanAfterList(k, known)}`,
        at(file, `${prefix}${k}`),
      );
    }
  }
}

function imputerEntry(e: unknown, file: string | undefined, path: string): ImputerSetting {
  if (!isObject(e))
    throw errorAtKey(
      `must be { fields: [...], parameters: { strategy } }, got ${JSON.stringify(e)}`,
      at(file, path),
    );
  unknownKeys(e, ['fields', 'parameters'], file, `${path}.`);
  const fields = e.fields;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string')) {
    throw errorAtKey(
      `must be a non-empty list of column names, got ${JSON.stringify(fields)}`,
      at(file, `${path}.fields`),
    );
  }
  const p = e.parameters;
  if (!isObject(p))
    throw errorAtKey(`must be { strategy: ... }, got ${JSON.stringify(p)}`, at(file, `${path}.parameters`));
  unknownKeys(p, ['strategy', 'fill_value'], file, `${path}.parameters.`);
  const strategy = oneOf(p.strategy, STRATEGIES, at(file, `${path}.parameters.strategy`));
  const fill = p.fill_value;
  if (strategy === 'constant' && typeof fill !== 'number' && typeof fill !== 'string') {
    throw errorAtKey(
      `the constant strategy needs a fill_value (a number or a string), got ${JSON.stringify(fill)}`,
      at(file, `${path}.parameters.fill_value`),
    );
  }
  return {
    fields: fields as string[],
    parameters: { strategy, ...(fill !== undefined ? { fill_value: fill as number | string } : {}) },
  };
}

/**
 * Checks a `featurization` value: `'auto'`, `'off'`, or Azure's settings block (every key
 * and value known; column names are checked against the data later, by
 * `resolveFeaturization`). A mistake is a ConfigError naming the file, the key and the value.
 *
 * @example
 * parseFeaturization({ blocked_transformers: ['OneHotEncoder'], column_name_and_types: { zip: 'Categorical' } });
 * parseFeaturization({ blocked_transformers: ['OneHotEncodr'] }); // throws: blocked_transformers[0]: unknown value "OneHotEncodr" ... did you mean 'OneHotEncoder'?
 */
export function parseFeaturization(value: unknown, file?: string): Featurization {
  if (value === 'auto' || value === 'off') return value;
  if (!isObject(value)) {
    throw errorAtKey(
      `must be 'auto', 'off' or a settings object, got ${JSON.stringify(value)}`,
      at(file, 'featurization'),
    );
  }
  unknownKeys(value, KEYS, file, '');
  const mode =
    value.mode === undefined
      ? undefined
      : oneOf(value.mode, ['auto', 'off', 'custom'] as const, at(file, 'mode'));
  const blocked = value.blocked_transformers;
  if (blocked !== undefined && !Array.isArray(blocked))
    throw errorAtKey(`must be a list, got ${JSON.stringify(blocked)}`, at(file, 'blocked_transformers'));
  const types = value.column_name_and_types;
  if (types !== undefined && !isObject(types))
    throw errorAtKey(
      `must be an object of column: purpose, got ${JSON.stringify(types)}`,
      at(file, 'column_name_and_types'),
    );
  const params = value.transformer_params;
  if (params !== undefined && !isObject(params))
    throw errorAtKey(`must be an object, got ${JSON.stringify(params)}`, at(file, 'transformer_params'));
  if (params) unknownKeys(params, TRANSFORMER_PARAMS, file, 'transformer_params.');
  const imputer = params?.imputer;
  if (imputer !== undefined && !Array.isArray(imputer))
    throw errorAtKey(
      `must be a list, got ${JSON.stringify(imputer)}`,
      at(file, 'transformer_params.imputer'),
    );
  const dnn = value.enable_dnn_featurization;
  if (dnn !== undefined && dnn !== false) {
    throw errorAtKey(
      `deep-learning featurization is not available in mlsweep; leave it out or set it to false, got ${JSON.stringify(dnn)}`,
      at(file, 'enable_dnn_featurization'),
    );
  }
  return {
    ...(mode !== undefined ? { mode } : {}),
    ...(blocked
      ? {
          blocked_transformers: blocked.map((t, i) =>
            oneOf(t, AZURE_TRANSFORMERS, at(file, `blocked_transformers[${i}]`)),
          ),
        }
      : {}),
    ...(types
      ? {
          column_name_and_types: Object.fromEntries(
            Object.entries(types).map(([c, p]) => [
              c,
              oneOf(p, COLUMN_PURPOSES, at(file, `column_name_and_types.${c}`)),
            ]),
          ),
        }
      : {}),
    ...(params
      ? {
          transformer_params: {
            ...(imputer
              ? { imputer: imputer.map((e, i) => imputerEntry(e, file, `transformer_params.imputer[${i}]`)) }
              : {}),
            ...(Array.isArray(params.hash_one_hot_encoder)
              ? { hash_one_hot_encoder: params.hash_one_hot_encoder }
              : {}),
            ...(Array.isArray(params.tf_idf) ? { tf_idf: params.tf_idf } : {}),
          },
        }
      : {}),
    ...(dnn === false ? { enable_dnn_featurization: false } : {}),
  };
}

/**
 * Reads a featurization settings file (JSON, Azure's `featurization` block).
 *
 * @example
 * loadFeaturization('featurization.json'); // { blocked_transformers: [...], ... }
 */
export function loadFeaturization(path: string): Featurization {
  return parseFeaturization(readSettingsFile(path, 'the featurization settings'), path);
}

/** What featurization settings mean for one data set. */
export interface ResolvedFeaturization {
  /** The Featurizer's options. */
  readonly options: FeaturizerOptions;
  /** Columns whose kind the settings change, and the new kind. */
  readonly kinds: Readonly<Record<string, ColumnKind>>;
  /** Columns left out (`Ignore`, `AllNan`). */
  readonly ignored: readonly string[];
  /** What was set that has no effect here, one line each. */
  readonly notices: readonly string[];
}

const PURPOSE_KIND: Readonly<Record<ColumnPurpose, ColumnKind | undefined>> = {
  Numeric: 'numeric',
  Categorical: 'categorical',
  CategoricalHash: 'categorical',
  DateTime: 'datetime',
  Text: 'text',
  Hashes: 'text',
  Ignore: undefined,
  AllNan: undefined,
};

const NO_EFFECT: Readonly<Partial<Record<AzureTransformer, string>>> = {
  TextTargetEncoder: 'text columns are left out',
  TfIdf: 'text columns are left out',
  WordEmbedding: 'text columns are left out',
  NaiveBayes: 'text columns are left out',
  CountVectorizer: 'text columns are left out',
  LabelEncoder: 'mlsweep does not label-encode',
  HashOneHotEncoder: 'mlsweep does not hash categories',
};

/**
 * What `featurization` means for a data set with these columns (kinds as read): the
 * Featurizer's options, the kind changes and the ignored columns; a column the settings
 * name that the data lacks, or an imputer strategy the column's kind cannot take, is a
 * ConfigError naming the key and the value. `off` featurizes as little as models
 * need: no missing-value indicators and no target encoding (categories still become
 * numbers: one-hot or by frequency).
 *
 * @example
 * resolveFeaturization({ column_name_and_types: { id: 'Ignore' } }, { id: 'numeric', age: 'numeric' });
 * // { options: {}, kinds: {}, ignored: ['id'], notices: [] }
 */
export function resolveFeaturization(
  featurization: Featurization | undefined,
  columns: Readonly<Record<string, ColumnKind>>,
  file?: string,
): ResolvedFeaturization {
  const off: FeaturizerOptions = { missingIndicators: false, highCardinality: 'frequency' };
  if (featurization === undefined || featurization === 'auto')
    return { options: {}, kinds: {}, ignored: [], notices: [] };
  if (featurization === 'off' || featurization.mode === 'off')
    return { options: off, kinds: {}, ignored: [], notices: [] };
  const notices: string[] = [];
  const known = Object.keys(columns);
  const column = (name: string, keyPath: string) => {
    if (!(name in columns)) {
      throw errorAtKey(
        `the data has no column '${name}' (its columns: ${known.join(', ')})${didYouMeanAfterList(name, known)}`,
        at(file, keyPath),
      );
    }
  };
  const kinds: Record<string, ColumnKind> = {};
  const ignored: string[] = [];
  for (const [name, purpose] of Object.entries(featurization.column_name_and_types ?? {})) {
    column(name, `column_name_and_types.${name}`);
    const kind = PURPOSE_KIND[purpose];
    if (kind === undefined) ignored.push(name);
    else if (kind !== columns[name]) kinds[name] = kind;
    if (purpose === 'Text' || purpose === 'Hashes')
      notices.push(
        `featurization: column '${name}' is ${purpose}: mlsweep has no text featurization, so it is left out`,
      );
    if (purpose === 'CategoricalHash')
      notices.push(
        `featurization: column '${name}' is CategoricalHash: encoded as Categorical (one-hot, or target / frequency encoding for many levels)`,
      );
  }
  const blocked = new Set(featurization.blocked_transformers ?? []);
  const options: { -readonly [K in keyof FeaturizerOptions]: FeaturizerOptions[K] } = {};
  if (blocked.has('OneHotEncoder')) options.maxOneHotLevels = 0;
  if (blocked.has('CatTargetEncoder') || blocked.has('WoETargetEncoder'))
    options.highCardinality = 'frequency';
  for (const t of blocked) {
    const why = NO_EFFECT[t];
    if (why) notices.push(`featurization: blocking ${t} has no effect (${why})`);
  }
  const imputation: Record<string, { strategy: ImputeStrategy; fillValue?: number | string }> = {};
  (featurization.transformer_params?.imputer ?? []).forEach((entry, i) => {
    entry.fields.forEach((name, j) => {
      const path = `transformer_params.imputer[${i}].fields[${j}]`;
      column(name, path);
      const kind = kinds[name] ?? columns[name]!;
      const { strategy, fill_value } = entry.parameters;
      const textual = kind === 'categorical' || kind === 'text';
      if (textual && (strategy === 'mean' || strategy === 'median')) {
        throw errorAtKey(
          `column '${name}' is ${kind}: its imputer strategy must be most_frequent or constant, got '${strategy}'`,
          at(file, `transformer_params.imputer[${i}].parameters.strategy`),
        );
      }
      if (strategy === 'constant' && !textual && typeof fill_value !== 'number') {
        throw errorAtKey(
          `column '${name}' is ${kind}: its fill_value must be a number, got ${JSON.stringify(fill_value)}`,
          at(file, `transformer_params.imputer[${i}].parameters.fill_value`),
        );
      }
      imputation[name] = { strategy, ...(fill_value !== undefined ? { fillValue: fill_value } : {}) };
    });
  });
  if (Object.keys(imputation).length > 0) options.imputation = imputation;
  for (const key of ['hash_one_hot_encoder', 'tf_idf'] as const) {
    if (featurization.transformer_params?.[key])
      notices.push(
        `featurization: transformer_params.${key} has no effect (mlsweep has no such transformer)`,
      );
  }
  return { options, kinds, ignored, notices };
}
