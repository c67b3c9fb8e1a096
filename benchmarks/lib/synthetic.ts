import { mulberry32 } from '../../src/compute/rng.ts';

/** Synthetic data sets of the training benchmarks, column-major, from a mulberry32 seed. */

function gaussian(next: () => number): () => number {
  return () => {
    const u = (next() + 1) / 4294967297;
    const v = next() / 4294967296;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Rows like scikit-learn's make_classification(n_informative=10, n_redundant=5, flip_y=0.01). */
export function makeClassification(
  n: number,
  nCols: number,
  seed: number,
): { X: Float64Array; y: Float64Array } {
  const next = mulberry32(seed);
  const u = () => next() / 4294967296;
  const normal = gaussian(next);
  const nInf = 10;
  const nRed = 5;
  const clusters = 4; // 2 per class
  const centroids = Array.from({ length: clusters }, () =>
    Array.from({ length: nInf }, () => (u() < 0.5 ? -1 : 1)),
  );
  const covariances = Array.from({ length: clusters }, () =>
    Array.from({ length: nInf * nInf }, () => 2 * u() - 1),
  );
  const redundant = Array.from({ length: nInf * nRed }, () => 2 * u() - 1);
  const X = new Float64Array(n * nCols);
  const y = new Float64Array(n);
  const z = new Float64Array(nInf);
  const x = new Float64Array(nInf);
  for (let r = 0; r < n; r++) {
    const k = r % clusters;
    for (let i = 0; i < nInf; i++) z[i] = normal();
    for (let i = 0; i < nInf; i++) {
      let s = centroids[k]![i]!;
      for (let j = 0; j < nInf; j++) s += z[j]! * covariances[k]![j * nInf + i]!;
      x[i] = s;
      X[i * n + r] = s;
    }
    for (let i = 0; i < nRed; i++) {
      let s = 0;
      for (let j = 0; j < nInf; j++) s += x[j]! * redundant[j * nRed + i]!;
      X[(nInf + i) * n + r] = s;
    }
    for (let c = nInf + nRed; c < nCols; c++) X[c * n + r] = normal();
    y[r] = u() < 0.01 ? (u() < 0.5 ? 0 : 1) : k % 2;
  }
  return { X, y };
}

/** friedman1: y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + N(0, 1), x ~ U(0, 1). */
export function makeFriedman1(n: number, nCols: number, seed: number): { X: Float64Array; y: Float64Array } {
  const next = mulberry32(seed);
  const normal = gaussian(next);
  const X = new Float64Array(n * nCols);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < nCols; c++) X[c * n + r] = next() / 4294967296;
    const v = (c: number) => X[c * n + r]!;
    y[r] = 10 * Math.sin(Math.PI * v(0) * v(1)) + 20 * (v(2) - 0.5) ** 2 + 10 * v(3) + 5 * v(4) + normal();
  }
  return { X, y };
}
