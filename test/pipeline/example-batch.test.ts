import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPipelineFile } from '../../src/pipeline/pipeline-spec.ts';
import { runPipeline } from '../../src/pipeline/runner.ts';
import { BatchEndpointStore } from '../../src/registry/batch-endpoint-store.ts';
import { pipelineExecutors } from '../../src/serve/batch/pipeline-step.ts';
import { readBatchDeploymentFile, readBatchEndpointFile } from '../../src/serve/batch/spec.ts';
import { openStore, workspace } from './helpers.ts';

const examples = fileURLToPath(new URL('../../examples/pipeline/', import.meta.url));

describe('examples/pipeline/score-endpoint.yml (prepare -> batch endpoint)', () => {
  it('scores the prepared test rows with the registered batch endpoint, then reuses both steps', async () => {
    const store = openStore(workspace('pipe-example-batch', {}));
    try {
      const batch = new BatchEndpointStore({ store });
      batch.createOrUpdateEndpoint(readBatchEndpointFile(join(examples, 'batch/endpoint.yml')).spec);
      batch.createOrUpdateDeployment(readBatchDeploymentFile(join(examples, 'batch/deployment.yml')).spec, {
        setDefault: true,
      });
      const run = () =>
        runPipeline(readPipelineFile(join(examples, 'score-endpoint.yml'), { store }), {
          store,
          executors: pipelineExecutors(),
        });
      const first = await run();
      assert.equal(first.status, 'completed', JSON.stringify(first.steps));
      const lines = readFileSync(join(first.outputs['predictions']!, 'predictions.csv'), 'utf8')
        .trim()
        .split('\n');
      assert.match(lines[0]!, /^file,line,prediction,proba_setosa,proba_versicolor,proba_virginica/);
      assert.equal(lines.length, 1 + 30, 'a fifth of the 150 rows');
      const second = await run();
      assert.deepEqual(
        second.steps.map((s) => s.status),
        ['reused', 'reused'],
      );
    } finally {
      store.close();
    }
  });
});
