import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { DataError } from '../../../src/core/errors.ts';
import { samplerFromSpec } from '../../../src/samplers/factory.ts';
import { searchSpace } from '../../../src/space/parse.ts';
import type { StoredTrial } from '../../../src/store/records.ts';
import type { TrackedEvent, TrackingSession, TrialTracking } from '../../../src/sweep/trial-tracking.ts';
import { chooseTrial, countedTrials, NoClaim } from '../../../src/sweep/worker/claim.ts';
import { createWorkerSweep } from '../../../src/sweep/worker/create.ts';
import { type WorkerDefinitionInput, workerDefinition } from '../../../src/sweep/worker/definition.ts';
import { Worker } from '../../../src/sweep/worker/worker.ts';
import { FakeLocation } from './fake-location.ts';

const trialModule = fileURLToPath(new URL('./trials/zero-cost.mjs', import.meta.url));

function definition(overrides: Partial<WorkerDefinitionInput> = {}) {
  return workerDefinition({
    searchSpace: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
    sampling: { type: 'random', seed: 7 },
    objective: { goal: 'minimize', primaryMetric: 'loss' },
    limits: { maxTotalTrials: 20 },
    trial: { module: trialModule },
    ...overrides,
  });
}

function stored(id: number, status: StoredTrial['status'], extra: Partial<StoredTrial> = {}): StoredTrial {
  return { id, params: { x: id }, startedAt: '2026-01-01T00:00:00.000Z', status, metrics: {}, ...extra };
}

function chooser(overrides: Partial<WorkerDefinitionInput> = {}, timedOut = false) {
  const d = definition(overrides);
  const space = searchSpace(d.searchSpace);
  return chooseTrial({
    definition: d,
    space,
    sampler: samplerFromSpec({ searchSpace: space, sampling: d.sampling }),
    timedOut,
  });
}

function noClaim(fn: () => unknown): NoClaim {
  try {
    fn();
  } catch (error) {
    if (error instanceof NoClaim) return error;
    throw error;
  }
  assert.fail('expected a NoClaim');
}

describe('fail fast, as the engine: the first trials all failing alike end the sweep', () => {
  const failed = (id: number, endedAt: string, error = `cannot open /data/missing-${id}.csv`) =>
    stored(id, 'failed', { endedAt, error });

  it('ends (or waits for the running ones to end) once the first 3 trials to end failed alike', () => {
    const choose = chooser({ limits: { maxTotalTrials: 20 } });
    const three = [
      failed(0, '2026-01-01T00:00:03.000Z'),
      failed(1, '2026-01-01T00:00:01.000Z'),
      failed(2, '2026-01-01T00:00:02.000Z'),
    ];
    assert.equal(
      noClaim(() => choose({ trials: [...three, stored(3, 'running')], queued: undefined })).outcome,
      'wait',
    );
    const end = noClaim(() => choose({ trials: three, queued: undefined }));
    assert.equal(end.outcome, 'end');
    assert.equal(end.reason, 'same_error');
    assert.match(end.message, /the first 3 trials all failed with the same error: cannot open/);
  });

  it('judges the first trials to end (a later success does not count; an earlier one does), not hand-backs; false: never', () => {
    const early = stored(5, 'completed', { endedAt: '2026-01-01T00:00:00.500Z', value: 1 });
    const three = [0, 1, 2].map((i) => failed(i, `2026-01-01T00:00:0${i + 1}.000Z`));
    assert.ok(
      'params' in chooser()({ trials: [...three, early], queued: undefined }),
      'a success ended first: no fail-fast',
    );
    const late = stored(5, 'completed', { endedAt: '2026-01-01T00:00:09.000Z', value: 1 });
    assert.equal(
      noClaim(() => chooser()({ trials: [...three, late], queued: undefined })).reason,
      'same_error',
    );
    const handedBack = stored(6, 'cancelled', { endedAt: '2026-01-01T00:00:00.100Z', error: 'handed back' });
    assert.equal(
      noClaim(() => chooser()({ trials: [...three, handedBack], queued: undefined })).reason,
      'same_error',
    );
    const other = [...three.slice(0, 2), failed(2, '2026-01-01T00:00:03.000Z', 'permission denied')];
    assert.ok('params' in chooser()({ trials: other, queued: undefined }), 'different errors: no fail-fast');
    assert.ok('params' in chooser({ failFast: false })({ trials: three, queued: undefined }));
  });

  it('a worker sweep whose trials all fail alike ends after 3 (same_error), not after max_total_trials', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 30 },
        trial: { module: trialModule, export: 'broken' },
      }),
    });
    const summary = await new Worker(location, { sweepId: store.sweepId, maxIdleMs: 20 }).run();
    const trials = await store.trials();
    assert.equal(trials.length, 3);
    assert.ok(trials.every((t) => t.status === 'failed'));
    assert.deepEqual(location.endings, ['same_error']);
    assert.deepEqual(summary.sweepsEnded, [store.sweepId]);
  });
});

