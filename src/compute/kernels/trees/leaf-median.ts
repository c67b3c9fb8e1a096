import type { TreeArrays } from './tree-arrays.ts';

/**
 * Weighted median of values[order[begin..end)], listed in ascending value order
 * (scikit-learn's rule: the first value whose cumulative weight reaches half the total;
 * the mean of it and the next when the cumulative weight is exactly half).
 *
 * @example
 * medianOfSorted(Int32Array.of(0, 1, 2, 3), 0, 4, Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1)); // 2.5
 */
export function medianOfSorted(
  order: Int32Array,
  begin: number,
  end: number,
  values: Float64Array,
  weights: Float64Array,
): number {
  let total = 0;
  for (let i = begin; i < end; i++) total += weights[order[i]!]!;
  const half = total / 2;
  let cum = 0;
  for (let i = begin; i < end; i++) {
    cum += weights[order[i]!]!;
    if (cum >= half) {
      if (cum === half && i + 1 < end) return (values[order[i]!]! + values[order[i + 1]!]!) / 2;
      return values[order[i]!]!;
    }
  }
  return end > begin ? values[order[end - 1]!]! : 0;
}

/**
 * Weighted median of `values` (the rule of medianOfSorted).
 *
 * @example
 * weightedMedian(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1)); // 2.5
 */
export function weightedMedian(values: Float64Array, weights: Float64Array): number {
  const order = Int32Array.from(Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b));
  return medianOfSorted(order, 0, order.length, values, weights);
}

/**
 * Sets every leaf's value to the weighted median of `values` over the rows that reach it
 * (`leafOfRow[r]`, -1 for rows not used): leaves of absolute-error boosting.
 *
 * @example
 * setLeafMedians(tree, leafOfRow, y, w); // tree.value now holds medians at the leaves
 */
export function setLeafMedians(
  tree: TreeArrays,
  leafOfRow: Int32Array,
  values: Float64Array,
  weights: Float64Array,
): void {
  const members = new Map<number, number[]>();
  for (let r = 0; r < leafOfRow.length; r++) {
    const leaf = leafOfRow[r]!;
    if (leaf < 0 || !(weights[r]! > 0)) continue;
    let list = members.get(leaf);
    if (!list) members.set(leaf, (list = []));
    list.push(r);
  }
  for (const [leaf, rows] of members) {
    tree.value[leaf] = weightedMedian(
      Float64Array.from(rows, (r) => values[r]!),
      Float64Array.from(rows, (r) => weights[r]!),
    );
  }
}
