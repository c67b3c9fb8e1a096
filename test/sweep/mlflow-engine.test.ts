// The engine's side of command trials that log with MLflow, against a small stand-in
// tracking server (a real HTTP server on 127.0.0.1, port 0): the trial gets its run's
// MLFLOW_* variables, what it logs reaches the sweep like printed lines (ranking, early
// termination), and a tracking server the user configured is left alone.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MetricPoint, ParamSet } from '../../src/core/trial.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { sweep } from '../../src/sweep/index.ts';
import type { TrackedEvent, TrialTracking } from '../../src/sweep/trial-tracking.ts';
import { listSampler, nodeCommand } from './helpers.ts';

const script = fileURLToPath(new URL('../../examples/mlflow/train-node.mjs', import.meta.url));
const trainCommand = (extra = '') =>
  `${JSON.stringify(process.execPath)} ${JSON.stringify(script)} --lr \${{search_space.lr}} ${extra}`;
const minimizeLoss = { goal: 'minimize', primaryMetric: 'loss' } as const;

/** What the stand-in server saw. */
interface Seen {
  calls: string[];
  runs: Map<string, { trialId: number; params: ParamSet }>;
  artifacts: Map<string, string>;
  started: number;
  stopped: number;
}

/** A TrialTracking whose server answers the calls train-node.mjs makes, as MLflow's would. */
function fakeTracking(sharesStore: boolean): { tracking: TrialTracking; seen: Seen } {
  const seen: Seen = { calls: [], runs: new Map(), artifacts: new Map(), started: 0, stopped: 0 };
  const tracking: TrialTracking = {
    async start() {
      seen.started++;
      let listener: ((event: TrackedEvent) => void) | undefined;
      const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const url = new URL(req.url ?? '/', 'http://x');
          seen.calls.push(`${req.method} ${url.pathname.replace(/^\/api\/2\.0\//, '')}`);
          const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : '';
          const json = (status: number, value: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(value));
          };
          if (url.pathname === '/api/2.0/mlflow/runs/get') {
            const runId = url.searchParams.get('run_id') ?? '';
            if (!seen.runs.has(runId))
              return json(404, {
                error_code: 'RESOURCE_DOES_NOT_EXIST',
                message: `Run '${runId}' not found`,
              });
            return json(200, {
              run: {
                info: {
                  run_id: runId,
                  experiment_id: '7',
                  artifact_uri: `mlflow-artifacts:/7/${runId}/artifacts`,
                },
                data: {},
              },
            });
          }
          if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
            seen.artifacts.set(url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length), body);
            return json(200, {});
          }
          const request = body ? JSON.parse(body) : {};
          if (url.pathname === '/api/2.0/mlflow/runs/log-batch') {
            listener?.({
              runId: request.run_id,
              ...(request.metrics ? { metrics: request.metrics } : {}),
              ...(request.params
                ? {
                    params: Object.fromEntries(
                      request.params.map((p: { key: string; value: string }) => [p.key, p.value]),
                    ),
                  }
                : {}),
            });
          }
          json(200, {});
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        uri: `http://127.0.0.1:${port}`,
        sharesStore,
        runFor(trialId: number, params: ParamSet) {
          const runId = `run${trialId}abc`;
          seen.runs.set(runId, { trialId, params });
          return { runId, experimentId: '7' };
        },
        onLogged(l) {
          listener = l;
        },
        async stop() {
          seen.stopped++;
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  };
  return { tracking, seen };
}

/** A MemoryStore that counts the metric points the engine writes. */
class CountingStore extends MemoryStore {
  written = 0;
  override addMetric(id: number, name: string, point: MetricPoint): void {
    this.written++;
    super.addMetric(id, name, point);
  }
}

