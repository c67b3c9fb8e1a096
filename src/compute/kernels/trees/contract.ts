import type { ForestInput, GrowData, GrowParams, OobBuffers } from './grow-params.ts';
import type { GrowResult, LeafRequest, TreeArrays } from './tree-arrays.ts';

// The argument lists of the trees kernel, each written once here for every backend (and, for
// predictTrees, the addon: native/addon-types.ts). `nThreads` is for backends that use threads.

/**
 * One tree (the boosting step). `leaves` asks for each row's leaf too: `true` in a new
 * array, or in the caller's own array of nRows entries (boosting reuses one per output
 * across rounds: a fresh array per tree costs page faults worth more than filling it).
 */
export type GrowTreeArgs = [data: GrowData, params: GrowParams, nThreads: number, leaves: LeafRequest];

/** A forest; `oob` is filled when given and bootstrapping. */
export type GrowForestArgs = [input: ForestInput, nThreads: number, oob: OobBuffers | null];

/**
 * Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major) for every
 * row of a column-major bin matrix (nRows x nCols).
 */
export type PredictTreesArgs = [
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  trees: readonly TreeArrays[],
  scales: Float64Array,
  out: Float64Array,
  nThreads: number,
];

/**
 * What every backend of the trees kernel implements. Both backends follow the same rules
 * (grow-params.ts) and give the same trees.
 */
export interface TreesImplementation {
  /** Grows one tree (the boosting step). */
  growTree(...args: GrowTreeArgs): GrowResult;
  /** As growTree, off the event loop where the backend can. */
  growTreeAsync(...args: GrowTreeArgs): Promise<GrowResult>;
  /** Grows a forest. */
  growForest(...args: GrowForestArgs): TreeArrays[];
  /** As growForest, off the event loop (native) or letting it run between trees (js). */
  growForestAsync(...args: GrowForestArgs): Promise<TreeArrays[]>;
  /** Adds the trees' scaled predictions to `out`. */
  predictTrees(...args: PredictTreesArgs): void;
}
