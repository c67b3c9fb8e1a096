import { goesLeft, type TreeArrays } from '../../compute/kernels/trees/tree-arrays.ts';

/**
 * An additive ensemble of trees as a model's output sees it: output k of a row is
 * `base[k] + sum_t scales[t] * leafValue_t(row)[k]`, where a tree with one value per leaf
 * adds to output `outputOf[t]` only, and a tree with `nOut` values per leaf (a forest's
 * class probabilities) adds to every output.
 */
export interface TreeEnsemble {
  readonly trees: readonly TreeArrays[];
  readonly scales: ArrayLike<number>;
  /** Output of each single-valued tree (boosting's softmax: tree t adds to output t % nOut); absent: 0. */
  readonly outputOf?: ArrayLike<number>;
  readonly nOut: number;
  readonly base: ArrayLike<number>;
  readonly nFeatures: number;
}

/**
 * The fraction of a node's cover that goes to `child`: the children's covers normalized to
 * sum to 1 (so that the expected value is a proper weighted mean even where a learner's
 * covers are not exactly additive), halves when both children are empty.
 */
function childFraction(tree: TreeArrays, node: number, child: number): number {
  const l = tree.cover[tree.left[node]!]!;
  const r = tree.cover[tree.right[node]!]!;
  const total = l + r;
  return total > 0 ? tree.cover[child]! / total : 0.5;
}

/** Depth of the deepest leaf (the root alone is depth 0). */
function treeDepth(tree: TreeArrays): number {
  let deepest = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node]! < 0) deepest = Math.max(deepest, depth);
    else stack.push(tree.left[node]!, depth + 1, tree.right[node]!, depth + 1);
  }
  return deepest;
}

/**
 * The expected output of one tree: its leaf values weighted by the product of the cover
 * fractions on the way to them (TreeSHAP's value of the empty feature set), nOut values.
 *
 * @example
 * treeExpectation(tree); // Float64Array [mean leaf value weighted by cover]
 */
export function treeExpectation(tree: TreeArrays): Float64Array {
  const k = tree.nOut;
  const out = new Float64Array(k);
  const visit = (node: number, weight: number): void => {
    if (tree.feature[node]! < 0) {
      for (let j = 0; j < k; j++) out[j]! += weight * tree.value[node * k + j]!;
      return;
    }
    const left = tree.left[node]!;
    const right = tree.right[node]!;
    visit(left, weight * childFraction(tree, node, left));
    visit(right, weight * childFraction(tree, node, right));
  };
  visit(0, 1);
  return out;
}

/**
 * The path bookkeeping of Algorithm 2 of Lundberg, Erion and Lee, "Consistent
 * Individualized Feature Attribution for Tree Ensembles" (2018): for the unique features
 * on the current root-to-node path, the fraction of "zero" paths (feature unknown: cover
 * share), of "one" paths (feature known: does x go this way), and the permutation weights
 * of every subset size. Paths of successive depths are stacked in one set of arrays: the
 * path at a node starts right after its parent's (so no allocation while recursing).
 */
class PathStack {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;

  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  /** Copies the path of `depth + 1` elements at `from` to `to`. */
  copy(from: number, to: number, depth: number): void {
    for (let i = 0; i <= depth; i++) {
      this.feature[to + i] = this.feature[from + i]!;
      this.zero[to + i] = this.zero[from + i]!;
      this.one[to + i] = this.one[from + i]!;
      this.weight[to + i] = this.weight[from + i]!;
    }
  }

  /** EXTEND: adds a feature with its zero and one fractions as element `depth` of the path at `p`. */
  extend(p: number, depth: number, zero: number, one: number, feature: number): void {
    this.feature[p + depth] = feature;
    this.zero[p + depth] = zero;
    this.one[p + depth] = one;
    this.weight[p + depth] = depth === 0 ? 1 : 0;
    const w = this.weight;
    for (let i = depth - 1; i >= 0; i--) {
      w[p + i + 1]! += (one * w[p + i]! * (i + 1)) / (depth + 1);
      w[p + i] = (zero * w[p + i]! * (depth - i)) / (depth + 1);
    }
  }

