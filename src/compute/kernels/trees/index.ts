import type { BackendName } from '../../backend.ts';
import { implementationOn, kernel } from '../kernel.ts';
import type { GrowForestArgs, GrowTreeArgs, PredictTreesArgs, TreesImplementation } from './contract.ts';
import * as js from './js/index.ts';
import * as native from './native.ts';
import type { GrowResult, TreeArrays } from './tree-arrays.ts';

export type { ForestInput, GrowData, GrowParams, OobBuffers } from './grow-params.ts';
export type { GrowResult, TreeArrays } from './tree-arrays.ts';

/** Histogram trees and forests, and their predictions: native, js. */
export const treesKernel = kernel('trees').implementedBy<TreesImplementation>({ native, js });

/**
 * Grows one tree on the chosen backend (the boosting step). Both backends follow the
 * same rules (grow-params.ts) and give the same tree.
 *
 * @example
 * const { tree, leafOfRow } = growTree('native', data, params, 2, true);
 */
export function growTree(backend: BackendName, ...args: GrowTreeArgs): GrowResult {
  return implementationOn(treesKernel, backend).growTree(...args);
}

/**
 * As {@link growTree}, with the native work on a libuv worker thread.
 *
 * @example
 * const { tree } = await growTreeAsync('native', data, params, 2, false);
 */
export async function growTreeAsync(backend: BackendName, ...args: GrowTreeArgs): Promise<GrowResult> {
  return implementationOn(treesKernel, backend).growTreeAsync(...args);
}

/**
 * Grows a forest: trees in parallel on the native backend, one by one in TypeScript;
 * identical trees either way (see js/forest.ts for the draws).
 *
 * @example
 * const trees = growForest('native', input, 2, null);
 */
export function growForest(backend: BackendName, ...args: GrowForestArgs): TreeArrays[] {
  return implementationOn(treesKernel, backend).growForest(...args);
}

/**
 * As {@link growForest}, with the native work on a libuv worker thread; in TypeScript the
 * event loop runs between trees.
 *
 * @example
 * const trees = await growForestAsync('native', input, 2, null);
 */
export async function growForestAsync(backend: BackendName, ...args: GrowForestArgs): Promise<TreeArrays[]> {
  return implementationOn(treesKernel, backend).growForestAsync(...args);
}

/**
 * Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major) for every
 * row of a column-major bin matrix.
 *
 * @example
 * predictTrees('js', bins, nRows, nCols, trees, new Float64Array(trees.length).fill(1), out, 1);
 */
export function predictTrees(backend: BackendName, ...args: PredictTreesArgs): void {
  const [, nRows, , trees] = args;
  if (trees.length === 0 || nRows === 0) return;
  implementationOn(treesKernel, backend).predictTrees(...args);
}
