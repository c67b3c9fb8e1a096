import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Sampler } from '../../src/samplers/types.ts';
import type { SearchSpace } from '../../src/space/types.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { SqliteSweepStore } from '../../src/store/sqlite-sweep-store.ts';
import { sweep } from '../../src/sweep/index.ts';
import { trackSweep } from '../../src/sweep/track-sweep.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const objective = { goal: 'maximize', primaryMetric: 'score' } as const;

/** Suggestion n is x = n: positional, like the library's samplers, so a resume continues it. */
const positional: Sampler = {
  name: 'positional',
  space: {} as SearchSpace,
  suggest: (h) => ({ params: { x: h.trials.length + h.pending.length, kind: 'a' } }),
};

function trial(params: Record<string, unknown>, ctx: { report(name: string, value: number): void }) {
  const x = Number(params['x']);
  for (let i = 0; i < 3; i++) ctx.report('score', x + i / 10);
  if (x % 7 === 6) throw new Error(`x=${x} is unlucky`);
  return { loss: 10 - x };
}

describe('SqliteSweepStore: the engine writes through it', () => {
  it('records the same trials, params, metric points and statuses as the memory store', async () => {
    const dir = tempDir('sweep');
    const store = new SqliteStore({ dir });
    const sqlite = SqliteSweepStore.create(store, { experiment: 'sweeps', name: 'positional' });
    const memory = new MemoryStore();
    const options = {
      sampler: positional,
      objective,
      limits: { maxTotalTrials: 10, maxConcurrentTrials: 3 },
      trial,
    };
    await sweep({ ...options, store: sqlite, failFast: false });
    await sweep({ ...options, store: memory, failFast: false });
    const strip = (t: {
      id: number;
      params: unknown;
      status: string;
      value?: number;
      error?: string;
      metrics: unknown;
    }) => ({
      id: t.id,
      params: t.params,
      status: t.status,
      value: t.value,
      error: t.error,
      metrics: t.metrics,
    });
    assert.deepEqual(sqlite.trials().map(strip), memory.trials().map(strip));

    const parent = store.run(sqlite.sweepRunId);
    assert.equal(parent.status, 'FINISHED');
    assert.equal(parent.tags['mlsweep.stop_reason'], 'max_total_trials');
    const children = store.childRuns(parent.id);
    assert.equal(children.length, 10);
    const failed = children.find((c) => c.name === 'trial-6')!;
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.tags['mlsweep.error'], 'x=6 is unlucky');
    assert.deepEqual(failed.params, { kind: 'a', x: '6' });
    assert.deepEqual(
      store
        .searchRuns({ filter: `parent_run_id = '${parent.id}' and metrics.score > 8.5` })
        .map((r) => r.name),
      ['trial-9'],
    );
    store.close();
  });

  it('refuses to open a run that is not a sweep, or an unknown id', () => {
    const store = new SqliteStore({ dir: tempDir('notsweep') });
    const run = store.createRun();
    assert.throws(() => SqliteSweepStore.open(store, run.id), /is not a sweep/);
    assert.throws(() => SqliteSweepStore.open(store, 'abcdef0123'), /unknown run 'abcdef0123'/);
    store.close();
  });
});

