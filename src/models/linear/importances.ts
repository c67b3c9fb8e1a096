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
    let c = 0;
    for (let k = 0; k < K; k++) c += Math.abs(coef[k * p + j]!);
    if (c === 0) continue;
    // One pass, shifted by the first value so that a large mean does not cancel the variance.
    const o = j * n;
    const shift = data[o]!;
    let sw = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const wi = weight[i]!;
      const d = data[o + i]! - shift;
      sw += wi;
      s1 += wi * d;
      s2 += wi * d * d;
    }
    const mean = s1 / sw;
    out[j] = c * Math.sqrt(Math.max(s2 / sw - mean * mean, 0));
    total += out[j]!;
  }
  if (total > 0) for (let j = 0; j < p; j++) out[j]! /= total;
  return out;
}
