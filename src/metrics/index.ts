export { isBetter, METRICS, type MetricInfo, metricInfo } from './catalog.ts';
export {
  type AveragedOptions,
  accuracyScore,
  balancedAccuracyScore,
  cohenKappa,
  f1Score,
  falsePositiveRate,
  matthewsCorrelation,
  normMacroRecall,
  precisionScore,
  type RateOptions,
  recallScore,
  specificityScore,
  weightedAccuracy,
} from './classification.ts';
export { type ConfusionMatrixResult, confusionMatrix } from './confusion.ts';
export {
  type CalibrationOptions,
  type CalibrationPoint,
  type CurveOptions,
  calibrationCurve,
  cumulativeGainsCurve,
  type GainsPoint,
  liftCurve,
  type PrecisionRecallPoint,
  precisionRecallCurve,
  type RocPoint,
  rocCurve,
} from './curves.ts';
export { brierScore, LOG_LOSS_EPS, logLoss } from './probability.ts';
export { averagePrecisionScore, type RankingOptions, rocAucScore } from './ranking.ts';
export {
  explainedVariance,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  normalizedMeanAbsoluteError,
  normalizedMedianAbsoluteError,
  normalizedRootMeanSquaredError,
  normalizedRootMeanSquaredLogError,
  type RegressionOptions,
  r2Score,
  rootMeanSquaredError,
  rootMeanSquaredLogError,
  spearmanCorrelation,
} from './regression.ts';
export { PROBABILITY_SUM_TOLERANCE } from './scores.ts';
export {
  type ClassificationMetrics,
  type ClassificationMetricsOptions,
  classificationMetrics,
  type RegressionMetrics,
  regressionMetrics,
} from './suite.ts';
export type {
  Average,
  Label,
  LabelArray,
  LabelOptions,
  MetricWarning,
  ScoreInput,
  ZeroDivision,
} from './types.ts';