describe('resume', () => {
  it('keeps ended trials, retries interrupted ones once, continues the numbering to the limit', async () => {
    const dir = join(tempDir('resume'), 'mlruns');
    // A first process: 5 trials ended, 2 still running when it "died", 1 cancelled by a stop.
    const first = await trackSweep({ objective, dir, experiment: 'crash' });
    const s = first.store;
    for (let id = 0; id < 8; id++) {
      await s.startTrial(id, { x: id, kind: 'a' }, new Date().toISOString());
      await s.addMetric(id, 'score', { step: 0, value: id });
      if (id < 5) await s.endTrial(id, { status: 'completed', value: id, endedAt: new Date().toISOString() });
    }
    await s.endTrial(7, {
      status: 'cancelled',
      error: 'cancelled: interrupted by Ctrl-C',
      endedAt: new Date().toISOString(),
    });
    const sweepId = s.sweepId;
    await first.close();

    const second = await trackSweep({ objective, dir, resume: sweepId.slice(0, 10) });
    assert.equal(second.store.sweepId, sweepId);
    assert.deepEqual(second.resume?.retry, [
      { x: 5, kind: 'a' },
      { x: 6, kind: 'a' },
      { x: 7, kind: 'a' },
    ]);
    assert.equal(second.resume?.counted, 5);
    assert.deepEqual(
      second.resume?.replaced?.map((t) => t.id),
      [5, 6, 7],
    );
    assert.equal(second.resume?.nextId, 8);
    const result = await sweep({
      sampler: positional,
      objective,
      limits: { maxTotalTrials: 12, maxConcurrentTrials: 2 },
      trial: (p, ctx) => {
        for (let i = 0; i < 3; i++) ctx.report('score', Number(p['x']) + i / 10);
      },
      ...second,
    });
    const trials = await second.store.trials();
    const ids = trials.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert.equal(trials.filter((t) => t.status === 'completed').length, 12);
    assert.equal(result.counts.completed, 12);
    // The replaced trials stay in the result, beside their retries.
    assert.deepEqual(
      result.trials.map((t) => t.id),
      ids,
    );
    assert.equal(result.counts.total, 15);
    assert.deepEqual(
      trials.filter((t) => t.retryOf !== undefined).map((t) => [t.id, t.retryOf, t.params['x']]),
      [
        [8, 5, 5],
        [9, 6, 6],
        [10, 7, 7],
      ],
    );
    assert.match(trials[5]!.error!, /interrupted: the sweep process ended/);
    assert.equal(trials[5]!.status, 'failed');
    // The retries took the places of the 3 trials they replace: the sampler continued its
    // sequence at 8, with no gap (a grid resumed this way covers every point).
    assert.deepEqual(
      trials.slice(11).map((t) => t.params['x']),
      [8, 9, 10, 11],
    );
    assert.deepEqual(trials[0]!.metrics, { score: [{ step: 0, value: 0 }] });
    assert.equal((await second.store.sweep()).stopReason, 'max_total_trials');
    await second.close();
    const db = new SqliteStore({ dir, create: false });
    assert.equal(db.run(sweepId).status, 'FINISHED');
    db.close();
  });

  it('does not retry a retry, nor a trial already retried', async () => {
    const dir = tempDir('resume2');
    const first = await trackSweep({ objective, dir });
    await first.store.startTrial(0, { x: 0 }, new Date().toISOString());
    await first.close();
    const second = await trackSweep({ objective, dir, resume: first.store.sweepId });
    // The retry of trial 0 starts as trial 1, then this process dies too.
    await second.store.startTrial(1, second.resume!.retry[0]!, new Date().toISOString());
    await second.close();
    const third = await trackSweep({ objective, dir, resume: first.store.sweepId });
    assert.deepEqual(third.resume?.retry, []);
    assert.equal(third.resume?.counted, 1);
    assert.deepEqual(
      (await third.store.trials()).map((t) => [t.id, t.status, t.retryOf]),
      [
        [0, 'failed', undefined],
        [1, 'failed', 0],
      ],
    );
    await third.close();
  });

  it('refuses a different primary metric, and a store that does not exist', async () => {
    const dir = tempDir('resume3');
    const first = await trackSweep({ objective, dir });
    await first.close();
    await assert.rejects(
      trackSweep({
        objective: { goal: 'minimize', primaryMetric: 'loss' },
        dir,
        resume: first.store.sweepId,
      }),
      /optimised 'score', not 'loss'/,
    );
    await assert.rejects(
      trackSweep({ objective, dir: join(dir, 'none'), resume: 'abcd' }),
      /no mlsweep store/,
    );
  });
});
