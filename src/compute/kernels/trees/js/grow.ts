import { mulberry32, UINT32_RANGE as UINT32_RANGE_EXPORT } from '../../../rng.ts';
import { MAX_VALUE_BINS, MISSING_BIN as MISSING_BIN_EXPORT } from '../../binning/edges.ts';
import { binCountsOf } from '../bin-counts.ts';
import type { GrowData, GrowParams } from '../grow-params.ts';
import * as modes from '../grow-params.ts';
import { type GrowResult, type LeafRequest, leafArray, type TreeArrays } from '../tree-arrays.ts';
import { addGradientRows, addRootPairs, slotTable, subtractHist } from './gradient-hist.ts';
import { MedianSplitter, type SplitChoice } from './median-split.ts';
import { randomCategoryCut, randomThresholdBin } from './random-splits.ts';

// module-local copies: hot loops read them without going through import bindings
const MISSING_BIN = MISSING_BIN_EXPORT;
const UINT32_RANGE = UINT32_RANGE_EXPORT;
const MODE_GRADIENT = modes.MODE_GRADIENT;
const MODE_ENTROPY = modes.MODE_ENTROPY;
const MODE_ABSOLUTE = modes.MODE_ABSOLUTE;

interface GNode extends SplitChoice {
  id: number;
  begin: number;
  end: number;
  depth: number;
  totals: Float64Array;
  hist: Float64Array | null;
  /**
   * Gradient mode: (G, H, count) of the best split's left side as the scan summed them;
   * the children's totals, so that no pass over the rows sums them again. Other modes
   * share the empty NO_LEFT.
   */
  left: Float64Array;
}

/** GNode.left outside gradient mode, where the children's totals are summed from their rows. */
const NO_LEFT = new Float64Array(0);

/** Whether the first n bin counts of a and b are the same. */
function sameCounts(a: readonly number[], b: ArrayLike<number>, n: number): boolean {
  if (a.length !== n) return false;
  for (let f = 0; f < n; f++) if (a[f] !== b[f]) return false;
  return true;
}

/** The most histogram memory one grower leaves to the next (see `spare`). */
const SPARE_BYTES = 32 * 1024 * 1024;

/**
 * What one grower leaves to the next: a boosting fit grows hundreds of trees over the same
 * rows and bins, and allocating each tree's histograms, gathered gradients and slot tables
 * anew kept the garbage collector busy (a seventh of a first fit's time on 10k x 20). The
 * native grower keeps its buffers per thread likewise; a module instance serves one
 * thread, and one grow() never runs inside another. Histograms are zeroed when taken, so
 * a tree grows the same from reused buffers as from new ones.
 */
const spare: {
  hists: Float64Array[];
  ordered: Float64Array;
  /** The features' bin counts the slot tables were made for: reused only for the same counts. */
  nBins: readonly number[];
  tables: Int32Array[] | null;
} = { hists: [], ordered: new Float64Array(0), nBins: [], tables: null };

/**
 * Grows one histogram tree (LightGBM's method) on binned data, in TypeScript. The C++
 * grower in native/src/tree_grow.cc follows the same steps in the same order, so both
 * give the same tree for the same inputs where floating point allows (log in entropy
 * may differ in the last bit between V8 and libm).
 *
 * @example
 * const { tree } = growTreeJs(data, { mode: MODE_GINI, nClasses: 2, maxDepth: 0, maxLeaves: 0,
 *   minSamplesSplit: 2, minSamplesLeaf: 1, minChildWeight: 0, minGain: 0, lambdaL1: 0,
 *   lambdaL2: 0, maxFeatures: data.nCols, randomSplits: false, seed: 0 }, false);
 */
export function growTreeJs(data: GrowData, params: GrowParams, leaves: LeafRequest): GrowResult {
  return new Grower(data, params).grow(leaves);
}

/**
 * The gain of a gradient split whose left side is (gl, hl, cl) in a node of totals t, or
 * -Infinity where a side is under minSamplesLeaf rows or minChildWeight hessian: the
 * expression of tryGradient and of the native grower, operation for operation.
 *
 * @example
 * gradientGain(2, 1, 1, Float64Array.of(2, 2, 2), params, 0); // 4 / (1 + lambdaL2) when lambdaL1 is 0
 */
function gradientGain(
  gl: number,
  hl: number,
  cl: number,
  t: Float64Array,
  p: GrowParams,
  scoreP: number,
): number {
  const gr = t[0]! - gl;
  const hr = t[1]! - hl;
  const cr = t[2]! - cl;
  if (cl < p.minSamplesLeaf || cr < p.minSamplesLeaf || hl < p.minChildWeight || hr < p.minChildWeight)
    return Number.NEGATIVE_INFINITY;
  return sideScore(gl, hl, p) + sideScore(gr, hr, p) - scoreP;
}

/** The L1 soft threshold of a gradient sum G: toward 0 by a, 0 within [-a, a]. */
function softThreshold(G: number, a: number): number {
  return G > a ? G - a : G < -a ? G + a : 0;
}

