// A scoring batch whose every request timed out (408) is cancelled rather than left to
// hold a scoring thread (serve/pool.ts, piscina's AbortSignal): the requests are no longer
// counted in flight once their 408 is given, and the deployment answers the next one.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { frameColumns } from '../../src/serve/input.ts';
import { DeploymentRuntime } from '../../src/serve/pool.ts';
import { deploymentSpec, servedDeployment } from '../../src/serve/single.ts';
import { saveModel, tempDir } from './helpers.ts';

const dir = tempDir('timeout');
const model = saveModel(dir, 'classification');
const runtimes: DeploymentRuntime[] = [];
after(() => Promise.all(runtimes.map((r) => r.retire())));

it('a timed-out batch is cancelled: nothing left in flight at the 408, and the next request is scored', async () => {
  const spec = deploymentSpec({
    name: 'blue',
    endpointName: 'e',
    model,
    instanceCount: 1,
    // 1 ms: far less than a thread takes to receive and score 200,000 rows
    requestSettings: { requestTimeoutMs: 1 },
  });
  const runtime = await DeploymentRuntime.start({
    endpoint: 'e',
    deployment: servedDeployment(spec, model),
    maxBatchRows: 1_000_000,
  });
  runtimes.push(runtime);
  const rows = Array.from({ length: 200_000 }, (_, i) => [i % 7, 0.5, 'Paris']);
  const input = frameColumns({ kind: 'rows', rows }, runtime.schema);
  const answers = await Promise.allSettled([runtime.score(input), runtime.score(input)]);
  for (const answer of answers) {
    assert.equal(answer.status, 'rejected');
    assert.equal((answer as PromiseRejectedResult).reason.status, 408);
  }
  // the cancellation settles the batch before the 408s reach their callers
  assert.equal(runtime.inFlight, 0);
  // a fresh thread replaces the one ended: given time to load the model, it scores
  (runtime.deployment.spec.requestSettings as { requestTimeoutMs: number }).requestTimeoutMs = 60_000;
  const raw = await runtime.score(
    frameColumns({ kind: 'rows', rows: [[0.9, 0.8, 'Paris']] }, runtime.schema),
  );
  assert.equal(raw.length, 2);
});