describe('command trials logging through the MLflow REST API', () => {
  it('gets its run in MLFLOW_*; logged metrics rank the trials, by step; the server runs for the sweep only', async () => {
    const { tracking, seen } = fakeTracking(true);
    const store = new CountingStore();
    const result = await sweep({
      sampler: listSampler([{ lr: 0.5 }, { lr: 0.1 }, { lr: 0.3 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 2 },
      trial: { command: trainCommand('--epochs 4 --delay-ms 1') },
      tracking,
      store,
    });
    assert.deepEqual(
      result.trials.map((t) => [t.status, t.error]),
      [
        ['completed', undefined],
        ['completed', undefined],
        ['completed', undefined],
      ],
    );
    assert.deepEqual(result.best?.params, { lr: 0.1 });
    const best = result.trials[1]!;
    assert.deepEqual(
      best.intermediate.map((p) => p.step),
      [0, 1, 2, 3],
    );
    assert.equal(best.value, 1 / 5);
    assert.equal(best.metrics['accuracy']!.length, 4);
    // The stand-in server wrote the points to "the sweep's store": the engine does not again.
    assert.equal(store.written, 0);
    assert.equal(seen.started, 1);
    assert.equal(seen.stopped, 1);
    // Each trial's calls in the MLflow client's order (trials 0 and 1 run at once).
    assert.equal(seen.calls[0], 'GET mlflow/runs/get');
    assert.equal(seen.calls.filter((c) => c === 'GET mlflow/runs/get').length, 3);
    assert.equal(seen.calls.filter((c) => c === 'POST mlflow/runs/set-tag').length, 3);
    assert.equal(seen.calls.filter((c) => c === 'POST mlflow/runs/update').length, 6);
    // (whichever trial logs first marked its run RUNNING before)
    assert.ok(
      seen.calls.indexOf('POST mlflow/runs/update') < seen.calls.indexOf('POST mlflow/runs/log-batch'),
    );
    for (const id of ['run0abc', 'run1abc', 'run2abc'])
      assert.match(seen.artifacts.get(`7/${id}/artifacts/model.json`) ?? '', /"epochs":4/);
    assert.deepEqual(
      [...seen.runs.values()].map((r) => r.params),
      [{ lr: 0.5 }, { lr: 0.1 }, { lr: 0.3 }],
    );
  });

  it('writes the logged points to the sweep store when the server keeps its own', async () => {
    const { tracking } = fakeTracking(false);
    const store = new CountingStore();
    const result = await sweep({
      sampler: listSampler([{ lr: 0.2 }]),
      objective: minimizeLoss,
      trial: { command: trainCommand('--epochs 3 --delay-ms 1') },
      tracking,
      store,
    });
    assert.equal(result.trials[0]!.status, 'completed', result.trials[0]!.error);
    assert.equal(store.written, 6); // loss and accuracy, 3 steps each
  });

  it('early termination acts on the steps a trial logs', async () => {
    const { tracking } = fakeTracking(true);
    const result = await sweep({
      sampler: listSampler([{ lr: 0.1 }, { lr: 2 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1 },
      earlyTermination: { type: 'bandit', slackAmount: 0.1, delayEvaluation: 2 },
      trial: { command: trainCommand('--epochs 8 --delay-ms 150') },
      tracking,
    });
    assert.deepEqual(
      result.trials.map((t) => t.status),
      ['completed', 'early_terminated'],
    );
    const stopped = result.trials[1]!;
    assert.ok(
      stopped.intermediate.length >= 2 && stopped.intermediate.length < 8,
      `${stopped.intermediate.length} steps`,
    );
    assert.match(stopped.error ?? '', /bandit|slack|best/i);
  });

  it('printed metric lines still work beside the tracking server', async () => {
    const { tracking } = fakeTracking(true);
    const result = await sweep({
      sampler: listSampler([{ x: 3 }]),
      objective: minimizeLoss,
      trial: {
        command: nodeCommand(
          `console.log('##mlsweep ' + JSON.stringify({ loss: 0.25 })); console.log(process.env.MLFLOW_RUN_ID, process.env.MLFLOW_EXPERIMENT_ID, process.env.MLFLOW_TRACKING_URI)`,
        ),
      },
      tracking,
    });
    const trial = result.trials[0]!;
    assert.equal(trial.status, 'completed', trial.error);
    assert.equal(trial.value, 0.25);
    assert.match(trial.output!.stdout, /^run0abc 7 http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('a tracking server the user configured is left alone: no server started, a notice', async () => {
    const { tracking, seen } = fakeTracking(true);
    const notices: string[] = [];
    const result = await sweep({
      sampler: listSampler([{ x: 1 }]),
      objective: minimizeLoss,
      trial: {
        command: nodeCommand(
          `console.log('##mlsweep ' + JSON.stringify({ loss: 1 })); console.log('uri=' + process.env.MLFLOW_TRACKING_URI + ' run=' + process.env.MLFLOW_RUN_ID)`,
        ),
        environmentVariables: { MLFLOW_TRACKING_URI: 'http://user:secret@mlflow.example:5000' },
      },
      tracking,
      onNotice: (m) => notices.push(m),
    });
    assert.equal(seen.started, 0);
    assert.equal(result.trials[0]!.status, 'completed');
    assert.match(
      result.trials[0]!.output!.stdout,
      /uri=http:\/\/user:secret@mlflow.example:5000 run=undefined/,
    );
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /MLFLOW_TRACKING_URI is set \(http:\/\/mlflow.example:5000\)/);
  });

  it('function trials ignore the tracking option', async () => {
    const { tracking, seen } = fakeTracking(true);
    const result = await sweep({
      sampler: listSampler([{ x: 1 }]),
      objective: minimizeLoss,
      trial: () => ({ loss: 1 }),
      tracking,
    });
    assert.equal(result.trials[0]!.status, 'completed');
    assert.equal(seen.started, 0);
  });
});
