/**
 * Column statistics the Featurizer learns: medians, level counts, smoothed target means.
 */

/**
 * The median of the non-NaN values, or NaN when there are none.
 *
 * @example
 * median(new Float64Array([3, NaN, 1, 2])); // 2
 */
export function median(values: Float64Array): number {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const n = present.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
}

/**
 * Counts of each non-null level, over `rows` when given.
 *
 * @example
 * levelCounts(['a', null, 'a', 'b']); // Map { 'a' => 2, 'b' => 1 }
 */
export function levelCounts(
  cells: ReadonlyArray<string | null>,
  rows?: ArrayLike<number>,
): Map<string, number> {
  const counts = new Map<string, number>();
  const n = rows ? rows.length : cells.length;
  for (let i = 0; i < n; i++) {
    const v = cells[rows ? rows[i]! : i];
    if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/**
 * The most frequent level (ties: the first in code-unit order, so the choice is stable).
 *
 * @example
 * mostFrequent(new Map([['b', 2], ['a', 2]])); // 'a'
 */
export function mostFrequent(counts: Map<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = -1;
  for (const [level, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && level < best)) {
      best = level;
      bestCount = count;
    }
  }
  return best;
}

/** Target values as rows of numbers: the value itself (regression) or class indicators. */
export interface TargetRows {
  /** Numbers per row. */
  readonly width: number;
  value(row: number, k: number): number;
}

/**
 * The m-estimate of the target mean per level over `rows`: `(sum + m * prior) / (count + m)`,
 * with the prior the mean over the same rows. Returns the prior too, for unseen levels.
 *
 * @example
 * smoothedMeans(['a', 'a', 'b'], target, [0, 1, 2], 10);
 */
export function smoothedMeans(
  cells: ReadonlyArray<string>,
  target: TargetRows,
  rows: ArrayLike<number>,
  m: number,
): { prior: number[]; encoding: Map<string, number[]> } {
  const w = target.width;
  const prior = new Array<number>(w).fill(0);
  const sums = new Map<string, { count: number; sum: number[] }>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const level = cells[r]!;
    let s = sums.get(level);
    if (!s) {
      s = { count: 0, sum: new Array<number>(w).fill(0) };
      sums.set(level, s);
    }
    s.count++;
    for (let k = 0; k < w; k++) {
      const v = target.value(r, k);
      s.sum[k]! += v;
      prior[k]! += v;
    }
  }
  const n = Math.max(rows.length, 1);
  for (let k = 0; k < w; k++) prior[k]! /= n;
  const encoding = new Map<string, number[]>();
  for (const [level, s] of sums) {
    encoding.set(
      level,
      s.sum.map((sum, k) => (sum + m * prior[k]!) / (s.count + m)),
    );
  }
  return { prior, encoding };
}
