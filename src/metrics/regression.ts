import { ValidationError } from '../errors.ts';
import { averageRanks, median, weightedMedian } from './order.ts';
import { checkLength, checkNotEmpty, finiteArray, sampleWeights } from './validate.ts';

/** Validated regression targets. */
export interface RegressionInput {
  yTrue: Float64Array;
  yPred: Float64Array;
  weight: Float64Array | undefined;
}

/** Options of the regression metrics. */
export interface RegressionOptions {
  /** Per-sample weights (finite, ≥ 0, not all 0). Spearman, max error ignore them, as scikit-learn/scipy do. */
  sampleWeight?: ArrayLike<number>;
}

/**
 * Checks lengths, finiteness and weights of regression inputs.
 *
 * @example
 * regressionInput([1, 2], [1, 3]).yPred; // Float64Array [1, 3]
 */
export function regressionInput(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions = {},
): RegressionInput {
  checkNotEmpty(yTrue.length, 'yTrue');
  checkLength(yPred, yTrue.length, 'yPred', 'yTrue');
  return {
    yTrue: finiteArray(yTrue, 'yTrue'),
    yPred: finiteArray(yPred, 'yPred'),
    weight: sampleWeights(options.sampleWeight, yTrue.length),
  };
}

/** Σ w·f(i) / Σ w (the plain mean when unweighted), as numpy.average. */
function average(n: number, weight: Float64Array | undefined, f: (i: number) => number): number {
  let s = 0;
  if (weight === undefined) {
    for (let i = 0; i < n; i++) s += f(i);
    return s / n;
  }
  let w = 0;
  for (let i = 0; i < n; i++) {
    s += weight[i]! * f(i);
    w += weight[i]!;
  }
  return s / w;
}

/** scikit-learn's force_finite rule shared by r2 and explained variance. */
function oneMinusRatio(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/** Mean absolute error. @example meanAbsoluteErrorOf(regressionInput([1, 2], [2, 2])); // 0.5 */
export function meanAbsoluteErrorOf(r: RegressionInput): number {
  return average(r.yTrue.length, r.weight, (i) => Math.abs(r.yPred[i]! - r.yTrue[i]!));
}

/** Mean squared error. @example meanSquaredErrorOf(regressionInput([1, 2], [3, 2])); // 2 */
export function meanSquaredErrorOf(r: RegressionInput): number {
  return average(r.yTrue.length, r.weight, (i) => {
    const d = r.yTrue[i]! - r.yPred[i]!;
    return d * d;
  });
}

/**
 * R², scikit-learn's r2_score (force_finite): 1 for perfect predictions, 0 when yTrue
 * is constant otherwise, NaN with fewer than two samples.
 *
 * @example
 * r2ScoreOf(regressionInput([1, 2, 3], [1, 2, 4])); // 0.5
 */
export function r2ScoreOf(r: RegressionInput): number {
  const n = r.yTrue.length;
  if (n < 2) return Number.NaN;
  const mean = average(n, r.weight, (i) => r.yTrue[i]!);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const w = r.weight === undefined ? 1 : r.weight[i]!;
    const d = r.yTrue[i]! - r.yPred[i]!;
    const e = r.yTrue[i]! - mean;
    num += w * d * d;
    den += w * e * e;
  }
  return oneMinusRatio(num, den);
}

/**
 * Explained variance, scikit-learn's explained_variance_score (force_finite).
 *
 * @example
 * explainedVarianceOf(regressionInput([1, 2, 3], [2, 3, 4])); // 1
 */
export function explainedVarianceOf(r: RegressionInput): number {
  const n = r.yTrue.length;
  const diffMean = average(n, r.weight, (i) => r.yTrue[i]! - r.yPred[i]!);
  const num = average(n, r.weight, (i) => {
    const d = r.yTrue[i]! - r.yPred[i]! - diffMean;
    return d * d;
  });
  const mean = average(n, r.weight, (i) => r.yTrue[i]!);
  const den = average(n, r.weight, (i) => {
    const d = r.yTrue[i]! - mean;
    return d * d;
  });
  return oneMinusRatio(num, den);
}

