import type { DenseTarget } from '../target.ts';

// What every backend of the dense kernels implements. Matrices are column-major Float64Arrays;
// theta holds K x p coefficients (row-major) then K intercepts. The last argument says where
// the call runs (threads, gpu.js instance); a backend that needs nothing from it leaves it out.

/** The linearProducts kernel: X·Wᵀ + b and Rᵀ·X. */
export interface LinearProductsImplementation {
  /** out (n x K, column-major) = X · coefᵀ + intercept. */
  linearScores(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    theta: Float64Array,
    out: Float64Array,
    t: DenseTarget,
  ): void;
  /** out (K x p, row-major) = Rᵀ · X. */
  transposeProduct(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    R: Float64Array,
    out: Float64Array,
    t: DenseTarget,
  ): void;
}

/** The logisticObjective kernel: Σ_i w_i · logloss_i, its gradient into `grad`. */
export interface LogisticObjectiveImplementation {
  logisticObjective(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    y: Int32Array,
    w: Float64Array,
    theta: Float64Array,
    grad: Float64Array,
    t: DenseTarget,
  ): number;
  /** Off the event loop; backends without it run logisticObjective after one turn of the loop. */
  logisticObjectiveAsync?(
    X: Float64Array,
    n: number,
    p: number,
    K: number,
    y: Int32Array,
    w: Float64Array,
    theta: Float64Array,
    grad: Float64Array,
    t: DenseTarget,
  ): Promise<number>;
}

/** What a coordinate descent run did: sweeps over the features, and the final duality gap. */
export interface CdResult {
  nIter: number;
  gap: number;
}

/** The coordinateDescent kernel: elastic-net coordinate descent, w updated in place. */
export interface CoordinateDescentImplementation {
  enetCoordinateDescent(
    X: Float64Array,
    n: number,
    p: number,
    y: Float64Array,
    w: Float64Array,
    alpha: number,
    beta: number,
    maxIter: number,
    tol: number,
  ): CdResult;
  /** Off the event loop; backends without it run enetCoordinateDescent after one turn of the loop. */
  enetCoordinateDescentAsync?(
    X: Float64Array,
    n: number,
    p: number,
    y: Float64Array,
    w: Float64Array,
    alpha: number,
    beta: number,
    maxIter: number,
    tol: number,
  ): Promise<CdResult>;
}
