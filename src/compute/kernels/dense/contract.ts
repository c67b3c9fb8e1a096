import type { DenseTarget } from '../target.ts';
import type {
  CoordinateDescentArgs,
  LinearScoresArgs,
  LogisticObjectiveArgs,
  TransposeProductArgs,
} from './args.ts';

// What every backend of the dense kernels implements: each function takes first where it
// runs (threads, gpu.js instance), then its argument list (args.ts).

/** The linearProducts kernel: X·Wᵀ + b and Rᵀ·X. */
export interface LinearProductsImplementation {
  linearScores(t: DenseTarget, ...args: LinearScoresArgs): void;
  transposeProduct(t: DenseTarget, ...args: TransposeProductArgs): void;
}

/** The logisticObjective kernel: Σ_i w_i · logloss_i, its gradient into `grad`. */
export interface LogisticObjectiveImplementation {
  logisticObjective(t: DenseTarget, ...args: LogisticObjectiveArgs): number;
  /** Off the event loop; backends without it run logisticObjective after one turn of the loop. */
  logisticObjectiveAsync?(t: DenseTarget, ...args: LogisticObjectiveArgs): Promise<number>;
}

/** What a coordinate descent run did: sweeps over the features, and the final duality gap. */
export interface CdResult {
  nIter: number;
  gap: number;
}

/** The coordinateDescent kernel: elastic-net coordinate descent, w updated in place. */
export interface CoordinateDescentImplementation {
  enetCoordinateDescent(t: DenseTarget, ...args: CoordinateDescentArgs): CdResult;
  /** Off the event loop; backends without it run enetCoordinateDescent after one turn of the loop. */
  enetCoordinateDescentAsync?(t: DenseTarget, ...args: CoordinateDescentArgs): Promise<CdResult>;
}
