import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { randomThresholdBin } from '../../src/compute/kernels/trees/js/random-splits.ts';
import { mulberry32 } from '../../src/compute/rng.ts';

describe('randomThresholdBin', () => {
  // bins 0..4 of a column whose values are 0, 1, 2, 3 and 200: upper edges 0.5, 1.5, 2.5, 101.5
  const edges = Float64Array.of(0.5, 1.5, 2.5, 101.5);
  const present = Int32Array.of(0, 1, 2, 3, 4);

  /** How often each threshold bin is drawn in `n` draws. */
  function counts(withEdges: boolean, n = 10_000): number[] {
    const next = mulberry32(7);
    const out = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) out[randomThresholdBin(present, 5, next, withEdges ? edges : undefined)]!++;
    return out;
  }

  test('with edges, a value uniform between the outer edges: wide gaps draw most thresholds, as in scikit-learn', () => {
    // u uniform in [0.5, 101.5]: bin 0 below 1.5 (1%), bin 1 below 2.5 (1%), bin 2 otherwise
    const c = counts(true);
    assert.equal(c[3]! + c[4]!, 0, 'the threshold stays below the highest bin');
    assert.ok(c[2]! > 9_700, `bin 2: ${c[2]}`);
    assert.ok(c[0]! > 50 && c[0]! < 150 && c[1]! > 50 && c[1]! < 150, `bins 0, 1: ${c[0]}, ${c[1]}`);
  });

  test('without edges, a bin uniform in [lowest, highest)', () => {
    const c = counts(false);
    assert.equal(c[4], 0);
    for (const k of [0, 1, 2, 3]) assert.ok(c[k]! > 2_300 && c[k]! < 2_700, `bin ${k}: ${c[k]}`);
  });

  test('an infinite span (infinite values at both ends) falls back to the bins; one present value is its own bin', () => {
    const wide = Float64Array.of(-Number.MAX_VALUE, 0, Number.MAX_VALUE);
    const next = mulberry32(3);
    for (let i = 0; i < 100; i++) {
      const t = randomThresholdBin(Int32Array.of(0, 1, 2, 3), 4, next, wide);
      assert.ok(t >= 0 && t <= 2);
    }
    assert.equal(randomThresholdBin(Int32Array.of(3), 1, next, edges), 3);
  });
});
