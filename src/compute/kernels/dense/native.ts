import { BackendUnavailableError } from '../../../errors.ts';
import { nativeStatus } from '../../native/load.ts';

/**
 * X, n, p, K, y, w, theta, grad, nThreads: the arguments of the logistic objective, named
 * once for its synchronous and asynchronous forms.
 */
type LogisticObjectiveArgs = [
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
  nThreads: number,
];

/** X, n, p, y, w, alpha, beta, maxIter, tol: the arguments of elastic-net coordinate descent. */
type CoordinateDescentArgs = [
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  beta: number,
  maxIter: number,
  tol: number,
];

/** The functions native/src/addon_linear.cc adds to the addon. */
export interface DenseAddon {
  logisticObjective(...args: LogisticObjectiveArgs): number;
  logisticObjectiveAsync(...args: LogisticObjectiveArgs): Promise<number>;
  linearScores(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    theta: Float64Array,
    out: Float64Array,
    nThreads: number,
  ): void;
  transposeProduct(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    R: Float64Array,
    out: Float64Array,
    nThreads: number,
  ): void;
  enetCoordinateDescent(...args: CoordinateDescentArgs): [number, number];
  enetCoordinateDescentAsync(...args: CoordinateDescentArgs): Promise<[number, number]>;
  knnSearch(
    X: Float64Array,
    nTrain: number,
    Q: Float64Array,
    nQuery: number,
    p: number,
    k: number,
    metric: number,
    outIndex: Int32Array,
    outDist: Float64Array,
    nThreads: number,
  ): void;
}

/**
 * The loaded addon seen through the dense kernels' signatures; throws when the addon is
 * absent or was built before these kernels existed.
 *
 * @example
 * denseAddon().linearScores(X.data, X.nRows, X.nCols, 1, theta, out, 0);
 */
export function denseAddon(): DenseAddon {
  const status = nativeStatus();
  if (!status.available) throw new BackendUnavailableError('native', status.reason);
  const addon = status.addon as unknown as Partial<DenseAddon>;
  if (typeof addon.knnSearch !== 'function' || typeof addon.logisticObjectiveAsync !== 'function') {
    throw new BackendUnavailableError(
      'native',
      'the addon predates the linear and k-NN kernels; rebuild it with `npm run build:native`',
    );
  }
  return addon as DenseAddon;
}
