// The largest absolute difference between two equally long arrays of numbers: how the
// fixture tests compare mlsweep's values with scikit-learn's.
import assert from 'node:assert/strict';

/**
 * max_i |a[i] - b[i]|, after asserting the lengths agree.
 *
 * @example
 * maxDiff([1, 2], [1, 2.5]); // 0.5
 */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
