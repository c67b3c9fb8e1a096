import { type Column, isNumericColumn } from '../table.ts';
import type { ColumnPlan, DatetimePart, FeaturizerTarget } from './plan.ts';
import { levelCounts, median, mostFrequent, smoothedMeans, type TargetRows } from './stats.ts';

/** The Featurizer's choices; every field has a default. */
export interface FeaturizerOptions {
  /** Categorical columns with at most this many training levels are one-hot encoded (default 10). */
  readonly maxOneHotLevels?: number;
  /** Encoding of the other categorical columns (default `target` when a target is given, else `frequency`). */
  readonly highCardinality?: 'target' | 'frequency';
  /** Emit a 0/1 `__missing` feature for columns with missing training cells (default true). */
  readonly missingIndicators?: boolean;
  /** Standardize every output feature with training means and deviations (default false). */
  readonly scale?: boolean;
  /** Folds of the cross-fitted target encoding of training rows (default 5). */
  readonly targetEncodingFolds?: number;
  /** The m of the m-estimate smoothing of target encoding (default 10). */
  readonly smoothing?: number;
  /** Seed of the cross-fitting folds (default 0). */
  readonly seed?: number;
  /**
   * How a column's missing cells are filled, by column (Azure's `transformer_params.imputer`);
   * default: the median (numbers, dates), the most frequent level (categories).
   */
  readonly imputation?: Readonly<Record<string, ColumnImputation>>;
}

/** Azure's imputer strategies. */
export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

/** How one column's missing cells are filled. */
export interface ColumnImputation {
  readonly strategy: ImputeStrategy;
  /** The value of the `constant` strategy. */
  readonly fillValue?: number | string;
}

export type ResolvedFeaturizerOptions = Required<Omit<FeaturizerOptions, 'highCardinality' | 'imputation'>> &
  Pick<FeaturizerOptions, 'highCardinality' | 'imputation'>;

export function resolveOptions(o: FeaturizerOptions): ResolvedFeaturizerOptions {
  return {
    maxOneHotLevels: o.maxOneHotLevels ?? 10,
    highCardinality: o.highCardinality,
    missingIndicators: o.missingIndicators ?? true,
    scale: o.scale ?? false,
    targetEncodingFolds: o.targetEncodingFolds ?? 5,
    smoothing: o.smoothing ?? 10,
    seed: o.seed ?? 0,
    // absent unless set, so the JSON of featurizers saved before it stays as it was
    ...(o.imputation !== undefined ? { imputation: o.imputation } : {}),
  };
}

