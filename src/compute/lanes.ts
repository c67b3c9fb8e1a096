// Sums in four interleaved lanes. A plain running sum waits for each addition before
// the next (about 4 cycles a term); four independent sums overlap, and native code keeps
// them in vector registers. The lanes fix the order of the additions, so the TypeScript
// and C++ (linear_kernels.cc laneDot/laneSum) round alike.

/**
 * Σ_i a[ao + i]·b[bo + i] for i < len in four interleaved lanes (row i into lane i mod 4),
 * reduced as (l0 + l1) + (l2 + l3): linear_kernels.cc's laneDot, where the lanes let the
 * compiler use vector registers; here they let the CPU overlap the additions.
 *
 * @example
 * laneDot(Float64Array.of(1, 2, 3), 0, Float64Array.of(4, 5, 6), 0, 3); // 32
 */
export function laneDot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    l0 += a[ao + i]! * b[bo + i]!;
    l1 += a[ao + i + 1]! * b[bo + i + 1]!;
    l2 += a[ao + i + 2]! * b[bo + i + 2]!;
    l3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  if (i < len) l0 += a[ao + i]! * b[bo + i]!;
  if (i + 1 < len) l1 += a[ao + i + 1]! * b[bo + i + 1]!;
  if (i + 2 < len) l2 += a[ao + i + 2]! * b[bo + i + 2]!;
  return l0 + l1 + (l2 + l3);
}

/**
 * Σ_i a[ao + i] for i < len, in the lanes of laneDot.
 *
 * @example
 * laneSum(Float64Array.of(1, 2, 3, 4, 5), 0, 5); // 15
 */
export function laneSum(a: Float64Array, ao: number, len: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    l0 += a[ao + i]!;
    l1 += a[ao + i + 1]!;
    l2 += a[ao + i + 2]!;
    l3 += a[ao + i + 3]!;
  }
  if (i < len) l0 += a[ao + i]!;
  if (i + 1 < len) l1 += a[ao + i + 1]!;
  if (i + 2 < len) l2 += a[ao + i + 2]!;
  return l0 + l1 + (l2 + l3);
}
