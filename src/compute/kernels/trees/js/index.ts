import type { GrowForestArgs, GrowTreeArgs, PredictTreesArgs } from '../contract.ts';
import { addTreePredictions, type GrowResult, type TreeArrays } from '../tree-arrays.ts';
import { growForestJs, growForestJsAsync } from './forest.ts';
import { growTreeJs } from './grow.ts';

// The tree kernel in TypeScript, one thread (nThreads is not used): grow.ts grows a tree,
// forest.ts a forest.

/** Grows one tree (the boosting step); `leaves` asks for each row's leaf too. */
export function growTree(...[data, params, , leaves]: GrowTreeArgs): GrowResult {
  return growTreeJs(data, params, leaves);
}

/** As {@link growTree} (the work is synchronous: one tree is one step). */
export async function growTreeAsync(...args: GrowTreeArgs): Promise<GrowResult> {
  return growTree(...args);
}

/** Grows a forest, one tree after another; fills `oob` when given. */
export function growForest(...[input, , oob]: GrowForestArgs): TreeArrays[] {
  return growForestJs(input, oob);
}

/** As {@link growForest}, letting the event loop run between trees. */
export function growForestAsync(...[input, , oob]: GrowForestArgs): Promise<TreeArrays[]> {
  return growForestJsAsync(input, oob);
}

/** Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major). */
export function predictTrees(...[bins, nRows, , trees, scales, out]: PredictTreesArgs): void {
  for (let t = 0; t < trees.length; t++) addTreePredictions(trees[t]!, bins, nRows, scales[t]!, out);
}
