import { MAX_VALUE_BINS, MISSING_BIN as MISSING_BIN_EXPORT } from '../../binning/edges.ts';
import type { GrowData, GrowParams } from '../grow-params.ts';
import { medianOfSorted } from '../leaf-median.ts';
import { randomCategoryCut, randomThresholdBin } from './random-splits.ts';

// module-local copies: hot loops read them without going through import bindings
const MISSING_BIN = MISSING_BIN_EXPORT;

/** The best split found so far at a node; the grower's node record is one. */
export interface SplitChoice {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
  /** Categorical split: the categories' slots in scan order, the first `catCount` go left. */
  cats: Int32Array | null;
  catCount: number;
}

/**
 * scikit-learn's absolute-error criterion on bins: a node's impurity is the weighted sum
 * of |y - median| over its rows, and a split's gain is the parent's sum minus both
 * children's, each child about its own weighted median. The rows of every node are kept
 * sorted by target (sorted once, then split stably with the node), so a feature's bins
 * list their rows in target order; a Fenwick tree over target ranks gives, after each
 * bin is added, the weighted median and the sum of deviations from it in O(log n).
 * Each feature costs two passes (four with missing values: with and without them).
 * native/src/tree_median_split.cc does the same steps in the same order.
 *
 * Leaf values are weighted medians. Targets are read from GrowData.grad (absolute mode),
 * weights from GrowData.hess.
 */
export class MedianSplitter {
  private readonly d: GrowData;
  private readonly p: GrowParams;
  private readonly y: Float64Array;
  private readonly w: Float64Array;
  /** The grower's rows, each node's range [begin, end) in ascending (target, row) order. */
  private readonly order: Int32Array;
  private readonly tmp: Int32Array;
  // the node being searched, by rank within it: target minus the node's median, weight
  private readonly ys: Float64Array;
  private readonly ws: Float64Array;
  private n = 0;
  private top = 0;
  private begin = 0;
  private nodeWeight = 0;
  // Fenwick trees of weights and weighted targets over ranks, and the running totals
  private readonly fw: Float64Array;
  private readonly fs: Float64Array;
  private W = 0;
  private S = 0;
  // one feature's bins: counts, weights, and the node's ranks grouped by slot
  private readonly slotCount: Int32Array;
  private readonly slotWeight: Float64Array;
  private readonly slotStart: Int32Array;
  private readonly slotFill: Int32Array;
  private readonly bySlot: Int32Array;
  /** Slots of the feature with rows in the node, ascending (the missing slot last). */
  private readonly present: Int32Array;
  private readonly keys: Float64Array;
  private readonly seq: Int32Array;
  // costs after each step of the passes: forward, forward with missing first, backward, ...
  private readonly fwd: Float64Array;
  private readonly fwdM: Float64Array;
  private readonly bwd: Float64Array;
  private readonly bwdM: Float64Array;

  /** `rows`: the rows the tree is grown on; `maxSlots`: the most bins of a feature, plus 1. */
  constructor(data: GrowData, params: GrowParams, rows: Int32Array, maxSlots: number) {
    this.d = data;
    this.p = params;
    const y = data.grad;
    this.y = y;
    this.w = data.hess;
    const n = rows.length;
    this.order = Int32Array.from(Array.from(rows).sort((a, b) => y[a]! - y[b]! || a - b));
    this.tmp = new Int32Array(n);
    this.ys = new Float64Array(n);
    this.ws = new Float64Array(n);
    this.fw = new Float64Array(n + 1);
    this.fs = new Float64Array(n + 1);
    this.bySlot = new Int32Array(n);
    this.slotCount = new Int32Array(maxSlots);
    this.slotWeight = new Float64Array(maxSlots);
    this.slotStart = new Int32Array(maxSlots);
    this.slotFill = new Int32Array(maxSlots);
    this.present = new Int32Array(maxSlots);
    this.keys = new Float64Array(maxSlots);
    this.seq = new Int32Array(maxSlots);
    this.fwd = new Float64Array(maxSlots);
    this.fwdM = new Float64Array(maxSlots);
    this.bwd = new Float64Array(maxSlots);
    this.bwdM = new Float64Array(maxSlots);
  }

  /** The weighted median of the targets of the node on rows [begin, end). */
  median(begin: number, end: number): number {
    return medianOfSorted(this.order, begin, end, this.y, this.w);
  }

  /**
   * Makes [begin, end) the node searched by `examine`, centring targets on `center`
   * (the node's median); returns the node's impurity sum, sum w * |y - center|. Centring
   * keeps the prefix sums of w * y small, so that the deviations computed from their
   * differences in cost() lose little to cancellation when targets sit far from zero.
   */
  prepare(begin: number, end: number, center: number): number {
    const { order, y, w, ys, ws } = this;
    const n = end - begin;
    let cost = 0;
    let weight = 0;
    for (let i = 0; i < n; i++) {
      const r = order[begin + i]!;
      ys[i] = y[r]! - center;
      ws[i] = w[r]!;
      cost += ws[i]! * Math.abs(ys[i]!);
      weight += ws[i]!;
    }
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.n = n;
    this.top = top;
    this.begin = begin;
    this.nodeWeight = weight;
    return cost;
  }

