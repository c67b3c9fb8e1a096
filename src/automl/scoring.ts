import { ValidationError } from '../core/errors.ts';
import type { Goal } from '../core/goal.ts';
import type { Task } from '../core/trial.ts';
import { METRICS, metricInfo } from '../metrics/catalog.ts';
import { brierScore, logLoss } from '../metrics/probability.ts';
import { rocAucScore } from '../metrics/ranking.ts';
import { classificationMetrics, regressionMetrics } from '../metrics/suite.ts';

/** The target of the training rows, encoded. */
export type EncodedTarget =
  | { readonly task: 'classification'; readonly codes: Int32Array; readonly classes: readonly string[] }
  | { readonly task: 'regression'; readonly values: Float64Array };

/**
 * Predictions of some rows: class probabilities row-major (rows x classes) for
 * classification, values for regression.
 */
export type Predictions = Float64Array;

/** Azure AutoML's default primary metrics. */
export const DEFAULT_PRIMARY_METRIC: Readonly<Record<Task, string>> = {
  classification: 'accuracy',
  regression: 'normalized_root_mean_squared_error',
};

/**
 * Whether `metric` scores class probabilities as probabilities (log loss, Brier score),
 * not only their order (AUC) or the predicted labels (accuracy): the catalogue's
 * `scoresProbabilities`, false for a name it does not know.
 *
 * @example
 * scoresProbabilities('log_loss'); // true
 * scoresProbabilities('AUC_weighted'); // false
 */
export function scoresProbabilities(metric: string): boolean {
  return METRICS.find((m) => m.name === metric)?.scoresProbabilities === true;
}

/** The ROC AUC metrics by their averaging, as `rocAucScore` takes it. */
const AUC_AVERAGES: Readonly<Record<string, 'binary' | 'macro' | 'weighted' | 'micro'>> = {
  AUC_binary: 'binary',
  AUC_macro: 'macro',
  AUC_weighted: 'weighted',
  AUC_micro: 'micro',
};

/**
 * Whether `metric` is one of the ROC AUC metrics (binary, macro, weighted, micro): it
 * scores the order of the class probabilities.
 *
 * @example
 * isRocAuc('AUC_weighted'); // true
 * isRocAuc('log_loss'); // false
 */
export function isRocAuc(metric: string): boolean {
  return Object.hasOwn(AUC_AVERAGES, metric);
}

/**
 * Checks that `metric` is a known scalar metric of the task and returns its goal.
 *
 * @example
 * metricGoal('regression', 'r2_score'); // 'maximize'
 */
export function metricGoal(task: Task, metric: string): Goal {
  const info = metricInfo(metric);
  if (info.task !== task) {
    throw new ValidationError(`primaryMetric '${metric}' is a ${info.task} metric, but the task is ${task}`, {
      path: 'primaryMetric',
    });
  }
  return info.goal;
}

/**
 * Every scalar metric of the task for predictions of the rows `rows` (all rows when
 * absent). Classification metrics score the argmax class and, where they need scores,
 * the probabilities.
 *
 * @example
 * const m = scorePredictions(target, oof); m.accuracy;
 */
export function scorePredictions(
  target: EncodedTarget,
  pred: Predictions,
  rows?: ArrayLike<number>,
): Record<string, number> {
  const n = rows ? rows.length : target.task === 'regression' ? target.values.length : target.codes.length;
  const at = (i: number) => (rows ? rows[i]! : i);
  const out: Record<string, number> = {};
  if (target.task === 'regression') {
    const yTrue = new Float64Array(n);
    const yPred = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      yTrue[i] = target.values[at(i)]!;
      yPred[i] = pred[at(i)]!;
    }
    const m = regressionMetrics(yTrue, yPred, { onWarning: () => {} });
    for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
    return out;
  }
  const { yTrue, yPred, scores, labels } = classificationInput(target, pred, rows);
  const m = classificationMetrics(yTrue, yPred, { labels, scores, zeroDivision: 0, onWarning: () => {} });
  for (const [key, v] of Object.entries(m)) if (typeof v === 'number') out[key] = v;
  return out;
}

/** The encoded true classes, the argmax classes and the normalized scores of the rows, as the metrics take them. */
function classificationInput(
  target: Extract<EncodedTarget, { task: 'classification' }>,
  pred: Predictions,
  rows: ArrayLike<number> | undefined,
): { yTrue: Int32Array; yPred: Int32Array; scores: Float64Array; labels: number[] } {
  const n = rows ? rows.length : target.codes.length;
  const at = (i: number) => (rows ? rows[i]! : i);
  const k = target.classes.length;
  const yTrue = new Int32Array(n);
  const yPred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    yTrue[i] = target.codes[at(i)]!;
    let best = 0;
    const r = at(i);
    for (let j = 1; j < k; j++) if (pred[r * k + j]! > pred[r * k + best]!) best = j;
    yPred[i] = best;
  }
  const probs = normalizeRows(pred, k, rows);
  const scores = k === 2 ? Float64Array.from({ length: n }, (_, i) => probs[i * 2 + 1]!) : probs;
  return { yTrue, yPred, scores, labels: Array.from({ length: k }, (_, j) => j) };
}

/** The rows' probabilities clipped to [0, 1] and rescaled to sum to 1 (tree votes and blends drift by rounding). */
function normalizeRows(p: Float64Array, k: number, rows: ArrayLike<number> | undefined): Float64Array {
  const n = rows ? rows.length : p.length / k;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.min(1, Math.max(0, p[r * k + j]!));
    for (let j = 0; j < k; j++) out[i * k + j] = s > 0 ? Math.min(1, Math.max(0, p[r * k + j]!)) / s : 1 / k;
  }
  return out;
}

/**
 * The primary metric of predictions; NaN (never best) when it is undefined for them.
 *
 * @example
 * primaryScore(target, oof, 'AUC_weighted');
 */
export function primaryScore(
  target: EncodedTarget,
  pred: Predictions,
  metric: string,
  rows?: ArrayLike<number>,
): number {
  try {
    // the probability and AUC metrics alone, without the whole suite (its AUCs and
    // average precisions sort every class's scores): ensemble selection scores thousands
    // of blends (the same functions, the same values as scorePredictions')
    const average = AUC_AVERAGES[metric];
    if (
      target.task === 'classification' &&
      (metric === 'log_loss' || metric === 'brier_score' || average !== undefined)
    ) {
      const { yTrue, scores, labels } = classificationInput(target, pred, rows);
      if (metric === 'log_loss') return logLoss(yTrue, scores, { labels });
      if (metric === 'brier_score') return brierScore(yTrue, scores, { labels });
      // the suite has AUC_binary for two classes only
      if (average === 'binary' && labels.length !== 2) return Number.NaN;
      return rocAucScore(yTrue, scores, { labels, average });
    }
    return scorePredictions(target, pred, rows)[metric] ?? Number.NaN;
  } catch (error) {
    // a metric undefined for these predictions (AUC of a class absent from the rows) is a
    // ValidationError; anything else is a bug and propagates
    if (error instanceof ValidationError) return Number.NaN;
    throw error;
  }
}
