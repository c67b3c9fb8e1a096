// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
// The batch_endpoint step: a pipeline step that invokes a registered batch endpoint on its
// input (a real batch job: scoring threads, mini-batches), its `score` output bound like any
// other, reused like any other step, and rerun when the deployment behind it changes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPipelineFile } from '../../src/pipeline/pipeline-spec.ts';
import { runPipeline } from '../../src/pipeline/runner.ts';
import { BATCH_STEP_JOB_TAG, pipelineExecutors } from '../../src/serve/batch/pipeline-step.ts';
import { batchWorld, csvRows, deploy, folder, writeCsv } from '../serve/batch/helpers.ts';
import { saveModel } from '../serve/helpers.ts';

const PIPELINE = `type: pipeline
inputs:
  data: { type: uri_folder, path: ./data }
outputs:
  predictions: { type: uri_folder, path: ./predictions }
jobs:
  score:
    type: batch_endpoint
    endpoint: scores
    inputs:
      input_data: \${{parent.inputs.data}}
    outputs:
      score: \${{parent.outputs.predictions}}
`;

describe('a batch_endpoint pipeline step', () => {
  it('scores the bound input with the endpoint, binds the predictions, is reused, and reruns for a new deployment', async () => {
    const world = batchWorld('pipeline-step');
    const data = folder(world, 'data');
    writeCsv(data, 'a.csv', csvRows(30, 1));
    writeCsv(data, 'b.csv', csvRows(20, 2));
    writeFileSync(join(world.dir, 'pipeline.yml'), PIPELINE);
    const store = deploy(world, 'forest', 'mini_batch_size: 1');
    try {
      const run = async () =>
        runPipeline(readPipelineFile(join(world.dir, 'pipeline.yml'), { store }), {
          store,
          executors: pipelineExecutors(),
          maxParallel: 1,
        });
      const first = await run();
      assert.equal(first.status, 'completed', JSON.stringify(first.steps));
      const step = first.steps[0]!;
      assert.equal(step.status, 'completed');
      const predictions = readFileSync(join(step.outputs['score']!, 'predictions.csv'), 'utf8')
        .trim()
        .split('\n');
      assert.equal(predictions.length, 1 + 50);
      assert.match(predictions[0]!, /^file,line,prediction/);
      // bound to the pipeline output: copied there
      assert.equal(
        readFileSync(join(world.dir, 'predictions', 'predictions.csv'), 'utf8')
          .trim()
          .split('\n').length,
        51,
      );
      // the batch job is a run of its own, named on the step's run
      const jobId = store.run(step.runId!).tags[BATCH_STEP_JOB_TAG]!;
      assert.equal(store.run(jobId).status, 'FINISHED');

      const again = await run();
      assert.equal(again.steps[0]!.status, 'reused');
      assert.equal(again.steps[0]!.reusedFrom, step.runId);

      // another model behind the endpoint's default deployment: the step runs again
      saveModel(world.dir, 'classification', 'model.json', 9);
      deploy(world, 'forest', 'mini_batch_size: 1').close();
      const changed = await run();
      assert.equal(changed.steps[0]!.status, 'completed');
    } finally {
      store.close();
    }
  });

  it('names the step when its endpoint or input is wrong, before anything runs', () => {
    const world = batchWorld('pipeline-step-errors');
    const store = deploy(world, 'forest');
    try {
      const parse = (text: string) => {
        writeFileSync(join(world.dir, 'p.yml'), text);
        return () => readPipelineFile(join(world.dir, 'p.yml'), { store });
      };
      assert.throws(
        parse(PIPELINE.replace('endpoint: scores', 'endpoint: nope')),
        /p\.yml:line 9, column 5: jobs\.score\.endpoint: step score: .*nope/,
      );
      assert.throws(
        parse(PIPELINE.replace('endpoint: scores', 'endpoint: scores\n    deployment: other')),
        /jobs\.score\.deployment: step score: .*other/,
      );
      assert.throws(
        parse(PIPELINE.replace('input_data:', 'data:')),
        /step score: a batch_endpoint step has one input, input_data, not 'data'/,
      );
      assert.throws(
        parse(PIPELINE.replace('    endpoint: scores\n', '')),
        /step score: a batch_endpoint step needs endpoint/,
      );
      assert.throws(
        parse(PIPELINE.replace('endpoint: scores', 'endpoint: scores\n    command: echo')),
        /unknown key 'command' for a batch_endpoint step/,
      );
    } finally {
      store.close();
    }
  });
});
