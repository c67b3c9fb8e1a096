import { ValidationError } from '../../../core/errors.ts';
import { MISSING_BIN as MISSING_BIN_EXPORT } from '../binning/edges.ts';

// a module-local copy: hot loops read it without going through the import binding
const MISSING_BIN = MISSING_BIN_EXPORT;

/**
 * A fitted tree in flat typed arrays, shared by both backends and by serialization.
 * Splits are on bins (see src/compute/kernels/binning/edges.ts): at an internal node with a numeric
 * feature, a row goes left when its bin is <= `threshold`, and a missing value (bin 255)
 * goes left when `missingLeft` is 1. At a categorical split, the row goes left when its
 * bin's bit is set in the node's 256-bit set (`catBits`, 8 words from `catIndex * 8`);
 * bit 255 decides missing values.
 */
export interface TreeArrays {
  readonly nNodes: number;
  /** Values per node: 1 (regression, boosting) or the number of classes (probabilities). */
  readonly nOut: number;
  /** Split feature, or -1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Index of the node's category set in `catBits`, or -1 for a numeric split or a leaf. */
  readonly catIndex: Int32Array;
  readonly catBits: Uint32Array;
  /** nNodes x nOut node values (a leaf's prediction; internal nodes keep theirs too). */
  readonly value: Float64Array;
  /** Criterion gain of the node's split (0 at leaves), for feature importances. */
  readonly gain: Float64Array;
  /** Sum of weights (class trees) or hessians (gradient trees) of the node's rows. */
  readonly cover: Float64Array;
}

/** Whether a grown tree also gives each row's leaf: not, in a new array, or in this one. */
export type LeafRequest = boolean | Int32Array;

/**
 * The array a grower writes each row's leaf into for `request`: null, a new array, or the
 * caller's, which must have nRows entries. Entries of rows the tree is not grown on are -1;
 * a tree grown on `usedRows` = nRows rows writes every entry, so the caller's array is not
 * cleared first then.
 *
 * @example
 * const leaves = leafArray(true, 3, 2); // Int32Array [-1, -1, -1]
 */
export function leafArray(request: LeafRequest, nRows: number, usedRows: number): Int32Array | null {
  if (request === false) return null;
  if (request === true) return new Int32Array(nRows).fill(-1);
  if (request.length !== nRows) {
    throw new ValidationError(`the leaf array has ${request.length} entries, not one per row (${nRows})`, {
      path: 'leaves',
    });
  }
  return usedRows === nRows ? request : request.fill(-1);
}

/** A grown tree and, when asked for, the leaf of every row it was grown on (-1 elsewhere). */
export interface GrowResult {
  tree: TreeArrays;
  leafOfRow: Int32Array | null;
}

/** Whether the row whose bin at the node's feature is `bin` goes to the left child. */
export function goesLeft(tree: TreeArrays, node: number, bin: number): boolean {
  const ci = tree.catIndex[node]!;
  if (ci >= 0) return ((tree.catBits[ci * 8 + (bin >>> 5)]! >>> (bin & 31)) & 1) === 1;
  if (bin === MISSING_BIN) return tree.missingLeft[node] === 1;
  return bin <= tree.threshold[node]!;
}

/**
 * The leaf reached by row `r` of a column-major bin matrix with `nRows` rows.
 *
 * @example
 * const leaf = leafOf(tree, bins, nRows, 0);
 * tree.value[leaf * tree.nOut]; // the prediction of row 0
 */
export function leafOf(tree: TreeArrays, bins: Uint8Array, nRows: number, r: number): number {
  let node = 0;
  for (let f = tree.feature[0]!; f >= 0; f = tree.feature[node]!) {
    node = goesLeft(tree, node, bins[f * nRows + r]!) ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/**
 * Adds `scale` times the tree's leaf values to `out` (nRows x nOut, row-major), for
 * every row of the bin matrix: the prediction loop of forests and boosting.
 *
 * @example
 * const out = new Float64Array(nRows);
 * addTreePredictions(tree, bins, nRows, 0.1, out);
 */
export function addTreePredictions(
  tree: TreeArrays,
  bins: Uint8Array,
  nRows: number,
  scale: number,
  out: Float64Array,
): void {
  const k = tree.nOut;
  for (let r = 0; r < nRows; r++) {
    const leaf = leafOf(tree, bins, nRows, r);
    for (let j = 0; j < k; j++) out[r * k + j]! += scale * tree.value[leaf * k + j]!;
  }
}
