import { ValidationError } from '../core/errors.ts';
import { encodeTargets } from './labels.ts';
import { sortBuffers } from './order.ts';
import { positiveColumn, type ScoreMatrix, scoreMatrix } from './scores.ts';
import {
  aucOf,
  averagePrecisionOf,
  complementTable,
  mergeTables,
  type ThresholdTable,
  thresholdTable,
} from './thresholds.ts';
import type { Average, Label, LabelArray, LabelOptions, ScoreInput } from './types.ts';

/**
 * One threshold table per label, one-vs-rest: column c of the scores against
 * "yTrue is label c".
 *
 * @example
 * classTables(scoreMatrix(p, n, 3, 1), yTrueCodes, undefined).length; // 3
 */
export function classTables(
  m: ScoreMatrix,
  yTrue: Int32Array,
  weight: Float64Array | undefined,
): ThresholdTable[] {
  const { values, n, k } = m;
  const column = new Float64Array(n);
  const isPositive = new Uint8Array(n);
  const tables: ThresholdTable[] = [];
  const buffers = sortBuffers(n);
  for (let c = 0; c < k; c++) {
    if (m.fromColumn !== undefined && c !== m.fromColumn) continue;
    for (let i = 0; i < n; i++) {
      column[i] = values[i * k + c]!;
      isPositive[i] = yTrue[i] === c ? 1 : 0;
    }
    tables.push(thresholdTable(column, isPositive, weight, buffers));
  }
  // A binary score vector's other column is 1 − it: its table follows without a sort.
  if (m.fromColumn !== undefined) {
    const complement = complementTable(tables[0]!);
    return m.fromColumn === 0 ? [tables[0]!, complement] : [complement, tables[0]!];
  }
  return tables;
}

/** A ranking score per label and its macro, weighted and micro averages. */
export interface RankingAverages {
  perClass: number[];
  macro: number;
  weighted: number;
  micro: number;
}

/**
 * Averages a ranking score over one-vs-rest tables as scikit-learn's
 * _average_binary_score does: macro = plain mean, weighted = weighted by each label's
 * positive weight (0 if there is none), micro = the pooled table. NaN per-label scores
 * (AUC of a label absent from yTrue) make macro and weighted NaN.
 *
 * @example
 * rankingAverages(tables, aucOf).macro;
 */
export function rankingAverages(
  tables: readonly ThresholdTable[],
  score: (t: ThresholdTable) => number,
  pooled: ThresholdTable = mergeTables(tables),
): RankingAverages {
  const perClass = tables.map(score);
  let macro = 0;
  let wSum = 0;
  let weighted = 0;
  for (let c = 0; c < tables.length; c++) {
    macro += perClass[c]!;
    const w = tables[c]!.totalPos;
    wSum += w;
    const s = perClass[c]!;
    // scikit-learn zeroes the score of a label without positives before weighting.
    weighted += Number.isNaN(s) ? s : w === 0 ? 0 : s * w;
  }
  return {
    perClass,
    macro: macro / tables.length,
    weighted: Math.abs(wSum) <= 1e-8 ? 0 : weighted / wSum,
    micro: score(pooled),
  };
}

/** Options of the ranking metrics (AUC, average precision). */
export interface RankingOptions
  extends Pick<LabelOptions, 'labels' | 'sampleWeight' | 'positiveLabel' | 'onWarning'> {
  /** Default 'binary' for two labels, else 'macro'. */
  average?: Average;
}

interface RankingInput {
  tables: ThresholdTable[];
  labels: Label[];
  positive: number;
  average: Average;
}

function rankingInput(yTrue: LabelArray, scores: ScoreInput, options: RankingOptions): RankingInput {
  const t = encodeTargets(yTrue, undefined, options);
  const k = t.labels.length;
  if (k < 2) {
    throw new ValidationError(
      `yTrue has only one class (${String(t.labels[0])}); ranking metrics are undefined with a single class (pass options.labels if scores have more columns).`,
      { path: 'yTrue' },
    );
  }
  const average = options.average ?? (k === 2 ? 'binary' : 'macro');
  if (average === 'binary' && k !== 2) {
    throw new ValidationError(`average 'binary' needs exactly 2 labels, got ${k}.`, { path: 'average' });
  }
  const n = t.yTrue.length;
  if (average !== 'binary') {
    return {
      tables: classTables(scoreMatrix(scores, n, k, t.positive), t.yTrue, t.weight),
      labels: t.labels,
      positive: t.positive,
      average,
    };
  }
  const column = positiveColumn(scores, n, 2, t.positive);
  const isPositive = new Uint8Array(n);
  for (let i = 0; i < n; i++) isPositive[i] = t.yTrue[i] === t.positive ? 1 : 0;
  const tables = [thresholdTable(column, isPositive, t.weight)];
  return { tables, labels: t.labels, positive: t.positive, average };
}

/**
 * Explains which label makes AUC undefined (no positives or no negatives).
 *
 * @example
 * throw undefinedAuc(tables, ['a', 'b'], 'AUC_macro');
 */
export function undefinedAuc(
  tables: readonly ThresholdTable[],
  labels: readonly Label[],
  metric: string,
): ValidationError {
  const bad = tables.findIndex((t) => !(t.totalPos > 0 && t.totalNeg > 0));
  const t = tables[bad];
  const label = labels.length === 2 && tables.length === 1 ? undefined : labels[bad];
  const which = t && !(t.totalPos > 0) ? 'no samples of' : 'only samples of';
  const detail =
    label === undefined ? 'yTrue has a single class' : `yTrue has ${which} label ${String(label)}`;
  return new ValidationError(
    `${metric} is undefined: ${detail}, so one-vs-rest has a single class (scikit-learn raises too).`,
    { path: 'yTrue' },
  );
}

function averaged(input: RankingInput, score: (t: ThresholdTable) => number): number {
  if (input.average === 'binary') return score(input.tables[0]!);
  const r = rankingAverages(input.tables, score);
  return r[input.average];
}

/**
 * ROC AUC (scikit-learn's roc_auc_score): binary on the positive label's scores, or
 * one-vs-rest macro / weighted / micro over the label columns. Ties count half, as the
 * trapezoidal rule does. Throws a ValidationError when a class needed is absent.
 *
 * @example
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAucScore(yTrue: LabelArray, scores: ScoreInput, options: RankingOptions = {}): number {
  const input = rankingInput(yTrue, scores, options);
  const value = averaged(input, aucOf);
  if (Number.isNaN(value)) throw undefinedAuc(input.tables, input.labels, `AUC (${input.average})`);
  return value;
}

/**
 * Average precision (scikit-learn's average_precision_score), binary or one-vs-rest
 * averaged; a label without positives scores 0 (with a warning).
 *
 * @example
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 */
export function averagePrecisionScore(
  yTrue: LabelArray,
  scores: ScoreInput,
  options: RankingOptions = {},
): number {
  const input = rankingInput(yTrue, scores, options);
  const missing = input.tables.findIndex((t) => !(t.totalPos > 0));
  if (missing >= 0 && options.onWarning) {
    options.onWarning({
      metric: `average_precision_score_${input.average}`,
      message: 'A label has no positive samples in yTrue; its average precision is 0.',
    });
  }
  return averaged(input, averagePrecisionOf);
}