/**
 * Mean absolute percentage error as scikit-learn's: |ŷ − y| / max(|y|, eps), a
 * fraction (not ×100).
 *
 * @example
 * meanAbsolutePercentageErrorOf(regressionInput([2, 4], [1, 5])); // 0.375
 */
export function meanAbsolutePercentageErrorOf(r: RegressionInput): number {
  return average(r.yTrue.length, r.weight, (i) => {
    const y = r.yTrue[i]!;
    return Math.abs(r.yPred[i]! - y) / Math.max(Math.abs(y), Number.EPSILON);
  });
}

/**
 * Median absolute error; weighted, the lower weighted median (scikit-learn's).
 *
 * @example
 * medianAbsoluteErrorOf(regressionInput([1, 2, 3, 4], [1, 3, 5, 8])); // 1.5
 */
export function medianAbsoluteErrorOf(r: RegressionInput): number {
  const n = r.yTrue.length;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = Math.abs(r.yPred[i]! - r.yTrue[i]!);
  return r.weight === undefined ? median(errors) : weightedMedian(errors, r.weight);
}

/** Largest absolute error (unweighted). @example maxErrorOf(regressionInput([1, 2], [3, 2])); // 2 */
export function maxErrorOf(r: RegressionInput): number {
  let m = 0;
  for (let i = 0; i < r.yTrue.length; i++) m = Math.max(m, Math.abs(r.yTrue[i]! - r.yPred[i]!));
  return m;
}

/**
 * Spearman rank correlation as scipy's spearmanr: Pearson correlation of tie-averaged
 * ranks, unweighted; NaN when either side is constant.
 *
 * @example
 * spearmanOf(regressionInput([1, 2, 3], [10, 30, 20])); // 0.5
 */
export function spearmanOf(r: RegressionInput): number {
  const n = r.yTrue.length;
  if (isConstant(r.yTrue) || isConstant(r.yPred)) return Number.NaN;
  const a = averageRanks(r.yTrue);
  const b = averageRanks(r.yPred);
  // Ranks 1..n always average (n + 1) / 2, ties included.
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - mean;
    const y = b[i]! - mean;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const rho = sab / Math.sqrt(saa) / Math.sqrt(sbb);
  return Math.max(-1, Math.min(1, rho));
}