describe("trial.environment: each worker builds it and runs the sweep's command trials in it", () => {
  const environment = { ref: 'azureml:probe-env:1', baseDir: '.' };
  const command = `node -e "console.log('##mlsweep ' + JSON.stringify({ loss: Number(process.env.FROM_ENV) + Number(process.env.OWN) }))"`;

  it("is recorded with its folder made absolute, and its variables reach the trials under the trial's own", async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 2 },
        trial: { command, environmentVariables: { OWN: '10', FROM_ENV: '5' }, environment },
      }),
    });
    const recorded = JSON.parse((await store.sweep()).tags['mlsweep.worker_spec']!) as {
      trial: { environment: { ref: string; baseDir: string } };
    };
    assert.deepEqual(recorded.trial.environment, { ref: 'azureml:probe-env:1', baseDir: process.cwd() });
    const asked: unknown[] = [];
    await new Worker(location, {
      sweepId: store.sweepId,
      environments: async (env) => {
        asked.push(env);
        return { environmentVariables: { FROM_ENV: '1', OWN: '99' }, launcher: { before: [], after: [] } };
      },
    }).run();
    assert.deepEqual(
      asked,
      [{ ref: 'azureml:probe-env:1', baseDir: process.cwd() }],
      'built once per worker',
    );
    const trials = await store.trials();
    assert.deepEqual(
      trials.map((t) => [t.status, t.value]),
      [
        ['completed', 15],
        ['completed', 15],
      ],
      "the trial's own variables win, as in a local sweep",
    );
  });

  it('a worker that cannot build environments refuses the sweep (with --sweep) or leaves it to others', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 2 }, trial: { command, environment } }),
    });
    await assert.rejects(new Worker(location, { sweepId: store.sweepId }).run(), /trial\.environment/);
    const notices: string[] = [];
    await new Worker(location, {
      exitWhenIdle: true,
      onEvent: (e) => {
        if (e.type === 'notice') notices.push(e.message);
      },
    }).run();
    assert.match(notices.join('\n'), /left to other workers: .*cannot build/);
    assert.equal((await store.trials()).length, 0);
  });
});

describe('where module trials run: a thread per slot, started before the first claim; or in process', () => {
  for (const inProcess of [false, true]) {
    it(
      inProcess
        ? "inProcess: in the worker's own thread"
        : "by default: on trial threads, never the worker's",
      async () => {
        const location = new FakeLocation();
        const store = await createWorkerSweep(location, {
          definition: definition({
            limits: { maxTotalTrials: 6 },
            trial: { module: trialModule, export: 'where' },
          }),
        });
        const worker = new Worker(location, { sweepId: store.sweepId, concurrency: 2, inProcess });
        await worker.prepare(); // threads started and the module imported: nothing claimed yet
        assert.equal((await store.trials()).length, 0);
        await worker.run();
        const trials = await store.trials();
        assert.equal(trials.filter((t) => t.status === 'completed').length, 6);
        const threads = new Set(trials.map((t) => t.metrics['thread']![0]!.value));
        if (inProcess) assert.deepEqual([...threads], [threadId]);
        else {
          assert.ok(!threads.has(threadId), "not in the worker's thread");
          assert.ok(threads.size <= 2, 'one thread per slot, reused');
        }
      },
    );
  }
});