  /**
   * Searches feature f on the prepared node and records a better split in `best`; false
   * when f is constant there. `next` draws extra trees' random splits.
   */
  examine(best: SplitChoice, f: number, parentCost: number, next: () => number): boolean {
    const nb = this.d.nBins[f]!;
    const m = this.bucket(f * this.d.nRows, nb);
    if (m <= 1) return false;
    if (this.d.categorical[f] === 1) this.examineCategorical(best, f, m, parentCost, next);
    else this.examineNumeric(best, f, nb, m, parentCost, next);
    return true;
  }

  /** Splits the node's sorted range stably: rows with left[r] === 1 first. */
  partition(begin: number, end: number, left: Uint8Array): void {
    const { order, tmp } = this;
    let nl = begin;
    let nr = 0;
    for (let i = begin; i < end; i++) {
      const r = order[i]!;
      if (left[r] === 1) order[nl++] = r;
      else tmp[nr++] = r;
    }
    order.set(tmp.subarray(0, nr), nl);
  }

  /** Groups the node's ranks by slot (ascending ranks within a slot); returns the slots used. */
  private bucket(col: number, nb: number): number {
    const { order, ws, slotCount, slotWeight, slotStart, slotFill, bySlot, present } = this;
    const { bins } = this.d;
    const { n, begin } = this;
    slotCount.fill(0, 0, nb + 1);
    slotWeight.fill(0, 0, nb + 1);
    for (let i = 0; i < n; i++) {
      const b = bins[col + order[begin + i]!]!;
      const s = b === MISSING_BIN ? nb : b;
      slotCount[s]!++;
      slotWeight[s]! += ws[i]!;
    }
    let m = 0;
    let start = 0;
    for (let s = 0; s <= nb; s++) {
      if (slotCount[s]! > 0) present[m++] = s;
      slotStart[s] = start;
      slotFill[s] = start;
      start += slotCount[s]!;
    }
    for (let i = 0; i < n; i++) {
      const b = bins[col + order[begin + i]!]!;
      bySlot[slotFill[b === MISSING_BIN ? nb : b]!++] = i;
    }
    return m;
  }

  private examineNumeric(
    best: SplitChoice,
    f: number,
    nb: number,
    m: number,
    parentCost: number,
    next: () => number,
  ): void {
    const { present, seq, slotCount, slotWeight } = this;
    const missing = present[m - 1] === nb;
    const nv = missing ? m - 1 : m;
    let cut = -1;
    let t = 0;
    if (this.p.randomSplits) {
      t = randomThresholdBin(present, nv, next, this.d.edges, f * MAX_VALUE_BINS);
      cut = 0;
      while (cut + 1 < nv && present[cut + 1]! <= t) cut++;
    }
    // the passes go as far as the cuts read: prefixes up to the last cut (all value bins
    // only when missing rows may go right alone), suffixes from the first cut on
    const fwdLen = cut >= 0 ? cut + 1 : missing ? nv : nv - 1;
    const bwdLen = nv - 1 - Math.max(cut, 0);
    for (let i = 0; i < nv; i++) seq[i] = present[nv - 1 - i]!;
    this.pass(present, fwdLen, -1, this.fwd);
    this.pass(seq, bwdLen, -1, this.bwd);
    if (missing) {
      this.pass(present, fwdLen, nb, this.fwdM);
      this.pass(seq, bwdLen, nb, this.bwdM);
    }
    const onlyMissing = missing ? this.costOf(nb) : 0;
    const mC = missing ? slotCount[nb]! : 0;
    const mW = missing ? slotWeight[nb]! : 0;
    let CL = 0;
    let WL = 0;
    for (let i = 0; i < nv; i++) {
      const s = present[i]!;
      CL += slotCount[s]!;
      WL += slotWeight[s]!;
      if (cut >= 0 && i !== cut) continue;
      const threshold = cut >= 0 ? t : s;
      // costs of the suffix after bin i, without and with the missing rows
      const right = i < nv - 1 ? this.bwd[nv - 2 - i]! : 0;
      const rightM = i < nv - 1 ? this.bwdM[nv - 2 - i]! : onlyMissing;
      if (i < nv - 1 || missing) {
        const gain = parentCost - this.fwd[i]! - (missing ? rightM : right);
        this.consider(best, f, threshold, false, missing, CL, WL, gain, parentCost);
      }
      if (missing && i < nv - 1) {
        const gain = parentCost - this.fwdM[i]! - right;
        this.consider(best, f, threshold, true, missing, CL + mC, WL + mW, gain, parentCost);
      }
    }
  }

