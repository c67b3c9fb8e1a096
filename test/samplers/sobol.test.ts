import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { directionNumbers, SobolSequence } from '../../src/samplers/index.ts';
import { centeredL2Discrepancy } from '../space/stats.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const sobolRef = fixture('sobol-reference.json') as {
  points: Record<string, number[][]>;
  high: { dimensions: number; firstColumn: number; points: number[][] };
};
const spaceRef = fixture('space-reference.json') as { sobol5x64CenteredL2: number };

describe('unscrambled Sobol points equal the Joe–Kuo sequence', () => {
  it('matches the first direction numbers of the published table', () => {
    assert.deepEqual(
      [...directionNumbers(1).slice(0, 3)].map((v) => v / 2 ** 29),
      [4, 6, 5],
    );
    assert.deepEqual(
      [...directionNumbers(0).slice(0, 3)].map((v) => v / 2 ** 29),
      [4, 2, 1],
    );
  });

  it('gives the well-known first 8 points of the 3-dimensional sequence', () => {
    const s = new SobolSequence(3);
    const expected = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ];
    assert.deepEqual(
      expected.map((_, n) => [...s.at(n)]),
      expected,
    );
  });

  for (const [d, points] of Object.entries(sobolRef.points)) {
    it(`first ${points.length} points in ${d} dimensions`, () => {
      const s = new SobolSequence(Number(d));
      for (const [n, p] of points.entries()) assert.deepEqual([...s.at(n)], p, `point ${n}`);
    });
  }

  it(`dimensions ${sobolRef.high.firstColumn + 1}..${sobolRef.high.dimensions} (the whole table)`, () => {
    const { dimensions, firstColumn, points } = sobolRef.high;
    assert.ok(dimensions >= 1000);
    const s = new SobolSequence(dimensions);
    for (const [n, p] of points.entries()) assert.deepEqual([...s.at(n).slice(firstColumn)], p, `point ${n}`);
  });

  it('rejects dimensions beyond the table', () => {
    assert.throws(
      () => new SobolSequence(sobolRef.high.dimensions + 1),
      /Sobol points need 1\.\.1111 dimensions, got 1112/,
    );
  });
});

describe('scrambled Sobol points', () => {
  it('are reproducible from the seed and differ between seeds', () => {
    const a = new SobolSequence(7, { seed: 42 });
    const b = new SobolSequence(7, { seed: 42 });
    const c = new SobolSequence(7, { seed: 43 });
    for (const n of [0, 1, 2, 100, 4095]) {
      assert.deepEqual(a.at(n), b.at(n));
      assert.notDeepEqual(a.at(n), c.at(n));
    }
  });

  it('keep the (0, m, s)-net property: each of 64 points sits in its own 1/64 slice per coordinate', () => {
    const s = new SobolSequence(5, { seed: 'net' });
    for (let d = 0; d < 5; d++) {
      const slices = new Set(Array.from({ length: 64 }, (_, n) => Math.floor((s.at(n)[d] as number) * 64)));
      assert.equal(slices.size, 64);
    }
  });

  it('the discrepancy helper agrees with scipy', () => {
    const s = new SobolSequence(5);
    const points = Array.from({ length: 64 }, (_, n) => s.at(n));
    assert.ok(Math.abs(centeredL2Discrepancy(points) - spaceRef.sobol5x64CenteredL2) < 1e-12);
  });

  it('have lower centered L2 discrepancy than random points (256 points, 5 dims, 10 seeds)', () => {
    for (let seed = 0; seed < 10; seed++) {
      const s = new SobolSequence(5, { seed });
      const sobol = Array.from({ length: 256 }, (_, n) => s.at(n));
      const rng = seedrandom(`random-${seed}`);
      const random = Array.from({ length: 256 }, () => Array.from({ length: 5 }, () => rng()));
      const ds = centeredL2Discrepancy(sobol);
      const dr = centeredL2Discrepancy(random);
      assert.ok(ds < dr / 2, `seed ${seed}: sobol ${ds} vs random ${dr}`);
    }
  });
});
