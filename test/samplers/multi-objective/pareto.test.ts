import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FinishedTrial } from '../../../src/core/trial.ts';
import {
  constrainedDominates,
  isFeasible,
  totalViolation,
} from '../../../src/samplers/multi-objective/constraints.ts';
import { dominates } from '../../../src/samplers/multi-objective/dominance.ts';
import {
  crowdingDistance,
  fronts,
  lossesOf,
  nonDominatedSort,
  paretoFront,
} from '../../../src/samplers/multi-objective/pareto.ts';

const settings = { seed: 23, numRuns: 200 };

/** The definition: a point's rank is the length of the longest chain of points dominating it. */
function bruteRanks(points: number[][], violations?: number[]): number[] {
  const v = violations ?? points.map(() => 0);
  const beats = (i: number, j: number) => constrainedDominates(points[i]!, points[j]!, v[i]!, v[j]!);
  const ranks = new Array<number>(points.length).fill(-1);
  let rank = 0;
  let left = points.map((_, i) => i);
  while (left.length > 0) {
    const front = left.filter((j) => !left.some((i) => beats(i, j)));
    for (const j of front) ranks[j] = rank;
    left = left.filter((j) => !front.includes(j));
    rank++;
  }
  return ranks;
}

// Small integer coordinates so ties and duplicates are common.
const pointsArb = (m: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m }), { maxLength: 40 });

function trial(id: number, values: number[] | undefined, extra: Partial<FinishedTrial> = {}): FinishedTrial {
  return {
    id,
    params: { x: id },
    status: 'completed',
    intermediate: [],
    ...(values === undefined ? {} : { value: values[0], values }),
    ...extra,
  };
}

describe('dominance', () => {
  it('is irreflexive, asymmetric and transitive', () => {
    fc.assert(
      fc.property(pointsArb(3), (pts) => {
        for (const a of pts) {
          assert.equal(dominates(a, a), false);
          for (const b of pts) {
            if (dominates(a, b)) assert.equal(dominates(b, a), false);
            for (const c of pts) if (dominates(a, b) && dominates(b, c)) assert.ok(dominates(a, c));
          }
        }
      }),
      { ...settings, numRuns: 50 },
    );
  });

  it('follows its definition on examples', () => {
    assert.equal(dominates([1, 2], [1, 3]), true);
    assert.equal(dominates([1, 2], [1, 2]), false);
    assert.equal(dominates([0, 3], [1, 2]), false);
  });
});

describe("Deb's constraint rules", () => {
  it('sums the positive parts; NaN is an unknown, infinite violation', () => {
    assert.equal(totalViolation([-1, 0.5, 2]), 2.5);
    assert.equal(totalViolation(undefined), 0);
    assert.equal(totalViolation([]), 0);
    assert.equal(totalViolation([0, -3]), 0);
    assert.equal(totalViolation([Number.NaN, -1]), Number.POSITIVE_INFINITY);
    assert.equal(isFeasible([-0.1, 0]), true);
    assert.equal(isFeasible([0.01]), false);
    assert.equal(isFeasible([Number.NaN]), false);
  });

  it('feasible beats infeasible, smaller violation wins, dominance among feasible', () => {
    assert.equal(constrainedDominates([9, 9], [0, 0], 0, 0.1), true);
    assert.equal(constrainedDominates([0, 0], [9, 9], 0.1, 0), false);
    assert.equal(constrainedDominates([9, 9], [0, 0], 0.1, 0.2), true);
    assert.equal(constrainedDominates([0, 0], [9, 9], 0.2, 0.2), false);
    assert.equal(constrainedDominates([0, 0], [1, 1], 0, 0), true);
    assert.equal(constrainedDominates([0, 2], [1, 1], 0, 0), false);
  });
});

