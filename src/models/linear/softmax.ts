/**
 * Turns each row of K log-scores (row-major) into probabilities in place: exp(z - max)
 * normalized by the row's sum. Dividing by the sum, rather than subtracting a
 * log-sum-exp from scores near -1e9 (whose ulp is ~1e-7), keeps every row summing to 1.
 *
 * @example
 * softmaxRows(Float64Array.of(0, Math.log(3)), 2); // [0.25, 0.75]
 */
export function softmaxRows(z: Float64Array, K: number): Float64Array {
  for (let i = 0; i < z.length / K; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) m = Math.max(m, z[i * K + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[i * K + k]! - m);
      z[i * K + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) z[i * K + k]! /= sum;
  }
  return z;
}
