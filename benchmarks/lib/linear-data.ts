import { type ColumnMatrix, columnMatrix } from '../../src/compute/matrix.ts';
import { mulberry32 } from '../../src/compute/rng.ts';

/** Rows [start, end) of a column-major matrix, as a new column-major matrix. */
function rowSlice(X: Float64Array, nRows: number, nCols: number, start: number, end: number): ColumnMatrix {
  const n = end - start;
  const out = new Float64Array(n * nCols);
  for (let c = 0; c < nCols; c++) out.set(X.subarray(c * nRows + start, c * nRows + end), c * n);
  return columnMatrix(out, n, nCols);
}

/**
 * A seeded binary classification problem for the linear benchmarks: features N(0, 1),
 * labels drawn from one logistic model with random weights and intercept (so logistic
 * regression is the right model and accuracy tops out near the Bayes rate), split into
 * nTrain training and nTest test rows.
 */
export function logisticData(nTrain: number, nTest: number, nCols: number, seed: number) {
  const nRows = nTrain + nTest;
  const next = mulberry32(seed);
  const u = () => (next() + 0.5) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const w = Array.from({ length: nCols }, () => gauss());
  const X = new Float64Array(nRows * nCols);
  for (let i = 0; i < X.length; i++) X[i] = gauss();
  const y = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let z = 0.5;
    for (let c = 0; c < nCols; c++) z += w[c]! * X[c * nRows + r]!;
    y[r] = u() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return {
    train: { X: rowSlice(X, nRows, nCols, 0, nTrain), y: y.slice(0, nTrain) },
    test: { X: rowSlice(X, nRows, nCols, nTrain, nRows), y: y.slice(nTrain) },
  };
}