describe('nonDominatedSort', () => {
  for (const m of [1, 2, 3, 4]) {
    it(`agrees with the definition for ${m} objective(s) (property, duplicates included)`, () => {
      fc.assert(
        fc.property(pointsArb(m), (pts) => {
          assert.deepEqual(nonDominatedSort(pts), bruteRanks(pts));
        }),
        settings,
      );
    });
  }

  it('agrees with the definition under constraints (property)', () => {
    fc.assert(
      fc.property(
        pointsArb(2).chain((pts) =>
          fc.tuple(
            fc.constant(pts),
            fc.array(fc.constantFrom(0, 0, 0, 0.5, 1, 2), { minLength: pts.length, maxLength: pts.length }),
          ),
        ),
        ([pts, v]) => {
          assert.deepEqual(nonDominatedSort(pts, { violations: v }), bruteRanks(pts, v));
          const three = pts.map((p) => [...p, p[0]! - p[1]!]);
          assert.deepEqual(nonDominatedSort(three, { violations: v }), bruteRanks(three, v));
        },
      ),
      settings,
    );
  });

  it('with a limit, ranks the first fronts holding that many points exactly and leaves the rest', () => {
    fc.assert(
      fc.property(pointsArb(3), fc.integer({ min: 1, max: 40 }), (pts, limit) => {
        const full = bruteRanks(pts);
        const ranks = nonDominatedSort(pts, { limit });
        const ranked = ranks.filter(Number.isFinite).length;
        assert.ok(ranked >= Math.min(limit, pts.length));
        ranks.forEach((r, i) => {
          if (Number.isFinite(r)) assert.equal(r, full[i]);
        });
        // Every unranked point lies in a front after every ranked one.
        const deepest = Math.max(-1, ...ranks.filter(Number.isFinite));
        ranks.forEach((r, i) => {
          if (!Number.isFinite(r)) assert.ok(full[i]! > deepest);
        });
      }),
      settings,
    );
  });

  it('ranks infeasible points after every feasible one, by violation', () => {
    assert.deepEqual(
      nonDominatedSort(
        [
          [0, 0],
          [5, 5],
        ],
        { violations: [1, 0] },
      ),
      [1, 0],
    );
    assert.deepEqual(
      nonDominatedSort(
        [
          [0, 0],
          [1, 1],
          [2, 0],
          [3, 3],
        ],
        { violations: [0.5, 0, 0.5, 0.2] },
      ),
      [2, 0, 2, 1],
    );
    assert.deepEqual(fronts([0, 0, 1, 2]), [[0, 1], [2], [3]]);
  });
});

describe('crowdingDistance', () => {
  it('gives the extremes Infinity and interior points the normalised gap of their neighbours', () => {
    const pts = [
      [0, 4],
      [1, 2],
      [2, 1],
      [4, 0],
    ];
    assert.deepEqual([...crowdingDistance(pts, [0, 1, 2, 3])], [Infinity, 1.25, 1.25, Infinity]);
    // Order of the front does not matter.
    assert.deepEqual([...crowdingDistance(pts, [3, 1, 0, 2])], [Infinity, 1.25, Infinity, 1.25]);
  });

  it('is Infinity for fronts of at most two points and ignores a constant objective', () => {
    assert.deepEqual(
      [
        ...crowdingDistance(
          [
            [1, 1],
            [2, 0],
          ],
          [0, 1],
        ),
      ],
      [Infinity, Infinity],
    );
    const pts = [
      [0, 5],
      [1, 5],
      [3, 5],
    ];
    assert.deepEqual([...crowdingDistance(pts, [0, 1, 2])], [Infinity, 1, Infinity]);
  });
});

describe('paretoFront', () => {
  const objectives = [
    { goal: 'maximize', primaryMetric: 'acc' },
    { goal: 'minimize', primaryMetric: 'ms' },
  ] as const;

  it('turns goals into losses and keeps the non-dominated completed trials in id order', () => {
    const trials = [
      trial(0, [0.9, 10]),
      trial(1, [0.8, 5]),
      trial(2, [0.85, 12]), // dominated by 0
      trial(3, [0.95, 20]),
      trial(4, [0.99, 1], { status: 'failed' }),
      trial(5, [Number.NaN, 1]),
      trial(6, undefined),
    ];
    assert.deepEqual(
      paretoFront(trials, objectives).map((t) => t.id),
      [0, 1, 3],
    );
    assert.deepEqual(lossesOf(trials, objectives).losses[0], [-0.9, 10]);
  });

  it('never puts an infeasible trial on the front when a feasible one exists', () => {
    const trials = [
      trial(0, [0.5, 50], { constraints: [-1] }),
      trial(1, [0.99, 1], { constraints: [0.1] }),
      trial(2, [0.6, 60], { constraints: [0] }),
    ];
    assert.deepEqual(
      paretoFront(trials, objectives).map((t) => t.id),
      [0, 2],
    );
    // None feasible: the least violating.
    const infeasible = [trial(0, [0.5, 5], { constraints: [2] }), trial(1, [0.1, 9], { constraints: [1] })];
    assert.deepEqual(
      paretoFront(infeasible, objectives).map((t) => t.id),
      [1],
    );
  });

  it('uses `value` for a single objective', () => {
    const trials = [trial(0, undefined, { value: 3 }), trial(1, undefined, { value: 1 })];
    assert.deepEqual(
      paretoFront(trials, [{ goal: 'minimize', primaryMetric: 'loss' }]).map((t) => t.id),
      [1],
    );
  });
});
