/**
 * Platt's sigmoid P(y = +1 | f) = 1 / (1 + exp(A·f + B)) fitted to decision values by
 * Newton's method with a backtracking line search, as libsvm's sigmoid_train (Lin, Lin
 * and Weng 2007), targets smoothed by the class counts. `weight` (default all 1) counts
 * a row as that many copies.
 *
 * @example
 * const { A, B } = sigmoidTrain(Float64Array.of(-2, -1, 1, 2), Float64Array.of(-1, -1, 1, 1));
 */
export function sigmoidTrain(
  dec: Float64Array,
  labels: Float64Array,
  weight?: Float64Array,
): { A: number; B: number } {
  const l = dec.length;
  const w = weight ?? new Float64Array(l).fill(1);
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) {
    if (labels[i]! > 0) prior1 += w[i]!;
    else prior0 += w[i]!;
  }
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from(labels, (v) => (v > 0 ? hi : lo));
  const objective = (A: number, B: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i]! * A + B;
      f +=
        w[i]! * (z >= 0 ? t[i]! * z + Math.log1p(Math.exp(-z)) : (t[i]! - 1) * z + Math.log1p(Math.exp(z)));
    }
    return f;
  };
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(A, B);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i]! * A + B;
      const e = Math.exp(-Math.abs(z));
      const p = z >= 0 ? e / (1 + e) : 1 / (1 + e);
      const q = 1 - p;
      const d2 = w[i]! * p * q;
      h11 += dec[i]! * dec[i]! * d2;
      h22 += d2;
      h21 += dec[i]! * d2;
      const d1 = w[i]! * (t[i]! - p);
      g1 += dec[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const newA = A + step * dA;
      const newB = B + step * dB;
      const f = objective(newA, newB);
      if (f < fval + 1e-4 * step * gd) {
        A = newA;
        B = newB;
        fval = f;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

/**
 * Platt's probability of the positive class for a decision value.
 *
 * @example
 * sigmoidPredict(0, -1, 0); // 0.5
 */
export function sigmoidPredict(dec: number, A: number, B: number): number {
  const z = dec * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/**
 * Class probabilities from pairwise ones, r[i·k + j] = P(i | i or j), by the second
 * method of Wu, Lin and Weng (2004), as libsvm's multiclass_probability.
 *
 * @example
 * pairwiseCoupling(Float64Array.of(0, 0.5, 0.5, 0), 2); // [0.5, 0.5]
 */
export function pairwiseCoupling(r: Float64Array, k: number): Float64Array {
  const Q = new Float64Array(k * k);
  const Qp = new Float64Array(k);
  const p = new Float64Array(k).fill(1 / k);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      Q[t * k + t]! += r[j * k + t]! * r[j * k + t]!;
      Q[t * k + j] = -r[j * k + t]! * r[t * k + j]!;
    }
  }
  const eps = 0.005 / k;
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += Q[t * k + j]! * p[j]!;
      Qp[t] = s;
      pQp += p[t]! * s;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t]! - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t]! + pQp) / Q[t * k + t]!;
      p[t]! += diff;
      pQp = (pQp + diff * (diff * Q[t * k + t]! + 2 * Qp[t]!)) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t * k + j]!) / (1 + diff);
        p[j]! /= 1 + diff;
      }
    }
  }
  return p;
}
