/**
 * A K x p row-major coefficient array as K rows of plain numbers (what the linear
 * classifiers' `coef` getters return).
 *
 * @example
 * coefficientRows(Float64Array.of(1, 2, 3, 4), 2, 2); // [[1, 2], [3, 4]]
 */
export function coefficientRows(coef: Float64Array, K: number, p: number): number[][] {
  return Array.from({ length: K }, (_, k) => Array.from(coef.subarray(k * p, (k + 1) * p)));
}
