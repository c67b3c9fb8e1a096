import type { DenseTarget } from '../../compute/kernels/dense/index.ts';
import { transposeProduct } from '../../compute/kernels/dense/index.ts';
import type { ColumnMatrix } from '../../compute/matrix.ts';

/** A least-squares problem after centering and weighting (scikit-learn's _preprocess_data). */
export interface Design {
  /** (x_ij - mean_j) · sqrt(w_i), column-major n x p. */
  X: Float64Array;
  /** (y_i - mean) · sqrt(w_i). */
  y: Float64Array;
  xMean: Float64Array;
  yMean: number;
  n: number;
  p: number;
}

/**
 * Centers X and y on their weighted means (when fitting an intercept) and scales row i
 * by sqrt(w_i), so that weighted least squares becomes ordinary least squares on the
 * result; the intercept is then yMean - xMean · coef.
 *
 * @example
 * const d = weightedDesign(X, y, weight, true);
 */
export function weightedDesign(
  X: ColumnMatrix,
  y: Float64Array,
  weight: Float64Array,
  fitIntercept: boolean,
): Design {
  const { data, nRows: n, nCols: p } = X;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += weight[i]!;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weight[i]! * data[j * n + i]!;
      xMean[j] = s / sw;
    }
    for (let i = 0; i < n; i++) yMean += weight[i]! * y[i]!;
    yMean /= sw;
  }
  const root = weight.map(Math.sqrt);
  const Xc = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const m = xMean[j]!;
    for (let i = 0; i < n; i++) Xc[j * n + i] = (data[j * n + i]! - m) * root[i]!;
  }
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = (y[i]! - yMean) * root[i]!;
  return { X: Xc, y: yc, xMean, yMean, n, p };
}

/**
 * The normal equations of a design: XᵀX (p x p, row-major) plus `ridge` on the diagonal,
 * and Xᵀy, both through the linearProducts kernel of the target backend.
 *
 * @example
 * const { gram, xty } = normalEquations({ backend: 'js' }, design, 1.0);
 */
export function normalEquations(
  t: DenseTarget,
  d: Design,
  ridge: number,
): { gram: Float64Array; xty: Float64Array } {
  const gram = new Float64Array(d.p * d.p);
  transposeProduct(t, d.X, d.n, d.p, d.p, d.X, gram);
  for (let j = 0; j < d.p; j++) gram[j * d.p + j]! += ridge;
  const xty = new Float64Array(d.p);
  transposeProduct(t, d.X, d.n, d.p, 1, d.y, xty);
  return { gram, xty };
}

/** The intercept that goes with coef: yMean - xMean · coef (0 without an intercept). */
export function interceptOf(d: Design, coef: Float64Array): number {
  let s = d.yMean;
  for (let j = 0; j < d.p; j++) s -= d.xMean[j]! * coef[j]!;
  return s;
}
