import { nextTurn } from '../../event-loop.ts';
import { gpuInstance } from '../../gpu/runtime.ts';
import type { DenseTarget } from '../target.ts';
import { gpuLinearScores, gpuTransposeProduct } from './gpu.ts';
import { type CdResult, enetCoordinateDescentJs } from './js/coordinate-descent.ts';
import { linearScoresJs, logisticObjectiveJs, logLossResiduals, transposeProductJs } from './js/products.ts';
import * as native from './native.ts';

export type { DenseTarget } from '../target.ts';
export type { CdResult } from './js/coordinate-descent.ts';

/**
 * out (n x K, column-major) = X · coefᵀ + intercept on the target backend.
 *
 * @example
 * linearScores({ backend: 'js' }, X.data, X.nRows, X.nCols, 1, theta, out);
 */
export function linearScores(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  theta: Float64Array,
  out: Float64Array,
): void {
  if (t.backend === 'native') native.linearScores(X, n, p, K, theta, out, t);
  else if (t.backend === 'gpu') gpuLinearScores(t.gpu ?? gpuInstance(), X, n, p, K, theta, out);
  else linearScoresJs(X, n, p, K, theta, out);
}

/**
 * out (K x p, row-major) = Rᵀ · X on the target backend.
 *
 * @example
 * transposeProduct({ backend: 'native' }, X.data, X.nRows, X.nCols, 1, r, out);
 */
export function transposeProduct(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  R: Float64Array,
  out: Float64Array,
): void {
  if (t.backend === 'native') native.transposeProduct(X, n, p, K, R, out, t);
  else if (t.backend === 'gpu') gpuTransposeProduct(t.gpu ?? gpuInstance(), X, n, p, K, R, out);
  else transposeProductJs(X, n, p, K, R, out);
}

/**
 * Σ_i w_i · logloss_i and its gradient (into grad) for theta = [coef K x p, intercept K];
 * K = 1 is binary (y in {0, 1}), K > 1 softmax over K classes. On the gpu backend the two
 * products run on the device and the loss on the host.
 *
 * @example
 * const loss = logisticObjective({ backend: 'js' }, X.data, n, p, 1, y, w, theta, grad);
 */
export function logisticObjective(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
): number {
  if (t.backend === 'native') return native.logisticObjective(X, n, p, K, y, w, theta, grad, t);
  if (t.backend === 'js') return logisticObjectiveJs(X, n, p, K, y, w, theta, grad);
  const z = new Float64Array(n * K);
  linearScores(t, X, n, p, K, theta, z);
  const loss = logLossResiduals(K, n, y, w, 0, z);
  const g = new Float64Array(K * p);
  transposeProduct(t, X, n, p, K, z, g);
  grad.set(g);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += z[k * n + i]!;
    grad[K * p + k] = s;
  }
  return loss;
}

/**
 * As logisticObjective, off the event loop: on the libuv pool for the native backend;
 * js and gpu compute after letting the event loop run once.
 *
 * @example
 * const loss = await logisticObjectiveAsync({ backend: 'native' }, X, n, p, 1, y, w, theta, grad);
 */
export async function logisticObjectiveAsync(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
): Promise<number> {
  if (t.backend === 'native') return native.logisticObjectiveAsync(X, n, p, K, y, w, theta, grad, t);
  await nextTurn();
  return logisticObjective(t, X, n, p, K, y, w, theta, grad);
}

/**
 * Elastic-net coordinate descent (scikit-learn's cd_fast) on the target backend; w is
 * updated in place (warm start).
 *
 * @example
 * const { nIter, gap } = enetCoordinateDescent({ backend: 'js' }, X, n, p, y, w, a, b, 1000, 1e-4);
 */
export function enetCoordinateDescent(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  beta: number,
  maxIter: number,
  tol: number,
): CdResult {
  if (t.backend === 'native') return native.enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol);
  return enetCoordinateDescentJs(X, n, p, y, w, alpha, beta, maxIter, tol);
}

/**
 * As enetCoordinateDescent, off the event loop for the native backend (the js one runs
 * after one turn of the event loop).
 *
 * @example
 * const { nIter } = await enetCoordinateDescentAsync({ backend: 'native' }, X, n, p, y, w, a, b, 1000, 1e-4);
 */
export async function enetCoordinateDescentAsync(
  t: DenseTarget,
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  beta: number,
  maxIter: number,
  tol: number,
): Promise<CdResult> {
  if (t.backend === 'native')
    return native.enetCoordinateDescentAsync(X, n, p, y, w, alpha, beta, maxIter, tol);
  await nextTurn();
  return enetCoordinateDescentJs(X, n, p, y, w, alpha, beta, maxIter, tol);
}
