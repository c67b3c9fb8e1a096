import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedTrial, Objective, ParamSet } from '../../src/core/trial.ts';
import { BayesianSampler, chooseMethod } from '../../src/samplers/bayes/bayesian.ts';
import { unitOf } from '../../src/samplers/bayes/encode.ts';
import { GpSampler } from '../../src/samplers/bayes/gp-sampler.ts';
import {
  gpTargets,
  initialDesignSize,
  observations,
  rankForTpe,
} from '../../src/samplers/bayes/observations.ts';
import { TPESampler, tpeStartupSize } from '../../src/samplers/bayes/tpe.ts';
import { samplerFromSpec } from '../../src/samplers/factory.ts';
import { RandomSampler } from '../../src/samplers/random.ts';
import type { Sampler, TrialHistory } from '../../src/samplers/types.ts';
import {
  choice,
  lognormal,
  loguniform,
  normal,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  randint,
  searchSpace,
  uniform,
} from '../../src/space/index.ts';
import { sweep } from '../../src/sweep/engine.ts';

const minimize: Objective = { goal: 'minimize', primaryMetric: 'loss' };

/** Runs a sampler for `n` trials of `f`, one at a time; returns the trials. */
function run(sampler: Sampler, f: (p: ParamSet) => number, n: number, objective = minimize): FinishedTrial[] {
  const trials: FinishedTrial[] = [];
  for (let i = 0; i < n; i++) {
    const s = sampler.suggest({ objective, trials, pending: [] });
    assert.ok(!s.exhausted);
    trials.push({ id: i, params: s.params, status: 'completed', value: f(s.params), intermediate: [] });
  }
  return trials;
}

const quadratic = (p: ParamSet) => ((p.x as number) - 0.3) ** 2 + ((p.y as number) - 0.7) ** 2;
const plane = searchSpace({ x: uniform(0, 1), y: uniform(0, 1) });
const best = (trials: FinishedTrial[]) => Math.min(...trials.map((t) => t.value as number));

describe('GP sampler', () => {
  it('starts with a Sobol design of min(20, max(5, 3d)) trials', () => {
    assert.equal(initialDesignSize(1), 5);
    assert.equal(initialDesignSize(4), 12);
    assert.equal(initialDesignSize(7), 20);
    assert.equal(initialDesignSize(30), 20);
    assert.equal(tpeStartupSize(3), 10);
    assert.equal(tpeStartupSize(14), 14);
    const sampler = new GpSampler(plane, { seed: 3 });
    const first = run(sampler, quadratic, 5);
    const sobol = new RandomSampler(plane, { seed: 3, rule: 'sobol' });
    // Same sequence family but its own scramble: points are spread, one per quadrant-ish cell.
    assert.equal(
      new Set(first.map((t) => `${(t.params.x as number) < 0.5}${(t.params.y as number) < 0.5}`)).size,
      4,
    );
    assert.notDeepEqual(first[0]!.params, sobol.at(0));
  });

  it('finds the minimum of a quadratic far better than random search in 25 trials', () => {
    const gp = best(run(new GpSampler(plane, { seed: 1 }), quadratic, 25));
    const random = best(run(new RandomSampler(plane, { seed: 1 }), quadratic, 25));
    assert.ok(gp < 1e-4, `gp best ${gp}`);
    assert.ok(gp < random / 100, `gp ${gp} vs random ${random}`);
  });

  it('maximises when the goal says so', () => {
    const trials = run(new GpSampler(plane, { seed: 2 }), (p) => -quadratic(p), 20, {
      goal: 'maximize',
      primaryMetric: 'score',
    });
    assert.ok(Math.max(...trials.map((t) => t.value as number)) > -1e-3);
  });

  it('gives the same suggestions for the same seed, and different ones for another seed', () => {
    const a = run(new GpSampler(plane, { seed: 11 }), quadratic, 12).map((t) => t.params);
    const b = run(new GpSampler(plane, { seed: 11 }), quadratic, 12).map((t) => t.params);
    const c = run(new GpSampler(plane, { seed: 12 }), quadratic, 12).map((t) => t.params);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.slice(5), c.slice(5));
  });

  it('spreads concurrent suggestions out around running trials (kriging believer)', () => {
    const trials = run(new GpSampler(plane, { seed: 4 }), quadratic, 10);
    const sampler = new GpSampler(plane, { seed: 4 });
    const pending: { id: number; params: ParamSet }[] = [];
    for (let i = 0; i < 4; i++) {
      const s = sampler.suggest({ objective: minimize, trials, pending });
      assert.ok(!s.exhausted);
      pending.push({ id: 10 + i, params: s.params });
    }
    for (let i = 0; i < pending.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = pending[i]!.params;
        const b = pending[j]!.params;
        const d = Math.hypot((a.x as number) - (b.x as number), (a.y as number) - (b.y as number));
        assert.ok(d > 0.01, `suggestions ${j} and ${i} are ${d} apart`);
      }
    }
  });

  it('never repeats a point of a small integer space', () => {
    const space = searchSpace({ a: randint(4), b: quniform(0, 2, 1) });
    const trials = run(
      new GpSampler(space, { seed: 5 }),
      (p) => ((p.a as number) - 2) ** 2 + (p.b as number),
      12,
    );
    assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 12);
  });
});

