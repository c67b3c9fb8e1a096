import { nativeAddon } from '../../native/load.ts';
import { type DenseTarget, threads } from '../target.ts';
import type {
  CoordinateDescentArgs,
  LinearScoresArgs,
  LogisticObjectiveArgs,
  TransposeProductArgs,
} from './args.ts';
import type { CdResult } from './contract.ts';

// The dense kernels in C++ (native/src/linear_kernels.cc, addon_linear.cc): the arguments
// as they come, then the target's threads.

/** out (n x K, column-major) = X · coefᵀ + intercept. */
export function linearScores(t: DenseTarget, ...args: LinearScoresArgs): void {
  nativeAddon().linearScores(...args, threads(t));
}

/** out (K x p, row-major) = Rᵀ · X. */
export function transposeProduct(t: DenseTarget, ...args: TransposeProductArgs): void {
  nativeAddon().transposeProduct(...args, threads(t));
}

/** Σ_i w_i · logloss_i, its gradient into grad. */
export function logisticObjective(t: DenseTarget, ...args: LogisticObjectiveArgs): number {
  return nativeAddon().logisticObjective(...args, threads(t));
}

/** As {@link logisticObjective}, on the libuv pool. */
export function logisticObjectiveAsync(t: DenseTarget, ...args: LogisticObjectiveArgs): Promise<number> {
  return nativeAddon().logisticObjectiveAsync(...args, threads(t));
}

/** Elastic-net coordinate descent, w updated in place (one thread: the updates are sequential). */
export function enetCoordinateDescent(_t: DenseTarget, ...args: CoordinateDescentArgs): CdResult {
  const [nIter, gap] = nativeAddon().enetCoordinateDescent(...args);
  return { nIter, gap };
}

/** As {@link enetCoordinateDescent}, on the libuv pool. */
export async function enetCoordinateDescentAsync(
  _t: DenseTarget,
  ...args: CoordinateDescentArgs
): Promise<CdResult> {
  const [nIter, gap] = await nativeAddon().enetCoordinateDescentAsync(...args);
  return { nIter, gap };
}