function isConstant(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/**
 * True when a value of yTrue or yPred is negative, which rules out the log errors.
 *
 * @example
 * hasNegative(regressionInput([1, -2], [1, 1])); // true
 */
export function hasNegative(r: RegressionInput): boolean {
  for (let i = 0; i < r.yTrue.length; i++) if (r.yTrue[i]! < 0 || r.yPred[i]! < 0) return true;
  return false;
}

/**
 * Root mean squared log error, √MSE(log1p y, log1p ŷ) (scikit-learn's
 * mean_squared_log_error, rooted); NaN when a value is negative.
 *
 * @example
 * rootMeanSquaredLogErrorOf(regressionInput([0, Math.E - 1], [0, 0])); // 0.707…
 */
export function rootMeanSquaredLogErrorOf(r: RegressionInput): number {
  if (hasNegative(r)) return Number.NaN;
  return Math.sqrt(
    average(r.yTrue.length, r.weight, (i) => {
      const d = Math.log1p(r.yTrue[i]!) - Math.log1p(r.yPred[i]!);
      return d * d;
    }),
  );
}

function extent(a: Float64Array): { min: number; max: number } {
  let min = a[0]!;
  let max = a[0]!;
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

function identical(r: RegressionInput): boolean {
  for (let i = 0; i < r.yTrue.length; i++) if (r.yTrue[i] !== r.yPred[i]) return false;
  return true;
}

/**
 * Divides an error by the range of yTrue as Azure AutoML normalizes; when yTrue is
 * constant: 0 if the predictions equal it exactly, NaN otherwise.
 *
 * @example
 * normalizeByRange(regressionInput([0, 10], [1, 9]), 1); // 0.1
 */
export function normalizeByRange(r: RegressionInput, error: number, log = false): number {
  const { min, max } = extent(r.yTrue);
  if (min === max) return identical(r) ? 0 : Number.NaN;
  return error / Math.abs(log ? Math.log1p(max) - Math.log1p(min) : max - min);
}

function withInput(f: (r: RegressionInput) => number) {
  return (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options?: RegressionOptions) =>
    f(regressionInput(yTrue, yPred, options));
}

/** Mean absolute error (scikit-learn's mean_absolute_error). @example meanAbsoluteError([1, 2], [2, 2]); // 0.5 */
export const meanAbsoluteError = withInput(meanAbsoluteErrorOf);
/** Mean squared error (scikit-learn's mean_squared_error). @example meanSquaredError([1, 2], [3, 2]); // 2 */
export const meanSquaredError = withInput(meanSquaredErrorOf);
/** Root mean squared error. @example rootMeanSquaredError([1, 2], [3, 2]); // 1.414… */
export const rootMeanSquaredError = withInput((r) => Math.sqrt(meanSquaredErrorOf(r)));
/** R² (scikit-learn's r2_score). @example r2Score([1, 2, 3], [1, 2, 4]); // 0.5 */
export const r2Score = withInput(r2ScoreOf);
/** Explained variance (scikit-learn's explained_variance_score). @example explainedVariance([1, 2, 3], [2, 3, 4]); // 1 */
export const explainedVariance = withInput(explainedVarianceOf);
/** Mean absolute percentage error, a fraction. @example meanAbsolutePercentageError([2, 4], [1, 5]); // 0.375 */
export const meanAbsolutePercentageError = withInput(meanAbsolutePercentageErrorOf);
/** Median absolute error. @example medianAbsoluteError([1, 2, 3, 4], [1, 3, 5, 8]); // 1.5 */
export const medianAbsoluteError = withInput(medianAbsoluteErrorOf);
/** Max error (scikit-learn's max_error). @example maxError([1, 2], [3, 2]); // 2 */
export const maxError = withInput(maxErrorOf);
/** Spearman rank correlation (scipy's spearmanr). @example spearmanCorrelation([1, 2, 3], [10, 30, 20]); // 0.5 */
export const spearmanCorrelation = withInput(spearmanOf);
/** MAE / range of yTrue (Azure AutoML). @example normalizedMeanAbsoluteError([0, 10], [1, 9]); // 0.1 */
export const normalizedMeanAbsoluteError = withInput((r) => normalizeByRange(r, meanAbsoluteErrorOf(r)));
/** RMSE / range of yTrue (Azure AutoML). @example normalizedRootMeanSquaredError([0, 10], [1, 9]); // 0.1 */
export const normalizedRootMeanSquaredError = withInput((r) =>
  normalizeByRange(r, Math.sqrt(meanSquaredErrorOf(r))),
);
/** Median absolute error / range of yTrue (Azure AutoML). @example normalizedMedianAbsoluteError([0, 10], [1, 9]); // 0.1 */
export const normalizedMedianAbsoluteError = withInput((r) => normalizeByRange(r, medianAbsoluteErrorOf(r)));

function logInput(f: (r: RegressionInput) => number, metric: string) {
  return withInput((r) => {
    if (hasNegative(r)) {
      throw new ValidationError(`${metric} is undefined for negative values (log1p of yTrue and yPred).`, {
        path: 'yTrue',
      });
    }
    return f(r);
  });
}

/** Root mean squared log error; throws on negative values. @example rootMeanSquaredLogError([0, 1], [0, 1]); // 0 */
export const rootMeanSquaredLogError = logInput(rootMeanSquaredLogErrorOf, 'root_mean_squared_log_error');
/**
 * RMSLE / (log1p(max yTrue) − log1p(min yTrue)) (Azure AutoML); throws on negative values.
 *
 * @example
 * normalizedRootMeanSquaredLogError([0, 3], [0, 3]); // 0
 */
export const normalizedRootMeanSquaredLogError = logInput(
  (r) => normalizeByRange(r, rootMeanSquaredLogErrorOf(r), true),
  'normalized_root_mean_squared_log_error',
);