describe('command trials that log with MLflow, as in a local sweep', () => {
  it('get MLFLOW_TRACKING_URI, _EXPERIMENT_ID and _RUN_ID of their own run; what they log is reported', async () => {
    const location = new FakeLocation();
    const command = `node -e "const e = process.env; console.log('##mlsweep ' + JSON.stringify({ loss: Number(e.MLFLOW_RUN_ID.slice(4)), exp: Number(e.MLFLOW_EXPERIMENT_ID), uri: e.MLFLOW_TRACKING_URI === 'http://127.0.0.1:1' ? 1 : 0 })); setTimeout(() => {}, 300)"`;
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 2 }, trial: { command } }),
    });
    let listener: ((event: TrackedEvent) => void) | undefined;
    let stopped = false;
    const tracking: TrialTracking = {
      async start(): Promise<TrackingSession> {
        return {
          uri: 'http://127.0.0.1:1',
          sharesStore: false,
          runFor(trialId) {
            // What the trial logs through the API while it runs (here, as it starts).
            setTimeout(
              () =>
                listener?.({
                  runId: `run-${trialId}`,
                  metrics: [{ key: 'logged', value: 10 + trialId, step: 0, timestamp: 0 }],
                }),
              20,
            );
            return { runId: `run-${trialId}`, experimentId: '7' };
          },
          onLogged: (l) => (listener = l),
          stop: async () => {
            stopped = true;
          },
        };
      },
    };
    await new Worker(location, { sweepId: store.sweepId, tracking }).run();
    const trials = await store.trials();
    assert.deepEqual(
      trials.map((t) => [
        t.status,
        t.value,
        t.metrics['exp']?.[0]?.value,
        t.metrics['uri']?.[0]?.value,
        t.metrics['logged']?.[0]?.value,
      ]),
      [
        ['completed', 0, 7, 1, 10],
        ['completed', 1, 7, 1, 11],
      ],
    );
    assert.ok(stopped, 'the server stops with the worker');
  });

  it('not when the trial names a tracking server of its own', async () => {
    const location = new FakeLocation();
    const command = `node -e "console.log('##mlsweep ' + JSON.stringify({ loss: process.env.MLFLOW_RUN_ID === undefined ? 0 : 1 }))"`;
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 1 },
        trial: { command, environmentVariables: { MLFLOW_TRACKING_URI: 'http://mlflow.internal:5000' } },
      }),
    });
    const notices: string[] = [];
    await new Worker(location, {
      sweepId: store.sweepId,
      tracking: { start: () => assert.fail('no server of the sweep') },
      onEvent: (e) => {
        if (e.type === 'notice') notices.push(e.message);
      },
    }).run();
    assert.equal((await store.trials())[0]!.value, 0);
    assert.match(notices.join('\n'), /MLFLOW_TRACKING_URI is set \(http:\/\/mlflow.internal:5000\)/);
  });
});

describe('workerDefinition: what a sweep for workers records', () => {
  it('fixes the seed, makes paths absolute, defaults max_concurrent_trials to max_total_trials', () => {
    const d = workerDefinition({
      searchSpace: { x: 'uniform(0, 1)' },
      sampling: 'random',
      objective: { goal: 'minimize', primaryMetric: 'loss' },
      limits: { maxTotalTrials: 50 },
      trial: { command: 'python train.py', code: 'src' },
      outputDir: 'shared/out',
    });
    assert.equal(d.sampling.type, 'random');
    assert.equal(typeof (d.sampling as { seed?: number }).seed, 'number');
    assert.equal(d.limits.maxConcurrentTrials, 50);
    assert.equal(d.heartbeatTimeoutSeconds, 30);
    assert.ok('command' in d.trial && d.trial.code!.startsWith('/'));
    assert.ok(d.outputDir!.startsWith('/'));
  });

  it('refuses a function trial and a bad heartbeat timeout, naming the field', () => {
    const base = {
      searchSpace: { x: 'uniform(0, 1)' },
      objective: { goal: 'minimize', primaryMetric: 'loss' },
    } as const;
    assert.throws(
      () => workerDefinition({ ...base, trial: (() => 1) as never }),
      /command \} or a \{ module \} trial/,
    );
    assert.throws(
      () => workerDefinition({ ...base, trial: { module: trialModule }, heartbeatTimeoutSeconds: 0 }),
      /heartbeat_timeout_seconds must be a number of seconds > 0/,
    );
  });
});

