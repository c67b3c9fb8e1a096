import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SamplingSpec } from '../../src/config/types.ts';
import type { FinishedTrial } from '../../src/core/trial.ts';
import {
  GridSampler,
  previewSuggestions,
  RandomSampler,
  registerSamplerFactory,
  samplerFromSpec,
} from '../../src/samplers/index.ts';
import { normalCdf, searchSpace } from '../../src/space/index.ts';
import { ksCritical, ksStatistic } from '../space/stats.ts';

const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;
const space = searchSpace({
  lr: 'loguniform(-9, -2)',
  batch: 'choice(16, 32, 64)',
  model: {
    type: 'choice',
    values: [
      { name: 'rf', trees: 'randint(500)' },
      { name: 'lr', C: 'lognormal(0, 1)' },
    ],
  },
  momentum: 'qnormal(0.9, 0.02, 0.01)',
});

describe('RandomSampler', () => {
  for (const rule of ['random', 'sobol'] as const) {
    it(`rule ${rule}: the same seed gives the same sequence, another seed another`, () => {
      const a = previewSuggestions(new RandomSampler(space, { seed: 5, rule }), 50, objective);
      const b = previewSuggestions(new RandomSampler(space, { seed: 5, rule }), 50, objective);
      const c = previewSuggestions(new RandomSampler(space, { seed: 6, rule }), 50, objective);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
      assert.ok(a.every((p) => space.contains(p)));
    });

    it(`rule ${rule}: the n-th suggestion depends only on n (a resumed sweep continues)`, () => {
      const sampler = new RandomSampler(space, { seed: 9, rule });
      const seq = previewSuggestions(sampler, 5, objective);
      const ended: FinishedTrial[] = seq.slice(0, 4).map((params, id) => ({
        id,
        params,
        status: 'completed',
        value: id,
        intermediate: [],
      }));
      assert.deepEqual(
        new RandomSampler(space, { seed: 9, rule }).suggest({ objective, trials: ended, pending: [] }),
        {
          params: seq[4],
        },
      );
    });
  }

  it('records a fresh seed when none is given', () => {
    const s = new RandomSampler(space);
    assert.ok(Number.isInteger(s.seed));
    assert.deepEqual(
      previewSuggestions(s, 3, objective),
      previewSuggestions(new RandomSampler(space, { seed: s.seed }), 3, objective),
    );
  });

  it('avoids repeating a tried set in a finite space', () => {
    const small = searchSpace({ a: 'choice(1, 2, 3)', b: 'randint(2)' });
    const sets = previewSuggestions(new RandomSampler(small, { seed: 1 }), 6, objective).map((p) =>
      JSON.stringify(p),
    );
    assert.equal(new Set(sets).size, 6);
  });

  it('Sobol suggestions cover a choice evenly: 64 points, 4 options, 16 each', () => {
    const s = searchSpace({ k: 'choice(1, 2, 3, 4)', x: 'uniform(0, 1)' });
    const counts = new Map<unknown, number>();
    for (const p of previewSuggestions(new RandomSampler(s, { seed: 3, rule: 'sobol' }), 64, objective)) {
      counts.set(p.k, (counts.get(p.k) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [16, 16, 16, 16]);
  });
});

describe('samplerFromSpec', () => {
  it('builds grid, random and sobol samplers', () => {
    const grid = samplerFromSpec({
      searchSpace: searchSpace({ a: 'choice(1, 2)' }),
      sampling: { type: 'grid' },
    });
    assert.ok(grid instanceof GridSampler);
    const sobol = samplerFromSpec({
      searchSpace: space,
      sampling: { type: 'random', seed: 1, rule: 'sobol' },
    });
    assert.equal(sobol.name, 'sobol');
  });

  it('says when no sampler is installed for a type', () => {
    const sampling = { type: 'annealing' } as unknown as SamplingSpec;
    assert.throws(
      () => samplerFromSpec({ searchSpace: space, sampling }),
      /^ConfigError: sampling_algorithm: sampling type 'annealing' has no sampler installed; available: grid, random/,
    );
  });

  it('uses a factory registered for a type', () => {
    registerSamplerFactory('bayesian', (sp) => new RandomSampler(sp, { seed: 0, rule: 'sobol' }));
    const spec = { searchSpace: space, sampling: { type: 'bayesian', seed: 1, method: 'auto' } } as const;
    assert.equal(samplerFromSpec(spec).name, 'sobol');
  });
});

describe('suggestions follow the distributions (KS, 20,000 suggestions, alpha 0.001)', () => {
  const one = searchSpace({ x: 'normal(2, 3)' });
  const cdf = (x: number) => normalCdf((x - 2) / 3);
  for (const rule of ['random', 'sobol'] as const) {
    it(`rule ${rule}`, () => {
      const sampler = new RandomSampler(one, { seed: 11, rule });
      const xs = Array.from({ length: 20_000 }, (_, n) => sampler.at(n).x as number);
      const d = ksStatistic(xs, cdf);
      assert.ok(d < ksCritical(xs.length, 0.001), `D = ${d}`);
      // Sobol points are far more even than independent draws.
      if (rule === 'sobol') assert.ok(d < ksCritical(xs.length, 0.001) / 10, `D = ${d}`);
    });
  }
});

describe('RandomSampler in a finite space', () => {
  it('avoids ended and running sets, whatever the order trials end in', () => {
    const small = searchSpace({ a: 'choice(1, 2, 3, 4)' });
    const sampler = new RandomSampler(small, { seed: 2 });
    const trials: FinishedTrial[] = [];
    const seen = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const s = sampler.suggest({ objective, trials: [...trials], pending: [] });
      assert.ok(!s.exhausted);
      seen.add(s.params.a);
      // Each new trial is inserted first, as an engine that keeps trials by id might after slow ones.
      trials.unshift({ id: i, params: s.params, status: 'completed', value: i, intermediate: [] });
    }
    const pendingOnly = sampler.suggest({ objective, trials: [...trials], pending: [] });
    assert.ok(!pendingOnly.exhausted);
    assert.equal(seen.has(pendingOnly.params.a), false);
    assert.equal(seen.size, 3);
    // A new, shorter history (another sweep) starts over.
    const fresh = new RandomSampler(small, { seed: 2 }).suggest({ objective, trials: [], pending: [] });
    assert.deepEqual(sampler.suggest({ objective, trials: [], pending: [] }), fresh);
  });
});
