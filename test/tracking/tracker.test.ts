import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { Tracker } from '../../src/tracking/tracker.ts';
import { storeOptions } from './helpers/store.ts';

function pointCount(tracker: Tracker, runId: string): number {
  return tracker.store.db
    .prepare('SELECT count(*) FROM metrics WHERE run_id = ?')
    .pluck()
    .get(runId) as number;
}

describe('Tracker and run handles', () => {
  it('batches metric points: written per batchSize, on flush, and on end', () => {
    const tracker = new Tracker({ ...storeOptions('batch'), batchSize: 100, flushIntervalMs: 60_000 });
    const run = tracker.startRun({ experiment: 'batch' });
    for (let i = 0; i < 250; i++) run.logMetric('loss', 1 / (i + 1));
    assert.equal(pointCount(tracker, run.id), 200);
    run.flush();
    assert.equal(pointCount(tracker, run.id), 250);
    run.logMetrics({ accuracy: 0.9, f1_score_macro: 0.8 }, 7, 1234);
    run.end();
    assert.equal(pointCount(tracker, run.id), 252);
    const info = tracker.getRun(run.id);
    assert.equal(info.status, 'FINISHED');
    assert.deepEqual(
      tracker.getMetricHistory(run.id, 'accuracy').map((p) => [p.step, p.value, p.timestamp]),
      [[7, 0.9, 1234]],
    );
    assert.deepEqual(
      tracker
        .getMetricHistory(run.id, 'loss')
        .slice(0, 3)
        .map((p) => p.step),
      [0, 1, 2],
    );
    tracker.close();
  });

  it('writes waiting points after flushIntervalMs', async () => {
    const tracker = new Tracker({ ...storeOptions('interval'), batchSize: 1000, flushIntervalMs: 20 });
    const run = tracker.startRun();
    run.logMetric('loss', 0.5);
    assert.equal(pointCount(tracker, run.id), 0);
    for (let i = 0; i < 100 && pointCount(tracker, run.id) === 0; i++) await sleep(10);
    assert.equal(pointCount(tracker, run.id), 1);
    tracker.close();
  });

  it('searchRuns and info() see points still waiting in the batch', () => {
    const tracker = new Tracker({ ...storeOptions('search-flush'), flushIntervalMs: 60_000 });
    const run = tracker.startRun({ experiment: 'e' });
    run.logMetric('accuracy', 0.99);
    assert.equal(tracker.searchRuns({ filter: 'metrics.accuracy > 0.9' }).length, 1);
    assert.equal(run.info().metrics['accuracy'], 0.99);
    tracker.close();
  });

  it('writes the waiting points of an open run when the process exits', () => {
    const options = storeOptions('exit');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'exit-without-end.ts'), options.dir],
      { encoding: 'utf8', env: { ...process.env, MLSWEEP_ARTIFACTS: options.artifactsDir ?? '' } },
    );
    assert.equal(child.status, 0, child.stderr);
    const store = new SqliteStore({ ...options, create: false });
    assert.equal(store.metricHistory(child.stdout, 'loss').length, 250);
    assert.equal(store.run(child.stdout).status, 'RUNNING');
    store.close();
  });

  it('resumeRun continues a run and its step counters from the store', () => {
    const options = storeOptions('resume-run');
    const first = new Tracker(options);
    const run = first.startRun({ experiment: 'e' });
    run.logMetric('loss', 3);
    run.logMetric('loss', 2);
    run.end('KILLED');
    first.close();
    const second = new Tracker(options);
    const again = second.resumeRun(run.id);
    assert.equal(second.getRun(run.id).status, 'RUNNING');
    again.logMetric('loss', 1);
    again.end();
    assert.deepEqual(
      second.getMetricHistory(run.id, 'loss').map((p) => [p.step, p.value]),
      [
        [0, 3],
        [1, 2],
        [2, 1],
      ],
    );
    second.close();
  });

  it('rejects bad metric input at the call, not at the flush', () => {
    const tracker = new Tracker(storeOptions('bad-metric'));
    const run = tracker.startRun();
    assert.throws(() => run.logMetric('', 1), /metric key must be a non-empty string/);
    assert.throws(() => run.logMetric('loss', '1' as unknown as number), /must be a number/);
    assert.throws(() => run.logMetric('loss', 1, 1.5), /step must be an integer/);
    tracker.close();
  });
});
