import type { ForestInput, GrowData, GrowParams, OobBuffers } from './grow-params.ts';
import type { GrowResult, TreeArrays } from './tree-arrays.ts';

/**
 * What every backend of the trees kernel implements. Both backends follow the same rules
 * (grow-params.ts) and give the same trees; `nThreads` is for backends that use threads.
 */
export interface TreesImplementation {
  /** Grows one tree (the boosting step); `wantLeaves` also returns each row's leaf. */
  growTree(data: GrowData, params: GrowParams, nThreads: number, wantLeaves: boolean): GrowResult;
  /** As growTree, off the event loop where the backend can. */
  growTreeAsync(
    data: GrowData,
    params: GrowParams,
    nThreads: number,
    wantLeaves: boolean,
  ): Promise<GrowResult>;
  /** Grows a forest; fills `oob` when given and bootstrapping. */
  growForest(input: ForestInput, nThreads: number, oob: OobBuffers | null): TreeArrays[];
  /** As growForest, off the event loop (native) or letting it run between trees (js). */
  growForestAsync(input: ForestInput, nThreads: number, oob: OobBuffers | null): Promise<TreeArrays[]>;
  /**
   * Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major) for every
   * row of a column-major bin matrix.
   */
  predictTrees(
    trees: readonly TreeArrays[],
    bins: Uint8Array,
    nRows: number,
    nCols: number,
    scales: Float64Array,
    out: Float64Array,
    nThreads: number,
  ): void;
}
