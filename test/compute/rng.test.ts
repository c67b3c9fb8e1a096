import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32, sampleIndices } from '../../src/compute/rng.ts';

describe('mulberry32', () => {
  it('reproduces the reference sequence of the published generator for seed 1', () => {
    const next = mulberry32(1);
    // first outputs of the reference JavaScript mulberry32 with a = 1, as unsigned ints
    assert.deepEqual([next(), next(), next()], [2693262067, 11749833, 2265367787]);
  });

  it('gives the same stream for the same seed and another for another seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], xs);
    assert.notDeepEqual([c(), c(), c()], xs);
  });
});

describe('sampleIndices', () => {
  it('draws k distinct indices in range, reproducibly', () => {
    const s = sampleIndices(1000, 100, 3);
    assert.equal(new Set(s).size, 100);
    for (const i of s) assert.ok(i >= 0 && i < 1000);
    assert.deepEqual(sampleIndices(1000, 100, 3), s);
  });

  it('returns a permutation when k equals n', () => {
    assert.deepEqual([...sampleIndices(5, 5, 0)].sort(), [0, 1, 2, 3, 4]);
  });
});
