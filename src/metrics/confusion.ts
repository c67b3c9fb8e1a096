import { encodeTargets } from './labels.ts';
import type { Label, LabelArray, LabelOptions } from './types.ts';

/**
 * A k × k confusion matrix, row-major, rows = true class, columns = predicted class,
 * cells = summed sample weights (counts when unweighted).
 */
export interface Confusion {
  k: number;
  cells: Float64Array;
}

/**
 * Accumulates the confusion matrix of encoded targets: one pass over the samples.
 *
 * @example
 * confusionOf(Int32Array.of(0, 1), Int32Array.of(0, 0), undefined, 2).cells; // [1, 0, 1, 0]
 */
export function confusionOf(
  yTrue: Int32Array,
  yPred: Int32Array,
  weight: Float64Array | undefined,
  k: number,
): Confusion {
  const cells = new Float64Array(k * k);
  const n = yTrue.length;
  if (weight === undefined) for (let i = 0; i < n; i++) cells[yTrue[i]! * k + yPred[i]!]! += 1;
  else for (let i = 0; i < n; i++) cells[yTrue[i]! * k + yPred[i]!]! += weight[i]!;
  return { k, cells };
}

/** Per-class sufficient statistics of a confusion matrix. */
export interface ClassTotals {
  /** Diagonal: correctly predicted weight per class. */
  tp: Float64Array;
  /** Row sums: weight whose true class is c. */
  trueSum: Float64Array;
  /** Column sums: weight predicted as c. */
  predSum: Float64Array;
  /** Total weight. */
  total: number;
}

/**
 * Row sums, column sums, diagonal and total of a confusion matrix.
 *
 * @example
 * classTotals({ k: 2, cells: Float64Array.of(1, 0, 1, 0) }).trueSum; // [1, 1]
 */
export function classTotals(c: Confusion): ClassTotals {
  const { k, cells } = c;
  const tp = new Float64Array(k);
  const trueSum = new Float64Array(k);
  const predSum = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = cells[i * k + j]!;
      trueSum[i]! += v;
      predSum[j]! += v;
      total += v;
    }
    tp[i] = cells[i * k + i]!;
  }
  return { tp, trueSum, predSum, total };
}

/** A confusion matrix as reported: labels, weighted counts and row-normalized rates. */
export interface ConfusionMatrixResult {
  labels: Label[];
  /** counts[i][j]: weight of samples of true label i predicted as label j. */
  counts: number[][];
  /** Each row divided by its sum (scikit-learn's normalize='true'); rows without samples are 0. */
  normalized: number[][];
}

/**
 * Converts a confusion matrix into nested arrays, counts and row-normalized.
 *
 * @example
 * confusionResult({ k: 2, cells: Float64Array.of(1, 1, 0, 2) }, [0, 1]).normalized; // [[0.5, 0.5], [0, 1]]
 */
export function confusionResult(c: Confusion, labels: Label[]): ConfusionMatrixResult {
  const { k, cells } = c;
  const counts: number[][] = [];
  const normalized: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row = Array.from(cells.subarray(i * k, i * k + k));
    let sum = 0;
    for (const v of row) sum += v;
    counts.push(row);
    normalized.push(row.map((v) => (sum === 0 ? 0 : v / sum)));
  }
  return { labels, counts, normalized };
}

/**
 * The confusion matrix of labelled predictions, as scikit-learn's confusion_matrix
 * (counts) and with normalize='true' (normalized).
 *
 * @example
 * confusionMatrix(['cat', 'dog', 'dog'], ['cat', 'cat', 'dog']).counts; // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: Pick<LabelOptions, 'labels' | 'sampleWeight'> = {},
): ConfusionMatrixResult {
  const t = encodeTargets(yTrue, yPred, options);
  return confusionResult(confusionOf(t.yTrue, t.yPred, t.weight, t.labels.length), t.labels);
}