const everyType = searchSpace({
  c: choice(['relu', 'tanh', 'gelu']),
  ri: randint(7),
  u: uniform(-1, 1),
  lu: loguniform(-7, 0),
  n: normal(0, 2),
  ln: lognormal(0, 0.5),
  qu: quniform(0, 10, 0.5),
  qlu: qloguniform(0, 5, 2),
  qn: qnormal(5, 3, 1),
  qln: qlognormal(1, 0.5, 0.25),
});

function everyTypeLoss(p: ParamSet): number {
  return (
    (p.c === 'gelu' ? 0 : 1) +
    ((p.ri as number) - 3) ** 2 / 9 +
    (p.u as number) ** 2 +
    Math.abs(Math.log(p.lu as number) + 4) / 4 +
    ((p.n as number) - 1) ** 2 / 4 +
    Math.abs(Math.log(p.ln as number)) +
    ((p.qu as number) - 4) ** 2 / 16 +
    Math.abs(Math.log1p(p.qlu as number) - 2) / 3 +
    ((p.qn as number) - 5) ** 2 / 9 +
    ((p.qln as number) - 3) ** 2 / 9
  );
}

describe('every distribution type', () => {
  for (const method of ['gp', 'tpe'] as const) {
    it(`${method}: every suggestion belongs to the space, and the model improves on the design`, () => {
      const sampler = new BayesianSampler(everyType, { seed: 8, method });
      const trials = run(sampler, everyTypeLoss, 32);
      for (const t of trials) assert.ok(everyType.contains(t.params), JSON.stringify(t.params));
      const d = everyType.dimensions;
      const design = best(trials.slice(0, method === 'gp' ? initialDesignSize(d) : tpeStartupSize(d)));
      assert.ok(best(trials) < design, `${best(trials)} vs design ${design}`);
    });
  }

  it('maps values to the unit interval as their CDF, cells centred for integers and options', () => {
    assert.equal(unitOf(randint(4), 1), 0.375);
    assert.equal(unitOf(choice(['a', 'b']), 'b'), 0.75);
    assert.ok(Math.abs(unitOf(loguniform(-4, 0), Math.exp(-1)) - 0.75) < 1e-12);
    assert.ok(Math.abs(unitOf(normal(1, 2), 1) - 0.5) < 1e-12);
  });
});

describe('TPE sampler', () => {
  const conditional = searchSpace({
    lr: loguniform(-7, 0),
    model: choice([
      { kind: 'tree', depth: randint(10), leaf: uniform(0, 1) },
      { kind: 'linear', reg: choice(['l1', 'l2']), c: loguniform(-5, 5) },
    ]),
  });
  // The tree branch is better, best at depth 6 and leaf 0.2; lr best at e^-3.
  const loss = (p: ParamSet) => {
    const lr = (Math.log(p.lr as number) + 3) ** 2 / 10;
    if (p.model === 0)
      return lr + ((p['model.depth'] as number) - 6) ** 2 / 20 + ((p['model.leaf'] as number) - 0.2) ** 2;
    return 1 + lr + (p['model.reg'] === 'l1' ? 0.1 : 0) + Math.abs(p['model.c'] as number) / 100;
  };

  it('handles a conditional space: valid sets, only active branches, and it learns the better branch', () => {
    const sampler = new BayesianSampler(conditional, { seed: 6, method: 'auto' });
    assert.equal(sampler.method, 'tpe');
    const trials = run(sampler, loss, 60);
    for (const t of trials) assert.ok(conditional.contains(t.params), JSON.stringify(t.params));
    const late = trials.slice(30);
    const tree = late.filter((t) => t.params.model === 0).length;
    assert.ok(tree >= 24, `tree branch chosen ${tree} of 30 times late in the sweep`);
    const random = best(run(new RandomSampler(conditional, { seed: 6 }), loss, 60));
    assert.ok(best(trials) < random, `tpe ${best(trials)} vs random ${random}`);
  });

  it('is reproducible with a seed', () => {
    const a = run(new TPESampler(conditional, { seed: 9 }), loss, 20).map((t) => t.params);
    const b = run(new TPESampler(conditional, { seed: 9 }), loss, 20).map((t) => t.params);
    assert.deepEqual(a, b);
  });

  it('steers concurrent suggestions apart (running trials count as bad)', () => {
    const trials = run(new TPESampler(plane, { seed: 2 }), quadratic, 15);
    const sampler = new TPESampler(plane, { seed: 2 });
    const first = sampler.suggest({ objective: minimize, trials, pending: [] });
    assert.ok(!first.exhausted);
    const second = sampler.suggest({
      objective: minimize,
      trials,
      pending: [{ id: 15, params: first.params }],
    });
    assert.ok(!second.exhausted);
    assert.notDeepEqual(second.params, first.params);
  });
});

