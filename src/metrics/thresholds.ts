// The one sort every ranking metric and curve shares: scores grouped into distinct
// thresholds (descending) with the positive and negative weight at each. AUC, average
// precision, ROC, precision-recall, lift and gains are all single passes over it.

/** Distinct scores in descending order with the weight of positives and negatives at each. */
export interface ThresholdTable {
  values: Float64Array;
  pos: Float64Array;
  neg: Float64Array;
  /** Total positive and negative weight. */
  totalPos: number;
  totalNeg: number;
}

function finish(values: Float64Array, pos: Float64Array, neg: Float64Array, m: number): ThresholdTable {
  const p = pos.subarray(0, m);
  const q = neg.subarray(0, m);
  let totalPos = 0;
  let totalNeg = 0;
  for (let i = 0; i < m; i++) {
    totalPos += p[i]!;
    totalNeg += q[i]!;
  }
  return { values: values.subarray(0, m), pos: p, neg: q, totalPos, totalNeg };
}

/**
 * Groups samples by distinct score. Unweighted, positives and negatives are sorted
 * apart (native typed-array sorts) and merged; weighted, the distinct scores are found
 * by one sort and each sample is placed by binary search. Zero-weight samples are left
 * out, as scikit-learn does.
 *
 * @example
 * thresholdTable(Float64Array.of(0.1, 0.9, 0.9), Uint8Array.of(0, 1, 0)).values; // [0.9, 0.1]
 */
export function thresholdTable(
  score: Float64Array,
  isPositive: Uint8Array,
  weight?: Float64Array,
): ThresholdTable {
  return weight === undefined ? unweightedTable(score, isPositive) : weightedTable(score, isPositive, weight);
}

function unweightedTable(score: Float64Array, isPositive: Uint8Array): ThresholdTable {
  const n = score.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += isPositive[i]!;
  const ps = new Float64Array(nPos);
  const ns = new Float64Array(n - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isPositive[i]) ps[a++] = score[i]!;
    else ns[b++] = score[i]!;
  }
  ps.sort();
  ns.sort();
  const values = new Float64Array(n);
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  let i = nPos - 1;
  let j = n - nPos - 1;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? ns[j]! : j < 0 ? ps[i]! : Math.max(ps[i]!, ns[j]!);
    let cp = 0;
    while (i >= 0 && ps[i] === v) {
      cp++;
      i--;
    }
    let cn = 0;
    while (j >= 0 && ns[j] === v) {
      cn++;
      j--;
    }
    values[m] = v;
    pos[m] = cp;
    neg[m] = cn;
    m++;
  }
  return finish(values, pos, neg, m);
}

function weightedTable(score: Float64Array, isPositive: Uint8Array, weight: Float64Array): ThresholdTable {
  const n = score.length;
  let kept = 0;
  for (let i = 0; i < n; i++) if (weight[i]! !== 0) kept++;
  const sorted = new Float64Array(kept);
  kept = 0;
  for (let i = 0; i < n; i++) if (weight[i]! !== 0) sorted[kept++] = score[i]!;
  sorted.sort();
  let u = 0;
  for (let i = 0; i < kept; i++) if (u === 0 || sorted[i] !== sorted[u - 1]) sorted[u++] = sorted[i]!;
  const pos = new Float64Array(u);
  const neg = new Float64Array(u);
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    if (w === 0) continue;
    const s = score[i]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    // Descending index, so the table reads from the highest threshold.
    const at = u - 1 - lo;
    if (isPositive[i]) pos[at]! += w;
    else neg[at]! += w;
  }
  const values = new Float64Array(u);
  for (let i = 0; i < u; i++) values[i] = sorted[u - 1 - i]!;
  return finish(values, pos, neg, u);
}

/**
 * Merges two tables into the table of their pooled samples (micro-averaging pools the
 * one-vs-rest columns).
 *
 * @example
 * mergeTables(t0, t1).totalPos === t0.totalPos + t1.totalPos;
 */
export function mergeTables(a: ThresholdTable, b: ThresholdTable): ThresholdTable {
  const na = a.values.length;
  const nb = b.values.length;
  const values = new Float64Array(na + nb);
  const pos = new Float64Array(na + nb);
  const neg = new Float64Array(na + nb);
  let i = 0;
  let j = 0;
  let m = 0;
  while (i < na || j < nb) {
    const va = i < na ? a.values[i]! : Number.NEGATIVE_INFINITY;
    const vb = j < nb ? b.values[j]! : Number.NEGATIVE_INFINITY;
    const takeA = i < na && (j >= nb || va >= vb);
    const takeB = j < nb && (i >= na || vb >= va);
    values[m] = takeA ? va : vb;
    if (takeA) {
      pos[m]! += a.pos[i]!;
      neg[m]! += a.neg[i]!;
      i++;
    }
    if (takeB) {
      pos[m]! += b.pos[j]!;
      neg[m]! += b.neg[j]!;
      j++;
    }
    m++;
  }
  return finish(values, pos, neg, m);
}

/**
 * Area under the ROC curve by the trapezoidal rule over the thresholds, as
 * scikit-learn's roc_auc_score; NaN when there are no positives or no negatives.
 *
 * @example
 * aucOf(thresholdTable(Float64Array.of(0.1, 0.9), Uint8Array.of(0, 1))); // 1
 */
export function aucOf(t: ThresholdTable): number {
  const { pos, neg, totalPos, totalNeg } = t;
  if (!(totalPos > 0 && totalNeg > 0)) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let prevX = 0;
  let prevY = 0;
  let area = 0;
  for (let m = 0; m < pos.length; m++) {
    tp += pos[m]!;
    fp += neg[m]!;
    const x = fp / totalNeg;
    const y = tp / totalPos;
    area += ((x - prevX) * (y + prevY)) / 2;
    prevX = x;
    prevY = y;
  }
  return area;
}

/**
 * Average precision, the step-wise (non-interpolated) area under the precision-recall
 * curve, as scikit-learn's average_precision_score; 0 when there are no positives.
 *
 * @example
 * averagePrecisionOf(thresholdTable(Float64Array.of(0.1, 0.9), Uint8Array.of(0, 1))); // 1
 */
export function averagePrecisionOf(t: ThresholdTable): number {
  const { pos, neg, totalPos } = t;
  if (!(totalPos > 0)) return 0;
  let tp = 0;
  let fp = 0;
  let prevR = 0;
  let ap = 0;
  for (let m = 0; m < pos.length; m++) {
    tp += pos[m]!;
    fp += neg[m]!;
    const r = tp / totalPos;
    const predicted = tp + fp;
    ap += (r - prevR) * (predicted === 0 ? 0 : tp / predicted);
    prevR = r;
  }
  return ap;
}
