import { nativeAddon } from '../../native/load.ts';
import { type DenseTarget, threads } from '../target.ts';
import type { CdResult } from './contract.ts';

// The dense kernels in C++ (native/src/linear_kernels.cc, addon_linear.cc).

/** out (n x K, column-major) = X · coefᵀ + intercept. */
export function linearScores(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  theta: Float64Array,
  out: Float64Array,
  t: DenseTarget,
): void {
  nativeAddon().linearScores(X, n, p, K, theta, out, threads(t));
}

/** out (K x p, row-major) = Rᵀ · X. */
export function transposeProduct(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  R: Float64Array,
  out: Float64Array,
  t: DenseTarget,
): void {
  nativeAddon().transposeProduct(X, n, p, K, R, out, threads(t));
}

/** Σ_i w_i · logloss_i, its gradient into grad. */
export function logisticObjective(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
  t: DenseTarget,
): number {
  return nativeAddon().logisticObjective(X, n, p, K, y, w, theta, grad, threads(t));
}

/** As {@link logisticObjective}, on the libuv pool. */
export function logisticObjectiveAsync(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
  t: DenseTarget,
): Promise<number> {
  return nativeAddon().logisticObjectiveAsync(X, n, p, K, y, w, theta, grad, threads(t));
}

/** Elastic-net coordinate descent, w updated in place (one thread: the updates are sequential). */
export function enetCoordinateDescent(
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
  const [nIter, gap] = nativeAddon().enetCoordinateDescent(X, n, p, y, w, alpha, beta, maxIter, tol);
  return { nIter, gap };
}

/** As {@link enetCoordinateDescent}, on the libuv pool. */
export async function enetCoordinateDescentAsync(
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
  const [nIter, gap] = await nativeAddon().enetCoordinateDescentAsync(
    X,
    n,
    p,
    y,
    w,
    alpha,
    beta,
    maxIter,
    tol,
  );
  return { nIter, gap };
}
