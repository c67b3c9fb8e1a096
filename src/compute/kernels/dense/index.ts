import { implementationOn, kernel, offTheEventLoop } from '../kernel.ts';
import type { DenseTarget } from '../target.ts';
import type {
  CoordinateDescentArgs,
  LinearScoresArgs,
  LogisticObjectiveArgs,
  TransposeProductArgs,
} from './args.ts';
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
export function linearScores(t: DenseTarget, ...args: LinearScoresArgs): void {
  implementationOn(linearProductsKernel, t.backend).linearScores(t, ...args);
}

/**
 * out (K x p, row-major) = Rᵀ · X on the target backend.
 *
 * @example
 * transposeProduct({ backend: 'native' }, X.data, X.nRows, X.nCols, 1, r, out);
 */
export function transposeProduct(t: DenseTarget, ...args: TransposeProductArgs): void {
  implementationOn(linearProductsKernel, t.backend).transposeProduct(t, ...args);
}

/**
 * Σ_i w_i · logloss_i and its gradient (into grad) for theta = [coef K x p, intercept K];
 * K = 1 is binary (y in {0, 1}), K > 1 softmax over K classes. On the gpu backend the two
 * products run on the device and the loss on the host.
 *
 * @example
 * const loss = logisticObjective({ backend: 'js' }, X.data, n, p, 1, y, w, theta, grad);
 */
export function logisticObjective(t: DenseTarget, ...args: LogisticObjectiveArgs): number {
  return implementationOn(logisticObjectiveKernel, t.backend).logisticObjective(t, ...args);
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
  ...args: LogisticObjectiveArgs
): Promise<number> {
  const implementation = implementationOn(logisticObjectiveKernel, t.backend);
  return offTheEventLoop(implementation.logisticObjectiveAsync, implementation.logisticObjective, t, ...args);
}

/**
 * Elastic-net coordinate descent (scikit-learn's cd_fast) on the target backend; w is
 * updated in place (warm start).
 *
 * @example
 * const { nIter, gap } = enetCoordinateDescent({ backend: 'js' }, X, n, p, y, w, a, b, 1000, 1e-4);
 */
export function enetCoordinateDescent(t: DenseTarget, ...args: CoordinateDescentArgs): CdResult {
  return implementationOn(coordinateDescentKernel, t.backend).enetCoordinateDescent(t, ...args);
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
  ...args: CoordinateDescentArgs
): Promise<CdResult> {
  const implementation = implementationOn(coordinateDescentKernel, t.backend);
  return offTheEventLoop(
    implementation.enetCoordinateDescentAsync,
    implementation.enetCoordinateDescent,
    t,
    ...args,
  );
}
