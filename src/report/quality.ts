import { calibrationCurve, confusionMatrix, precisionRecallCurve, rocCurve } from '../metrics/index.ts';
import type { AutomlReportSection, Curve } from './types.ts';

type ClassificationQuality = Pick<
  AutomlReportSection,
  'labels' | 'confusionMatrix' | 'roc' | 'precisionRecall' | 'calibration'
>;

/**
 * The classification pictures of a report, from predictions on evaluation rows: the
 * confusion matrix, and one-vs-rest ROC, precision-recall and calibration curves (the
 * positive class only for a binary task). `probabilities[i][k]` is row i's probability
 * of `labels[k]`.
 *
 * @example
 * classificationQuality(['a', 'b'], ['a', 'a'], [[0.8, 0.2], [0.6, 0.4]], ['a', 'b']).roc![0]!.name; // 'b'
 */
export function classificationQuality(
  yTrue: readonly (string | number)[],
  yPred: readonly (string | number)[],
  probabilities: ReadonlyArray<ArrayLike<number>>,
  labels: readonly (string | number)[],
): ClassificationQuality {
  const cm = confusionMatrix(yTrue as string[], yPred as string[], { labels: labels as string[] });
  const classes = labels.length === 2 ? [1] : labels.map((_, k) => k);
  const roc: Curve[] = [];
  const pr: Curve[] = [];
  const calibration: Curve[] = [];
  for (const k of classes) {
    const label = labels[k]!;
    const isClass = yTrue.map((y) => (y === label ? 1 : 0));
    if (!isClass.includes(1) || !isClass.includes(0)) continue; // a curve needs both classes present
    const scores = Float64Array.from(probabilities, (p) => p[k]!);
    const name = String(label);
    const r = rocCurve(isClass, scores);
    roc.push({ name, x: r.map((p) => p.fpr), y: r.map((p) => p.tpr) });
    const p = precisionRecallCurve(isClass, scores);
    pr.push({ name, x: p.map((q) => q.recall), y: p.map((q) => q.precision) });
    const c = calibrationCurve(isClass, scores, { nBins: 10 });
    calibration.push({ name, x: c.map((q) => q.meanPredicted), y: c.map((q) => q.fractionPositive) });
  }
  return {
    labels: labels.map(String),
    confusionMatrix: cm.counts,
    roc,
    precisionRecall: pr,
    calibration,
  };
}
