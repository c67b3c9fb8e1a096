import type { ColumnMatrix } from '../compute/matrix.ts';

/**
 * The rows `rows` of a column-major matrix, in that order (a copy).
 *
 * @example
 * takeRows(X, Int32Array.of(0, 2)).nRows; // 2
 */
export function takeRows(X: ColumnMatrix, rows: ArrayLike<number>): ColumnMatrix {
  const n = rows.length;
  const data = new Float64Array(n * X.nCols);
  for (let c = 0; c < X.nCols; c++) {
    const src = c * X.nRows;
    const dst = c * n;
    for (let i = 0; i < n; i++) data[dst + i] = X.data[src + rows[i]!]!;
  }
  return { data, nRows: n, nCols: X.nCols };
}
