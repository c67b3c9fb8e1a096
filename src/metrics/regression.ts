import { ValidationError } from '../core/errors.ts';
import { encodeKeys, median, radixSort, runEnd, weightedMedian } from './order.ts';
import { checkLength, checkNotEmpty, finiteArray, sampleWeights } from './validate.ts';

/** Validated regression targets. */
export interface RegressionInput {
  yTrue: Float64Array;
  yPred: Float64Array;
  weight: Float64Array | undefined;
  /** The target range the normalized errors divide by, when given instead of yTrue's. */
  range: { min: number; max: number } | undefined;
}

/** Options of the regression metrics. */
export interface RegressionOptions {
  /** Per-sample weights (finite, ≥ 0, not all 0). Spearman, max error ignore them, as scikit-learn/scipy do. */
  sampleWeight?: ArrayLike<number>;
  /**
   * The target range the normalized errors divide by; default: the range of yTrue. Azure
   * AutoML normalizes by the range of the whole dataset's target, so that scores of
   * folds are comparable: pass it here to do the same.
   */
  yRange?: { min: number; max: number };
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
  const range = options.yRange;
  if (
    range !== undefined &&
    !(Number.isFinite(range.min) && Number.isFinite(range.max) && range.min <= range.max)
  ) {
    throw new ValidationError(
      `yRange is {min: ${range.min}, max: ${range.max}}; it needs finite bounds with min ≤ max.`,
      { path: 'yRange' },
    );
  }
  return {
    yTrue: finiteArray(yTrue, 'yTrue'),
    yPred: finiteArray(yPred, 'yPred'),
    weight: sampleWeights(options.sampleWeight, yTrue.length),
    range: range === undefined ? undefined : { min: range.min, max: range.max },
  };
}

/**
 * Sums every mean-type metric needs, from two passes over the data (the second for
 * deviations from the means, as scikit-learn computes variances). The suite computes
 * them once; single functions read the one they need.
 */
interface Moments {
  mae: number;
  mse: number;
  mape: number;
  /** Mean squared difference of log1p values; NaN when a value is negative. */
  msle: number;
  maxError: number;
  /** Σ w·(y − ȳ)², the spread of yTrue. */
  ssTotal: number;
  /** Σ w·(y − ŷ)². */
  ssResidual: number;
  /** Σ w·(r − r̄)², r = y − ŷ: the spread of the residuals. */
  ssResidualSpread: number;
  weightSum: number;
  min: number;
  max: number;
  negative: boolean;
  identical: boolean;
}

const cache = new WeakMap<RegressionInput, Moments>();

function moments(r: RegressionInput): Moments {
  const hit = cache.get(r);
  if (hit) return hit;
  const { yTrue, yPred, weight } = r;
  const n = yTrue.length;
  let sw = 0;
  let sAbs = 0;
  let sSq = 0;
  let sPct = 0;
  let sLog = 0;
  let sY = 0;
  let sDiff = 0;
  let maxError = 0;
  let min = yTrue[0]!;
  let max = yTrue[0]!;
  let negative = false;
  let identical = true;
  for (let i = 0; i < n; i++) {
    const w = weight === undefined ? 1 : weight[i]!;
    const y = yTrue[i]!;
    const p = yPred[i]!;
    const d = y - p;
    const a = Math.abs(d);
    sw += w;
    sAbs += w * a;
    sSq += w * d * d;
    sPct += (w * a) / Math.max(Math.abs(y), Number.EPSILON);
    sY += w * y;
    sDiff += w * d;
    if (a > maxError) maxError = a;
    if (y < min) min = y;
    if (y > max) max = y;
    if (y < 0 || p < 0) negative = true;
    if (y !== p) identical = false;
    if (!negative) {
      const l = Math.log1p(y) - Math.log1p(p);
      sLog += w * l * l;
    }
  }
  const yMean = sY / sw;
  const dMean = sDiff / sw;
  let ssTotal = 0;
  let ssResidualSpread = 0;
  for (let i = 0; i < n; i++) {
    const w = weight === undefined ? 1 : weight[i]!;
    const e = yTrue[i]! - yMean;
    const f = yTrue[i]! - yPred[i]! - dMean;
    ssTotal += w * e * e;
    ssResidualSpread += w * f * f;
  }
  const m: Moments = {
    mae: sAbs / sw,
    mse: sSq / sw,
    mape: sPct / sw,
    msle: negative ? Number.NaN : sLog / sw,
    maxError,
    ssTotal,
    ssResidual: sSq,
    ssResidualSpread,
    weightSum: sw,
    min,
    max,
    negative,
    identical,
  };
  cache.set(r, m);
  return m;
}

