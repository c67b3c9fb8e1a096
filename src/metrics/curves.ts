import { ValidationError } from '../core/errors.ts';
import { encodeTargets } from './labels.ts';
import { positiveColumn, scoreMatrix } from './scores.ts';
import { type ThresholdTable, thresholdTable } from './thresholds.ts';
import type { LabelArray, LabelOptions, ScoreInput } from './types.ts';

/** Options of the curves: which label is positive, weights (not for calibration). */
export type CurveOptions = Pick<LabelOptions, 'labels' | 'sampleWeight' | 'positiveLabel'>;

/** A point of a ROC curve. */
export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Scores ≥ threshold are called positive; the first point's is max score + 1. */
  threshold: number;
}

/** A point of a precision-recall curve. */
export interface PrecisionRecallPoint {
  precision: number;
  recall: number;
  /** The closing point (recall 0, precision 1) has threshold Infinity. */
  threshold: number;
}

/** A bin of a calibration (reliability) curve. */
export interface CalibrationPoint {
  /** Mean predicted probability in the bin. */
  meanPredicted: number;
  /** Fraction of the bin's samples that are positive. */
  fractionPositive: number;
  count: number;
}

/** A point of a cumulative gains or lift curve: the top `fraction` of samples by score. */
export interface GainsPoint {
  /** Share of the (weighted) population at or above `threshold`. */
  fraction: number;
  /** Share of all positives captured there (gains) or that share over `fraction` (lift). */
  value: number;
  threshold: number;
}

/**
 * The positive-class scores and 0/1 truth of a binary curve: `scores` are the positive
 * label's scores (length n) or a probability matrix whose positive column is used
 * (one-vs-rest for more than two labels).
 *
 * @example
 * curveTable(['a', 'b'], [0.3, 0.6], {}).totalPos; // 1
 */
export function curveTable(yTrue: LabelArray, scores: ScoreInput, options: CurveOptions): ThresholdTable {
  const t = encodeTargets(yTrue, undefined, options);
  const n = t.yTrue.length;
  const k = Math.max(2, t.labels.length);
  const isPositive = new Uint8Array(n);
  for (let i = 0; i < n; i++) isPositive[i] = t.yTrue[i] === t.positive ? 1 : 0;
  const column = positiveColumn(scores, n, k, t.positive);
  return thresholdTable(column, isPositive, t.weight);
}

/** A binary curve's table and its cumulative true and false positive counts, one per distinct score (descending). */
interface CurveCounts {
  t: ThresholdTable;
  tps: Float64Array;
  fps: Float64Array;
}

/**
 * The counts every binary curve is drawn from (see curveTable); `curve` names it in the
 * error when yTrue has no positive sample, or no negative one where `needNegatives`.
 */
function curveCounts(
  yTrue: LabelArray,
  scores: ScoreInput,
  options: CurveOptions,
  curve: string,
  needNegatives: boolean,
): CurveCounts {
  const t = curveTable(yTrue, scores, options);
  if (!(t.totalPos > 0)) {
    throw new ValidationError(`${curve} is undefined: yTrue has no samples of the positive label.`, {
      path: 'yTrue',
    });
  }
  if (needNegatives && !(t.totalNeg > 0)) {
    throw new ValidationError(`${curve} is undefined: yTrue has only samples of the positive label.`, {
      path: 'yTrue',
    });
  }
  const m = t.values.length;
  const tps = new Float64Array(m);
  const fps = new Float64Array(m);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < m; i++) {
    tp += t.pos[i]!;
    fp += t.neg[i]!;
    tps[i] = tp;
    fps[i] = fp;
  }
  return { t, tps, fps };
}

/**
 * ROC curve as scikit-learn's roc_curve: starts at (0, 0), one point per distinct
 * score, collinear points dropped unless `dropIntermediate` is false.
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).map((p) => [p.fpr, p.tpr]);
 * // [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]
 */
export function rocCurve(
  yTrue: LabelArray,
  scores: ScoreInput,
  options: CurveOptions & { dropIntermediate?: boolean } = {},
): RocPoint[] {
  const { t, tps, fps } = curveCounts(yTrue, scores, options, 'The ROC curve', true);
  const m = tps.length;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: t.values[0]! + 1 }];
  const drop = options.dropIntermediate !== false && m > 2;
  for (let i = 0; i < m; i++) {
    if (drop && i > 0 && i < m - 1) {
      const d2f = fps[i + 1]! - fps[i]! - (fps[i]! - fps[i - 1]!);
      const d2t = tps[i + 1]! - tps[i]! - (tps[i]! - tps[i - 1]!);
      if (d2f === 0 && d2t === 0) continue;
    }
    points.push({ fpr: fps[i]! / t.totalNeg, tpr: tps[i]! / t.totalPos, threshold: t.values[i]! });
  }
  return points;
}

/**
 * Precision-recall curve as scikit-learn's precision_recall_curve: thresholds
 * ascending, closing with (recall 0, precision 1).
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).map((p) => p.precision);
 * // [0.5, 0.666…, 0.5, 1, 1]
 */
