import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { ValidationError } from '../../../src/core/errors.ts';
import type { FinishedTrial, ParamSet } from '../../../src/core/trial.ts';
import { isFeasible } from '../../../src/samplers/multi-objective/constraints.ts';
import { NSGA2Sampler } from '../../../src/samplers/multi-objective/nsga2.ts';
import { polynomialMutation, sbx } from '../../../src/samplers/multi-objective/variation.ts';
import { RandomSampler } from '../../../src/samplers/random.ts';
import { searchSpace } from '../../../src/space/index.ts';
import { frontHypervolume, optimise, twoObjectives, unitSpace, xs, zdt1 } from './helpers.ts';

const N = 6;
const space = unitSpace(N);
const evaluate = (p: ParamSet) => ({ values: zdt1(xs(p, N)) });

describe('NSGA2Sampler', () => {
  it('is deterministic: the same seed gives the same suggestions, another seed others', () => {
    const run = (seed: number) =>
      optimise(new NSGA2Sampler(space, { seed, populationSize: 12 }), 60, evaluate).map((t) => t.params);
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  it('a sampler rebuilt from a history suggests what the running one does (stateless contract)', () => {
    const live = new NSGA2Sampler(space, { seed: 2, populationSize: 10 });
    const trials = optimise(live, 47, evaluate);
    const history = { objective: twoObjectives[0]!, objectives: twoObjectives, trials, pending: [] };
    const fresh = new NSGA2Sampler(space, { seed: 2, populationSize: 10 });
    assert.deepEqual(fresh.suggest(history), live.suggest(history));
    // A changed earlier trial changes the population, so the cache must not hide it.
    const changed = trials.map((t) => (t.id === 3 ? { ...t, values: [0, 0], value: 0 } : t));
    const again = { ...history, trials: changed };
    assert.deepEqual(
      live.suggest(again),
      new NSGA2Sampler(space, { seed: 2, populationSize: 10 }).suggest(again),
    );
  });

  it('improves the hypervolume on ZDT1 over random search with the same budget', () => {
    const ref = [1.1, 1.1];
    for (const seed of [1, 2, 3]) {
      const nsga = frontHypervolume(
        optimise(new NSGA2Sampler(space, { seed, populationSize: 20 }), 400, evaluate),
        ref,
      );
      const random = frontHypervolume(optimise(new RandomSampler(space, { seed }), 400, evaluate), ref);
      assert.ok(nsga > random + 0.05, `seed ${seed}: nsga2 ${nsga} vs random ${random}`);
    }
  });

  it('copes with trials that finish out of order and trials that fail', () => {
    const sampler = new NSGA2Sampler(space, { seed: 9, populationSize: 10 });
    const rng = seedrandom.alea('order');
    const trials: FinishedTrial[] = [];
    let pending: { id: number; params: ParamSet }[] = [];
    let next = 0;
    while (trials.length < 300) {
      while (pending.length < 4) {
        const s = sampler.suggest({
          objective: twoObjectives[0]!,
          objectives: twoObjectives,
          trials,
          pending,
        });
        assert.ok(!s.exhausted);
        assert.ok(space.contains(s.params));
        pending.push({ id: next++, params: s.params });
      }
      // A random running trial ends; one in five fails.
      const k = Math.floor(rng() * pending.length);
      const done = pending[k]!;
      pending = pending.filter((_, i) => i !== k);
      const fails = rng() < 0.2;
      const values = evaluate(done.params).values;
      trials.push(
        fails
          ? { ...done, status: 'failed', intermediate: [] }
          : { ...done, status: 'completed', value: values[0], values, intermediate: [] },
      );
    }
    const random = frontHypervolume(
      optimise(new RandomSampler(space, { seed: 9 }), 300, evaluate),
      [1.1, 1.1],
    );
    assert.ok(frontHypervolume(trials, [1.1, 1.1]) > random);
  });

  it('takes prior observations (warm start, ids below 0) into its first population without shifting generations', () => {
    const sampler = new NSGA2Sampler(space, { seed: 1, populationSize: 4 });
    const objectives = twoObjectives;
    // A prior trial at the optimum of both objectives' trade-off, and 4 own trials of generation 0.
    const prior: FinishedTrial = {
      id: -1,
      params: Object.fromEntries(Array.from({ length: N }, (_, i) => [`x${i}`, i === 0 ? 0.5 : 0])),
      status: 'completed',
      value: 0.5,
      values: [0.5, 1 - Math.sqrt(0.5)],
      intermediate: [],
    };
    const own = optimise(new NSGA2Sampler(space, { seed: 1, populationSize: 4 }), 4, evaluate);
    // With the prior counted as a position, this would be generation 1's second child, not its first.
    const withPrior = sampler.suggest({
      objective: objectives[0]!,
      objectives,
      trials: [prior, ...own],
      pending: [],
    });
    const without = new NSGA2Sampler(space, { seed: 1, populationSize: 4 }).suggest({
      objective: objectives[0]!,
      objectives,
      trials: own,
      pending: [],
    });
    assert.ok(!withPrior.exhausted && !without.exhausted);
    assert.notDeepEqual(withPrior.params, without.params, 'the prior changes the first population');
    // Generation 0 is the same design with or without priors.
    const first = sampler.suggest({ objective: objectives[0]!, objectives, trials: [prior], pending: [] });
    assert.deepEqual(
      first,
      new NSGA2Sampler(space, { seed: 1, populationSize: 4 }).suggest({
        objective: objectives[0]!,
        objectives,
        trials: [],
        pending: [],
      }),
    );
  });

  it('keeps drawing from the initial design while no trial has completed', () => {
    const sampler = new NSGA2Sampler(space, { seed: 1, populationSize: 4 });
    const failed: FinishedTrial[] = Array.from({ length: 9 }, (_, id) => ({
      id,
      params: {},
      status: 'failed',
      intermediate: [],
    }));
    const s = sampler.suggest({
      objective: twoObjectives[0]!,
      objectives: twoObjectives,
      trials: failed,
      pending: [],
    });
    assert.ok(!s.exhausted && space.contains(s.params));
  });

  it('leaves an infeasible region on the front (constraint x0 >= 0.5)', () => {
    const constrained = (p: ParamSet) => ({ values: zdt1(xs(p, N)), constraints: [0.5 - (p.x0 as number)] });
    const trials = optimise(new NSGA2Sampler(space, { seed: 4, populationSize: 20 }), 300, constrained);
    const late = trials.slice(200);
    const infeasible = late.filter((t) => !isFeasible(t.constraints)).length;
    assert.ok(infeasible / late.length < 0.15, `${infeasible} of ${late.length} late trials infeasible`);
    const early = trials.slice(0, 20).filter((t) => !isFeasible(t.constraints)).length;
    assert.ok(early >= 5, 'the initial design does visit the infeasible region');
  });

  it('uses the constraint values: leaves a region the objectives do not care about', () => {
    const wide = unitSpace(N + 1);
    const last = `x${N}`;
    const constrained = (p: ParamSet) => ({
      values: zdt1(xs(p, N)),
      constraints: [(p[last] as number) - 0.3],
    });
    const trials = optimise(new NSGA2Sampler(wide, { seed: 4, populationSize: 20 }), 300, constrained);
    const infeasible = trials.slice(200).filter((t) => !isFeasible(t.constraints)).length;
    assert.ok(infeasible <= 10, `${infeasible} of 100 late trials infeasible`);
  });

  it('handles categorical, integer, log-scale and conditional parameters', () => {
    const mixed = searchSpace({
      lr: 'loguniform(-9, -2)',
      depth: 'randint(8)',
      act: 'choice("relu", "tanh", "gelu")',
      model: {
        type: 'choice',
        values: [
          { name: 'rf', trees: 'randint(500)' },
          { name: 'svm', C: 'lognormal(0, 1)' },
        ],
      },
    });
    const sampler = new NSGA2Sampler(mixed, { seed: 3, populationSize: 8 });
    const trials = optimise(sampler, 80, (p) => ({
      values: [
        Math.log(p.lr as number) ** 2 + (p.act === 'tanh' ? 0 : 1),
        (p.depth as number) + (p.model === 1 ? 0 : 2),
      ],
    }));
    for (const t of trials) assert.ok(mixed.contains(t.params), JSON.stringify(t.params));
    const lastGen = trials.slice(72);
    assert.ok(lastGen.some((t) => t.params.model === 0) || lastGen.some((t) => t.params.model === 1));
  });

  it('works on a single-objective history (a genetic algorithm)', () => {
    const objective = { goal: 'maximize', primaryMetric: 'score' } as const;
    const sampler = new NSGA2Sampler(space, { seed: 1, populationSize: 10 });
    const trials: FinishedTrial[] = [];
    for (let id = 0; id < 100; id++) {
      const s = sampler.suggest({ objective, trials, pending: [] });
      assert.ok(!s.exhausted);
      const value = -xs(s.params, N).reduce((a, v) => a + (v - 0.3) ** 2, 0);
      trials.push({ id, params: s.params, status: 'completed', value, intermediate: [] });
    }
    const best = (from: number, to: number) => Math.max(...trials.slice(from, to).map((t) => t.value!));
    assert.ok(best(90, 100) > best(0, 10));
  });

  it('rejects bad options with a typed error naming the option', () => {
    assert.throws(() => new NSGA2Sampler(space, { populationSize: 1 }), /populationSize/);
    assert.throws(() => new NSGA2Sampler(space, { crossoverProb: 1.5 }), ValidationError);
    assert.throws(() => new NSGA2Sampler(space, { etaM: -1 }), /etaM/);
    assert.throws(
      () => new NSGA2Sampler(space, { crossover: 'blx' as 'sbx' }),
      /crossover must be sbx or uniform/,
    );
  });
});

describe('variation operators', () => {
  it('SBX and polynomial mutation stay in [0, 1) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 40 }),
        fc.string(),
        (a, b, eta, seed) => {
          const rng = seedrandom.alea(seed);
          const c = sbx(a, b, eta, rng);
          const m = polynomialMutation(a, eta, rng);
          assert.ok(c >= 0 && c < 1 && m >= 0 && m < 1, `${c} ${m}`);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it('SBX children are centred on the parents; larger eta keeps them closer', () => {
    const rng = seedrandom.alea('sbx');
    const spread = (eta: number) => {
      let sum = 0;
      let dev = 0;
      for (let i = 0; i < 4000; i++) {
        const c = sbx(0.4, 0.6, eta, rng);
        sum += c;
        dev += Math.min(Math.abs(c - 0.4), Math.abs(c - 0.6));
      }
      return { mean: sum / 4000, dev: dev / 4000 };
    };
    const wide = spread(2);
    const narrow = spread(20);
    assert.ok(Math.abs(wide.mean - 0.5) < 0.02 && Math.abs(narrow.mean - 0.5) < 0.02);
    assert.ok(narrow.dev < wide.dev);
  });
});
