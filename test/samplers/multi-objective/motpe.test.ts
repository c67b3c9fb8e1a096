import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedTrial, ParamSet } from '../../../src/core/trial.ts';
import {
  contributionWeights,
  goodIndices,
  MOTPESampler,
} from '../../../src/samplers/multi-objective/motpe.ts';
import { RandomSampler } from '../../../src/samplers/random.ts';
import { searchSpace } from '../../../src/space/index.ts';
import { frontHypervolume, optimise, twoObjectives, unitSpace, xs, zdt1 } from './helpers.ts';

const N = 3;
const space = unitSpace(N);
const evaluate = (p: ParamSet) => ({ values: zdt1(xs(p, N)) });

describe('goodIndices (the multi-objective split)', () => {
  it('takes whole fronts, then the hypervolume-greedy subset of the last one', () => {
    const losses = [
      [0, 3],
      [1, 1],
      [3, 0],
      [2, 2],
    ];
    // Front 0 is {0, 1, 2}; the largest box is point 1's, then 0 and 2 add the same (first wins).
    assert.deepEqual(goodIndices(losses, [0, 0, 0, 0], 2), [1, 0]);
    assert.deepEqual(goodIndices(losses, [0, 0, 0, 0], 3).sort(), [0, 1, 2]);
    assert.deepEqual(goodIndices(losses, [0, 0, 0, 0], 4).sort(), [0, 1, 2, 3]);
    assert.deepEqual(goodIndices([], [], 3), []);
  });

  it('puts feasible trials first (Deb)', () => {
    const losses = [
      [0, 0],
      [5, 5],
      [6, 6],
    ];
    assert.deepEqual(goodIndices(losses, [1, 0, 0], 1), [1]);
    assert.deepEqual(goodIndices(losses, [1, 0, 0], 3), [1, 2, 0]);
  });
});

describe('MOTPESampler', () => {
  it('is deterministic from its seed', () => {
    const run = (seed: number) =>
      optimise(new MOTPESampler(space, { seed }), 30, evaluate).map((t) => t.params);
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
  });

  it('finds a larger hypervolume than random search on ZDT1 (3 variables) with the same budget', () => {
    for (const seed of [1, 2, 3]) {
      const motpe = frontHypervolume(optimise(new MOTPESampler(space, { seed }), 80, evaluate), [1.1, 1.1]);
      const random = frontHypervolume(optimise(new RandomSampler(space, { seed }), 80, evaluate), [1.1, 1.1]);
      assert.ok(motpe > random, `seed ${seed}: motpe ${motpe} vs random ${random}`);
    }
  });

  it('uses the constraint values: leaves a region the objectives do not care about', () => {
    // x3 does not enter the objectives; the constraint x3 <= 0.3 alone says where to stay.
    const wide = unitSpace(4);
    const constrained = (p: ParamSet) => ({ values: zdt1(xs(p, N)), constraints: [(p.x3 as number) - 0.3] });
    const late = (sampler: MOTPESampler | RandomSampler) =>
      optimise(sampler, 90, constrained)
        .slice(60)
        .filter((t) => (t.params.x3 as number) > 0.3).length;
    const motpe = late(new MOTPESampler(wide, { seed: 5 }));
    const random = late(new RandomSampler(wide, { seed: 5 }));
    assert.ok(motpe <= 10 && random >= 15, `late infeasible trials: motpe ${motpe}, random ${random} of 30`);
  });

  it('suggests valid sets in a conditional space and learns from failed trials without values', () => {
    const mixed = searchSpace({
      lr: 'loguniform(-9, -2)',
      model: { type: 'choice', values: [{ trees: 'randint(50)' }, { C: 'uniform(0, 1)' }] },
    });
    const sampler = new MOTPESampler(mixed, { seed: 1, initialTrials: 5 });
    const trials: FinishedTrial[] = [];
    for (let id = 0; id < 30; id++) {
      const s = sampler.suggest({
        objective: twoObjectives[0]!,
        objectives: twoObjectives,
        trials,
        pending: [],
      });
      assert.ok(!s.exhausted && mixed.contains(s.params));
      const fails = id % 4 === 0;
      const values = [Math.log(s.params.lr as number) ** 2, s.params.model === 0 ? 1 : 2];
      trials.push(
        fails
          ? { id, params: s.params, status: 'failed', intermediate: [] }
          : { id, params: s.params, status: 'completed', value: values[0], values, intermediate: [] },
      );
    }
  });
});

describe('goodIndices with many objectives', () => {
  it('cuts a large last front of 4+ objectives by crowding distance, keeping the extremes', () => {
    const losses = Array.from({ length: 40 }, (_, i) => {
      const t = i / 39;
      return [t, 1 - t, (t - 0.5) ** 2, 0.5 - (t - 0.5) ** 2];
    });
    const good = goodIndices(
      losses,
      losses.map(() => 0),
      5,
    );
    assert.equal(good.length, 5);
    assert.ok(good.includes(0) && good.includes(39), `extremes kept: ${good}`);
  });
});

describe('contributionWeights (MOTPE good components)', () => {
  it('weighs each good trial by its exclusive hypervolume, the largest at 1', () => {
    const w = contributionWeights([
      [0, 1],
      [0.5, 0.5],
      [1, 0],
    ]);
    assert.equal(w[1], 1);
    assert.ok(w[0]! < 1 && w[0]! > 0 && Math.abs(w[0]! - w[2]!) < 1e-12);
    assert.deepEqual(contributionWeights([[1, 2]]), [1]);
    // A dominated good trial contributes nothing but keeps a tiny weight.
    const d = contributionWeights([
      [0, 0],
      [1, 1],
    ]);
    assert.equal(d[0], 1);
    assert.equal(d[1], 1e-12);
  });
});
