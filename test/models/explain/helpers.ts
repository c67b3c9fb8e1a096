// Shared by the explanation tests: the bundled data sets as matrices, a seeded random
// matrix, and a brute-force Shapley computation to check the fast methods against.

import { readFileSync } from 'node:fs';
import { mulberry32 } from '../../../src/compute/rng.ts';

/** A bundled CSV (datasets/) as rows of numbers and its target column as strings or numbers. */
export function loadDataset(name: string): { X: number[][]; y: string[]; yNum: number[]; names: string[] } {
  const lines = readFileSync(new URL(`../../../datasets/${name}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0]!.split(',');
  const X: number[][] = [];
  const y: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    X.push(cells.slice(0, -1).map((c) => (c === '' ? Number.NaN : Number(c))));
    y.push(cells.at(-1)!);
  }
  return { X, y, yNum: y.map(Number), names: header.slice(0, -1) };
}

/** A seeded uniform [0, 1) generator. */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/**
 * Shapley values of a set function v over m players, by the definition: for each player
 * i, the sum over every subset S without i of |S|!(m-|S|-1)!/m! (v(S + i) - v(S)).
 * `v` takes a bit mask; it is called 2^m times (memoized).
 */
export function bruteShapley(m: number, v: (mask: number) => number): Float64Array {
  const values = new Float64Array(1 << m);
  for (let s = 0; s < 1 << m; s++) values[s] = v(s);
  const fact = [1];
  for (let i = 1; i <= m; i++) fact.push(fact[i - 1]! * i);
  const phi = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < 1 << m; s++) {
      if (s & (1 << i)) continue;
      let size = 0;
      for (let b = s; b; b &= b - 1) size++;
      const w = (fact[size]! * fact[m - size - 1]!) / fact[m]!;
      phi[i]! += w * (values[s | (1 << i)]! - values[s]!);
    }
  }
  return phi;
}