export function precisionRecallCurve(
  yTrue: LabelArray,
  scores: ScoreInput,
  options: CurveOptions = {},
): PrecisionRecallPoint[] {
  const { t, tps, fps } = curveCounts(yTrue, scores, options, 'The precision-recall curve', false);
  const points: PrecisionRecallPoint[] = [];
  for (let i = tps.length - 1; i >= 0; i--) {
    const predicted = tps[i]! + fps[i]!;
    points.push({
      precision: predicted === 0 ? 0 : tps[i]! / predicted,
      recall: tps[i]! / t.totalPos,
      threshold: t.values[i]!,
    });
  }
  points.push({ precision: 1, recall: 0, threshold: Number.POSITIVE_INFINITY });
  return points;
}

/**
 * Cumulative gains: for each distinct score, descending, the share of the population
 * scored at or above it and the share of positives it holds; starts at (0, 0).
 *
 * @example
 * cumulativeGainsCurve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).map((p) => [p.fraction, p.value]);
 * // [[0, 0], [0.25, 0.5], [0.5, 0.5], [0.75, 1], [1, 1]]
 */
export function cumulativeGainsCurve(
  yTrue: LabelArray,
  scores: ScoreInput,
  options: CurveOptions = {},
): GainsPoint[] {
  const { t, tps, fps } = curveCounts(yTrue, scores, options, 'The cumulative gains curve', false);
  const total = t.totalPos + t.totalNeg;
  const points: GainsPoint[] = [{ fraction: 0, value: 0, threshold: t.values[0]! + 1 }];
  for (let i = 0; i < tps.length; i++) {
    points.push({
      fraction: (tps[i]! + fps[i]!) / total,
      value: tps[i]! / t.totalPos,
      threshold: t.values[i]!,
    });
  }
  return points;
}

/**
 * Lift: cumulative gains divided by the population share (1 = no better than random),
 * one point per distinct score, descending.
 *
 * @example
 * liftCurve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).map((p) => p.value); // [2, 1, 1.333…, 1]
 */
export function liftCurve(yTrue: LabelArray, scores: ScoreInput, options: CurveOptions = {}): GainsPoint[] {
  return cumulativeGainsCurve(yTrue, scores, options)
    .slice(1)
    .map((p) => ({ ...p, value: p.value / p.fraction }));
}

/** Options of the calibration curve (scikit-learn's calibration_curve). */
export interface CalibrationOptions extends Pick<LabelOptions, 'labels' | 'positiveLabel'> {
  /** Number of bins; default 5. */
  nBins?: number;
  /** 'uniform' (equal-width bins on [0, 1], default) or 'quantile' (equal-count bins). */
  strategy?: 'uniform' | 'quantile';
}

/** numpy.percentile's linear interpolation on sorted data, step for step. */
function percentileSorted(sorted: Float64Array, q: number): number {
  const virtual = (sorted.length - 1) * q;
  const prev = Math.floor(virtual);
  const a = sorted[Math.min(prev, sorted.length - 1)]!;
  const b = sorted[Math.min(prev + 1, sorted.length - 1)]!;
  const gamma = virtual - prev;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * Reliability curve, as scikit-learn's calibration_curve: probabilities binned,
 * per non-empty bin the mean probability and the fraction of positives.
 *
 * @example
 * calibrationCurve([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], { nBins: 2 });
 * // [{ meanPredicted: 0.2, fractionPositive: 0, count: 2 }, { meanPredicted: 0.8, fractionPositive: 1, count: 2 }]
 */
export function calibrationCurve(
  yTrue: LabelArray,
  probabilities: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationPoint[] {
  const t = encodeTargets(yTrue, undefined, options);
  const n = t.yTrue.length;
  const p = scoreMatrix(probabilities, n, 1, 0).values;
  const nBins = options.nBins ?? 5;
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new ValidationError(`nBins is ${nBins}; it must be a positive integer.`, { path: 'nBins' });
  }
  for (let i = 0; i < n; i++) {
    if (p[i]! < 0 || p[i]! > 1) {
      throw new ValidationError(`probabilities[${i}] is ${p[i]}; it must lie in [0, 1].`, {
        path: `probabilities[${i}]`,
      });
    }
  }
  const step = 1 / nBins;
  const edges = new Float64Array(nBins + 1);
  if (options.strategy === 'quantile') {
    const sorted = Float64Array.from(p).sort();
    for (let b = 0; b <= nBins; b++)
      edges[b] = percentileSorted(sorted, b === nBins ? 1 : (b * step * 100) / 100);
  } else {
    for (let b = 0; b < nBins; b++) edges[b] = b * step;
    edges[nBins] = 1;
  }
  const sums = new Float64Array(nBins + 1);
  const positives = new Float64Array(nBins + 1);
  const counts = new Float64Array(nBins + 1);
  for (let i = 0; i < n; i++) {
    // numpy.searchsorted(edges[1:-1], p, 'left'): the number of inner edges below p.
    let lo = 1;
    let hi = nBins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! < p[i]!) lo = mid + 1;
      else hi = mid;
    }
    const bin = lo - 1;
    sums[bin]! += p[i]!;
    positives[bin]! += t.yTrue[i] === t.positive ? 1 : 0;
    counts[bin]! += 1;
  }
  const points: CalibrationPoint[] = [];
  for (let b = 0; b <= nBins; b++) {
    if (counts[b]! > 0) {
      points.push({
        meanPredicted: sums[b]! / counts[b]!,
        fractionPositive: positives[b]! / counts[b]!,
        count: counts[b]!,
      });
    }
  }
  return points;
}
