// The one sort every ranking metric and curve shares: scores grouped into distinct
// thresholds (descending) with the positive and negative weight at each. AUC, average
// precision, ROC, precision-recall, lift and gains are all single passes over it.
import { encodeKeys, keyValue, radixSort, type SortBuffers, sortBuffers } from './order.ts';

const POSITIVE = 0x80000000;
const INDEX = 0x7fffffff;

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
  // Tables are sized for all-distinct scores; with many ties (tree models' probabilities)
  // a copy of the used part frees most of the memory, which a view would keep alive.
  const cut = (a: Float64Array) => (m < a.length >> 1 ? a.slice(0, m) : a.subarray(0, m));
  const p = cut(pos);
  const q = cut(neg);
  let totalPos = 0;
  let totalNeg = 0;
  for (let i = 0; i < m; i++) {
    totalPos += p[i]!;
    totalNeg += q[i]!;
  }
  return { values: cut(values), pos: p, neg: q, totalPos, totalNeg };
}

/**
 * Groups samples by distinct score: one radix sort, then one pass from the highest
 * score down summing positive and negative weight per distinct value. Zero-weight
 * samples are left out, as scikit-learn does.
 *
 * @example
 * thresholdTable(Float64Array.of(0.1, 0.9, 0.9), Uint8Array.of(0, 1, 0)).values; // [0.9, 0.1]
 */
export function thresholdTable(
  score: Float64Array,
  isPositive: Uint8Array,
  weight?: Float64Array,
  buffers: SortBuffers = sortBuffers(score.length),
): ThresholdTable {
  const n = score.length;
  const [lo0, hi0, tag0, ...spare] = buffers.arrays;
  encodeKeys(score, lo0, hi0);
  // The payload is the sample index with the positive flag in bit 31, so the walk below
  // reads the flag in sorted order instead of looking it up by index.
  for (let i = 0; i < n; i++) tag0[i] = isPositive[i] ? (i | POSITIVE) >>> 0 : i;
  const { lo, hi, payload } = radixSort(lo0, hi0, [tag0], spare, buffers.count);
  const tag = payload[0]!;
  const values = new Float64Array(n);
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  let m = 0;
  let i = n - 1;
  while (i >= 0) {
    let p = 0;
    let q = 0;
    const h = hi[i];
    const l = lo[i];
    const v = keyValue(h!, l!);
    if (weight === undefined) {
      for (; i >= 0 && hi[i] === h && lo[i] === l; i--) {
        if (tag[i]! & POSITIVE) p++;
        else q++;
      }
    } else {
      let kept = false;
      for (; i >= 0 && hi[i] === h && lo[i] === l; i--) {
        const t = tag[i]!;
        const w = weight[t & INDEX]!;
        if (w === 0) continue;
        kept = true;
        if (t & POSITIVE) p += w;
        else q += w;
      }
      if (!kept) continue;
    }
    values[m] = v;
    pos[m] = p;
    neg[m] = q;
    m++;
  }
  return finish(values, pos, neg, m);
}

const FAN_IN = 8;

/**
 * The table of all given tables' samples pooled (micro-averaging pools the one-vs-rest
 * columns): a k-way merge scanning the k current thresholds, in a tree of fan-in 8
 * when there are more tables.
 *
 * @example
 * mergeTables([t0, t1]).totalPos === t0.totalPos + t1.totalPos;
 */
export function mergeTables(tables: readonly ThresholdTable[]): ThresholdTable {
  if (tables.length > FAN_IN) {
    const groups: ThresholdTable[] = [];
    for (let i = 0; i < tables.length; i += FAN_IN) groups.push(mergeTables(tables.slice(i, i + FAN_IN)));
    return mergeTables(groups);
  }
  const k = tables.length;
  let total = 0;
  for (const t of tables) total += t.values.length;
  const values = new Float64Array(total);
  const pos = new Float64Array(total);
  const neg = new Float64Array(total);
  const head = new Int32Array(k);
  const current = new Float64Array(k);
  for (let t = 0; t < k; t++)
    current[t] = tables[t]!.values.length > 0 ? tables[t]!.values[0]! : Number.NEGATIVE_INFINITY;
  let m = 0;
  for (let out = 0; out < total; ) {
    let v = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < k; t++) if (current[t]! > v) v = current[t]!;
    let p = 0;
    let q = 0;
    // Every table whose current threshold equals v contributes to this one.
    for (let t = 0; t < k; t++) {
      if (current[t] !== v) continue;
      const table = tables[t]!;
      const h = head[t]!;
      p += table.pos[h]!;
      q += table.neg[h]!;
      head[t] = h + 1;
      current[t] = h + 1 < table.values.length ? table.values[h + 1]! : Number.NEGATIVE_INFINITY;
      out++;
    }
    values[m] = v;
    pos[m] = p;
    neg[m] = q;
    m++;
  }
  return finish(values, pos, neg, m);
}

/**
 * The table of the scores 1 − s with positives and negatives swapped, built from the
 * table of s without sorting again: s ↦ 1 − s reverses the order and may only merge
 * neighbours (rounding), so this is exactly the table a sort of 1 − s gives.
 *
 * @example
 * complementTable(thresholdTable(Float64Array.of(0.2, 0.7), Uint8Array.of(0, 1))).values; // [0.8, 0.3…]
 */
export function complementTable(t: ThresholdTable): ThresholdTable {
  const size = t.values.length;
  const values = new Float64Array(size);
  const pos = new Float64Array(size);
  const neg = new Float64Array(size);
  let m = 0;
  for (let i = size - 1; i >= 0; i--) {
    const v = 1 - t.values[i]!;
    if (m === 0 || values[m - 1] !== v) {
      values[m] = v;
      m++;
    }
    pos[m - 1]! += t.neg[i]!;
    neg[m - 1]! += t.pos[i]!;
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