/** A side's score in gradient mode: T(G)^2 / (H + lambdaL2), 0 where that is not positive. */
function sideScore(G: number, H: number, p: GrowParams): number {
  const t = softThreshold(G, p.lambdaL1);
  const denom = H + p.lambdaL2;
  return denom > 0 ? (t * t) / denom : 0;
}

class Grower {
  private readonly d: GrowData;
  private readonly p: GrowParams;
  private readonly D: number;
  private readonly W: number;
  private readonly C: number;
  private readonly K: number;
  /** Gradient and absolute modes: one scalar statistic per row rather than classes. */
  private readonly scalar: boolean;
  /** Absolute mode: the median-based split search and the side each row took. */
  private readonly median: MedianSplitter | null;
  private readonly sideOfRow: Uint8Array;
  private readonly slotOff: Int32Array;
  private readonly totalSlots: number;
  private readonly rows: Int32Array;
  private readonly tmp: Int32Array;
  private readonly full: boolean;
  /** Nodes with fewer rows get no histograms: their features are scanned row by row. */
  private readonly denseMinRows: number;
  private readonly next: () => number;
  private readonly L: Float64Array;
  private readonly R: Float64Array;
  private readonly scratch: Float64Array;
  private readonly touched: Int32Array;
  private readonly present: Int32Array;
  private readonly keys: Float64Array;
  private readonly pool: Float64Array[];
  private ordered: Float64Array;
  // output, grown as nodes are created
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly missingLeft: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly catIndex: number[] = [];
  private readonly catBits: number[] = [];
  private readonly value: number[] = [];
  private readonly gain: number[] = [];
  private readonly cover: number[] = [];
  private readonly begin: number[] = [];
  private readonly end: number[] = [];

  constructor(data: GrowData, params: GrowParams) {
    this.d = data;
    this.p = params;
    this.scalar = params.mode === MODE_GRADIENT || params.mode === MODE_ABSOLUTE;
    this.K = this.scalar ? 1 : params.nClasses;
    this.D = this.scalar ? 3 : params.nClasses + 2;
    this.W = this.D - 2;
    this.C = this.D - 1;
    this.slotOff = new Int32Array(data.nCols + 1);
    let maxSlots = 1;
    for (let f = 0; f < data.nCols; f++) {
      this.slotOff[f + 1] = this.slotOff[f]! + data.nBins[f]! + 1;
      maxSlots = Math.max(maxSlots, data.nBins[f]! + 1);
    }
    this.totalSlots = this.slotOff[data.nCols]!;
    // the previous tree's buffers, when they fit (see `spare`)
    this.pool = spare.hists[0]?.length === this.totalSlots * this.D ? spare.hists : [];
    this.ordered = spare.ordered;
    if (sameCounts(spare.nBins, data.nBins, data.nCols)) this.tables = spare.tables;
    spare.hists = [];
    spare.ordered = new Float64Array(0);
    this.rows = Int32Array.from(data.rows);
    this.tmp = new Int32Array(this.rows.length);
    this.full = params.maxFeatures >= data.features.length;
    // a node gets histograms from a quarter as many rows as a feature has slots (a histogram
    // also gives its larger sibling one by subtraction, and is searched four features at a
    // time natively: below 64 rows of 256 slots the row-by-row scan is cheaper); absolute
    // mode searches rows, not histograms: no node is dense
    this.denseMinRows =
      params.mode === MODE_ABSOLUTE
        ? Number.POSITIVE_INFINITY
        : Math.ceil(this.totalSlots / (4 * Math.max(data.nCols, 1)));
    this.next = mulberry32(params.seed);
    this.L = new Float64Array(this.D);
    this.R = new Float64Array(this.D);
    this.scratch = new Float64Array(maxSlots * this.D);
    // one past the slots: sparseHist writes an entry past the last new slot
    this.touched = new Int32Array(maxSlots + 1);
    this.present = new Int32Array(maxSlots);
    this.keys = new Float64Array(maxSlots);
    const absolute = params.mode === MODE_ABSOLUTE;
    this.median = absolute ? new MedianSplitter(data, params, this.rows, maxSlots) : null;
    this.sideOfRow = new Uint8Array(absolute ? data.nRows : 0);
  }

  grow(leaves: LeafRequest): GrowResult {
    const root = this.createNode(0, this.rows.length, 0);
    if (this.full && this.isDense(root)) {
      root.hist = this.takeHist();
      this.buildHist(root.hist, root.begin, root.end);
    }
    this.findSplit(root);
    if (this.p.maxLeaves > 0) this.growBestFirst(root);
    else this.growDepthFirst(root);
    const tree = this.output();
    this.leaveSpare();
    const leafOfRow = leafArray(leaves, this.d.nRows, this.d.rows.length);
    if (leafOfRow) {
      for (let id = 0; id < tree.nNodes; id++) {
        if (tree.feature[id]! >= 0) continue;
        for (let i = this.begin[id]!; i < this.end[id]!; i++) leafOfRow[this.rows[i]!] = id;
      }
    }
    return { tree, leafOfRow };
  }

