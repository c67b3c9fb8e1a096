import type {
  AddonGrowForestArgs,
  AddonGrowTreeArgs,
  PreparedForestHandle,
} from '../../native/addon-types.ts';
import { nativeAddon } from '../../native/load.ts';
import { binCountsOf } from './bin-counts.ts';
import type { GrowForestArgs, GrowTreeArgs, PredictTreesArgs } from './contract.ts';
import { type GrowData, type GrowParams, MODE_GRADIENT, packGrowParams } from './grow-params.ts';
import { type GrowResult, leafArray, type TreeArrays } from './tree-arrays.ts';

// The tree kernel in C++ (native/src/tree_grow.cc, tree_forest.cc, addon_trees.cc): the
// same trees as the TypeScript one, grown with threads.

/** Grows one tree (the boosting step); `leaves` asks for each row's leaf too. */
export function growTree(...[data, params, nThreads, leaves]: GrowTreeArgs): GrowResult {
  const leafOfRow = leafArray(leaves, data.nRows, data.rows.length);
  return { tree: nativeAddon().growTree(...treeArgs(data, params, nThreads, leafOfRow)), leafOfRow };
}

/** As {@link growTree}, on a libuv worker thread. */
export async function growTreeAsync(...[data, params, nThreads, leaves]: GrowTreeArgs): Promise<GrowResult> {
  const leafOfRow = leafArray(leaves, data.nRows, data.rows.length);
  const tree = await nativeAddon().growTreeAsync(...treeArgs(data, params, nThreads, leafOfRow));
  return { tree, leafOfRow };
}

/** Grows a forest, trees in parallel; fills `oob` when given. */
export function growForest(...args: GrowForestArgs): TreeArrays[] {
  return nativeAddon().growForest(...forestArgs(...args));
}

/** As {@link growForest}, on a libuv worker thread. */
export function growForestAsync(...args: GrowForestArgs): Promise<TreeArrays[]> {
  return nativeAddon().growForestAsync(...forestArgs(...args));
}

/** A forest the addon has read, with the trees it was read from (kept, so none can be collected). */
interface Prepared {
  readonly nCols: number;
  readonly trees: readonly TreeArrays[];
  readonly handle: PreparedForestHandle;
}

/**
 * Forests already read and checked by the addon, by their trees array. Reading a forest
 * costs O(nodes) (about 0.5 ms for 100 trees) against about 5 us to score one row, so a
 * model scoring small batches (a server) reads it once. Keyed weakly, so a handle dies with
 * its model; a trees array that changed since (boosting appends a tree per round) is read
 * again, which the element-by-element comparison detects in O(trees).
 */
const prepared = new WeakMap<readonly TreeArrays[], Prepared>();

function sameTrees(a: readonly TreeArrays[], b: readonly TreeArrays[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major). */
export function predictTrees(...[bins, nRows, nCols, trees, scales, out, nThreads]: PredictTreesArgs): void {
  const addon = nativeAddon();
  let forest = prepared.get(trees);
  if (forest === undefined || forest.nCols !== nCols || !sameTrees(forest.trees, trees)) {
    forest = { nCols, trees: trees.slice(), handle: addon.prepareTrees(trees, nCols) };
    prepared.set(trees, forest);
  }
  addon.predictPrepared(forest.handle, bins, nRows, nCols, scales, out, nThreads);
}

/** The root's bin counts (bin-counts.ts) for a gradient tree on every row, else null. */
function countsFor(data: GrowData, params: GrowParams): Float64Array | null {
  if (params.mode !== MODE_GRADIENT || data.rows.length !== data.nRows) return null;
  return binCountsOf(data.bins, data.nRows, data.nCols, (bins, nRows, nCols) =>
    nativeAddon().countBins(bins, nRows, nCols),
  );
}

function treeArgs(
  data: GrowData,
  params: GrowParams,
  nThreads: number,
  leafOfRow: Int32Array | null,
): AddonGrowTreeArgs {
  return [
    data.bins,
    data.nRows,
    data.nCols,
    data.nBins,
    data.categorical,
    data.grad,
    data.hess,
    data.label,
    data.rows,
    data.features,
    packGrowParams(params),
    nThreads,
    leafOfRow,
    countsFor(data, params),
    data.edges ?? null,
  ];
}

function forestArgs(...[input, nThreads, oob]: GrowForestArgs): AddonGrowForestArgs {
  const d = input.data;
  return [
    d.bins,
    d.nRows,
    d.nCols,
    d.nBins,
    d.categorical,
    input.target,
    input.weight,
    d.label,
    d.features,
    packGrowParams(input.params),
    nThreads,
    input.nTrees,
    input.seed,
    input.bootstrapSamples,
    oob?.sum ?? null,
    oob?.count ?? null,
    input.balancedSubsample,
    d.edges ?? null,
  ];
}
