/**
 * Feature importances of a linear model: |coef| times the feature's weighted standard
 * deviation (so that rescaling a feature does not change its importance; the
 * deviations come from the training data, columnMoments), summed over the K
 * coefficient rows, normalized to sum to 1 (all 0 when every coefficient is 0).
 *
 * @example
 * coefficientImportances(Float64Array.of(2, 1), 1, Float64Array.of(1, 0)); // [1, 0]
 */
export function coefficientImportances(coef: Float64Array, K: number, std: Float64Array): Float64Array {
  const p = std.length;
  const out = new Float64Array(p);
  let total = 0;
  for (let j = 0; j < p; j++) {
    let c = 0;
    for (let k = 0; k < K; k++) c += Math.abs(coef[k * p + j]!);
    out[j] = c * std[j]!;
    total += out[j]!;
  }
  if (total > 0) for (let j = 0; j < p; j++) out[j]! /= total;
  return out;
}
