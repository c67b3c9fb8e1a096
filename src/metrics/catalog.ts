/**
 * The catalogue of scalar metrics: each Azure AutoML metric name with its task, goal and
 * range. Sweeps, AutoML and reports look metrics up here.
 */
import { ValidationError } from '../core/errors.ts';
import { better, type Goal } from '../core/goal.ts';
import type { Task } from '../core/trial.ts';

/** What a sweep or AutoML needs to know about a metric to optimize it. */
export interface MetricInfo {
  /** Azure AutoML's name, the key in the results of classificationMetrics/regressionMetrics. */
  name: string;
  task: Task;
  /** Whether larger values are better. */
  goal: Goal;
  /** Smallest and largest possible values (±Infinity when unbounded). */
  range: readonly [number, number];
  /** True when the metric needs class scores (probabilities), not only predicted labels. */
  needsScores: boolean;
  /**
   * True when it scores the class probabilities as probabilities (log loss, Brier score),
   * not only their order (AUC) or the labels: an overconfident model pays for it.
   */
  scoresProbabilities: boolean;
}

const INF = Number.POSITIVE_INFINITY;
const UNIT = [0, 1] as const;

function entry(
  name: string,
  task: MetricInfo['task'],
  goal: MetricInfo['goal'],
  range: readonly [number, number],
  needsScores = false,
  scoresProbabilities = false,
): MetricInfo {
  return Object.freeze({
    name,
    task,
    goal,
    range: Object.freeze(range) as readonly [number, number],
    needsScores,
    scoresProbabilities,
  });
}

const averaged = (prefix: string, needsScores = false) =>
  ['macro', 'micro', 'weighted', 'binary'].map((a) =>
    entry(`${prefix}_${a}`, 'classification', 'maximize', UNIT, needsScores),
  );

/**
 * Every scalar metric this library computes, with its direction and range. The
 * confusion matrix and the curves are not scalars and are not listed.
 *
 * @example
 * METRICS.filter((m) => m.task === 'regression').length; // 14
 */
export const METRICS: readonly MetricInfo[] = Object.freeze([
  entry('accuracy', 'classification', 'maximize', UNIT),
  entry('balanced_accuracy', 'classification', 'maximize', UNIT),
  entry('weighted_accuracy', 'classification', 'maximize', UNIT),
  entry('norm_macro_recall', 'classification', 'maximize', UNIT),
  ...averaged('precision_score'),
  ...averaged('recall_score'),
  ...averaged('f1_score'),
  entry('specificity', 'classification', 'maximize', UNIT),
  entry('specificity_macro', 'classification', 'maximize', UNIT),
  entry('false_positive_rate', 'classification', 'minimize', UNIT),
  entry('false_positive_rate_macro', 'classification', 'minimize', UNIT),
  entry('matthews_correlation', 'classification', 'maximize', [-1, 1]),
  entry('cohen_kappa', 'classification', 'maximize', [-1, 1]),
  ...averaged('AUC', true),
  ...averaged('average_precision_score', true),
  entry('log_loss', 'classification', 'minimize', [0, INF], true, true),
  entry('brier_score', 'classification', 'minimize', UNIT, true, true),
  entry('explained_variance', 'regression', 'maximize', [-INF, 1]),
  entry('r2_score', 'regression', 'maximize', [-INF, 1]),
  entry('spearman_correlation', 'regression', 'maximize', [-1, 1]),
  entry('mean_absolute_error', 'regression', 'minimize', [0, INF]),
  entry('mean_squared_error', 'regression', 'minimize', [0, INF]),
  entry('root_mean_squared_error', 'regression', 'minimize', [0, INF]),
  entry('mean_absolute_percentage_error', 'regression', 'minimize', [0, INF]),
  entry('median_absolute_error', 'regression', 'minimize', [0, INF]),
  entry('max_error', 'regression', 'minimize', [0, INF]),
  entry('normalized_mean_absolute_error', 'regression', 'minimize', [0, INF]),
  entry('normalized_root_mean_squared_error', 'regression', 'minimize', [0, INF]),
  entry('normalized_median_absolute_error', 'regression', 'minimize', [0, INF]),
  entry('root_mean_squared_log_error', 'regression', 'minimize', [0, INF]),
  entry('normalized_root_mean_squared_log_error', 'regression', 'minimize', [0, INF]),
]);

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/**
 * The metadata of a metric by its Azure AutoML name; throws a ValidationError that
 * lists the known names when there is no such metric.
 *
 * @example
 * metricInfo('AUC_weighted').goal; // 'maximize'
 * metricInfo('normalized_root_mean_squared_error').goal; // 'minimize'
 */
export function metricInfo(name: string): MetricInfo {
  const info = BY_NAME.get(name);
  if (info === undefined) {
    throw new ValidationError(`Unknown metric '${name}'; known metrics: ${[...BY_NAME.keys()].join(', ')}.`, {
      path: 'primary_metric',
    });
  }
  return info;
}

/**
 * Whether score `a` is strictly better than `b` for the metric (NaN is never better).
 *
 * @example
 * isBetter('log_loss', 0.2, 0.3); // true
 */
export function isBetter(name: string, a: number, b: number): boolean {
  return better(metricInfo(name).goal, a, b);
}
