// Label metrics computed from one confusion matrix, so the suite builds it once and
// every score below reads the same sufficient statistics (scikit-learn's formulas).
import { ValidationError } from '../core/errors.ts';
import { type ClassTotals, type Confusion, classTotals, confusionOf } from './confusion.ts';
import { encodeTargets } from './labels.ts';
import type { Average, LabelArray, LabelOptions, MetricWarning, ZeroDivision } from './types.ts';

/** Reports a warning to the caller's handler, if any. */
export type Warn = (warning: MetricWarning) => void;

/** Precision, recall and F1 under one average. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

function zeroValue(z: ZeroDivision): number {
  return z === 1 ? 1 : 0;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]! * weights[i]!;
    w += weights[i]!;
  }
  return s / w;
}

function warnIll(warn: Warn | undefined, z: ZeroDivision, metric: string, what: string): void {
  if (z === 'warn' && warn) {
    warn({
      metric,
      message: `${what} is ill-defined and set to 0 where there are no ${metric.startsWith('precision') ? 'predicted' : 'true'} samples (zeroDivision).`,
    });
  }
}

/**
 * Precision, recall and F1 with scikit-learn's averaging and zero_division rules.
 *
 * @example
 * precisionRecallF1(classTotals(c), 'macro', 1, 'warn');
 */
export function precisionRecallF1(
  t: ClassTotals,
  average: Average,
  positive: number,
  zeroDivision: ZeroDivision = 'warn',
  warn?: Warn,
  warnFor: ReadonlyArray<'precision' | 'recall'> = ['precision', 'recall'],
): PrecisionRecallF1 {
  const zd = zeroValue(zeroDivision);
  let tp: ArrayLike<number> = t.tp;
  let pred: ArrayLike<number> = t.predSum;
  let truth: ArrayLike<number> = t.trueSum;
  if (average === 'micro') {
    tp = [sum(t.tp)];
    pred = [sum(t.predSum)];
    truth = [sum(t.trueSum)];
  } else if (average === 'binary') {
    tp = [t.tp[positive]!];
    pred = [t.predSum[positive]!];
    truth = [t.trueSum[positive]!];
  }
  const m = tp.length;
  const p = new Float64Array(m);
  const r = new Float64Array(m);
  const f = new Float64Array(m);
  let illP = false;
  let illR = false;
  for (let c = 0; c < m; c++) {
    if (pred[c] === 0) illP = true;
    if (truth[c] === 0) illR = true;
    p[c] = pred[c] === 0 ? zd : tp[c]! / pred[c]!;
    r[c] = truth[c] === 0 ? zd : tp[c]! / truth[c]!;
    const denom = p[c]! + r[c]!;
    f[c] = denom === 0 ? 0 : (2 * p[c]! * r[c]!) / denom;
  }
  if (illP && warnFor.includes('precision'))
    warnIll(warn, zeroDivision, `precision_score_${average}`, 'Precision');
  if (illR && warnFor.includes('recall')) warnIll(warn, zeroDivision, `recall_score_${average}`, 'Recall');
  if (average === 'weighted') {
    return {
      precision: weightedMean(p, t.trueSum),
      recall: weightedMean(r, t.trueSum),
      f1: weightedMean(f, t.trueSum),
    };
  }
  return { precision: mean(p), recall: mean(r), f1: mean(f) };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** Specificity (true negative rate) and false positive rate, one-vs-rest. */
export interface SpecificityRates {
  specificity: number;
  falsePositiveRate: number;
}

/**
 * Specificity TN/(TN+FP) and false positive rate FP/(TN+FP) of the positive class
 * (`binary`) or averaged over classes (`macro`), one-vs-rest.
 *
 * @example
 * specificityRates(classTotals(c), 'binary', 1, 'warn');
 */
export function specificityRates(
  t: ClassTotals,
  average: 'binary' | 'macro',
  positive: number,
  zeroDivision: ZeroDivision = 'warn',
  warn?: Warn,
): SpecificityRates {
  const zd = zeroValue(zeroDivision);
  const classes = average === 'binary' ? [positive] : Array.from(t.tp, (_, c) => c);
  let spec = 0;
  let fpr = 0;
  let ill = false;
  for (const c of classes) {
    const fp = t.predSum[c]! - t.tp[c]!;
    const tn = t.total - t.trueSum[c]! - fp;
    const negatives = tn + fp;
    if (negatives === 0) {
      ill = true;
      spec += zd;
      fpr += zd;
    } else {
      spec += tn / negatives;
      fpr += fp / negatives;
    }
  }
  if (ill && zeroDivision === 'warn' && warn) {
    warn({
      metric: `specificity_${average}`,
      message:
        'Specificity and false positive rate are ill-defined and set to 0 where a class has no negative samples (zeroDivision).',
    });
  }
  return { specificity: spec / classes.length, falsePositiveRate: fpr / classes.length };
}

/**
 * Accuracy: the weight of correct predictions over the total weight.
 *
 * @example
 * accuracyFrom(classTotals(c));
 */
export function accuracyFrom(t: ClassTotals): number {
  return sum(t.tp) / t.total;
}

/**
 * Balanced accuracy as scikit-learn's balanced_accuracy_score: mean recall over the
 * classes that occur in yTrue.
 *
 * @example
 * balancedAccuracyFrom(classTotals(c));
 */
export function balancedAccuracyFrom(t: ClassTotals, warn?: Warn): number {
  let s = 0;
  let m = 0;
  for (let c = 0; c < t.tp.length; c++) {
    if (t.trueSum[c]! > 0) {
      s += t.tp[c]! / t.trueSum[c]!;
      m++;
    } else if (t.predSum[c]! > 0 && warn) {
      warn({
        metric: 'balanced_accuracy',
        message: 'yPred contains classes not in yTrue; they are left out of balanced_accuracy.',
      });
    }
  }
  return s / m;
}

/**
 * Azure AutoML's weighted_accuracy: accuracy where each sample weighs the frequency of
 * its true class (times its sample weight), so frequent classes count more.
 *
 * @example
 * weightedAccuracyFrom(classTotals(c), classCounts(yTrue, k), n);
 */
export function weightedAccuracyFrom(t: ClassTotals, counts: ArrayLike<number>, n: number): number {
  let num = 0;
  let den = 0;
  for (let c = 0; c < t.tp.length; c++) {
    const freq = counts[c]! / n;
    num += freq * t.tp[c]!;
    den += freq * t.trueSum[c]!;
  }
  return num / den;
}

/**
 * Azure AutoML's norm_macro_recall: (recall_macro − R) / (1 − R), R = 1/k (0.5 for
 * binary), clipped at 0, so chance scores 0 and perfection 1.
 *
 * @example
 * normMacroRecallFrom(classTotals(c));
 */
export function normMacroRecallFrom(t: ClassTotals): number {
  const k = t.tp.length;
  let s = 0;
  for (let c = 0; c < k; c++) s += t.trueSum[c]! === 0 ? 0 : t.tp[c]! / t.trueSum[c]!;
  const r = 1 / k;
  return Math.max(0, (s / k - r) / (1 - r));
}

/**
 * Matthews correlation coefficient, multiclass (scikit-learn's matthews_corrcoef); 0
 * when undefined.
 *
 * @example
 * matthewsFrom(classTotals(c));
 */
export function matthewsFrom(t: ClassTotals): number {
  const n = sum(t.predSum);
  let dotTP = 0;
  let dotPP = 0;
  let dotTT = 0;
  for (let c = 0; c < t.tp.length; c++) {
    dotTP += t.trueSum[c]! * t.predSum[c]!;
    dotPP += t.predSum[c]! * t.predSum[c]!;
    dotTT += t.trueSum[c]! * t.trueSum[c]!;
  }
  const covYtYp = sum(t.tp) * n - dotTP;
  const covYpYp = n * n - dotPP;
  const covYtYt = n * n - dotTT;
  return covYpYp * covYtYt === 0 ? 0 : covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * Cohen's kappa (unweighted), scikit-learn's cohen_kappa_score; NaN when chance
 * disagreement is 0 (a single class everywhere).
 *
 * @example
 * cohenKappaFrom(confusion);
 */
export function cohenKappaFrom(c: Confusion, t: ClassTotals): number {
  const { k, cells } = c;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      observed += cells[i * k + j]!;
      expected += (t.predSum[i]! * t.trueSum[j]!) / t.total;
    }
  }
  return 1 - observed / expected;
}

