import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSweep } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { samplerFromSpec } from '../../../src/samplers/factory.ts';
import { MOTPESampler } from '../../../src/samplers/multi-objective/motpe.ts';
import { NSGA2Sampler } from '../../../src/samplers/multi-objective/nsga2.ts';
import { unitSpace } from './helpers.ts';

describe('the sampler factory knows the multi-objective samplers', () => {
  const searchSpace = unitSpace(2);

  it('nsga2, with its options', () => {
    const sampler = samplerFromSpec({
      searchSpace,
      sampling: { type: 'nsga2', seed: 4, populationSize: 12, crossover: 'sbx', etaC: 15 },
    });
    assert.ok(sampler instanceof NSGA2Sampler);
    assert.equal(sampler.name, 'nsga2');
    assert.equal(sampler.seed, 4);
    assert.equal(sampler.populationSize, 12);
    assert.equal(sampler.crossover, 'sbx');
    assert.equal(sampler.etaC, 15);
    assert.equal(sampler.mutationProb, 0.5);
  });

  it('nsga2 defaults: population 50, uniform crossover 0.9, polynomial mutation η 20 at rate 1/n', () => {
    const sampler = samplerFromSpec({ searchSpace, sampling: { type: 'nsga2', seed: undefined } });
    assert.ok(sampler instanceof NSGA2Sampler);
    assert.deepEqual(
      [sampler.populationSize, sampler.crossover, sampler.crossoverProb, sampler.etaM, sampler.swappingProb],
      [50, 'uniform', 0.9, 20, 0.5],
    );
  });

  it('motpe, with its options', () => {
    const sampler = samplerFromSpec({ searchSpace, sampling: { type: 'motpe', seed: 2, initialTrials: 7 } });
    assert.ok(sampler instanceof MOTPESampler);
    assert.equal(sampler.name, 'motpe');
    assert.equal(sampler.seed, 2);
    assert.equal(sampler.initialTrials, 7);
  });
});

describe('sweep files name them in sampling_algorithm', () => {
  const file = (sampling: string) => `type: sweep
trial:
  command: echo \${{search_space.x}}
search_space:
  x: { type: uniform, min_value: 0, max_value: 1 }
sampling_algorithm: ${sampling}
objective: { primary_metric: loss, goal: minimize }
`;

  it('nsga2 by name and with its options in snake case', () => {
    const plain = parseSweep(file('nsga2'));
    assert.deepEqual(plain.sampling, { type: 'nsga2', seed: undefined });
    const spec = parseSweep(
      file('{ type: nsga2, seed: 3, population_size: 20, crossover: SBX, eta_c: 10, mutation_prob: 0.2 }'),
    );
    const sampler = samplerFromSpec(spec);
    assert.ok(sampler instanceof NSGA2Sampler);
    assert.deepEqual(
      [
        sampler.seed,
        sampler.populationSize,
        sampler.crossover,
        sampler.etaC,
        sampler.mutationProb,
        sampler.etaM,
      ],
      [3, 20, 'sbx', 10, 0.2, 20],
    );
  });

  it('motpe by name and with its options', () => {
    const sampler = samplerFromSpec(
      parseSweep(file('{ type: motpe, seed: 1, initial_trials: 8, multivariate: true }')),
    );
    assert.ok(sampler instanceof MOTPESampler);
    assert.equal(sampler.initialTrials, 8);
    assert.equal(sampler.multivariate, true);
    const plain = samplerFromSpec(parseSweep(file('motpe')));
    assert.ok(plain instanceof MOTPESampler);
    assert.deepEqual([plain.multivariate, plain.candidates], [false, 24]);
  });

  it('a bad option is a ConfigError naming the key', () => {
    assert.throws(() => parseSweep(file('{ type: nsga2, population_size: 1 }')), ConfigError);
    assert.throws(() => parseSweep(file('{ type: nsga2, crossover: blx }')), /crossover/);
    assert.throws(() => parseSweep(file('{ type: motpe, population_size: 10 }')), /population_size/);
  });
});
