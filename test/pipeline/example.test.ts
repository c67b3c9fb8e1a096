// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPipelineFile } from '../../src/pipeline/pipeline-spec.ts';
import { type PipelineResult, runPipeline } from '../../src/pipeline/runner.ts';
import { defaultExecutors } from '../../src/pipeline/step-executors.ts';
import { CLI } from '../helpers/cli.ts';
import { openStore, workspace } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples/pipeline/pipeline.yml');

function statuses(result: PipelineResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
}

describe('examples/pipeline (prepare -> AutoML -> batch score)', () => {
  const before = process.env['MLSWEEP_COMMAND'];
  process.env['MLSWEEP_COMMAND'] = JSON.stringify([process.execPath, ...CLI]);
  after(() => {
    if (before === undefined) delete process.env['MLSWEEP_COMMAND'];
    else process.env['MLSWEEP_COMMAND'] = before;
  });

  it('runs, then reuses every step, then reruns only the step a changed input reaches', async () => {
    const dir = workspace('pipe-example', {});
    const store = openStore(dir);
    try {
      const run = (overrides = {}) =>
        runPipeline(readPipelineFile(example, { store, overrides }), {
          store,
          executors: defaultExecutors(),
        });
      const first = await run();
      assert.equal(first.status, 'completed', JSON.stringify(first.steps));
      assert.deepEqual(statuses(first), { prepare: 'completed', train: 'completed', score: 'completed' });
      const predictions = join(first.outputs['predictions']!, 'predictions.csv');
      const lines = readFileSync(predictions, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'prediction,proba_setosa,proba_versicolor,proba_virginica');
      assert.equal(lines.length, 1 + 38, 'a quarter of the 150 rows');
      assert.ok(existsSync(join(first.steps[1]!.outputs['best_model']!, 'model.json')));
      const prepareRun = store.run(first.steps[0]!.runId!);
      assert.equal(
        prepareRun.tags['mlsweep.environment.name'],
        `mlsweep-node-${process.versions.node.split('.')[0]}`,
      );
      assert.equal(prepareRun.metrics['test_rows'], 38);

      const second = await run();
      assert.deepEqual(statuses(second), { prepare: 'reused', train: 'reused', score: 'reused' });
      for (const [i, step] of second.steps.entries()) assert.equal(step.reusedFrom, first.steps[i]!.runId);
      process.stderr.write(
        `# example: first run ${first.durationMs} ms, second (all reused) ${second.durationMs} ms\n`,
      );

      const third = await run({ with_proba: false });
      assert.deepEqual(statuses(third), { prepare: 'reused', train: 'reused', score: 'completed' });
      const header = readFileSync(join(third.outputs['predictions']!, 'predictions.csv'), 'utf8').split(
        '\n',
      )[0];
      assert.equal(header, 'prediction');
    } finally {
      store.close();
    }
  });
});

describe('sweep steps', () => {
  it('search a component input; the best trial outputs become the step outputs', async () => {
    const dir = workspace('pipe-sweep', {
      'trial.yml': `name: trial
inputs:
  x: { type: integer }
  offset: { type: integer, default: 0 }
outputs:
  out: { type: uri_folder }
command: >-
  echo "##mlsweep {\\"score\\": $((\${{inputs.x}} + \${{inputs.offset}}))}" && echo \${{inputs.x}} > \${{outputs.out}}/x.txt
`,
      'p.yml': `type: pipeline
jobs:
  tune:
    type: sweep
    trial: ./trial.yml
    inputs:
      offset: 10
    search_space:
      x: { type: choice, values: [1, 3, 2] }
    sampling_algorithm: grid
    objective: { goal: maximize, primary_metric: score }
    limits: { max_total_trials: 3, max_concurrent_trials: 2 }
  use:
    command: cp \${{inputs.best}}/x.txt \${{outputs.copy}}/x.txt
    inputs:
      best: \${{parent.jobs.tune.outputs.out}}
    outputs:
      copy: { type: uri_folder }
`,
    });
    const store = openStore(dir);
    try {
      const result = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), {
        store,
        executors: defaultExecutors(),
      });
      assert.equal(result.status, 'completed', JSON.stringify(result.steps));
      assert.equal(readFileSync(join(result.steps[1]!.outputs['copy']!, 'x.txt'), 'utf8').trim(), '3');
      const tune = store.run(result.steps[0]!.runId!);
      assert.equal(tune.params['best.x'], '3');
      assert.equal(tune.metrics['score'], 13);
    } finally {
      store.close();
    }
  });
});
