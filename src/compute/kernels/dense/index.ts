import { nextTurn } from '../../event-loop.ts';
import { implementationOn, kernel } from '../kernel.ts';
import type { DenseTarget } from '../target.ts';
import type {
  CdResult,
  CoordinateDescentImplementation,
  LinearProductsImplementation,
  LogisticObjectiveImplementation,
} from './contract.ts';
import * as gpu from './gpu.ts';
import * as jsCoordinateDescent from './js/coordinate-descent.ts';
import * as jsProducts from './js/products.ts';
import * as native from './native.ts';

export type { DenseTarget } from '../target.ts';
export type { CdResult } from './contract.ts';

/** X·Wᵀ + b and Rᵀ·X: native, js, gpu. */
export const linearProductsKernel = kernel('linearProducts').implementedBy<LinearProductsImplementation>({
  native,
  js: jsProducts,
  gpu,
});

/** The logistic loss and its gradient: native, js, gpu (products on the device). */
export const logisticObjectiveKernel = kernel(
  'logisticObjective',
).implementedBy<LogisticObjectiveImplementation>({ native, js: jsProducts, gpu });

/** Elastic-net coordinate descent: native, js (sequential updates: nothing for a GPU). */
export const coordinateDescentKernel = kernel(
  'coordinateDescent',
).implementedBy<CoordinateDescentImplementation>({ native, js: jsCoordinateDescent });

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
  implementationOn(linearProductsKernel, t.backend).linearScores(X, n, p, K, theta, out, t);
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
  implementationOn(linearProductsKernel, t.backend).transposeProduct(X, n, p, K, R, out, t);
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
  return implementationOn(logisticObjectiveKernel, t.backend).logisticObjective(
    X,
    n,
    p,
    K,
    y,
    w,
    theta,
    grad,
    t,
  );
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
  const implementation = implementationOn(logisticObjectiveKernel, t.backend);
  if (implementation.logisticObjectiveAsync) {
    return implementation.logisticObjectiveAsync(X, n, p, K, y, w, theta, grad, t);
  }
  await nextTurn();
  return implementation.logisticObjective(X, n, p, K, y, w, theta, grad, t);
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
  const implementation = implementationOn(coordinateDescentKernel, t.backend);
  return implementation.enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol);
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
  const implementation = implementationOn(coordinateDescentKernel, t.backend);
  if (implementation.enetCoordinateDescentAsync) {
    return implementation.enetCoordinateDescentAsync(X, n, p, y, w, alpha, beta, maxIter, tol);
  }
  await nextTurn();
  return implementation.enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol);
}
