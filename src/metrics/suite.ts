import { ValidationError } from '../core/errors.ts';
import {
  accuracyFrom,
  balancedAccuracyFrom,
  classCounts,
  cohenKappaFrom,
  matthewsFrom,
  normMacroRecallFrom,
  precisionRecallF1,
  specificityRates,
  weightedAccuracyFrom,
} from './classification.ts';
import { type ConfusionMatrixResult, classTotals, confusionOf, confusionResult } from './confusion.ts';
import { encodeTargets } from './labels.ts';
import { brierOf, logLossOf } from './probability.ts';
import { classTables, rankingAverages, undefinedAuc } from './ranking.ts';
import {
  explainedVarianceOf,
  hasNegative,
  maxErrorOf,
  meanAbsoluteErrorOf,
  meanAbsolutePercentageErrorOf,
  meanSquaredErrorOf,
  medianAbsoluteErrorOf,
  normalizeByRange,
  type RegressionOptions,
  r2ScoreOf,
  regressionInput,
  rootMeanSquaredLogErrorOf,
  spearmanOf,
} from './regression.ts';
import { checkProbabilities, scoreMatrix } from './scores.ts';
import { aucOf, averagePrecisionOf, mergeTables } from './thresholds.ts';
import type { LabelArray, LabelOptions, MetricWarning, ScoreInput } from './types.ts';

/** Options of {@link classificationMetrics}. */
export interface ClassificationMetricsOptions extends LabelOptions {
  /** Class probabilities (see ScoreInput); without them the score-based metrics are left out. */
  scores?: ScoreInput;
}

/**
 * Every classification metric, keyed by Azure AutoML's names. `_binary` metrics,
 * `specificity` and `false_positive_rate` score the positive label of a two-label task
 * (for more labels the `_binary` keys are absent and the plain rates are macro);
 * score-based metrics are present when scores were given. A value that is undefined
 * for the data (AUC with a label absent from yTrue, kappa of a single class) is NaN
 * and reported to onWarning.
 */
export interface ClassificationMetrics {
  accuracy: number;
  balanced_accuracy: number;
  weighted_accuracy: number;
  norm_macro_recall: number;
  precision_score_macro: number;
  precision_score_micro: number;
  precision_score_weighted: number;
  precision_score_binary?: number;
  recall_score_macro: number;
  recall_score_micro: number;
  recall_score_weighted: number;
  recall_score_binary?: number;
  f1_score_macro: number;
  f1_score_micro: number;
  f1_score_weighted: number;
  f1_score_binary?: number;
  specificity: number;
  specificity_macro: number;
  false_positive_rate: number;
  false_positive_rate_macro: number;
  matthews_correlation: number;
  cohen_kappa: number;
  AUC_macro?: number;
  AUC_micro?: number;
  AUC_weighted?: number;
  AUC_binary?: number;
  average_precision_score_macro?: number;
  average_precision_score_micro?: number;
  average_precision_score_weighted?: number;
  average_precision_score_binary?: number;
  log_loss?: number;
  brier_score?: number;
  confusion_matrix: ConfusionMatrixResult;
}

/**
 * All classification metrics at once: labels are encoded once, one confusion matrix
 * feeds every label metric and one sort per label column feeds AUC and average
 * precision under every average.
 *
 * @example
 * const m = classificationMetrics(['a', 'b', 'b'], ['a', 'b', 'a'], { scores: [0.2, 0.9, 0.4] });
 * m.accuracy; // 0.666…
 * m.AUC_binary; // 1
 */
export function classificationMetrics(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ClassificationMetricsOptions = {},
): ClassificationMetrics {
  const t = encodeTargets(yTrue, yPred, options);
  const k = t.labels.length;
  if (k < 2) {
    throw new ValidationError(
      `Only one label (${String(t.labels[0])}) occurs in yTrue and yPred; pass options.labels with all classes.`,
      { path: 'labels' },
    );
  }
  const warn = options.onWarning;
  const zd = options.zeroDivision;
  const confusion = confusionOf(t.yTrue, t.yPred, t.weight, k);
  const totals = classTotals(confusion);
  const macro = precisionRecallF1(totals, 'macro', t.positive, zd, warn);
  const micro = precisionRecallF1(totals, 'micro', t.positive, zd, warn);
  const weighted = precisionRecallF1(totals, 'weighted', t.positive, zd, warn);
  const binary = k === 2 ? precisionRecallF1(totals, 'binary', t.positive, zd, warn) : undefined;
  const ratesMacro = specificityRates(totals, 'macro', t.positive, zd, warn);
  const rates = k === 2 ? specificityRates(totals, 'binary', t.positive, zd, warn) : ratesMacro;
  const kappa = cohenKappaFrom(confusion, totals);
  if (Number.isNaN(kappa) && warn)
    warn({ metric: 'cohen_kappa', message: 'Cohen kappa is undefined (no chance disagreement).' });
  const result: ClassificationMetrics = {
    accuracy: accuracyFrom(totals),
    balanced_accuracy: balancedAccuracyFrom(totals, warn),
    weighted_accuracy: weightedAccuracyFrom(totals, classCounts(t.yTrue, k), t.yTrue.length),
    norm_macro_recall: normMacroRecallFrom(totals),
    precision_score_macro: macro.precision,
    precision_score_micro: micro.precision,
    precision_score_weighted: weighted.precision,
    recall_score_macro: macro.recall,
    recall_score_micro: micro.recall,
    recall_score_weighted: weighted.recall,
    f1_score_macro: macro.f1,
    f1_score_micro: micro.f1,
    f1_score_weighted: weighted.f1,
    specificity: rates.specificity,
    specificity_macro: ratesMacro.specificity,
    false_positive_rate: rates.falsePositiveRate,
    false_positive_rate_macro: ratesMacro.falsePositiveRate,
    matthews_correlation: matthewsFrom(totals),
    cohen_kappa: kappa,
    confusion_matrix: confusionResult(confusion, t.labels),
  };
  if (binary) {
    result.precision_score_binary = binary.precision;
    result.recall_score_binary = binary.recall;
    result.f1_score_binary = binary.f1;
  }
  if (options.scores !== undefined) addScoreMetrics(result, options.scores, t, warn);
  return result;
}