  private examineCategorical(
    best: SplitChoice,
    f: number,
    m: number,
    parentCost: number,
    next: () => number,
  ): void {
    const { present, seq, keys, slotCount, slotWeight } = this;
    const order = Int32Array.from(present.subarray(0, m));
    let first = 1;
    let last = m - 1;
    if (this.p.randomSplits) {
      first = last = randomCategoryCut(order, next);
    } else {
      // categories ordered by their own weighted median, then scanned as bins are
      for (let i = 0; i < m; i++) keys[order[i]!] = this.slotMedian(order[i]!);
      const sorted = Array.from(order).sort((a, b) => keys[a]! - keys[b]! || a - b);
      order.set(sorted);
    }
    // as far as the cuts read: the first `last` categories, the suffixes from `first` on
    for (let i = 0; i < m; i++) seq[i] = order[m - 1 - i]!;
    this.pass(order, last, -1, this.fwd);
    this.pass(seq, m - first, -1, this.bwd);
    let CL = 0;
    let WL = 0;
    for (let k = 1; k <= last; k++) {
      CL += slotCount[order[k - 1]!]!;
      WL += slotWeight[order[k - 1]!]!;
      if (k < first) continue;
      const gain = parentCost - this.fwd[k - 1]! - this.bwd[m - 1 - k]!;
      if (!this.admissible(CL, WL) || !this.better(gain, best.gain, parentCost)) continue;
      best.gain = gain;
      best.feature = f;
      best.threshold = 0;
      best.cats = order;
      best.catCount = k;
      best.missingLeft = CL >= this.n - CL;
    }
  }

  private consider(
    best: SplitChoice,
    f: number,
    threshold: number,
    missingLeft: boolean,
    missingSeen: boolean,
    CL: number,
    WL: number,
    gain: number,
    parentCost: number,
  ): void {
    if (!this.admissible(CL, WL) || !this.better(gain, best.gain, parentCost)) return;
    best.gain = gain;
    best.feature = f;
    best.threshold = threshold;
    best.missingLeft = missingSeen ? missingLeft : CL >= this.n - CL;
    best.cats = null;
  }

  /**
   * A gain beats the best so far only by more than rounding: absolute-error gains tie
   * exactly more often than squared-error ones (moving a row across a split can shift
   * both sides' deviations by the same amount), and the sums here are formed in another
   * order than a direct sum, so an exact comparison would let the last of tied splits
   * win by a rounding error. The first in scan order wins, as in scikit-learn.
   */
  private better(gain: number, best: number, parentCost: number): boolean {
    return gain > best + 1e-12 * parentCost;
  }

  /** Both children keep the rows and weight the limits ask for. */
  private admissible(CL: number, WL: number): boolean {
    const { minSamplesLeaf, minChildWeight } = this.p;
    const CR = this.n - CL;
    const WR = this.nodeWeight - WL;
    return CL >= minSamplesLeaf && CR >= minSamplesLeaf && WL >= minChildWeight && WR >= minChildWeight;
  }

  /** Weighted median (centred) of one slot's rows, which bySlot lists in target order. */
  private slotMedian(s: number): number {
    const begin = this.slotStart[s]!;
    return medianOfSorted(this.bySlot, begin, begin + this.slotCount[s]!, this.ys, this.ws);
  }

  /**
   * Adds the slots of seq[0..len) one after another (after the `first` slot when it is
   * >= 0) and writes the impurity sum of the rows added so far after each to out[k].
   */
  private pass(seq: Int32Array, len: number, first: number, out: Float64Array): void {
    this.reset();
    if (first >= 0) this.addSlot(first);
    for (let k = 0; k < len; k++) {
      this.addSlot(seq[k]!);
      out[k] = this.cost();
    }
  }

  /** The impurity sum of one slot's rows alone. */
  private costOf(s: number): number {
    this.reset();
    this.addSlot(s);
    return this.cost();
  }

  private reset(): void {
    this.fw.fill(0, 0, this.n + 1);
    this.fs.fill(0, 0, this.n + 1);
    this.W = 0;
    this.S = 0;
  }

  private addSlot(s: number): void {
    const { bySlot, ws, ys, fw, fs, n } = this;
    const begin = this.slotStart[s]!;
    const end = begin + this.slotCount[s]!;
    for (let k = begin; k < end; k++) {
      const i = bySlot[k]!;
      const wi = ws[i]!;
      const si = wi * ys[i]!;
      this.W += wi;
      this.S += si;
      for (let j = i + 1; j <= n; j += j & -j) {
        fw[j]! += wi;
        fs[j]! += si;
      }
    }
  }

  /**
   * Sum of w * |y - median| over the rows added: the Fenwick descent finds the rank of
   * the weighted median (the first whose cumulative weight reaches half), then the
   * deviations below and above it come from the prefix sums.
   */
  private cost(): number {
    const { fw, fs, ys, n, W, S } = this;
    if (!(W > 0)) return 0;
    const half = W / 2;
    let pos = 0;
    let aw = 0;
    let as = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      const nx = pos + step;
      if (nx <= n && aw + fw[nx]! < half) {
        pos = nx;
        aw += fw[nx]!;
        as += fs[nx]!;
      }
    }
    if (pos >= n) pos = n - 1;
    const med = ys[pos]!;
    const c = med * aw - as + (S - as - med * (W - aw));
    return Math.max(c, 0);
  }
}
