import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { ValidationError } from '../../../src/core/errors.ts';
import { hypervolume } from '../../../src/samplers/multi-objective/hypervolume.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

/** Inclusion–exclusion over every subset: exact and independent of the algorithms (small n only). */
function bruteHypervolume(points: number[][], reference: number[]): number {
  const n = points.length;
  let total = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = reference.map(() => Number.NEGATIVE_INFINITY);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      bits++;
      points[i]!.forEach((v, j) => {
        corner[j] = Math.max(corner[j]!, v);
      });
    }
    let vol = 1;
    for (let j = 0; j < reference.length; j++) vol *= Math.max(0, reference[j]! - corner[j]!);
    total += bits % 2 === 1 ? vol : -vol;
  }
  return total;
}

/** Points on the positive unit sphere (a front), seeded. */
function sphereFront(n: number, m: number, seed: string): number[][] {
  const rng = seedrandom.alea(seed);
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: m }, () => Math.abs(rng() - 0.5) + 1e-3);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('hypervolume: hand-computed fronts', () => {
  it('2-D', () => {
    assert.equal(
      hypervolume(
        [
          [1, 2],
          [2, 1],
        ],
        [3, 3],
      ),
      3,
    );
    assert.equal(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
      6,
    );
    // A dominated point adds nothing.
    assert.equal(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
          [3, 3],
        ],
        [4, 4],
      ),
      6,
    );
  });

  it('3-D', () => {
    assert.equal(hypervolume([[1, 1, 1]], [2, 2, 2]), 1);
    // Inclusion–exclusion: 3·9 − 3·3 + 1 = 19.
    assert.equal(
      hypervolume(
        [
          [1, 1, 3],
          [1, 3, 1],
          [3, 1, 1],
        ],
        [4, 4, 4],
      ),
      19,
    );
  });

  it('4-D (WFG)', () => {
    // 4·27 − 6·9 + 4·3 − 1 = 65.
    const pts = [
      [1, 1, 1, 3],
      [1, 1, 3, 1],
      [1, 3, 1, 1],
      [3, 1, 1, 1],
    ];
    assert.equal(hypervolume(pts, [4, 4, 4, 4]), 65);
  });

  it('1-D: the distance from the best point', () => {
    assert.equal(hypervolume([[3], [1], [2]], [5]), 4);
  });
});

describe('hypervolume: degenerate cases', () => {
  it('empty set, points beyond or on the reference', () => {
    assert.equal(hypervolume([], [1, 1]), 0);
    assert.equal(hypervolume([[2, 0]], [1, 1]), 0);
    assert.equal(hypervolume([[1, 0]], [1, 1]), 0);
    assert.equal(hypervolume([[0.5, 0.5, 2]], [1, 1, 1]), 0);
    assert.equal(
      hypervolume(
        [
          [0.5, 0.5],
          [3, -1],
        ],
        [1, 1],
      ),
      0.25,
    );
    assert.equal(hypervolume([[0, 0, 0, 5]], [1, 1, 1, 1]), 0);
  });

  it('duplicates count once; one point is its box', () => {
    for (const m of [2, 3, 4, 5]) {
      const p = Array.from({ length: m }, (_, j) => 0.1 * (j + 1));
      const ref = Array.from({ length: m }, () => 1);
      const box = p.reduce((v, x) => v * (1 - x), 1);
      close(hypervolume([p], ref), box);
      close(hypervolume([p, [...p], [...p]], ref), box);
    }
  });

  it('rejects a point whose length differs from the reference', () => {
    assert.throws(() => hypervolume([[1, 2, 3]], [4, 4]), ValidationError);
  });
});

describe('hypervolume: agreement with inclusion–exclusion (property)', () => {
  for (const m of [2, 3, 4, 5]) {
    it(`${m} objectives`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: m, maxLength: m }), {
            maxLength: 9,
          }),
          (pts) => {
            const ref = Array.from({ length: m }, () => 5);
            close(hypervolume(pts, ref), bruteHypervolume(pts, ref));
          },
        ),
        { seed: 7, numRuns: m >= 4 ? 60 : 150 },
      );
    });
  }
});

describe('hypervolume: agreement with 10,000-point Monte Carlo estimates', () => {
  for (const [m, n] of [
    [2, 60],
    [3, 60],
    [4, 30],
    [5, 20],
  ] as const) {
    it(`${m} objectives, ${n} points on the unit sphere`, () => {
      const front = sphereFront(n, m, `front-${m}`);
      const ref = Array.from({ length: m }, () => 1.1);
      const exact = hypervolume(front, ref);
      const rng = seedrandom.alea(`mc-${m}`);
      const samples = 10_000;
      let hits = 0;
      const u = new Array<number>(m);
      for (let s = 0; s < samples; s++) {
        for (let j = 0; j < m; j++) u[j] = rng() * ref[j]!;
        if (front.some((p) => p.every((x, j) => x <= u[j]!))) hits++;
      }
      const box = ref.reduce((v, r) => v * r, 1);
      const p = hits / samples;
      const estimate = p * box;
      const stderr = Math.sqrt((p * (1 - p)) / samples) * box;
      assert.ok(
        Math.abs(exact - estimate) <= 4 * stderr,
        `exact ${exact}, Monte Carlo ${estimate} ± ${stderr}`,
      );
    });
  }

  it('3-D sweep and WFG agree on larger fronts (a 4th objective that is constant adds a factor)', () => {
    const front = sphereFront(200, 3, 'big');
    const three = hypervolume(front, [1.1, 1.1, 1.1]);
    const four = hypervolume(
      front.map((p) => [...p, 0.5]),
      [1.1, 1.1, 1.1, 1.5],
    );
    close(four, three, 1e-9);
  });
});