describe('ended trials as the models see them', () => {
  const trial = (id: number, status: FinishedTrial['status'], value?: number, steps = 3): FinishedTrial => ({
    id,
    params: { x: id / 10 },
    status,
    ...(value === undefined ? {} : { value }),
    intermediate: Array.from({ length: steps }, (_, i) => ({ step: i, value: value ?? 0 })),
  });
  const history: TrialHistory = {
    objective: { goal: 'maximize', primaryMetric: 'accuracy' },
    trials: [
      trial(0, 'completed', 0.9),
      trial(1, 'completed', 0.7),
      trial(2, 'completed', 0.8),
      trial(3, 'early_terminated', 0.95, 1),
      trial(4, 'early_terminated', 0.5, 2),
      trial(5, 'failed'),
      trial(6, 'cancelled', undefined, 0),
    ],
    pending: [],
  };

  it('GP: early-terminated no better than the median completed loss, failed at the worst loss', () => {
    const targets = gpTargets(observations(history)).map((t) => t.loss);
    // Losses are negated accuracies; the median completed loss is -0.8.
    assert.deepEqual(targets, [-0.9, -0.7, -0.8, -0.8, -0.5, -0.5, -0.5]);
  });

  it('TPE: completed by loss, then early-terminated by steps reached, then failed', () => {
    const order = rankForTpe(observations(history)).map((o) => o.params.x);
    assert.deepEqual(order.slice(0, 5), [0, 0.2, 0.1, 0.4, 0.3]);
    assert.deepEqual(new Set(order.slice(5)), new Set([0.5, 0.6]));
  });
});

describe('method choice and the sampler factory', () => {
  it('auto: GP for a small numeric space, TPE for conditional, large or mostly categorical ones', () => {
    assert.equal(chooseMethod(plane), 'gp');
    assert.equal(chooseMethod(searchSpace({ x: uniform(0, 1), a: choice([1, 2, 3]) })), 'gp');
    assert.equal(
      chooseMethod(searchSpace({ a: choice([1, 2]), b: choice(['x', 'y']), x: uniform(0, 1) })),
      'tpe',
    );
    const big = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x${i}`, uniform(0, 1)]));
    assert.equal(chooseMethod(searchSpace(big)), 'tpe');
    assert.equal(
      chooseMethod(searchSpace({ m: choice([{ a: uniform(0, 1) }, { b: uniform(0, 1) }]) })),
      'tpe',
    );
  });

  it('samplerFromSpec builds the Bayesian sampler with its seed and method', () => {
    const sampler = samplerFromSpec({
      searchSpace: plane,
      sampling: { type: 'bayesian', seed: 4, method: 'tpe' },
    });
    assert.ok(sampler instanceof BayesianSampler);
    assert.equal(sampler.name, 'bayesian');
    assert.equal(sampler.method, 'tpe');
    assert.equal(sampler.seed, 4);
  });

  it('runs a concurrent sweep end to end, as sweep() builds it from sampling: bayesian', async () => {
    const result = await sweep({
      searchSpace: { x: 'uniform(0, 1)', y: 'uniform(0, 1)' },
      sampling: { type: 'bayesian', seed: 2 },
      objective: minimize,
      limits: { maxTotalTrials: 24, maxConcurrentTrials: 3 },
      trial: async (p) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { loss: quadratic(p) };
      },
    });
    assert.equal(result.sampler, 'bayesian');
    assert.equal(result.counts.completed, 24);
    assert.ok((result.best?.value as number) < 1e-3, `best ${result.best?.value}`);
  });

  it('gp on a conditional space, when asked for: valid sets with inactive coordinates imputed', () => {
    const space = searchSpace({
      m: choice([{ a: uniform(0, 1) }, { b: randint(5), c: choice(['p', 'q']) }]),
    });
    const f = (p: ParamSet) => (p.m === 0 ? ((p['m.a'] as number) - 0.5) ** 2 : 1 + (p['m.b'] as number));
    const trials = run(new BayesianSampler(space, { seed: 1, method: 'gp' }), f, 16);
    for (const t of trials) assert.ok(space.contains(t.params), JSON.stringify(t.params));
    assert.ok(best(trials) < 0.01, `best ${best(trials)}`);
  });
});
