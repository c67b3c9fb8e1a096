import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';

/** Per column: the fill value (weighted mean), the weighted standard deviation, and whether a value was missing. */
export interface ColumnMoments {
  means: Float64Array;
  /** Of the column as filled (missing values count as the mean): what importances scale by. */
  stds: Float64Array;
  missing: boolean;
}

/**
 * Weighted mean and standard deviation of the non-missing values of every column (0 for
 * a column with no value): the mean is what linear, k-NN and naive Bayes models fill
 * missing values with, the deviation what linear importances scale by. Weighted, so
 * that a row of weight 2 counts as the row twice here too. Also says whether any value
 * is missing, and rejects infinite values. One pass over the data when nothing is
 * missing: the pass is bound by memory, so the second moment costs nothing extra.
 *
 * @example
 * columnMoments({ data: Float64Array.of(1, NaN, 3), nRows: 3, nCols: 1 }, Float64Array.of(1, 1, 1));
 * // { means: [2], stds: [0.8164965809277263], missing: true }
 */
export function columnMoments(X: ColumnMatrix, weight: Float64Array, path = 'X'): ColumnMoments {
  const { data, nRows, nCols } = X;
  const means = new Float64Array(nCols);
  const stds = new Float64Array(nCols);
  let missing = false;
  let total = 0;
  for (let r = 0; r < nRows; r++) total += weight[r]!;
  for (let c = 0; c < nCols; c++) {
    const o = c * nRows;
    // Fast path: finite sums mean no NaN or infinity in the column. Shifted by the first
    // value, so that a large mean does not cancel the variance; two lanes of each sum
    // (as compute/lanes.ts) let the CPU overlap the additions.
    const shift = data[o]!;
    let s1a = 0;
    let s1b = 0;
    let s2a = 0;
    let s2b = 0;
    let r = 0;
    for (; r + 2 <= nRows; r += 2) {
      const da = data[o + r]! - shift;
      const db = data[o + r + 1]! - shift;
      const ma = weight[r]! * da;
      const mb = weight[r + 1]! * db;
      s1a += ma;
      s1b += mb;
      s2a += ma * da;
      s2b += mb * db;
    }
    if (r < nRows) {
      const d = data[o + r]! - shift;
      s1a += weight[r]! * d;
      s2a += weight[r]! * d * d;
    }
    const s1 = s1a + s1b;
    const s2 = s2a + s2b;
    if (Number.isFinite(s1) && Number.isFinite(s2)) {
      const m = total > 0 ? s1 / total : 0;
      means[c] = shift + m;
      stds[c] = total > 0 ? Math.sqrt(Math.max(s2 / total - m * m, 0)) : 0;
      continue;
    }
    let s = 0;
    let w = 0;
    for (let r = 0; r < nRows; r++) {
      const v = data[o + r]!;
      if (v - v === 0) {
        s += weight[r]! * v;
        w += weight[r]!;
      } else if (Number.isNaN(v)) {
        missing = true;
      } else {
        throw infinite(path, r, c, v);
      }
    }
    const mean = w > 0 ? s / w : 0;
    means[c] = mean;
    // filled with the mean, the missing rows add nothing to the spread
    let ss = 0;
    for (let r = 0; r < nRows; r++) {
      const d = data[o + r]! - mean;
      if (!Number.isNaN(d)) ss += weight[r]! * d * d;
    }
    stds[c] = total > 0 ? Math.sqrt(ss / total) : 0;
  }
  return { means, stds, missing };
}

function infinite(path: string, r: number, c: number, v: number): ValidationError {
  return new ValidationError(`${path}[${r}][${c}] is ${v}: features must be finite or missing (NaN)`, {
    path: `${path}[${r}][${c}]`,
  });
}

/**
 * X with every NaN replaced by its column's fill value; X itself (no copy) when it has
 * no NaN. Infinite values are kept: they are data, and the models say what they make
 * of them.
 *
 * @example
 * imputed({ data: Float64Array.of(1, NaN), nRows: 2, nCols: 1 }, Float64Array.of(5)).data; // [1, 5]
 */
export function imputed(X: ColumnMatrix, fill: Float64Array): ColumnMatrix {
  const { data, nRows, nCols } = X;
  let i = 0;
  while (i < data.length && !Number.isNaN(data[i]!)) i++;
  if (i === data.length) return X;
  const out = Float64Array.from(data);
  for (let c = 0; c < nCols; c++) {
    const o = c * nRows;
    for (let r = 0; r < nRows; r++) if (Number.isNaN(out[o + r]!)) out[o + r] = fill[c]!;
  }
  return { data: out, nRows, nCols };
}

/**
 * Throws a ValidationError naming the first infinite cell (row, column, value): linear,
 * k-NN and naive Bayes models cannot learn from or score an infinite feature.
 *
 * @example
 * assertNoInfinity({ data: Float64Array.of(1, Infinity), nRows: 2, nCols: 1 }, 'X'); // throws: X[1][0] is Infinity
 */
export function assertNoInfinity(X: ColumnMatrix, path: string): void {
  const { data, nRows } = X;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
      const r = i % nRows;
      throw infinite(path, r, (i - r) / nRows, v);
    }
  }
}
