import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mulberry32 } from '../../src/compute/rng.ts';
import { argsort, median, runEnd, selectKth, sortKeys, weightedMedian } from '../../src/metrics/order.ts';

function randomValues(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    // Mix of magnitudes, signs, repeated values and signed zeros.
    v[i] =
      u % 7 === 0 ? (u % 2 ? -0 : 0) : u % 5 === 0 ? (u % 13) - 6 : (u / 2 ** 32 - 0.5) * 10 ** ((u % 9) - 4);
  }
  return v;
}

describe('order statistics', () => {
  test('argsort is a stable ascending sort, signed zeros equal', () => {
    const v = randomValues(20_000, 1);
    const order = argsort(v);
    for (let i = 1; i < v.length; i++) {
      const a = v[order[i - 1]!]!;
      const b = v[order[i]!]!;
      assert.ok(a < b || (a === b && order[i - 1]! < order[i]!), `position ${i}: ${a}, ${b}`);
    }
  });

  test('runs group equal values, signed zeros together', () => {
    const sorted = sortKeys(Float64Array.of(10, 20, 10, -0, 0, 20, 20));
    const ends: number[] = [];
    for (let start = 0; start < 7; start = ends.at(-1)!) ends.push(runEnd(sorted, start));
    assert.deepEqual(ends, [2, 4, 7]);
  });

  test('median and selection agree with a full sort', () => {
    for (const n of [1, 2, 3, 10, 1001, 4000]) {
      const v = randomValues(n, n);
      const sorted = Float64Array.from(v).sort();
      const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      assert.ok(median(v) === expected, `median of ${n}`);
      const k = Math.floor(n / 3);
      assert.ok(selectKth(Float64Array.from(v), k) === sorted[k], `select ${k} of ${n}`);
    }
    assert.equal(median(Float64Array.of(3, 3, 3, 3)), 3);
  });

  test('weighted median is the lower weighted median', () => {
    assert.equal(weightedMedian(Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 5)), 3);
    assert.equal(weightedMedian(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1)), 2);
    assert.equal(weightedMedian(Float64Array.of(4, 3, 2, 1), Float64Array.of(0, 0, 0, 1)), 1);
  });
});