/**
 * Unweighted count of samples per true class.
 *
 * @example
 * classCounts(Int32Array.of(0, 1, 1), 2); // Float64Array [1, 2]
 */
export function classCounts(yTrue: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]!]! += 1;
  return counts;
}

interface Prepared {
  confusion: Confusion;
  totals: ClassTotals;
  positive: number;
  yTrue: Int32Array;
}

function prepare(yTrue: LabelArray, yPred: LabelArray, options: LabelOptions): Prepared {
  const t = encodeTargets(yTrue, yPred, options);
  const confusion = confusionOf(t.yTrue, t.yPred, t.weight, t.labels.length);
  return { confusion, totals: classTotals(confusion), positive: t.positive, yTrue: t.yTrue };
}

function checkBinary(average: string, k: number, metric: string): void {
  if (average === 'binary' && k !== 2) {
    throw new ValidationError(
      `${metric} with average 'binary' needs exactly 2 labels, got ${k}; choose 'macro', 'micro' or 'weighted'.`,
      { path: 'average' },
    );
  }
}

/** Options of precision, recall and F1. */
export interface AveragedOptions extends LabelOptions {
  /** Default 'binary' for two labels, else 'macro'. */
  average?: Average;
}

// scikit-learn's precision_score warns only about precision, recall_score about recall,
// f1_score about either.
const WARN_FOR = {
  precision_score: ['precision'],
  recall_score: ['recall'],
  f1_score: ['precision', 'recall'],
} as const;

function prf(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: AveragedOptions,
  metric: keyof typeof WARN_FOR,
): PrecisionRecallF1 {
  const p = prepare(yTrue, yPred, options);
  const k = p.confusion.k;
  const average = options.average ?? (k === 2 ? 'binary' : 'macro');
  checkBinary(average, k, metric);
  return precisionRecallF1(
    p.totals,
    average,
    p.positive,
    options.zeroDivision,
    options.onWarning,
    WARN_FOR[metric],
  );
}