/** scikit-learn's force_finite rule shared by r2 and explained variance. */
function oneMinusRatio(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/** Mean absolute error. @example meanAbsoluteErrorOf(regressionInput([1, 2], [2, 2])); // 0.5 */
export function meanAbsoluteErrorOf(r: RegressionInput): number {
  return moments(r).mae;
}

/** Mean squared error. @example meanSquaredErrorOf(regressionInput([1, 2], [3, 2])); // 2 */
export function meanSquaredErrorOf(r: RegressionInput): number {
  return moments(r).mse;
}

/**
 * R², scikit-learn's r2_score (force_finite): 1 for perfect predictions, 0 when yTrue
 * is constant otherwise, NaN with fewer than two samples.
 *
 * @example
 * r2ScoreOf(regressionInput([1, 2, 3], [1, 2, 4])); // 0.5
 */
export function r2ScoreOf(r: RegressionInput): number {
  if (r.yTrue.length < 2) return Number.NaN;
  const m = moments(r);
  return oneMinusRatio(m.ssResidual, m.ssTotal);
}

/**
 * Explained variance, scikit-learn's explained_variance_score (force_finite).
 *
 * @example
 * explainedVarianceOf(regressionInput([1, 2, 3], [2, 3, 4])); // 1
 */
export function explainedVarianceOf(r: RegressionInput): number {
  const m = moments(r);
  return oneMinusRatio(m.ssResidualSpread / m.weightSum, m.ssTotal / m.weightSum);
}

/**
 * Mean absolute percentage error as scikit-learn's: |ŷ − y| / max(|y|, eps), a
 * fraction (not ×100).
 *
 * @example
 * meanAbsolutePercentageErrorOf(regressionInput([2, 4], [1, 5])); // 0.375
 */
export function meanAbsolutePercentageErrorOf(r: RegressionInput): number {
  return moments(r).mape;
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
  return moments(r).maxError;
}

/**
 * Spearman rank correlation as scipy's spearmanr: Pearson correlation of tie-averaged
 * ranks, unweighted; NaN when either side is constant. One radix sort by yTrue carries
 * yPred's keys along and assigns yTrue's ranks in that order; a second sort by yPred
 * carries those ranks, so both walks are sequential (no random access per sample).
 *
 * @example
 * spearmanOf(regressionInput([1, 2, 3], [10, 30, 20])); // 0.5
 */
export function spearmanOf(r: RegressionInput): number {
  const n = r.yTrue.length;
  const arrays = Array.from({ length: 8 }, () => new Uint32Array(n));
  const [loA, hiA, loB, hiB, ...spare] = arrays as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    ...Uint32Array[],
  ];
  const count = new Uint32Array(4 * 65536);
  encodeKeys(r.yTrue, loA, hiA);
  encodeKeys(r.yPred, loB, hiB);
  const a = radixSort(loA, hiA, [loB, hiB], spare, count);
  if (isConstant(a)) return Number.NaN;
  // Ranks 1..n always average (n + 1) / 2, ties included; 2·rank is an integer.
  const mean = (n + 1) / 2;
  const twiceRankA = a.spare[0]!;
  let saa = 0;
  for (let start = 0, end = 0; start < n; start = end) {
    end = runEnd(a, start);
    const rank = (start + end + 1) / 2;
    twiceRankA.fill(start + end + 1, start, end);
    saa += (end - start) * (rank - mean) * (rank - mean);
  }
  const b = radixSort(a.payload[0]!, a.payload[1]!, [twiceRankA], [a.lo, a.hi, a.spare[1]!], count);
  if (isConstant(b)) return Number.NaN;
  const ranksA = b.payload[0]!;
  let sab = 0;
  let sbb = 0;
  for (let start = 0, end = 0; start < n; start = end) {
    end = runEnd(b, start);
    const rank = (start + end + 1) / 2;
    let twice = 0;
    for (let m = start; m < end; m++) twice += ranksA[m]!;
    sab += (rank - mean) * (twice / 2 - (end - start) * mean);
    sbb += (end - start) * (rank - mean) * (rank - mean);
  }
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa) / Math.sqrt(sbb)));
}

function isConstant(s: { hi: Uint32Array; lo: Uint32Array }): boolean {
  const last = s.hi.length - 1;
  return s.hi[0] === s.hi[last] && s.lo[0] === s.lo[last];
}

/**
 * True when a value of yTrue or yPred is negative, which rules out the log errors.
 *
 * @example
 * hasNegative(regressionInput([1, -2], [1, 1])); // true
 */
export function hasNegative(r: RegressionInput): boolean {
  return moments(r).negative;
}

/**
 * Root mean squared log error, √MSE(log1p y, log1p ŷ) (scikit-learn's
 * mean_squared_log_error, rooted); NaN when a value is negative.
 *
 * @example
 * rootMeanSquaredLogErrorOf(regressionInput([0, Math.E - 1], [0, 0])); // 0.707…
 */
export function rootMeanSquaredLogErrorOf(r: RegressionInput): number {
  return Math.sqrt(moments(r).msle);
}

/**
 * Divides an error by the target range (`yRange`, else yTrue's) as Azure AutoML
 * normalizes (by the range of log1p for log errors); when the range is empty: 0 if the
 * predictions equal yTrue exactly, NaN otherwise.
 *
 * @example
 * normalizeByRange(regressionInput([0, 10], [1, 9]), 1); // 0.1
 */
export function normalizeByRange(r: RegressionInput, error: number, log = false): number {
  const m = moments(r);
  const { min, max } = r.range ?? m;
  if (min === max) return m.identical ? 0 : Number.NaN;
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