  /** UNWIND: removes element `index` from the path of `depth + 1` elements at `p`. */
  unwind(p: number, depth: number, index: number): void {
    const one = this.one[p + index]!;
    const zero = this.zero[p + index]!;
    const w = this.weight;
    let next = w[p + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = w[p + i]!;
        w[p + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = tmp - (w[p + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        w[p + i] = (w[p + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      this.feature[p + i] = this.feature[p + i + 1]!;
      this.zero[p + i] = this.zero[p + i + 1]!;
      this.one[p + i] = this.one[p + i + 1]!;
    }
  }
}

/**
 * Exact TreeSHAP of one tree for one row (Algorithm 2 of Lundberg et al. 2018), in
 * O(leaves x depth^2): adds `scale` times the row's Shapley values to `phi`, laid out as
 * output-major blocks of `nFeatures` (output j of a multi-valued tree goes to block
 * `outStart + j`). `bins` is the row's bin per feature (the tree splits on bins).
 */
function treeShapRow(
  tree: TreeArrays,
  rowBins: Uint8Array,
  scale: number,
  phi: Float64Array,
  outStart: number,
  nFeatures: number,
  path: PathStack,
): void {
  const k = tree.nOut;
  const { feature: pf, zero: pz, one: po, weight: pw } = path;
  const { feature: tf, left: tl, right: tr, value: tv } = tree;
  const recurse = (
    node: number,
    p: number,
    depth: number,
    zero: number,
    one: number,
    feature: number,
    parentStart: number,
  ): void => {
    if (depth > 0) path.copy(parentStart, p, depth - 1);
    path.extend(p, depth, zero, one, feature);
    const f = tf[node]!;
    if (f < 0) {
      // each unique feature's weight: the path's permutation weights with that feature
      // unwound (UNWOUND-PATH-SUM inlined: this loop is where TreeSHAP spends its time)
      const base = node * k;
      for (let i = 1; i <= depth; i++) {
        const oneI = po[p + i]!;
        const zeroI = pz[p + i]!;
        let next = pw[p + depth]!;
        let total = 0;
        if (oneI !== 0) {
          for (let j = depth - 1; j >= 0; j--) {
            const tmp = (next * (depth + 1)) / ((j + 1) * oneI);
            total += tmp;
            next = pw[p + j]! - (tmp * zeroI * (depth - j)) / (depth + 1);
          }
        } else {
          for (let j = depth - 1; j >= 0; j--) total += (pw[p + j]! / zeroI) * ((depth + 1) / (depth - j));
        }
        const w = total * (oneI - zeroI) * scale;
        const at = pf[p + i]!;
        for (let j = 0; j < k; j++) phi[(outStart + j) * nFeatures + at]! += w * tv[base + j]!;
      }
      return;
    }
    const left = tl[node]!;
    const right = tr[node]!;
    const hot = goesLeft(tree, node, rowBins[f]!) ? left : right;
    const cold = hot === left ? right : left;
    let incomingZero = 1;
    let incomingOne = 1;
    let d = depth;
    // a feature met again on the path: its earlier split's fractions are undone, then
    // carried into this split (each feature stays once on the path)
    let index = -1;
    for (let i = 1; i <= d; i++) {
      if (pf[p + i] === f) {
        index = i;
        break;
      }
    }
    if (index >= 0) {
      incomingZero = pz[p + index]!;
      incomingOne = po[p + index]!;
      path.unwind(p, d, index);
      d--;
    }
    const next = p + d + 1;
    // a branch that neither the known value nor the cover reaches adds nothing (and would
    // divide by zero when unwound)
    const hotZero = childFraction(tree, node, hot) * incomingZero;
    if (hotZero > 0 || incomingOne > 0) recurse(hot, next, d + 1, hotZero, incomingOne, f, p);
    const coldZero = childFraction(tree, node, cold) * incomingZero;
    if (coldZero > 0) recurse(cold, next, d + 1, coldZero, 0, f, p);
  };
  recurse(0, 0, 0, 1, 1, -1, 0);
}

/**
 * Exact Shapley values (TreeSHAP, path-dependent: a feature left out follows every branch
 * in proportion to the training cover) of an additive tree ensemble for every row of a
 * column-major bin matrix. Row r's contributions to output k plus `expectedValue[k]`
 * equal the ensemble's output k for that row, to rounding.
 *
 * @example
 * const { values, expectedValue } = treeEnsembleShap(ensemble, bins, nRows);
 */
export function treeEnsembleShap(
  ensemble: TreeEnsemble,
  bins: Uint8Array,
  nRows: number,
): { values: Float64Array; expectedValue: Float64Array } {
  const { trees, nOut, nFeatures } = ensemble;
  const expectedValue = Float64Array.from({ length: nOut }, (_, k) => ensemble.base[k] ?? 0);
  const outStarts = trees.map((t, i) => (t.nOut === nOut && nOut > 1 ? 0 : (ensemble.outputOf?.[i] ?? 0)));
  trees.forEach((tree, t) => {
    const e = treeExpectation(tree);
    for (let j = 0; j < tree.nOut; j++) expectedValue[outStarts[t]! + j]! += ensemble.scales[t]! * e[j]!;
  });
  const maxDepth = trees.reduce((m, t) => Math.max(m, treeDepth(t)), 0);
  const path = new PathStack(maxDepth + 1);
  const values = new Float64Array(nRows * nOut * nFeatures);
  const rowBins = new Uint8Array(nFeatures);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) rowBins[f] = bins[f * nRows + r]!;
    const phi = values.subarray(r * nOut * nFeatures, (r + 1) * nOut * nFeatures);
    trees.forEach((tree, t) => {
      if (tree.feature[0]! < 0) return; // a lone leaf: its value is all expectation
      treeShapRow(tree, rowBins, ensemble.scales[t]!, phi, outStarts[t]!, nFeatures, path);
    });
  }
  return { values, expectedValue };
}
