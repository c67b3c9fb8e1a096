import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepOptionsFromSpec } from '../../src/config/sweep-options.ts';
import type { SweepSpec } from '../../src/config/types.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { searchSpace } from '../../src/space/index.ts';
import { sweep } from '../../src/sweep/index.ts';
import { nodeCommand } from '../sweep/helpers.ts';

function spec(command: string, over: Partial<SweepSpec> = {}): SweepSpec {
  return {
    file: '/tmp/sweep.yml',
    name: undefined,
    displayName: undefined,
    experimentName: undefined,
    description: undefined,
    tags: {},
    trial: { command, code: undefined, environmentVariables: {} },
    inputs: { scale: 10 },
    searchSpace: searchSpace({ x: { type: 'uniform', min_value: 0, max_value: 1 } }),
    sampling: { type: 'random', seed: 5, rule: 'random' },
    objective: { goal: 'maximize', primaryMetric: 'score' },
    limits: { maxTotalTrials: 1000, maxConcurrentTrials: 1000, timeout: undefined, trialTimeout: undefined },
    earlyTermination: undefined,
    notices: [],
    ...over,
  };
}

const script = nodeCommand(
  `console.log('##mlsweep ' + JSON.stringify({ score: Number(process.argv[1]) * Number(process.argv[2]) }))`,
);

describe('sweepOptionsFromSpec', () => {
  it('runs a sweep file spec, with the command-line overrides', async () => {
    const options = sweepOptionsFromSpec(spec(`${script} \${{search_space.x}} \${{inputs.scale}}`), {
      maxTotalTrials: 3,
      seed: 11,
    });
    assert.equal(options.limits?.maxConcurrentTrials, 3);
    const a = await sweep(options);
    const b = await sweep(
      sweepOptionsFromSpec(spec(`${script} \${{search_space.x}} \${{inputs.scale}}`), {
        maxTotalTrials: 3,
        seed: 11,
      }),
    );
    const c = await sweep(
      sweepOptionsFromSpec(spec(`${script} \${{search_space.x}} \${{inputs.scale}}`), {
        maxTotalTrials: 3,
        seed: 12,
      }),
    );
    assert.equal(a.counts.completed, 3);
    for (const t of a.trials) assert.equal(t.value, Number(t.params['x']) * 10);
    assert.deepEqual(
      a.trials.map((t) => t.params),
      b.trials.map((t) => t.params),
    );
    assert.notDeepEqual(
      a.trials.map((t) => t.params),
      c.trials.map((t) => t.params),
    );
  });

  it('names a placeholder that matches no parameter or input', () => {
    assert.throws(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Azure's placeholder syntax
      () => sweepOptionsFromSpec(spec('run ${{search_space.lr}}')),
      (e: ConfigError) =>
        e instanceof ConfigError &&
        e.keyPath === 'trial.command' &&
        e.message ===
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Azure's placeholder syntax
          '/tmp/sweep.yml: trial.command: ${{search_space.lr}} names no parameter of search_space (have: x)',
    );
    assert.throws(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Azure's placeholder syntax
      () => sweepOptionsFromSpec(spec('run ${{inputs.data}}')),
      /names no entry of inputs \(have: scale\)/,
    );
  });
});

describe('sweep() with searchSpace and sampling', () => {
  it('builds the sampler from a space definition, seeded', async () => {
    const run = () =>
      sweep({
        searchSpace: { x: 'uniform(0, 1)', k: 'choice(1, 2, 3)' },
        sampling: { type: 'random', seed: 3 },
        objective: { goal: 'minimize', primaryMetric: 'loss' },
        limits: { maxTotalTrials: 5, maxConcurrentTrials: 1 },
        trial: (p) => Number(p['x']) * Number(p['k']),
      });
    const [a, b] = [await run(), await run()];
    assert.equal(a.sampler, 'random');
    assert.deepEqual(
      a.trials.map((t) => t.params),
      b.trials.map((t) => t.params),
    );
  });

  it('grid sampling ends when the grid is exhausted', async () => {
    const result = await sweep({
      searchSpace: { k: 'choice(1, 2, 3)' },
      sampling: 'grid',
      objective: { goal: 'maximize', primaryMetric: 'k' },
      trial: (p) => Number(p['k']),
    });
    assert.equal(result.stopReason, 'exhausted');
    assert.equal(result.trials.length, 3);
    assert.equal(result.best?.value, 3);
  });

  it('needs a sampler or a search space', () => {
    assert.throws(
      () => sweep({ objective: { goal: 'minimize', primaryMetric: 'loss' }, trial: () => 1 }),
      /sweep needs a sampler, or a searchSpace/,
    );
  });
});
