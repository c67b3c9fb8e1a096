import { mulberry32 } from '../../src/compute/rng.ts';

/**
 * Rows of three uniform features where one row in ten is labelled 'rare' and has its
 * first feature shifted by `shift` (the rest 'common'): a weak signal that unweighted
 * models tend to outvote, for class-weight tests.
 *
 * @example
 * const { rows, y } = rareClassData(1000, 0.5, 9); // 100 'rare' rows
 */
export function rareClassData(n: number, shift: number, seed: number): { rows: number[][]; y: string[] } {
  const next = mulberry32(seed);
  const u = () => next() / 2 ** 32;
  const rows: number[][] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const rare = i % 10 === 0;
    rows.push([u() + (rare ? shift : 0), u(), u()]);
    y.push(rare ? 'rare' : 'common');
  }
  return { rows, y };
}

/**
 * The fraction of 'rare' rows among `y` that `predicted` labels 'rare'.
 *
 * @example
 * rareRecall(['rare', 'common'], ['rare', 'rare']); // 0.5
 */
export function rareRecall(predicted: readonly unknown[], y: readonly string[]): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 'rare') continue;
    total++;
    if (predicted[i] === 'rare') hits++;
  }
  return hits / total;
}