/** The fill of a numeric column's missing cells by its imputation (median by default). */
function numericFill(values: Float64Array, how: ColumnImputation | undefined): number {
  if (how?.strategy === 'constant') return Number(how.fillValue);
  if (how?.strategy !== 'mean' && how?.strategy !== 'most_frequent') return median(values);
  const counts = new Map<number, number>();
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (how.strategy === 'mean') return sum / n;
  // ties go to the smallest value, as scikit-learn's SimpleImputer
  let best = Number.NaN;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * The target as rows of numbers: the value (regression), P(class 1) indicator (binary),
 * or one indicator per class (multiclass).
 */
export function targetRows(target: FeaturizerTarget): TargetRows & { outputs: string[] } {
  if (target.task === 'regression') {
    return { width: 1, outputs: [''], value: (r) => target.values[r]! };
  }
  if (target.nClasses <= 2) {
    return { width: 1, outputs: [''], value: (r) => (target.codes[r] === 1 ? 1 : 0) };
  }
  return {
    width: target.nClasses,
    outputs: Array.from({ length: target.nClasses }, (_, k) => `[${k}]`),
    value: (r, k) => (target.codes[r] === k ? 1 : 0),
  };
}

const DAY_MS = 86_400_000;

function datetimeParts(values: Float64Array): DatetimePart[] {
  let withTime = false;
  for (const v of values) {
    if (!Number.isNaN(v) && v % DAY_MS !== 0) {
      withTime = true;
      break;
    }
  }
  const parts: DatetimePart[] = ['year', 'month', 'day', 'weekday', 'dayofyear'];
  if (withTime) parts.push('hour');
  parts.push('epoch_days');
  return parts;
}

function countMissingNumeric(values: Float64Array): number {
  let n = 0;
  for (const v of values) if (Number.isNaN(v)) n++;
  return n;
}

function distinctNumbers(values: Float64Array): number {
  const s = new Set<number>();
  for (const v of values) {
    if (!Number.isNaN(v)) s.add(v);
    if (s.size > 1) break;
  }
  return s.size;
}

/**
 * Learns the plan of one column from the training rows, or `undefined` when the column
 * carries nothing (ID-like text, or constant with no missing cells). Categorical columns
 * are one-hot up to `maxOneHotLevels` levels, else frequency or target encoded.
 *
 * @example
 * fitColumnPlan({ name: 'x', kind: 'numeric', values: new Float64Array([1, NaN, 3]) }, undefined, resolveOptions({}));
 * // { type: 'numeric', column: 'x', fill: 2, indicator: true, informative: true }
 */
export function fitColumnPlan(
  col: Column,
  target: FeaturizerTarget | undefined,
  o: ResolvedFeaturizerOptions,
): ColumnPlan | undefined {
  if (col.kind === 'text') return undefined;
  if (isNumericColumn(col)) {
    const missing = countMissingNumeric(col.values);
    const indicator = o.missingIndicators && missing > 0 && missing < col.values.length;
    const informative = distinctNumbers(col.values) > 1;
    if (!informative && !indicator) return undefined;
    const fill = missing === col.values.length ? 0 : numericFill(col.values, o.imputation?.[col.name]);
    if (col.kind === 'datetime') {
      return {
        type: 'datetime',
        column: col.name,
        fill,
        parts: datetimeParts(col.values),
        indicator,
        informative,
      };
    }
    return { type: 'numeric', column: col.name, fill, indicator, informative };
  }
  const counts = levelCounts(col.values);
  let present = 0;
  for (const c of counts.values()) present += c;
  const indicator = o.missingIndicators && present > 0 && present < col.values.length;
  const how = o.imputation?.[col.name];
  // a constant fill is a level of its own (the missing cells' count), as scikit-learn's
  if (how?.strategy === 'constant' && present < col.values.length) {
    const level = String(how.fillValue);
    counts.set(level, (counts.get(level) ?? 0) + col.values.length - present);
  }
  const informative = counts.size > 1;
  if (!informative && !indicator) return undefined;
  const fill = how?.strategy === 'constant' ? String(how.fillValue) : (mostFrequent(counts) ?? '');
  const base = { column: col.name, fill, indicator, informative };
  if (counts.size <= o.maxOneHotLevels) {
    // a constant fill's one-hot column is already the missing indicator: no copy of it
    const copy = how?.strategy === 'constant' ? { indicator: false } : {};
    return { type: 'onehot', ...base, ...copy, levels: [...counts.keys()].sort() };
  }
  const mode = o.highCardinality ?? (target ? 'target' : 'frequency');
  if (mode === 'target' && target) {
    const filled = col.values.map((v) => v ?? fill);
    const rows = targetRows(target);
    const all = Int32Array.from({ length: filled.length }, (_, i) => i);
    const { prior, encoding } = smoothedMeans(filled, rows, all, o.smoothing);
    return { type: 'target', ...base, prior, encoding: Object.fromEntries(encoding), outputs: rows.outputs };
  }
  const frequency: Record<string, number> = {};
  const n = col.values.length;
  // the missing cells count toward their fill (already counted in for a constant fill)
  const filledIn = how?.strategy === 'constant' ? 0 : n - present;
  for (const [level, c] of counts) frequency[level] = (c + (level === fill ? filledIn : 0)) / n;
  return { type: 'frequency', ...base, frequency };
}
