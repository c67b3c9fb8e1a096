import type { TreeArrays } from '../trees/tree-arrays.ts';

// The argument lists of the boosting kernel, each written once here for every backend.

/**
 * Binary log loss on scores F: p = 1 / (1 + exp(-F[i])), g[i] = w[i] (p - y[i]),
 * h[i] = w[i] p (1 - p), for i below y's length.
 */
export type LogLossGradientsArgs = [
  y: Float64Array,
  F: Float64Array,
  w: Float64Array,
  g: Float64Array,
  h: Float64Array,
];

/**
 * Adds `scale` times a one-output tree's leaf values to column `column` of the scores F
 * (nRows x nOut, row-major): each row's leaf is leafOfRow[r] where that holds one (>= 0),
 * else the leaf the row reaches in the column-major bins (nRows x nCols).
 */
export type AddTreeScoresArgs = [
  tree: TreeArrays,
  leafOfRow: Int32Array | null,
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  scale: number,
  F: Float64Array,
  nOut: number,
  column: number,
];

/**
 * What every backend of the boosting kernel implements: the work of a boosting round
 * outside growing its trees. Every backend computes the same values bit for bit, so both
 * backends grow the same trees from them.
 */
export interface BoostingImplementation {
  /** Binary log loss gradients and hessians into g and h. */
  logLossGradients(...args: LogLossGradientsArgs): void;
  /** Adds a tree's scaled leaf values to one column of the scores. */
  addTreeScores(...args: AddTreeScoresArgs): void;
}
