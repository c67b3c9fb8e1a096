import type { BackendName } from '../../backend.ts';
import { nativeStatus } from '../../native/load.ts';
import { type GrowData, type GrowParams, packGrowParams } from './grow-params.ts';
import { type ForestInput, growForestJs, growForestJsAsync, type OobBuffers } from './js/forest.ts';
import { type GrowResult, growTreeJs } from './js/grow.ts';
import { addTreePredictions, type TreeArrays } from './tree-arrays.ts';

export type { ForestInput, OobBuffers } from './js/forest.ts';
export type { GrowResult } from './js/grow.ts';

type TreeCallArgs = [
  Uint8Array,
  number,
  number,
  Int32Array,
  Uint8Array,
  Float64Array,
  Float64Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Float64Array,
  number,
  Int32Array | null,
];

type ForestCallArgs = [
  Uint8Array,
  number,
  number,
  Int32Array,
  Uint8Array,
  Float64Array,
  Float64Array,
  Int32Array,
  Int32Array,
  Float64Array,
  number,
  number,
  number,
  number,
  Float64Array | null,
  Float64Array | null,
  boolean,
];

/** The tree functions of the addon (native/src/addon_trees.cc). */
interface TreeAddon {
  growTree(...args: TreeCallArgs): TreeArrays;
  growTreeAsync(...args: TreeCallArgs): Promise<TreeArrays>;
  growForest(...args: ForestCallArgs): TreeArrays[];
  growForestAsync(...args: ForestCallArgs): Promise<TreeArrays[]>;
  predictTrees(
    bins: Uint8Array,
    nRows: number,
    nCols: number,
    trees: readonly TreeArrays[],
    scales: Float64Array,
    out: Float64Array,
    nThreads: number,
  ): void;
}

function addon(): TreeAddon {
  const status = nativeStatus();
  if (!status.available) throw new Error('unreachable: native backend selected but unavailable');
  return status.addon as unknown as TreeAddon;
}

function treeArgs(
  data: GrowData,
  params: GrowParams,
  nThreads: number,
  leafOfRow: Int32Array | null,
): TreeCallArgs {
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
  ];
}

/**
 * Grows one tree on the chosen backend (the boosting step). Both backends follow the
 * same rules (grow-params.ts) and give the same tree.
 *
 * @example
 * const { tree, leafOfRow } = growTree('native', data, params, 2, true);
 */
export function growTree(
  backend: BackendName,
  data: GrowData,
  params: GrowParams,
  nThreads: number,
  wantLeaves: boolean,
): GrowResult {
  if (backend !== 'native') return growTreeJs(data, params, wantLeaves);
  const leafOfRow = wantLeaves ? new Int32Array(data.nRows).fill(-1) : null;
  return { tree: addon().growTree(...treeArgs(data, params, nThreads, leafOfRow)), leafOfRow };
}

/**
 * As {@link growTree}, with the native work on a libuv worker thread.
 *
 * @example
 * const { tree } = await growTreeAsync('native', data, params, 2, false);
 */
export async function growTreeAsync(
  backend: BackendName,
  data: GrowData,
  params: GrowParams,
  nThreads: number,
  wantLeaves: boolean,
): Promise<GrowResult> {
  if (backend !== 'native') return growTreeJs(data, params, wantLeaves);
  const leafOfRow = wantLeaves ? new Int32Array(data.nRows).fill(-1) : null;
  const tree = await addon().growTreeAsync(...treeArgs(data, params, nThreads, leafOfRow));
  return { tree, leafOfRow };
}

function forestArgs(input: ForestInput, nThreads: number, oob: OobBuffers | null): ForestCallArgs {
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
  ];
}

/**
 * Grows a forest: trees in parallel on the native backend, one by one in TypeScript;
 * identical trees either way (see js/forest.ts for the draws).
 *
 * @example
 * const trees = growForest('native', input, 2, null);
 */
export function growForest(
  backend: BackendName,
  input: ForestInput,
  nThreads: number,
  oob: OobBuffers | null,
): TreeArrays[] {
  if (backend !== 'native') return growForestJs(input, oob);
  return addon().growForest(...forestArgs(input, nThreads, oob));
}

/**
 * As {@link growForest}, with the native work on a libuv worker thread; in TypeScript the
 * event loop runs between trees.
 *
 * @example
 * const trees = await growForestAsync('native', input, 2, null);
 */
export async function growForestAsync(
  backend: BackendName,
  input: ForestInput,
  nThreads: number,
  oob: OobBuffers | null,
): Promise<TreeArrays[]> {
  if (backend !== 'native') return growForestJsAsync(input, oob);
  return addon().growForestAsync(...forestArgs(input, nThreads, oob));
}

/**
 * Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major) for every
 * row of a column-major bin matrix.
 *
 * @example
 * predictTrees('js', trees, bins, nRows, nCols, new Float64Array(trees.length).fill(1), out, 1);
 */
export function predictTrees(
  backend: BackendName,
  trees: readonly TreeArrays[],
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  scales: Float64Array,
  out: Float64Array,
  nThreads: number,
): void {
  if (trees.length === 0 || nRows === 0) return;
  if (backend === 'native') {
    addon().predictTrees(bins, nRows, nCols, trees, scales, out, nThreads);
    return;
  }
  for (let t = 0; t < trees.length; t++) addTreePredictions(trees[t]!, bins, nRows, scales[t]!, out);
}
