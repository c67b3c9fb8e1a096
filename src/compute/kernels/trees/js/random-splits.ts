import { UINT32_RANGE } from '../../../rng.ts';

/**
 * Extra trees' threshold for a feature: a bin drawn uniformly in [lowest, highest) of the
 * `nv` value slots present in the node (listed ascending); the lowest when only one.
 * native/src/tree_random_split.h makes the same draw.
 *
 * @example
 * randomThresholdBin(Int32Array.of(2, 5, 9), 3, mulberry32(1)); // a bin in [2, 9)
 */
export function randomThresholdBin(present: Int32Array, nv: number, next: () => number): number {
  const lo = present[0]!;
  if (nv < 2) return lo;
  return lo + Math.floor((next() / UINT32_RANGE) * (present[nv - 1]! - lo));
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
