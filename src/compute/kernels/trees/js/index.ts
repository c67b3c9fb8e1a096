import type { ForestInput, GrowData, GrowParams, OobBuffers } from '../grow-params.ts';
import { addTreePredictions, type GrowResult, type TreeArrays } from '../tree-arrays.ts';
import { growForestJs, growForestJsAsync } from './forest.ts';
import { growTreeJs } from './grow.ts';

// The tree kernel in TypeScript, one thread: grow.ts grows a tree, forest.ts a forest.

/** Grows one tree (the boosting step); `wantLeaves` also returns each row's leaf. */
export function growTree(
  data: GrowData,
  params: GrowParams,
  _nThreads: number,
  wantLeaves: boolean,
): GrowResult {
  return growTreeJs(data, params, wantLeaves);
}

/** As {@link growTree} (the work is synchronous: one tree is one step). */
export async function growTreeAsync(
  data: GrowData,
  params: GrowParams,
  _nThreads: number,
  wantLeaves: boolean,
): Promise<GrowResult> {
  return growTreeJs(data, params, wantLeaves);
}

/** Grows a forest, one tree after another; fills `oob` when given. */
export function growForest(input: ForestInput, _nThreads: number, oob: OobBuffers | null): TreeArrays[] {
  return growForestJs(input, oob);
}

/** As {@link growForest}, letting the event loop run between trees. */
export function growForestAsync(
  input: ForestInput,
  _nThreads: number,
  oob: OobBuffers | null,
): Promise<TreeArrays[]> {
  return growForestJsAsync(input, oob);
}

/** Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major). */
export function predictTrees(
  trees: readonly TreeArrays[],
  bins: Uint8Array,
  nRows: number,
  _nCols: number,
  scales: Float64Array,
  out: Float64Array,
): void {
  for (let t = 0; t < trees.length; t++) addTreePredictions(trees[t]!, bins, nRows, scales[t]!, out);
}
