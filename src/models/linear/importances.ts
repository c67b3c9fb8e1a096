import type { ColumnMatrix } from '../../compute/matrix.ts';

/**
 * Feature importances of a linear model: |coef| times the feature's weighted standard
 * deviation (so that rescaling a feature does not change its importance), summed over
 * the K coefficient rows, normalized to sum to 1 (all 0 when every coefficient is 0).
 *
 * @example
 * coefficientImportances(Float64Array.of(2, 0), 1, X, weight); // [1, 0]
 */
export function coefficientImportances(
  coef: Float64Array,
  K: number,
  X: ColumnMatrix,
  weight: Float64Array,
): Float64Array {
  const { data, nRows: n, nCols: p } = X;
  const out = new Float64Array(p);
  let total = 0;
  for (let j = 0; j < p; j++) {
    let sw = 0;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      sw += weight[i]!;
      mean += weight[i]! * data[j * n + i]!;
    }
    mean /= sw;
    let v = 0;
    for (let i = 0; i < n; i++) v += weight[i]! * (data[j * n + i]! - mean) ** 2;
    const sd = Math.sqrt(v / sw);
    let c = 0;
    for (let k = 0; k < K; k++) c += Math.abs(coef[k * p + j]!);
    out[j] = c * sd;
    total += out[j]!;
  }
  if (total > 0) for (let j = 0; j < p; j++) out[j]! /= total;
  return out;
}
