/**
 * Pareto dominance of loss vectors: every objective minimised (a maximised objective
 * enters negated; see `lossesOf` in pareto.ts). Kept apart from sorting so the
 * constraint rules and the sorts can both build on it.
 */

/**
 * True when `a` Pareto-dominates `b`: no worse in every objective and strictly better in
 * at least one. Equal vectors do not dominate each other. Values are expected finite
 * (callers drop trials with a NaN value before sorting).
 *
 * @example
 * dominates([1, 2], [1, 3]); // true
 * dominates([1, 2], [1, 2]); // false
 * dominates([0, 3], [1, 2]); // false: a trade-off
 */
export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/**
 * Lexicographic comparison of two loss vectors (for sorting): a point can only be
 * dominated by points that come before it in this order.
 *
 * @example
 * [[1, 2], [0, 5]].sort(compareLex); // [[0, 5], [1, 2]]
 */
export function compareLex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