  /** Leaves this tree's buffers to the next grower, up to SPARE_BYTES of histograms. */
  private leaveSpare(): void {
    const keep = Math.floor(SPARE_BYTES / Math.max(this.totalSlots * this.D * 8, 1));
    spare.hists = this.pool.length > keep ? this.pool.slice(0, keep) : this.pool;
    spare.ordered = this.ordered;
    spare.nBins = Array.from({ length: this.d.nCols }, (_, f) => this.d.nBins[f]!);
    spare.tables = this.tables;
  }

  private isDense(node: GNode): boolean {
    return node.end - node.begin >= this.denseMinRows;
  }

  private growDepthFirst(root: GNode): void {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.feature < 0) continue;
      const [l, r] = this.split(node);
      stack.push(r, l);
    }
  }

  private growBestFirst(root: GNode): void {
    let candidates = root.feature >= 0 ? [root] : [];
    for (let leaves = 1; leaves < this.p.maxLeaves && candidates.length > 0; leaves++) {
      let best = 0;
      for (let i = 1; i < candidates.length; i++) {
        const c = candidates[i]!;
        const b = candidates[best]!;
        if (c.gain > b.gain || (c.gain === b.gain && c.id < b.id)) best = i;
      }
      const node = candidates[best]!;
      candidates.splice(best, 1);
      for (const child of this.split(node)) if (child.feature >= 0) candidates.push(child);
    }
    candidates = [];
  }

  /** A node over rows[begin, end); `given` totals (gradient mode's children) or summed. */
  private createNode(begin: number, end: number, depth: number, given?: Float64Array): GNode {
    const id = this.feature.length;
    const { D, W } = this;
    const totals = new Float64Array(D);
    if (given) totals.set(given);
    else this.sumRows(totals, begin, end);
    this.feature.push(-1);
    this.threshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.catIndex.push(-1);
    this.gain.push(0);
    this.cover.push(totals[W]!);
    this.begin.push(begin);
    this.end.push(end);
    if (this.median) this.value.push(this.median.median(begin, end));
    else if (this.p.mode === MODE_GRADIENT) this.value.push(this.leafValue(totals[0]!, totals[1]!));
    else for (let k = 0; k < this.K; k++) this.value.push(totals[W]! > 0 ? totals[k]! / totals[W]! : 0);
    return {
      id,
      begin,
      end,
      depth,
      totals,
      hist: null,
      left: this.p.mode === MODE_GRADIENT ? new Float64Array(3) : NO_LEFT,
      gain: 0,
      feature: -1,
      threshold: 0,
      missingLeft: false,
      cats: null,
      catCount: 0,
    };
  }

  private sumRows(out: Float64Array, begin: number, end: number): void {
    const { rows, D } = this;
    const { grad, hess, label } = this.d;
    if (this.scalar) {
      // summed in locals, stored once (the same additions in the same order)
      let g = out[0]!;
      let w = out[1]!;
      for (let i = begin; i < end; i++) {
        const r = rows[i]!;
        g += grad[r]!;
        w += hess[r]!;
      }
      out[0] = g;
      out[1] = w;
    } else {
      for (let i = begin; i < end; i++) {
        const r = rows[i]!;
        out[label[r]!]! += hess[r]!;
        out[D - 2]! += hess[r]!;
      }
    }
    out[D - 1] = end - begin;
  }

  private leafValue(G: number, H: number): number {
    const t = this.thresholdL1(G);
    const denom = H + this.p.lambdaL2;
    return denom > 0 ? -t / denom : 0;
  }

  private thresholdL1(G: number): number {
    return softThreshold(G, this.p.lambdaL1);
  }

  private score(s: Float64Array): number {
    const { W } = this;
    if (this.p.mode === MODE_GRADIENT) return this.gradientScore(s[0]!, s[1]!);
    const total = s[W]!;
    if (!(total > 0)) return 0;
    let acc = 0;
    if (this.p.mode === MODE_ENTROPY) {
      for (let k = 0; k < this.K; k++) {
        const w = s[k]!;
        if (w > 0) acc += w * Math.log(w);
      }
      return acc - total * Math.log(total);
    }
    for (let k = 0; k < this.K; k++) acc += s[k]! * s[k]!;
    return acc / total;
  }

  private takeHist(): Float64Array {
    const h = this.pool.pop();
    if (h) {
      h.fill(0);
      return h;
    }
    return new Float64Array(this.totalSlots * this.D);
  }

  /** Histograms of every active feature over the node's rows (full mode). */
  private buildHist(h: Float64Array, begin: number, end: number): void {
    const { features } = this.d;
    if (this.p.mode === MODE_GRADIENT) {
      // the root on every row reads the gradients in place (rows are 0..n-1 there)
      const root = end - begin === this.d.nRows;
      if (root) {
        this.buildRoot(h);
        return;
      }
      this.orderGradients(begin, end);
      const tables = this.slotTables();
      for (let i = 0; i < features.length; i += 4) {
        const group = Array.from(features.subarray(i, Math.min(i + 4, features.length)));
        addGradientRows(
          h,
          this.d.bins,
          { tables: group.map((f) => tables[f]!), columns: group.map((f) => f * this.d.nRows) },
          this.rows,
          begin,
          end,
          this.ordered,
        );
      }
      return;
    }
    for (let i = 0; i < features.length; i++)
      this.accumulate(h, features[i]!, this.slotOff[features[i]!]!, begin, end);
  }

  /**
   * Gradient mode, the root on every row: (g, h) added per bin, four features a pass
   * (gradient-hist.ts addRootPairs), and each slot's count taken from the bin counts of the
   * matrix, counted once (bin-counts.ts): the same sums as counting row by row.
   */
  private buildRoot(h: Float64Array): void {
    const { features, bins, nRows, nCols, nBins, grad, hess } = this.d;
    const tables = this.slotTables();
    for (let i = 0; i < features.length; i += 4) {
      const group = Array.from(features.subarray(i, Math.min(i + 4, features.length)));
      addRootPairs(
        h,
        bins,
        { tables: group.map((f) => tables[f]!), columns: group.map((f) => f * nRows) },
        nRows,
        grad,
        hess,
      );
    }
    const counts = binCountsOf(bins, nRows, nCols);
    for (let i = 0; i < features.length; i++) {
      const f = features[i]!;
      const nb = nBins[f]!;
      const base = this.slotOff[f]!;
      for (let b = 0; b < nb; b++) h[(base + b) * 3 + 2] = counts[f * 256 + b]!;
      h[(base + nb) * 3 + 2] = counts[f * 256 + MISSING_BIN]!;
    }
  }

  private tables: Int32Array[] | null = null;

  /** Gradient mode: each feature's slot table (gradient-hist.ts), made on first use. */
  private slotTables(): Int32Array[] {
    this.tables ??= Array.from({ length: this.d.nCols }, (_, f) =>
      slotTable(this.slotOff[f]!, this.d.nBins[f]!),
    );
    return this.tables;
  }

  /** The node's (g, h) pairs gathered once in row order, read in sequence per feature. */
  private orderGradients(begin: number, end: number): void {
    const { rows } = this;
    const { grad, hess } = this.d;
    if (this.ordered.length < (end - begin) * 2) this.ordered = new Float64Array(this.rows.length * 2);
    const o = this.ordered;
    for (let i = begin, k = 0; i < end; i++, k += 2) {
      const r = rows[i]!;
      o[k] = grad[r]!;
      o[k + 1] = hess[r]!;
    }
  }

  /** Class modes: adds the node's rows into feature f's slots, which start at slot `base` of `h`. */
  private accumulate(h: Float64Array, f: number, base: number, begin: number, end: number): void {
    const { rows, D } = this;
    const { bins, nRows, hess, label } = this.d;
    const nb = this.d.nBins[f]!;
    const col = f * nRows;
    for (let i = begin; i < end; i++) {
      const r = rows[i]!;
      const b = bins[col + r]!;
      const s = (base + (b === MISSING_BIN ? nb : b)) * D;
      const w = hess[r]!;
      h[s + label[r]!]! += w;
      h[s + D - 2]! += w;
      h[s + D - 1]! += 1;
    }
  }

  private canSplit(node: GNode): boolean {
    const n = node.end - node.begin;
    const p = this.p;
    if (n < p.minSamplesSplit || n < 2 * p.minSamplesLeaf) return false;
    if (p.maxDepth > 0 && node.depth >= p.maxDepth) return false;
    if (!this.scalar) {
      let nonEmpty = 0;
      for (let k = 0; k < this.K; k++) if (node.totals[k]! > 0) nonEmpty++;
      if (nonEmpty <= 1) return false;
    }
    return true;
  }

  /** Finds the node's best split; leaves node.feature at -1 when there is none. */
  private findSplit(node: GNode): void {
    node.gain = Number.NEGATIVE_INFINITY;
    node.feature = -1;
    if (this.canSplit(node)) {
      const scoreP = this.median
        ? this.median.prepare(node.begin, node.end, this.value[node.id]!)
        : this.score(node.totals);
      // absolute mode splits as scikit-learn does: a node whose impurity is at rounding
      // level is a leaf, any other takes its best admissible split even if it gains nothing
      // (the median need not move); the other modes need a gain above rounding
      const pure = this.median !== null && !(scoreP > Number.EPSILON * node.totals[this.W]!);
      if (!pure) this.searchFeatures(node, scoreP);
      const tol = 1e-12 * Math.abs(scoreP);
      const ok = this.median
        ? node.gain >= this.p.minGain - tol
        : node.gain > tol && node.gain >= this.p.minGain;
      if (!ok) node.feature = -1;
    }
    if (node.feature < 0) this.release(node);
  }

  /** Examines every feature, or maxFeatures non-constant ones drawn at random. */
  private searchFeatures(node: GNode, scoreP: number): void {
    const { features } = this.d;
    if (this.full) {
      for (let i = 0; i < features.length; i++) this.examine(node, features[i]!, scoreP);
      return;
    }
    const pool = Int32Array.from(features);
    const n = pool.length;
    let visited = 0;
    for (let i = 0; i < n && visited < this.p.maxFeatures; i++) {
      const j = i + Math.floor((this.next() / UINT32_RANGE) * (n - i));
      const f = pool[j]!;
      pool[j] = pool[i]!;
      pool[i] = f;
      if (this.examine(node, f, scoreP)) visited++;
    }
  }

  /** Searches feature f for a better split of the node; false when f is constant there. */
  private examine(node: GNode, f: number, scoreP: number): boolean {
    if (this.median) return this.median.examine(node, f, scoreP, this.next);
    const h = node.hist;
    if (h && this.p.mode === MODE_GRADIENT && !this.p.randomSplits && !this.d.categorical[f])
      return this.scanDenseGradient(node, f, h, this.slotOff[f]!, scoreP);
    if (h)
      return this.evaluate(
        node,
        f,
        h,
        this.slotOff[f]!,
        this.presentSlots(h, this.slotOff[f]!, this.d.nBins[f]!),
        scoreP,
      );
    const m = this.sparseHist(f, node.begin, node.end);
    const constant = !this.evaluate(node, f, this.scratch, 0, m, scoreP);
    this.clearTouched(m);
    return !constant;
  }

  private release(node: GNode): void {
    if (node.hist) this.pool.push(node.hist);
    node.hist = null;
  }

  /** Lists the slots of feature f with rows (ascending) into `present`; returns how many. */
  private presentSlots(h: Float64Array, base: number, nb: number): number {
    let m = 0;
    for (let s = 0; s <= nb; s++) if (h[(base + s) * this.D + this.C]! > 0) this.present[m++] = s;
    return m;
  }

  /**
   * Feature f's histogram in `scratch` for a node, touching only the slots its rows use;
   * lists them (ascending) in `present` and returns how many. Each row writes its slot to
   * `touched` and counts it only when the slot is new: a branch there is mispredicted on
   * every new slot (as in the native grower's loops, tree_grow.cc).
   */
  private sparseHist(f: number, begin: number, end: number): number {
    const { rows, D, scratch, touched } = this;
    const { bins, nRows, grad, hess, label } = this.d;
    const nb = this.d.nBins[f]!;
    const col = f * nRows;
    const C = D - 1;
    const W = D - 2;
    const gradient = this.p.mode === MODE_GRADIENT;
    let m = 0;
    for (let i = begin; i < end; i++) {
      const r = rows[i]!;
      const b = bins[col + r]!;
      const slot = b === MISSING_BIN ? nb : b;
      const s = slot * D;
      const count = scratch[s + C]!;
      touched[m] = slot;
      m += count === 0 ? 1 : 0;
      if (gradient) {
        scratch[s]! += grad[r]!;
        scratch[s + 1]! += hess[r]!;
      } else {
        const w = hess[r]!;
        scratch[s + label[r]!]! += w;
        scratch[s + W]! += w;
      }
      scratch[s + C] = count + 1;
    }
    return this.listPresent(nb, m);
  }

  /** The m slots sparseHist touched, ascending, into `present`; returns m. */
  private listPresent(nb: number, m: number): number {
    const { D, scratch, touched, present } = this;
    // more than a few slots: one pass over the feature's slots beats sorting them
    if (32 * m > nb + 1) {
      let k = 0;
      for (let slot = 0; slot <= nb; slot++) {
        present[k] = slot;
        k += scratch[slot * D + D - 1]! > 0 ? 1 : 0;
      }
      return k;
    }
    // few slots: an insertion sort in place, without allocating
    for (let i = 0; i < m; i++) {
      const v = touched[i]!;
      let j = i - 1;
      while (j >= 0 && present[j]! > v) {
        present[j + 1] = present[j]!;
        j--;
      }
      present[j + 1] = v;
    }
    return m;
  }

  private clearTouched(m: number): void {
    const { D, scratch, present } = this;
    for (let i = 0; i < m; i++) {
      const s = present[i]! * D;
      for (let k = 0; k < D; k++) scratch[s + k] = 0;
    }
  }

  /**
   * Scans feature f's histogram (slots from `base` of `h`, `m` present slots listed in
   * `present`) and records a better split on the node. False when f is constant there.
   */
  private evaluate(
    node: GNode,
    f: number,
    h: Float64Array,
    base: number,
    m: number,
    scoreP: number,
  ): boolean {
    if (m <= 1) return false;
    if (this.d.categorical[f]) this.evaluateCategorical(node, f, h, base, m, scoreP);
    else this.evaluateNumeric(node, f, h, base, m, scoreP);
    return true;
  }

  private evaluateNumeric(node: GNode, f: number, h: Float64Array, base: number, m: number, scoreP: number) {
    const { L, D, present } = this;
    const nb = this.d.nBins[f]!;
    const missing = present[m - 1] === nb;
    const nv = missing ? m - 1 : m;
    const ms = (base + nb) * D;
    L.fill(0);
    if (this.p.randomSplits) {
      const t = randomThresholdBin(present, nv, this.next, this.d.edges, f * MAX_VALUE_BINS);
      for (let i = 0; i < nv && present[i]! <= t; i++) this.addSlot(L, h, (base + present[i]!) * D);
      this.considerNumeric(node, f, t, false, missing, scoreP);
      if (missing && nv >= 2) {
        this.addSlot(L, h, ms);
        this.considerNumeric(node, f, t, true, missing, scoreP);
      }
      return;
    }
    if (this.p.mode === MODE_GRADIENT) {
      this.scanGradient(node, f, h, base, nv, missing, scoreP);
      return;
    }
    for (let i = 0; i < nv; i++) {
      this.addSlot(L, h, (base + present[i]!) * D);
      if (i < nv - 1 || missing) this.considerNumeric(node, f, present[i]!, false, missing, scoreP);
      if (missing && i < nv - 1) {
        this.addSlot(L, h, ms);
        this.considerNumeric(node, f, present[i]!, true, missing, scoreP);
        this.subSlot(L, h, ms);
      }
    }
  }

  /**
   * The numeric scan of gradient mode over a node's histogram of feature f (slots from
   * `base`): the candidates, gains and picks of presentSlots + scanGradient + tryGradient,
   * in their order and by their operations, with the running best kept in locals and
   * written to the node once. The hot loop of boosting. False when f is constant there.
   */
  private scanDenseGradient(node: GNode, f: number, h: Float64Array, base: number, scoreP: number): boolean {
    const nb = this.d.nBins[f]!;
    const ms = (base + nb) * 3;
    const missing = h[ms + 2]! > 0;
    // the first and last present value slots (the last one's split is not a candidate
    // unless missing rows exist); constant when fewer than two slots hold rows
    let last = nb - 1;
    while (last >= 0 && !(h[(base + last) * 3 + 2]! > 0)) last--;
    let first = 0;
    while (first < last && !(h[(base + first) * 3 + 2]! > 0)) first++;
    const nv = last < 0 ? 0 : first < last ? 2 : 1;
    if (nv + (missing ? 1 : 0) <= 1) return false;
    const limits = this.p;
    const t = node.totals;
    const tC = t[2]!;
    const mG = missing ? h[ms]! : 0;
    const mH = missing ? h[ms + 1]! : 0;
    const mC = missing ? h[ms + 2]! : 0;
    let best = node.gain;
    let bestSlot = -1;
    let bestB = false;
    let bG = 0;
    let bH = 0;
    let bC = 0;
    let GL = 0;
    let HL = 0;
    let CL = 0;
    for (let s = first; s <= last; s++) {
      const at = (base + s) * 3;
      const c = h[at + 2]!;
      if (!(c > 0)) continue;
      GL += h[at]!;
      HL += h[at + 1]!;
      CL += c;
      const beforeLast = s < last;
      // missing rows right: a candidate before the last present slot, or at it when
      // missing rows exist
      if (beforeLast || missing) {
        const gain = gradientGain(GL, HL, CL, t, limits, scoreP);
        if (gain > best) {
          best = gain;
          bestSlot = s;
          bestB = false;
          bG = GL;
          bH = HL;
          bC = CL;
        }
      }
      // missing rows left: before the last present slot only
      if (missing && beforeLast) {
        const gain = gradientGain(GL + mG, HL + mH, CL + mC, t, limits, scoreP);
        if (gain > best) {
          best = gain;
          bestSlot = s;
          bestB = true;
          bG = GL + mG;
          bH = HL + mH;
          bC = CL + mC;
        }
      }
    }
    if (bestSlot >= 0) {
      node.gain = best;
      node.feature = f;
      node.threshold = bestSlot;
      node.missingLeft = missing ? bestB : bC >= tC - bC;
      node.cats = null;
      node.left[0] = bG;
      node.left[1] = bH;
      node.left[2] = bC;
    }
    return true;
  }

  /** The numeric scan of gradient mode on scalars: the hot loop of boosting. */
  private scanGradient(
    node: GNode,
    f: number,
    h: Float64Array,
    base: number,
    nv: number,
    missing: boolean,
    scoreP: number,
  ) {
    const { present } = this;
    const t = node.totals;
    const ms = (base + this.d.nBins[f]!) * 3;
    const mG = missing ? h[ms]! : 0;
    const mH = missing ? h[ms + 1]! : 0;
    const mC = missing ? h[ms + 2]! : 0;
    let GL = 0;
    let HL = 0;
    let CL = 0;
    for (let i = 0; i < nv; i++) {
      const s = (base + present[i]!) * 3;
      GL += h[s]!;
      HL += h[s + 1]!;
      CL += h[s + 2]!;
      if (i < nv - 1 || missing)
        this.tryGradient(node, f, present[i]!, false, missing, GL, HL, CL, t, scoreP);
      if (missing && i < nv - 1)
        this.tryGradient(node, f, present[i]!, true, missing, GL + mG, HL + mH, CL + mC, t, scoreP);
    }
  }

  private tryGradient(
    node: GNode,
    f: number,
    threshold: number,
    missingLeft: boolean,
    missingSeen: boolean,
    GL: number,
    HL: number,
    CL: number,
    t: Float64Array,
    scoreP: number,
  ): void {
    const gain = gradientGain(GL, HL, CL, t, this.p, scoreP);
    if (!(gain > node.gain)) return;
    const CR = t[2]! - CL;
    node.gain = gain;
    node.feature = f;
    node.threshold = threshold;
    node.missingLeft = missingSeen ? missingLeft : CL >= CR;
    node.cats = null;
    node.left[0] = GL;
    node.left[1] = HL;
    node.left[2] = CL;
  }

  private gradientScore(G: number, H: number): number {
    return sideScore(G, H, this.p);
  }

  private considerNumeric(
    node: GNode,
    f: number,
    t: number,
    missingLeft: boolean,
    missingSeen: boolean,
    scoreP: number,
  ): void {
    const gain = this.candidateGain(node.totals, scoreP);
    if (!(gain > node.gain)) return;
    node.gain = gain;
    node.feature = f;
    node.threshold = t;
    node.missingLeft = missingSeen ? missingLeft : this.L[this.C]! >= this.R[this.C]!;
    node.cats = null;
    this.keepLeft(node);
  }

  /** Gradient mode: the left side's statistics of a new best split, its children's totals. */
  private keepLeft(node: GNode): void {
    if (this.p.mode === MODE_GRADIENT) node.left.set(this.L.subarray(0, 3));
  }

  private evaluateCategorical(
    node: GNode,
    f: number,
    h: Float64Array,
    base: number,
    m: number,
    scoreP: number,
  ) {
    const { L, D, present, keys } = this;
    const order = Int32Array.from(present.subarray(0, m));
    let first = 1;
    let last = m - 1;
    if (this.p.randomSplits) {
      first = last = randomCategoryCut(order, this.next);
    } else {
      const c = this.keyClass(node.totals);
      for (let i = 0; i < m; i++) keys[order[i]!] = this.categoryKey(h, (base + order[i]!) * D, c);
      const sorted = Array.from(order).sort((a, b) => keys[a]! - keys[b]! || a - b);
      order.set(sorted);
    }
    L.fill(0);
    for (let k = 1; k <= last; k++) {
      this.addSlot(L, h, (base + order[k - 1]!) * D);
      if (k < first) continue;
      const gain = this.candidateGain(node.totals, scoreP);
      if (!(gain > node.gain)) continue;
      node.gain = gain;
      node.feature = f;
      node.cats = order;
      node.catCount = k;
      node.missingLeft = this.L[this.C]! >= this.R[this.C]!;
      this.keepLeft(node);
    }
  }

  /** The class whose proportion orders categories (class modes): the node's most weighted. */
  private keyClass(totals: Float64Array): number {
    let c = 0;
    for (let k = 1; k < this.K; k++) if (totals[k]! > totals[c]!) c = k;
    return c;
  }

  private categoryKey(h: Float64Array, s: number, c: number): number {
    if (this.p.mode === MODE_GRADIENT) return h[s + 1]! > 0 ? h[s]! / h[s + 1]! : 0;
    return h[s + this.W]! > 0 ? h[s + c]! / h[s + this.W]! : 0;
  }

  private addSlot(L: Float64Array, h: Float64Array, s: number): void {
    for (let k = 0; k < this.D; k++) L[k]! += h[s + k]!;
  }

  private subSlot(L: Float64Array, h: Float64Array, s: number): void {
    for (let k = 0; k < this.D; k++) L[k]! -= h[s + k]!;
  }

  /** Gain of the split whose left side is this.L, or -Infinity when a child is too small. */
  private candidateGain(totals: Float64Array, scoreP: number): number {
    const { L, R, D, W, C, p } = this;
    for (let k = 0; k < D; k++) R[k] = totals[k]! - L[k]!;
    if (L[C]! < p.minSamplesLeaf || R[C]! < p.minSamplesLeaf) return Number.NEGATIVE_INFINITY;
    if (L[W]! < p.minChildWeight || R[W]! < p.minChildWeight) return Number.NEGATIVE_INFINITY;
    return this.score(L) + this.score(R) - scoreP;
  }

  private split(node: GNode): [GNode, GNode] {
    const f = node.feature;
    const id = node.id;
    let ci = -1;
    const bits = new Uint32Array(8);
    if (node.cats) {
      const nb = this.d.nBins[f]!;
      for (let k = 0; k < node.catCount; k++) {
        const slot = node.cats[k]!;
        const bin = slot === nb ? MISSING_BIN : slot;
        bits[bin >>> 5]! |= 1 << (bin & 31);
      }
      const missingSeen = node.cats.includes(nb);
      if (!missingSeen && node.missingLeft) bits[7]! |= 1 << 31;
      ci = this.catBits.length / 8;
      for (const w of bits) this.catBits.push(w);
    }
    const nLeft = this.partition(node, f, bits, ci >= 0);
    this.feature[id] = f;
    // extra trees keep their random threshold: drawn over the node's range, empty bins included
    this.threshold[id] = node.cats
      ? 0
      : this.p.randomSplits
        ? node.threshold
        : this.gapThreshold(node, f, nLeft);
    this.missingLeft[id] = node.missingLeft ? 1 : 0;
    this.catIndex[id] = ci;
    this.gain[id] = node.gain;
    // gradient mode: the children's totals are the split's sides as the scan summed them
    const gradient = this.p.mode === MODE_GRADIENT;
    const t = node.totals;
    const lt = node.left;
    const right = gradient ? Float64Array.of(t[0]! - lt[0]!, t[1]! - lt[1]!, t[2]! - lt[2]!) : undefined;
    const l = this.createNode(node.begin, node.begin + nLeft, node.depth + 1, gradient ? lt : undefined);
    const r = this.createNode(node.begin + nLeft, node.end, node.depth + 1, right);
    this.left[id] = l.id;
    this.right[id] = r.id;
    if (node.hist) {
      const parent = node.hist;
      node.hist = null;
      const smallIsLeft = l.end - l.begin <= r.end - r.begin;
      const small = smallIsLeft ? l : r;
      const big = smallIsLeft ? r : l;
      // histograms serve a node's own split search and its children's: none are built for
      // children that cannot split (at the depth limit, too few rows) or are searched row by row
      const wantSmall = this.isDense(small) && this.canSplit(small);
      const wantBig = this.isDense(big) && this.canSplit(big);
      if (wantSmall || wantBig) {
        const sh = this.takeHist();
        small.hist = sh;
        this.buildHist(sh, small.begin, small.end);
        if (wantBig) {
          subtractHist(parent, sh);
          big.hist = parent;
        } else this.pool.push(parent);
        if (!wantSmall) this.release(small);
      } else this.pool.push(parent);
    }
    this.findSplit(l);
    this.findSplit(r);
    return [l, r];
  }

  /**
   * The threshold a numeric split keeps for values its node never saw: the middle of the
   * empty bins between the left side's last bin and the right side's first (in bin order:
   * the bins are training quantiles), as scikit-learn's midpoint between two values. The
   * search's threshold (the left side's last bin) sends every such value right, in every
   * tree alike: the default forest's five-fold RMSE on boston_housing was 3.44 that way and
   * is 3.30 this way (scikit-learn 3.23), the same training rows split the same way. When
   * the right side has only missing rows, every value goes left. Called
   * after the partition, which the choice does not change: no row of the node lies between.
   */
  private gapThreshold(node: GNode, f: number, nLeft: number): number {
    const nb = this.d.nBins[f]!;
    const last = node.threshold;
    let first = nb;
    const h = node.hist;
    if (h) {
      // the node's histogram (still the parent's here) counts its rows per bin
      const base = this.slotOff[f]!;
      for (let s = last + 1; s < nb; s++) {
        if (h[(base + s) * this.D + this.C]! > 0) {
          first = s;
          break;
        }
      }
    } else {
      const { rows } = this;
      const { bins, nRows } = this.d;
      const col = f * nRows;
      // the next bin is the nearest the right side can start: most nodes stop early
      for (let i = node.begin + nLeft; i < node.end && first > last + 1; i++) {
        const b = bins[col + rows[i]!]!;
        if (b < first) first = b;
      }
    }
    return first >= nb ? nb - 1 : (last + first) >>> 1;
  }

  /** Stable in-place partition of the node's rows; returns the number going left. */
  /** partition's side of each bin value (1: left). */
  private readonly sides = new Uint8Array(256);

  private partition(node: GNode, f: number, bits: Uint32Array, categorical: boolean): number {
    const { rows, tmp } = this;
    const { bins, nRows } = this.d;
    const col = f * nRows;
    // the side of each bin value, looked up per row (one load instead of the tests), as in the C++
    const sides = this.sides;
    for (let b = 0; b < 256; b++) {
      sides[b] = (
        categorical
          ? ((bits[b >>> 5]! >>> (b & 31)) & 1) === 1
          : b === MISSING_BIN
            ? node.missingLeft
            : b <= node.threshold
      )
        ? 1
        : 0;
    }
    let nl = node.begin;
    let nr = 0;
    for (let i = node.begin; i < node.end; i++) {
      const r = rows[i]!;
      const left = sides[bins[col + r]!]!;
      // branch-free, as in the C++: the side a row takes is data, not a pattern
      rows[nl] = r;
      tmp[nr] = r;
      nl += left;
      nr += 1 - left;
    }
    rows.set(tmp.subarray(0, nr), nl);
    if (this.median) {
      const side = this.sideOfRow;
      for (let i = node.begin; i < nl; i++) side[rows[i]!] = 1;
      for (let i = nl; i < node.end; i++) side[rows[i]!] = 0;
      this.median.partition(node.begin, node.end, side);
    }
    return nl - node.begin;
  }

  private output(): TreeArrays {
    return {
      nNodes: this.feature.length,
      nOut: this.K,
      feature: Int32Array.from(this.feature),
      threshold: Int32Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      catIndex: Int32Array.from(this.catIndex),
      catBits: Uint32Array.from(this.catBits),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
    };
  }
}
