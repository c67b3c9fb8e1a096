import { ValidationError } from '../core/errors.ts';
import { encodeTargets } from './labels.ts';
import { checkProbabilities, type ScoreMatrix, scoreMatrix } from './scores.ts';
import type { LabelArray, LabelOptions, ScoreInput } from './types.ts';

/** scikit-learn's log_loss clips probabilities to [eps, 1 − eps] with float64's epsilon. */
export const LOG_LOSS_EPS = Number.EPSILON;

function weightedAverage(loss: (i: number) => number, n: number, weight: Float64Array | undefined): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const wi = weight === undefined ? 1 : weight[i]!;
    s += wi * loss(i);
    w += wi;
  }
  return s / w;
}

/**
 * Log loss of a probability matrix, as scikit-learn 1.2's log_loss: clip to
 * [eps, 1 − eps], renormalize each row, average −log p(true class).
 *
 * @example
 * logLossOf({ values: Float64Array.of(0.9, 0.1), n: 1, k: 2 }, Int32Array.of(0), undefined); // 0.105…
 */
export function logLossOf(m: ScoreMatrix, yTrue: Int32Array, weight: Float64Array | undefined): number {
  const { values, n, k } = m;
  const clip = (p: number) => Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  return weightedAverage(
    (i) => {
      let rowSum = 0;
      for (let j = 0; j < k; j++) rowSum += clip(values[i * k + j]!);
      return -Math.log(clip(values[i * k + yTrue[i]!]!) / rowSum);
    },
    n,
    weight,
  );
}

/**
 * Brier score: for two labels scikit-learn's brier_score_loss on the positive label's
 * probability; for more, the mean over labels of the one-vs-rest Brier score.
 *
 * @example
 * brierOf({ values: Float64Array.of(0.2, 0.8), n: 1, k: 2 }, Int32Array.of(1), undefined, 1); // 0.04
 */
export function brierOf(
  m: ScoreMatrix,
  yTrue: Int32Array,
  weight: Float64Array | undefined,
  positive: number,
): number {
  const { values, n, k } = m;
  // One pass over the matrix accumulating each label's weighted squared error.
  const sums = new Float64Array(k);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const wi = weight === undefined ? 1 : weight[i]!;
    w += wi;
    for (let c = 0; c < k; c++) {
      const d = (yTrue[i] === c ? 1 : 0) - values[i * k + c]!;
      sums[c]! += wi * d * d;
    }
  }
  if (k === 2) return sums[positive]! / w;
  let total = 0;
  for (let c = 0; c < k; c++) total += sums[c]! / w;
  return total / k;
}

function probabilityInput(yTrue: LabelArray, scores: ScoreInput, options: LabelOptions, metric: string) {
  const t = encodeTargets(yTrue, undefined, options);
  if (t.labels.length < 2) {
    throw new ValidationError(
      `${metric} needs at least 2 labels but yTrue has only ${String(t.labels[0])}; pass options.labels.`,
      { path: 'labels' },
    );
  }
  const m = scoreMatrix(scores, t.yTrue.length, t.labels.length, t.positive);
  checkProbabilities(m);
  return { t, m };
}

/**
 * Log loss (cross-entropy) of class probabilities, scikit-learn's log_loss.
 *
 * @example
 * logLoss(['a', 'b'], [[0.9, 0.1], [0.2, 0.8]]); // 0.164…
 */
export function logLoss(yTrue: LabelArray, scores: ScoreInput, options: LabelOptions = {}): number {
  const { t, m } = probabilityInput(yTrue, scores, options, 'log_loss');
  return logLossOf(m, t.yTrue, t.weight);
}

/**
 * Brier score of class probabilities (see {@link brierOf}).
 *
 * @example
 * brierScore([0, 1, 1], [0.1, 0.9, 0.6]); // 0.06
 */
export function brierScore(yTrue: LabelArray, scores: ScoreInput, options: LabelOptions = {}): number {
  const { t, m } = probabilityInput(yTrue, scores, options, 'brier_score');
  return brierOf(m, t.yTrue, t.weight, t.positive);
}