/**
 * Accuracy (scikit-learn's accuracy_score).
 *
 * @example
 * accuracyScore([0, 1, 1], [0, 1, 0]); // 0.666…
 */
export function accuracyScore(yTrue: LabelArray, yPred: LabelArray, options: LabelOptions = {}): number {
  return accuracyFrom(prepare(yTrue, yPred, options).totals);
}

/**
 * Balanced accuracy (scikit-learn's balanced_accuracy_score).
 *
 * @example
 * balancedAccuracyScore([0, 0, 0, 1], [0, 0, 1, 1]); // 0.8333…
 */
export function balancedAccuracyScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: LabelOptions = {},
): number {
  return balancedAccuracyFrom(prepare(yTrue, yPred, options).totals, options.onWarning);
}

/**
 * Azure AutoML's weighted_accuracy (accuracy weighted by true-class frequency).
 *
 * @example
 * weightedAccuracy(['a', 'a', 'b'], ['a', 'a', 'a']); // 0.8
 */
export function weightedAccuracy(yTrue: LabelArray, yPred: LabelArray, options: LabelOptions = {}): number {
  const p = prepare(yTrue, yPred, options);
  return weightedAccuracyFrom(p.totals, classCounts(p.yTrue, p.confusion.k), p.yTrue.length);
}

/**
 * Azure AutoML's norm_macro_recall.
 *
 * @example
 * normMacroRecall([0, 1, 0, 1], [0, 1, 1, 1]); // 0.5
 */
export function normMacroRecall(yTrue: LabelArray, yPred: LabelArray, options: LabelOptions = {}): number {
  return normMacroRecallFrom(prepare(yTrue, yPred, options).totals);
}

/**
 * Precision (scikit-learn's precision_score).
 *
 * @example
 * precisionScore(['a', 'b', 'b'], ['a', 'a', 'b'], { average: 'macro' }); // 0.75
 */
export function precisionScore(yTrue: LabelArray, yPred: LabelArray, options: AveragedOptions = {}): number {
  return prf(yTrue, yPred, options, 'precision_score').precision;
}

/**
 * Recall (scikit-learn's recall_score).
 *
 * @example
 * recallScore([0, 1, 1], [0, 1, 0]); // 0.5 (binary, positive label 1)
 */
export function recallScore(yTrue: LabelArray, yPred: LabelArray, options: AveragedOptions = {}): number {
  return prf(yTrue, yPred, options, 'recall_score').recall;
}

/**
 * F1 (scikit-learn's f1_score).
 *
 * @example
 * f1Score([0, 1, 1], [0, 1, 0]); // 0.666…
 */
export function f1Score(yTrue: LabelArray, yPred: LabelArray, options: AveragedOptions = {}): number {
  return prf(yTrue, yPred, options, 'f1_score').f1;
}

/** Options of specificity and false positive rate. */
export interface RateOptions extends LabelOptions {
  /** Default 'binary' for two labels, else 'macro'. */
  average?: 'binary' | 'macro';
}

function rates(yTrue: LabelArray, yPred: LabelArray, options: RateOptions, metric: string): SpecificityRates {
  const p = prepare(yTrue, yPred, options);
  const average = options.average ?? (p.confusion.k === 2 ? 'binary' : 'macro');
  checkBinary(average, p.confusion.k, metric);
  return specificityRates(p.totals, average, p.positive, options.zeroDivision, options.onWarning);
}

/**
 * Specificity TN/(TN+FP), one-vs-rest.
 *
 * @example
 * specificityScore([0, 0, 1], [0, 1, 1]); // 0.5
 */
export function specificityScore(yTrue: LabelArray, yPred: LabelArray, options: RateOptions = {}): number {
  return rates(yTrue, yPred, options, 'specificity').specificity;
}

/**
 * False positive rate FP/(TN+FP), one-vs-rest.
 *
 * @example
 * falsePositiveRate([0, 0, 1], [0, 1, 1]); // 0.5
 */
export function falsePositiveRate(yTrue: LabelArray, yPred: LabelArray, options: RateOptions = {}): number {
  return rates(yTrue, yPred, options, 'false_positive_rate').falsePositiveRate;
}

/**
 * Matthews correlation coefficient (scikit-learn's matthews_corrcoef).
 *
 * @example
 * matthewsCorrelation([1, 1, 1, 0], [1, 0, 1, 1]); // -0.333…
 */
export function matthewsCorrelation(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: LabelOptions = {},
): number {
  return matthewsFrom(prepare(yTrue, yPred, options).totals);
}

/**
 * Cohen's kappa (scikit-learn's cohen_kappa_score).
 *
 * @example
 * cohenKappa([0, 1, 1, 0], [0, 1, 0, 0]); // 0.5
 */
export function cohenKappa(yTrue: LabelArray, yPred: LabelArray, options: LabelOptions = {}): number {
  const p = prepare(yTrue, yPred, options);
  return cohenKappaFrom(p.confusion, p.totals);
}