describe('chooseTrial: the decision inside the claim lock', () => {
  it('suggests while under max_total_trials, then waits for running trials, then ends the sweep', () => {
    const choose = chooser({ limits: { maxTotalTrials: 3 } });
    const two = [stored(0, 'completed'), stored(1, 'completed')];
    assert.ok('x' in choose({ trials: two, queued: undefined }).params);
    const full = noClaim(() => choose({ trials: [...two, stored(2, 'running')], queued: undefined }));
    assert.deepEqual([full.outcome, full.reason], ['wait', 'max_total_trials']);
    const done = noClaim(() => choose({ trials: [...two, stored(2, 'failed')], queued: undefined }));
    assert.deepEqual([done.outcome, done.reason], ['end', 'max_total_trials']);
  });

  it('retries (retryOf) do not count, and a queued retry is taken even at the limit', () => {
    const choose = chooser({ limits: { maxTotalTrials: 2 } });
    const trials = [stored(0, 'completed'), stored(1, 'failed'), stored(2, 'completed', { retryOf: 1 })];
    assert.equal(countedTrials(trials), 2);
    const ended = noClaim(() => choose({ trials, queued: undefined }));
    assert.equal(ended.outcome, 'end');
    const retry = choose({ trials: trials.slice(0, 2), queued: { x: 1 } });
    assert.deepEqual(retry, { params: { x: 1 }, takeQueued: true });
  });

  it('holds max_concurrent_trials across workers: the running trials of the store are counted', () => {
    const choose = chooser({ limits: { maxTotalTrials: 10, maxConcurrentTrials: 2 } });
    const busy = noClaim(() =>
      choose({ trials: [stored(0, 'running'), stored(1, 'running')], queued: { x: 1 } }),
    );
    assert.deepEqual([busy.outcome, busy.reason], ['wait', 'busy']);
  });

  it('ends an exhausted grid, and a timed-out sweep once nothing runs', () => {
    const grid = chooser({
      searchSpace: { x: { type: 'choice', values: [1, 2] } },
      sampling: 'grid',
      limits: { maxTotalTrials: 10 },
    });
    const trials = [
      stored(0, 'completed', { params: { x: 1 } }),
      stored(1, 'completed', { params: { x: 2 } }),
    ];
    assert.equal(noClaim(() => grid({ trials, queued: undefined })).reason, 'exhausted');
    const late = chooser({ limits: { maxTotalTrials: 10, timeout: 60 } }, true);
    assert.deepEqual(
      [
        noClaim(() => late({ trials: [stored(0, 'running')], queued: undefined })).outcome,
        noClaim(() => late({ trials: [], queued: undefined })).reason,
      ],
      ['wait', 'timeout'],
    );
  });
});

