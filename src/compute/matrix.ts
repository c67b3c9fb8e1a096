import { ShapeError, ValidationError } from '../core/errors.ts';

/**
 * A dense feature matrix stored column by column: the value of row `r`, column `c` is
 * `data[c * nRows + r]`. Columns are what tree learners and binning scan, so keeping
 * each one contiguous makes those loops stream through memory. NaN marks a missing value.
 *
 * @example
 * const X = columnMatrix(new Float64Array([1, 2, 3, 10, 20, 30]), 3, 2); // 3 rows, 2 columns
 */
export interface ColumnMatrix {
  readonly data: Float64Array;
  readonly nRows: number;
  readonly nCols: number;
}

/** Wraps a column-major buffer without copying it, after checking its size. */
export function columnMatrix(data: Float64Array, nRows: number, nCols: number): ColumnMatrix {
  if (!Number.isInteger(nRows) || nRows < 0) {
    throw new ValidationError(`nRows must be a non-negative integer, got ${nRows}`, { path: 'nRows' });
  }
  if (!Number.isInteger(nCols) || nCols < 0) {
    throw new ValidationError(`nCols must be a non-negative integer, got ${nCols}`, { path: 'nCols' });
  }
  if (data.length !== nRows * nCols) {
    throw new ShapeError(
      `a ${nRows} x ${nCols} matrix needs ${nRows * nCols} values, but the buffer holds ${data.length}`,
    );
  }
  return { data, nRows, nCols };
}

/**
 * Builds a column-major matrix from an array of rows (copying). `null` and `undefined`
 * cells become NaN (missing). Every row must have the same length.
 *
 * @example
 * matrixFromRows([[1, 10], [2, 20]]).data; // Float64Array [1, 2, 10, 20]
 */
export function matrixFromRows(rows: ReadonlyArray<ReadonlyArray<number | null | undefined>>): ColumnMatrix {
  const nRows = rows.length;
  const nCols = rows[0]?.length ?? 0;
  const data = new Float64Array(nRows * nCols);
  for (let r = 0; r < nRows; r++) {
    const row = rows[r]!;
    if (row.length !== nCols) {
      throw new ShapeError(`row ${r} has ${row.length} values, but row 0 has ${nCols}`);
    }
    for (let c = 0; c < nCols; c++) {
      const v = row[c];
      data[c * nRows + r] = v ?? Number.NaN;
    }
  }
  return { data, nRows, nCols };
}

/** Column `c` of `m` as a view (no copy). */
export function column(m: ColumnMatrix, c: number): Float64Array {
  return m.data.subarray(c * m.nRows, (c + 1) * m.nRows);
}
