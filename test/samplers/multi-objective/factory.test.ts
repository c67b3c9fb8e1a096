import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
