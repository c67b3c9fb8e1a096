/**
 * Gradient mode's histogram kernel for the TypeScript grower (grow.ts): adds each row's
 * (g, h, 1) to the slot of its bin, for up to four features per pass over a node's rows,
 * so that the row index and its gradient pair are read once for the group. Every slot
 * still receives its rows in row order, so the sums are those of one feature at a time
 * (and of the native kernel).
 */

/**
 * Where each bin value's slot starts in a histogram of 3 numbers per slot (G, H, count):
 * the feature's slots begin at slot `base`, its `nBins` value bins first, then the
 * missing values (bin 255) in slot nBins.
 *
 * @example
 * slotTable(0, 4)[255]; // 12: the missing slot, after bins 0-3
 */
export function slotTable(base: number, nBins: number): Int32Array {
  return Int32Array.from({ length: 256 }, (_, b) => (base + (b === 255 || b > nBins ? nBins : b)) * 3);
}

/** One pass's features: each one's slot table and where its bin column starts. */
export interface HistFeatures {
  readonly tables: readonly Int32Array[];
  readonly columns: readonly number[];
}

/**
 * Adds rows[begin..end) to the histogram `h` for the given features (one to four), with the
 * rows' gradient pairs `pairs` (g, h, g, h, ... in the order of rows[begin..end)). The root
 * on every row takes addRootPairs.
 *
 * @example
 * addGradientRows(h, bins, { tables: [slotTable(0, 4)], columns: [0] }, rows, 0, n, pairs);
 */
export function addGradientRows(
  h: Float64Array,
  bins: Uint8Array,
  features: HistFeatures,
  rows: Int32Array,
  begin: number,
  end: number,
  pairs: Float64Array,
): void {
  const { tables, columns } = features;
  if (tables.length === 4) {
    const [t0, t1, t2, t3] = tables as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [c0, c1, c2, c3] = columns as [number, number, number, number];
    for (let i = begin, k = 0; i < end; i++, k += 2) {
      const r = rows[i]!;
      const g = pairs[k]!;
      const w = pairs[k + 1]!;
      addPair(h, t0[bins[c0 + r]!]!, g, w);
      addPair(h, t1[bins[c1 + r]!]!, g, w);
      addPair(h, t2[bins[c2 + r]!]!, g, w);
      addPair(h, t3[bins[c3 + r]!]!, g, w);
    }
    return;
  }
  // fewer than four: one feature per pass
  for (let j = 0; j < tables.length; j++) {
    const t = tables[j]!;
    const c = columns[j]!;
    for (let i = begin, k = 0; i < end; i++, k += 2)
      addPair(h, t[bins[c + rows[i]!]!]!, pairs[k]!, pairs[k + 1]!);
  }
}

/**
 * The root on every row (rows 0..n-1) when its bin counts are known (bin-counts.ts): adds
 * each row's (g, h) only, for the given features (one to four); the caller writes the
 * counts. The sums are those of addGradientRows, in the same order.
 *
 * @example
 * addRootPairs(h, bins, { tables: [slotTable(0, 4)], columns: [0] }, n, g, hs);
 */
export function addRootPairs(
  h: Float64Array,
  bins: Uint8Array,
  features: HistFeatures,
  n: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  const { tables, columns } = features;
  if (tables.length === 4) {
    const [t0, t1, t2, t3] = tables as [Int32Array, Int32Array, Int32Array, Int32Array];
    const [c0, c1, c2, c3] = columns as [number, number, number, number];
    for (let r = 0; r < n; r++) {
      const g = grad[r]!;
      const w = hess[r]!;
      let s = t0[bins[c0 + r]!]!;
      h[s]! += g;
      h[s + 1]! += w;
      s = t1[bins[c1 + r]!]!;
      h[s]! += g;
      h[s + 1]! += w;
      s = t2[bins[c2 + r]!]!;
      h[s]! += g;
      h[s + 1]! += w;
      s = t3[bins[c3 + r]!]!;
      h[s]! += g;
      h[s + 1]! += w;
    }
    return;
  }
  for (let j = 0; j < tables.length; j++) {
    const t = tables[j]!;
    const c = columns[j]!;
    for (let r = 0; r < n; r++) {
      const s = t[bins[c + r]!]!;
      h[s]! += grad[r]!;
      h[s + 1]! += hess[r]!;
    }
  }
}

/** Adds one row's (g, h, 1) to the slot starting at s. */
function addPair(h: Float64Array, s: number, g: number, w: number): void {
  h[s]! += g;
  h[s + 1]! += w;
  h[s + 2]! += 1;
}

/**
 * parent[i] -= small[i] for every entry: the larger child's histogram by subtraction.
 *
 * @example
 * subtractHist(Float64Array.of(5, 3), Float64Array.of(2, 1)); // parent is now [3, 2]
 */
export function subtractHist(parent: Float64Array, small: Float64Array): void {
  const n = parent.length;
  for (let i = 0; i < n; i++) parent[i] = parent[i]! - small[i]!;
}
