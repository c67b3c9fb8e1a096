// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} placeholders
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSweepFile, parseSweep } from '../../src/config/index.ts';
import { samplerFromSpec } from '../../src/samplers/index.ts';

const corpus = (name: string) => fileURLToPath(new URL(`corpus/${name}`, import.meta.url));
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('valid sweep files', () => {
  it('apply Azure defaults to a minimal file', () => {
    const spec = loadSweepFile(corpus('valid/minimal.yml'));
    assert.deepEqual(spec.limits, {
      maxTotalTrials: 1000,
      maxConcurrentTrials: availableParallelism(), // not Azure's max_total_trials: one per core
      timeout: undefined,
      trialTimeout: undefined,
    });
    assert.deepEqual(spec.sampling, { type: 'random', seed: undefined, rule: 'random' });
    assert.deepEqual(spec.objective, { goal: 'maximize', primaryMetric: 'accuracy' });
    assert.equal(spec.earlyTermination, undefined);
    assert.deepEqual(spec.trial, {
      command: 'python train.py --lr ${{search_space.lr}}',
      code: undefined,
      environmentVariables: {},
    });
    assert.deepEqual(spec.notices, []);
    assert.equal(spec.file, corpus('valid/minimal.yml'));
  });

  it('read JSON with every section, Azure-only keys as notices', () => {
    const file = corpus('valid/full.json');
    const spec = loadSweepFile(file);
    assert.equal(spec.name, 'json-sweep');
    assert.deepEqual(spec.inputs, {
      data: { type: 'uri_file', path: resolve(dirname(file), 'data/train.csv'), mode: undefined },
      epochs: 3,
    });
    assert.deepEqual(spec.trial.environmentVariables, { SEED: '1', VERBOSE: 'true' });
    assert.equal(spec.trial.code, undefined);
    assert.deepEqual(spec.sampling, { type: 'random', seed: 3, rule: 'sobol' });
    assert.deepEqual(spec.objective, { goal: 'minimize', primaryMetric: 'loss' });
    assert.deepEqual(spec.limits, {
      maxTotalTrials: 50,
      maxConcurrentTrials: availableParallelism(),
      timeout: 600,
      trialTimeout: undefined,
    });
    assert.deepEqual(spec.earlyTermination, {
      type: 'truncation_selection',
      evaluationInterval: 1,
      delayEvaluation: 0,
      truncationPercentage: 10,
      excludeFinishedJobs: false,
    });
    assert.deepEqual(spec.notices, [
      '$schema is used by Azure ML only and is ignored by a local sweep',
      'compute is used by Azure ML only and is ignored by a local sweep',
      "trial.code azureml:my-code:1 is not a local folder; trials run in the sweep file's folder",
    ]);
    assert.deepEqual(
      spec.searchSpace.parameters.map((p) => p.path),
      ['lr', 'model', 'model.algo', 'model.trees', 'model.algo'],
    );
  });

  it('parse text without a file, resolving against a given folder', () => {
    const spec = parseSweep(
      [
        'type: sweep',
        'trial: {command: "x ${{search_space.k}}", code: .}',
        'search_space: {k: "choice(1, 2)"}',
        'sampling_algorithm: {type: grid}',
        'objective: {goal: MINIMIZE, primary_metric: loss}',
        'early_termination: {type: asha}',
        'limits: {max_total_trials: 4, max_concurrent_trials: 2}',
      ].join('\n'),
      { baseDir: examples },
    );
    assert.equal(spec.file, undefined);
    assert.equal(spec.trial.code, resolve(examples));
    assert.equal(spec.objective.goal, 'minimize');
    assert.deepEqual(spec.earlyTermination, {
      type: 'asha',
      evaluationInterval: 1,
      delayEvaluation: 0,
      gracePeriod: 1,
      reductionFactor: 4,
      maxT: 100,
    });
    assert.deepEqual(spec.limits.maxConcurrentTrials, 2);
  });

  it('errors in text without a file still name line and key', () => {
    assert.throws(() => parseSweep('type: sweep\nlimits: {max_total_trials: -1}\n'), {
      message: 'line 2: limits.max_total_trials: must be >= 1, got -1 (and 4 more problems)',
    });
  });
});

describe('examples/*.yml', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yml'));

  for (const file of files) {
    it(`${file} loads, and its sampler suggests sets of its space`, () => {
      const spec = loadSweepFile(`${examples}${file}`);
      if (spec.sampling.type === 'bayesian') return;
      const sampler = samplerFromSpec(spec);
      const s = sampler.suggest({ objective: spec.objective, trials: [], pending: [] });
      assert.ok(!s.exhausted && spec.searchSpace.contains(s.params));
    });
  }

  it('cover every distribution, sampling form and early termination type', () => {
    const specs = files.map((f) => loadSweepFile(`${examples}${f}`));
    const types = new Set(specs.flatMap((s) => s.searchSpace.parameters.map((p) => p.distribution?.type)));
    for (const t of [
      'choice',
      'randint',
      'uniform',
      'loguniform',
      'normal',
      'lognormal',
      'quniform',
      'qloguniform',
      'qnormal',
      'qlognormal',
    ]) {
      assert.ok(types.has(t as never), t);
    }
    const sampling = new Set(
      specs.map((s) =>
        JSON.stringify({ type: s.sampling.type, rule: 'rule' in s.sampling ? s.sampling.rule : undefined }),
      ),
    );
    assert.equal(sampling.size, 4); // grid, random/random, random/sobol, bayesian
    const policies = new Set(specs.map((s) => s.earlyTermination?.type));
    for (const t of ['bandit', 'median_stopping', 'truncation_selection', 'asha'])
      assert.ok(policies.has(t as never), t);
    const conditional = specs.some((s) => s.searchSpace.parameters.some((p) => p.condition !== undefined));
    assert.ok(conditional);
  });
});
