import { nextTurn } from '../../../event-loop.ts';
import { mulberry32, UINT32_RANGE as UINT32_RANGE_EXPORT } from '../../../rng.ts';
import { type ForestInput, MODE_ABSOLUTE, MODE_GRADIENT, type OobBuffers } from '../grow-params.ts';
import { leafOf as leafOfExport, type TreeArrays } from '../tree-arrays.ts';
import { growTreeJs } from './grow.ts';

// module-local copies: the per-row loops read them without going through import bindings
const UINT32_RANGE = UINT32_RANGE_EXPORT;
const leafOf = leafOfExport;

/**
 * The seeds of a forest's trees: the first nTrees draws of mulberry32(seed).
 *
 * @example
 * treeSeeds(0, 3); // Uint32Array of 3 seeds, the same in tree_forest.cc
 */
export function treeSeeds(seed: number, nTrees: number): Uint32Array {
  const next = mulberry32(seed);
  const seeds = new Uint32Array(nTrees);
  for (let t = 0; t < nTrees; t++) seeds[t] = next();
  return seeds;
}

/**
 * Grows a forest in TypeScript, one tree after another; fills `oob` when given.
 *
 * @example
 * const trees = growForestJs({ data, target, weight, params, nTrees: 10, seed: 1, bootstrapSamples: n }, null);
 */
export function growForestJs(input: ForestInput, oob: OobBuffers | null): TreeArrays[] {
  const forest = new ForestGrowerJs(input, oob);
  for (let t = 0; t < input.nTrees; t++) forest.growTree(t);
  return forest.finish();
}

/**
 * As {@link growForestJs}, letting the event loop run between trees: the same trees, but
 * timers and I/O are not held up for the whole fit.
 *
 * @example
 * const trees = await growForestJsAsync(input, null);
 */
export async function growForestJsAsync(input: ForestInput, oob: OobBuffers | null): Promise<TreeArrays[]> {
  const forest = new ForestGrowerJs(input, oob);
  for (let t = 0; t < input.nTrees; t++) {
    forest.growTree(t);
    await nextTurn();
  }
  return forest.finish();
}

/**
 * Multiplies the weights of a tree's rows by the balanced class weights of its draw:
 * drawn / (classes drawn * draws of the class), as scikit-learn's balanced_subsample.
 *
 * @example
 * balanceDraw(w, counts, labels, 2, n); // w of a rarely drawn class grows
 */
export function balanceDraw(
  w: Float64Array,
  counts: Int32Array,
  label: Int32Array,
  nClasses: number,
  drawn: number,
): void {
  const perClass = new Float64Array(nClasses);
  for (let r = 0; r < counts.length; r++) perClass[label[r]!]! += counts[r]!;
  let present = 0;
  for (let k = 0; k < nClasses; k++) if (perClass[k]! > 0) present++;
  for (let k = 0; k < nClasses; k++) perClass[k] = perClass[k]! > 0 ? drawn / (present * perClass[k]!) : 0;
  for (let r = 0; r < w.length; r++) w[r]! *= perClass[label[r]!]!;
}

/** The trees of one forest, grown one at a time, then the out-of-bag sums. */
class ForestGrowerJs {
  private readonly input: ForestInput;
  private readonly oob: OobBuffers | null;
  private readonly seeds: Uint32Array;
  private readonly trees: TreeArrays[] = [];
  /** Which rows each tree drew (kept for the out-of-bag sums only). */
  private readonly inBag: Uint8Array[] = [];

  constructor(input: ForestInput, oob: OobBuffers | null) {
    this.input = input;
    this.oob = oob;
    this.seeds = treeSeeds(input.seed, input.nTrees);
  }

  /** Grows tree t (trees must be grown in order). */
  growTree(t: number): void {
    const { data, target, weight, params, bootstrapSamples } = this.input;
    const n = data.nRows;
    const gradient = params.mode === MODE_GRADIENT;
    const absolute = params.mode === MODE_ABSOLUTE;
    const next = mulberry32(this.seeds[t]!);
    const w = Float64Array.from(weight);
    if (bootstrapSamples > 0) {
      const counts = new Int32Array(n);
      for (let i = 0; i < bootstrapSamples; i++) counts[Math.floor((next() / UINT32_RANGE) * n)]!++;
      for (let r = 0; r < n; r++) w[r]! *= counts[r]!;
      if (this.input.balancedSubsample) balanceDraw(w, counts, data.label, params.nClasses, bootstrapSamples);
      if (this.oob) this.inBag.push(Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0)));
    }
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (w[r]! > 0) rows.push(r);
    const grad = gradient ? new Float64Array(n) : absolute ? target : new Float64Array(0);
    if (gradient) for (let r = 0; r < n; r++) grad[r] = -w[r]! * target[r]!;
    const grown = growTreeJs(
      { ...data, grad, hess: w, rows: Int32Array.from(rows) },
      { ...params, seed: next() },
      false,
    );
    this.trees.push(grown.tree);
  }

  /** The trees; adds every row's out-of-bag predictions to `oob` when given and bootstrapping. */
  finish(): TreeArrays[] {
    const { oob } = this;
    const { data, weight, bootstrapSamples } = this.input;
    const n = data.nRows;
    if (oob && bootstrapSamples > 0) {
      for (let t = 0; t < this.trees.length; t++) {
        const tree = this.trees[t]!;
        const bag = this.inBag[t]!;
        const k = tree.nOut;
        for (let r = 0; r < n; r++) {
          if (bag[r] || !(weight[r]! > 0)) continue;
          const leaf = leafOf(tree, data.bins, n, r);
          for (let j = 0; j < k; j++) oob.sum[r * k + j]! += tree.value[leaf * k + j]!;
          oob.count[r]! += 1;
        }
      }
    }
    return this.trees;
  }
}
