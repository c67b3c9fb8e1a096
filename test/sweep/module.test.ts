import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { sweep } from '../../src/sweep/index.ts';
import { listSampler } from './helpers.ts';

const module = new URL('./trial-modules/quadratic.ts', import.meta.url);
const minimizeLoss = { goal: 'minimize', primaryMetric: 'loss' } as const;

describe('module trials in worker threads', () => {
  it('runs the default export in worker threads, relaying reports', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 2 },
      trial: { module },
    });
    assert.equal(result.counts.completed, 4);
    assert.equal(result.best?.params['x'], 2);
    assert.deepEqual(
      result.best?.metrics['loss']?.map((p) => p.value),
      [1, 0.5, 1 / 3],
    );
    const threads = new Set(result.trials.map((t) => t.metrics['thread']![0]!.value));
    assert.ok(!threads.has(threadId), 'not run in the main thread');
    assert.ok(threads.size <= 2, 'workers are reused');
  });

  it('a named export that throws fails the trial with its error', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }]),
      objective: minimizeLoss,
      trial: { module, export: 'broken' },
    });
    assert.equal(result.trials[0]!.status, 'failed');
    assert.equal(result.trials[0]!.error, 'RangeError: learning rate out of range');
  });

  it('a report of a non-number fails the trial, not the sweep', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }]),
      objective: minimizeLoss,
      trial: { module, export: 'badReport' },
    });
    assert.equal(result.trials[0]!.error, `report: the value of 'loss' must be a number, got "low"`);
  });

  it('a missing export fails with a message naming it', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }]),
      objective: minimizeLoss,
      trial: { module, export: 'nope' },
    });
    assert.match(result.trials[0]!.error!, /has no function export 'nope'/);
  });

  it('a CPU-bound trial past trial_timeout is stopped by terminating its worker', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: -1 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1, trialTimeout: 0.5 },
      terminationGrace: 0.1,
      trial: { module },
    });
    assert.equal(result.trials[0]!.status, 'timed_out');
    assert.match(result.trials[0]!.error!, /trial_timeout of 0.5 s reached/);
  });
});