function addScoreMetrics(
  result: ClassificationMetrics,
  scores: ScoreInput,
  t: ReturnType<typeof encodeTargets>,
  warn: ((w: MetricWarning) => void) | undefined,
): void {
  const k = t.labels.length;
  const m = scoreMatrix(scores, t.yTrue.length, k, t.positive);
  checkProbabilities(m);
  const tables = classTables(m, t.yTrue, t.weight);
  const pooled = mergeTables(tables);
  const auc = rankingAverages(tables, aucOf, pooled);
  const ap = rankingAverages(tables, averagePrecisionOf, pooled);
  result.AUC_macro = auc.macro;
  result.AUC_micro = auc.micro;
  result.AUC_weighted = auc.weighted;
  result.average_precision_score_macro = ap.macro;
  result.average_precision_score_micro = ap.micro;
  result.average_precision_score_weighted = ap.weighted;
  if (k === 2) {
    result.AUC_binary = auc.perClass[t.positive]!;
    result.average_precision_score_binary = ap.perClass[t.positive]!;
  }
  if (Number.isNaN(auc.macro) && warn) {
    warn({
      metric: 'AUC_macro',
      message: `${undefinedAuc(tables, t.labels, 'AUC').message} AUC values are NaN.`,
    });
  }
  result.log_loss = logLossOf(m, t.yTrue, t.weight);
  result.brier_score = brierOf(m, t.yTrue, t.weight, t.positive);
}

/** Every regression metric, keyed by Azure AutoML's names (see each function for its definition). */
export interface RegressionMetrics {
  explained_variance: number;
  r2_score: number;
  spearman_correlation: number;
  mean_absolute_error: number;
  mean_squared_error: number;
  root_mean_squared_error: number;
  mean_absolute_percentage_error: number;
  median_absolute_error: number;
  max_error: number;
  normalized_mean_absolute_error: number;
  normalized_root_mean_squared_error: number;
  normalized_median_absolute_error: number;
  /** NaN when a value of yTrue or yPred is negative (as Azure AutoML). */
  root_mean_squared_log_error: number;
  normalized_root_mean_squared_log_error: number;
}

/**
 * All regression metrics at once. Undefined values are NaN and reported to onWarning:
 * log errors with negative values, Spearman with constant input, normalized errors
 * when yTrue is constant and the predictions differ from it, R² with one sample.
 *
 * @example
 * regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]).r2_score; // 0.9486…
 */
export function regressionMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions & { onWarning?: (w: MetricWarning) => void } = {},
): RegressionMetrics {
  const r = regressionInput(yTrue, yPred, options);
  const mae = meanAbsoluteErrorOf(r);
  const mse = meanSquaredErrorOf(r);
  const rmse = Math.sqrt(mse);
  const medae = medianAbsoluteErrorOf(r);
  const rmsle = rootMeanSquaredLogErrorOf(r);
  const result: RegressionMetrics = {
    explained_variance: explainedVarianceOf(r),
    r2_score: r2ScoreOf(r),
    spearman_correlation: spearmanOf(r),
    mean_absolute_error: mae,
    mean_squared_error: mse,
    root_mean_squared_error: rmse,
    mean_absolute_percentage_error: meanAbsolutePercentageErrorOf(r),
    median_absolute_error: medae,
    max_error: maxErrorOf(r),
    normalized_mean_absolute_error: normalizeByRange(r, mae),
    normalized_root_mean_squared_error: normalizeByRange(r, rmse),
    normalized_median_absolute_error: normalizeByRange(r, medae),
    root_mean_squared_log_error: rmsle,
    normalized_root_mean_squared_log_error: hasNegative(r) ? Number.NaN : normalizeByRange(r, rmsle, true),
  };
  if (options.onWarning) {
    for (const [name, value] of Object.entries(result)) {
      if (Number.isNaN(value))
        options.onWarning({ metric: name, message: `${name} is undefined for these values and is NaN.` });
    }
  }
  return result;
}