/** Waits for a condition by polling, with a generous deadline (no test depends on timing luck). */
async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Worker on a shared location (in-process fake)', () => {
  it('4 workers run exactly max_total_trials, each trial once, within max_concurrent_trials', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 40, maxConcurrentTrials: 3 } }),
    });
    const sweep = location.sweepOf(store.sweepId);
    let most = 0;
    const claim = sweep.claimTrial.bind(sweep);
    sweep.claimTrial = async (choose, at) => {
      const claimed = await claim(choose, at);
      most = Math.max(most, [...sweep.trialsById.values()].filter((t) => t.status === 'running').length);
      return claimed;
    };
    const workers = Array.from(
      { length: 4 },
      () => new Worker(location, { sweepId: store.sweepId, concurrency: 2, maxIdleMs: 20 }),
    );
    const summaries = await Promise.all(workers.map((w) => w.run()));
    const trials = await store.trials();
    assert.equal(trials.length, 40);
    assert.ok(trials.every((t) => t.status === 'completed'));
    assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 40);
    assert.ok(most <= 3, `at most 3 running at once, saw ${most}`);
    assert.deepEqual(location.endings, ['max_total_trials']);
    assert.equal(
      summaries.reduce((n, s) => n + (s.counts['completed'] ?? 0), 0),
      40,
    );
    assert.ok(summaries.every((s) => s.reason === 'sweep_ended'));
    assert.ok([...location.register.values()].every((w) => w.state === 'stopped'));
  });

  it("reaps a silent worker's trial after the sweep's heartbeat timeout, runs it again once, and completes", async () => {
    let now = Date.parse('2026-12-03T12:00:00Z');
    const location = new FakeLocation(() => now);
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 5 }, heartbeatTimeoutSeconds: 30 }),
    });
    const sweep = location.sweepOf(store.sweepId);
    // A worker that beat once, claimed a trial, and died.
    await location.beat({
      workerId: 'ghost',
      host: 'h',
      pid: 1,
      startedAt: new Date(now).toISOString(),
      at: new Date(now).toISOString(),
      state: 'running',
      running: [],
      concurrency: 1,
    });
    const { id } = await store.claimTrial(() => ({ params: { x: 3 } }), new Date(now).toISOString());
    await sweep.leaseTrial(id, 'ghost');
    now += 31_000; // the ghost has been silent past the timeout
    const worker = new Worker(location, {
      sweepId: store.sweepId,
      heartbeatSeconds: 0.02,
      now: () => now,
      maxIdleMs: 20,
    });
    const summary = await worker.run();
    const trials = await store.trials();
    assert.equal(trials.find((t) => t.id === id)?.status, 'failed');
    const retry = trials.find((t) => t.retryOf === id);
    assert.equal(retry?.status, 'completed');
    assert.deepEqual(retry?.params, { x: 3 });
    assert.equal(trials.filter((t) => t.status === 'completed').length, 5);
    assert.equal(countedTrials(trials), 5);
    assert.equal(summary.reaped, 1);
  });

  it('stop() hands the running trials back; another worker runs them and the sweep completes', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 3 },
        trial: { module: trialModule, export: 'hold' },
      }),
    });
    const holder = new Worker(location, { sweepId: store.sweepId, concurrency: 3, maxIdleMs: 20 });
    const running = holder.run();
    await until(
      'three trials running',
      async () => (await store.trials()).filter((t) => t.status === 'running').length === 3,
    );
    await until('their first points', async () =>
      (await store.trials()).every((t) => (t.metrics['loss']?.length ?? 0) === 1),
    );
    holder.stop('SIGTERM');
    const summary = await running;
    assert.equal(summary.counts['handed_back'], 3);
    const trials = await store.trials();
    assert.ok(trials.every((t) => t.status === 'cancelled'));
    assert.equal(location.sweepOf(store.sweepId).queue.length, 3);
    // The same sweep finished by workers whose trial completes (the recorded trial swapped
    // for the zero-cost one): the handed-back sets run again as retries, counted once.
    location.sweepOf(store.sweepId).record = {
      ...location.sweepOf(store.sweepId).record,
      tags: {
        ...location.sweepOf(store.sweepId).record.tags,
        'mlsweep.worker_spec': JSON.stringify(definition({ limits: { maxTotalTrials: 3 } })),
      },
    };
    await new Worker(location, { sweepId: store.sweepId, concurrency: 3, maxIdleMs: 20 }).run();
    const after = await store.trials();
    assert.equal(after.length, 6);
    assert.equal(after.filter((t) => t.status === 'completed').length, 3);
    assert.deepEqual(
      after
        .filter((t) => t.status === 'completed')
        .map((t) => t.retryOf)
        .sort(),
      [0, 1, 2],
    );
  });

  it('a stop that comes while a claimed trial is being leased hands it back too (the runner never starts it)', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 3 },
        trial: { module: trialModule, export: 'hold' },
      }),
    });
    let worker: Worker | undefined;
    worker = new Worker(location, {
      sweepId: store.sweepId,
      onEvent: (event) => {
        if (event.type === 'claimed') worker!.stop('SIGTERM');
      },
    });
    const summary = await worker.run();
    assert.equal(summary.counts['handed_back'], 1);
    assert.deepEqual(
      (await store.trials()).map((t) => t.status),
      ['cancelled'],
    );
  });

  it('rides out a store outage: writes are retried, nothing is lost or run twice', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 30 } }),
    });
    const workers = Array.from(
      { length: 2 },
      () => new Worker(location, { sweepId: store.sweepId, maxIdleMs: 20, heartbeatSeconds: 0.05 }),
    );
    const runs = workers.map((w) => w.run());
    // a worker's first beat fails at once when the store is down (by design): both must
    // be registered before the outage, or a slow start turns into a failed run
    await until('both workers registered', () => location.register.size === 2);
    await until('ten trials', () => location.claims >= 10);
    location.down = true;
    location.sweepOf(store.sweepId).down = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    location.down = false;
    location.sweepOf(store.sweepId).down = false;
    await Promise.all(runs);
    const trials = await store.trials();
    assert.equal(trials.length, 30);
    assert.ok(
      trials.every((t) => t.status === 'completed'),
      JSON.stringify(trials.filter((t) => t.status !== 'completed')),
    );
    assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 30);
  });

  it('an error that is not a lost store stops the worker with that error instead of retrying forever', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 3 } }),
    });
    location.sweepOf(store.sweepId).claimTrial = () =>
      Promise.reject(new DataError('the store has sweep schema version 9, newer than this mlsweep'));
    const worker = new Worker(location, { sweepId: store.sweepId });
    await assert.rejects(worker.run(), /schema version 9/);
    assert.equal([...location.register.values()][0]?.state, 'stopped');
  });

  it('ends a sweep whose timeout has passed without claiming', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 30, timeout: 60 } }),
    });
    const started = Date.parse((await store.sweep()).startedAt);
    await new Worker(location, { sweepId: store.sweepId, now: () => started + 61_000 }).run();
    assert.equal((await store.trials()).length, 0);
    assert.deepEqual(location.endings, ['timeout']);
  });

  it("cancels its running trials at the sweep's timeout and ends the sweep", async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        // Room for the worker to start its trial threads (before its first claim) on a busy machine.
        limits: { maxTotalTrials: 30, timeout: 2 },
        trial: { module: trialModule, export: 'hold' },
      }),
    });
    const summary = await new Worker(location, {
      sweepId: store.sweepId,
      concurrency: 2,
      maxIdleMs: 20,
    }).run();
    const trials = await store.trials();
    assert.equal(trials.length, 2);
    assert.ok(
      trials.every((t) => t.status === 'cancelled' && /timeout of 2 s/.test(t.error ?? '')),
      JSON.stringify(trials),
    );
    assert.deepEqual(location.endings, ['timeout']);
    assert.deepEqual(summary.sweepsEnded, [store.sweepId]);
  });

  it('ends an exhausted grid sweep, and without --sweep works on every open sweep then exits when idle', async () => {
    const location = new FakeLocation();
    const grid = await createWorkerSweep(location, {
      definition: definition({
        searchSpace: { x: { type: 'choice', values: [1, 2, 3] } },
        sampling: 'grid',
        limits: { maxTotalTrials: 10 },
      }),
    });
    const random = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 4 } }),
    });
    const summary = await new Worker(location, { exitWhenIdle: true, concurrency: 2, maxIdleMs: 20 }).run();
    assert.equal(summary.reason, 'idle');
    assert.equal((await grid.trials()).length, 3);
    assert.equal((await random.trials()).length, 4);
    assert.deepEqual(location.endings.sort(), ['exhausted', 'max_total_trials']);
  });

  it('working on every open sweep, leaves one it cannot run to others (a notice), and runs the rest', async () => {
    const location = new FakeLocation();
    const bad = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 2 } }),
    });
    const fake = location.sweepOf(bad.sweepId);
    fake.record = { ...fake.record, tags: { ...fake.record.tags, 'mlsweep.worker_spec': '{not json' } };
    const good = await createWorkerSweep(location, {
      definition: definition({ limits: { maxTotalTrials: 3 } }),
    });
    const notices: string[] = [];
    const summary = await new Worker(location, {
      exitWhenIdle: true,
      maxIdleMs: 20,
      onEvent: (e) => e.type === 'notice' && notices.push(e.message),
    }).run();
    assert.equal(summary.reason, 'idle');
    assert.equal((await good.trials()).length, 3);
    assert.equal((await bad.trials()).length, 0);
    assert.ok(
      notices.some((n) => n.includes(bad.sweepId) && n.includes('not open to workers')),
      notices.join('\n'),
    );
  });

  it('a worker that fails hands its running trials back before it ends', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        limits: { maxTotalTrials: 5 },
        trial: { module: trialModule, export: 'hold' },
      }),
    });
    const fake = location.sweepOf(store.sweepId);
    const claim = fake.claimTrial.bind(fake);
    let claims = 0;
    fake.claimTrial = (choose, at) =>
      ++claims === 1 ? claim(choose, at) : Promise.reject(new DataError('the store refused the claim'));
    await assert.rejects(
      new Worker(location, { sweepId: store.sweepId, concurrency: 2 }).run(),
      /refused the claim/,
    );
    assert.deepEqual(
      (await store.trials()).map((t) => t.status),
      ['cancelled'],
    );
    assert.equal(fake.queue.length, 1);
  });

  it('judges early termination on the stored points of every trial', async () => {
    const location = new FakeLocation();
    const store = await createWorkerSweep(location, {
      definition: definition({
        searchSpace: { x: { type: 'choice', values: [0, 10, 20, 30] } },
        sampling: 'grid',
        limits: { maxTotalTrials: 4, maxConcurrentTrials: 1 },
        policy: { type: 'bandit', slackAmount: 1, evaluationInterval: 1, delayEvaluation: 0 },
        trial: { module: trialModule, export: 'curve' },
      }),
    });
    await new Worker(location, { sweepId: store.sweepId, maxIdleMs: 20 }).run();
    const trials = await store.trials();
    assert.equal(trials.length, 4);
    // Grid order is 0, 10, 20, 30 (minimised): the first completes, the others are far worse and stopped.
    assert.equal(trials[0]!.status, 'completed');
    assert.ok(
      trials.slice(1).every((t) => t.status === 'early_terminated'),
      JSON.stringify(trials.map((t) => t.status)),
    );
  });
});
