import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';

/**
 * Weighted mean of the non-missing values of every column (0 for a column with no
 * value): what linear, k-NN and naive Bayes models fill missing values with. Weighted,
 * so that a row of weight 2 counts as the row twice here too. Also says whether any
 * value is missing, and rejects infinite values (one pass over the data).
 *
 * @example
 * columnMeans({ data: Float64Array.of(1, NaN, 3), nRows: 3, nCols: 1 }, Float64Array.of(1, 1, 1));
 * // { means: [2], missing: true }
 */
export function columnMeans(
  X: ColumnMatrix,
  weight: Float64Array,
  path = 'X',
): { means: Float64Array; missing: boolean } {
  const { data, nRows, nCols } = X;
  const means = new Float64Array(nCols);
  let missing = false;
  let total = 0;
  for (let r = 0; r < nRows; r++) total += weight[r]!;
  for (let c = 0; c < nCols; c++) {
    const o = c * nRows;
    // Fast path: a finite weighted sum means no NaN or infinity in the column.
    let fast = 0;
    for (let r = 0; r < nRows; r++) fast += weight[r]! * data[o + r]!;
    if (Number.isFinite(fast)) {
      means[c] = total > 0 ? fast / total : 0;
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
    means[c] = w > 0 ? s / w : 0;
  }
  return { means, missing };
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
