import { UINT32_RANGE } from '../../../rng.ts';

/**
 * Extra trees' threshold on a numeric feature, as a bin: the rows in bins up to it go left.
 * With the column's value edges (BinEdges.edges, `at` its first), a value drawn uniformly
 * between the node's outer edges (the upper edge of its lowest bin, the lower edge of its
 * highest), as scikit-learn draws between the node's smallest and largest values, in the
 * last bin whose upper edge it reaches; without them (or an infinite span) a bin drawn
 * uniformly in [lowest, highest) of the nv value slots present (ascending). Drawing in
 * value rather than bin (training-rank) space is what scikit-learn's extra trees do, and
 * what they gain by: boston_housing, five test folds, 3 seeds: RMSE 3.32 in bins, 3.11 in
 * value (scikit-learn 3.14); diabetes 57.33 and 56.92. native/src/tree_random_split.h
 * makes the same draw.
 *
 * @example
 * randomThresholdBin(Int32Array.of(2, 5, 9), 3, mulberry32(1)); // a bin in [2, 9)
 */
export function randomThresholdBin(
  present: Int32Array,
  nv: number,
  next: () => number,
  edges?: Float64Array,
  at = 0,
): number {
  const lo = present[0]!;
  if (nv < 2) return lo;
  const hi = present[nv - 1]!;
  const r = next() / UINT32_RANGE;
  if (edges) {
    const low = edges[at + lo]!;
    const span = edges[at + hi - 1]! - low;
    if (Number.isFinite(span)) {
      const u = low + r * span;
      let t = lo;
      while (t + 1 < hi && edges[at + t + 1]! <= u) t++;
      return t;
    }
  }
  return lo + Math.floor(r * (hi - lo));
}

/**
 * Extra trees' category split: shuffles `order` (Fisher–Yates, the last element left to
 * the last swap) and returns how many of its first categories go left, in [1, length).
 *
 * @example
 * const order = Int32Array.of(0, 1, 2, 3);
 * randomCategoryCut(order, mulberry32(1)); // order shuffled; e.g. 2: order[0], order[1] go left
 */
export function randomCategoryCut(order: Int32Array, next: () => number): number {
  const m = order.length;
  for (let i = 0; i < m - 1; i++) {
    const j = i + Math.floor((next() / UINT32_RANGE) * (m - i));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return 1 + Math.floor((next() / UINT32_RANGE) * (m - 1));
}
