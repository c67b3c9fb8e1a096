// A trial whose primary metric is NaN or infinite must not win the sweep, nor reach the
// early termination policy as a value; it fails with the reason. --json writes non-finite
// numbers as "NaN", "Infinity", "-Infinity", never as null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJson } from '../../src/cli/output.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { summary } from '../../src/sweep/format.ts';
import { sweep } from '../../src/sweep/index.ts';
import { listSampler } from '../sweep/helpers.ts';
import { startCli, tempDir, writeCommandSweep } from './helpers.ts';

const dir = tempDir('non-finite');

const maximizeScore = { goal: 'maximize', primaryMetric: 'score' } as const;

describe('a non-finite primary metric (library)', () => {
  it('fails the trial with the reason; it is never the best nor ranked; other metrics keep their NaN', async () => {
    const store = new MemoryStore();
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: Infinity }, { x: 3 }, { x: Number.NaN }, { x: 2 }]),
      objective: maximizeScore,
      limits: { maxConcurrentTrials: 1 },
      failFast: false,
      store,
      trial: (p) => ({ score: Number(p['x']), loss: p['x'] === 1 ? Number.NaN : 0 }),
    });
    assert.deepEqual(
      result.trials.map((t) => [t.status, t.error]),
      [
        ['completed', undefined],
        ['failed', "the primary metric 'score' is Infinity"],
        ['completed', undefined],
        ['failed', "the primary metric 'score' is NaN"],
        ['completed', undefined],
      ],
    );
    assert.equal(result.best?.id, 2);
    assert.equal(result.counts.completed, 3);
    assert.equal(result.counts.failed, 2);
    // The value stays what was reported, for the record; the status keeps it out of every ranking.
    assert.equal(result.trials[1]!.value, Infinity);
    assert.deepEqual(result.trials[0]!.metrics['loss'], [{ step: 0, value: Number.NaN }]);
    assert.equal(store.trial(1)?.status, 'failed');
    assert.equal(store.trial(1)?.error, "the primary metric 'score' is Infinity");
    const text = summary(result);
    assert.match(
      text,
      /best 3 by score \(maximize\):\ntrial\s+score\s+time\s+x\n2\s+3\s.*\n4\s+2\s.*\n0\s+1\s/,
    );
    assert.doesNotMatch(text, /Infinity|NaN/);
  });

  it('-Infinity does not win a minimization, returned as a bare number', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 5 }, { x: -Infinity }, { x: 4 }]),
      objective: { goal: 'minimize', primaryMetric: 'loss' },
      trial: (p) => Number(p['x']),
    });
    assert.equal(result.best?.id, 2);
    assert.equal(result.trials[1]!.status, 'failed');
    assert.equal(result.trials[1]!.error, "the primary metric 'loss' is -Infinity");
  });

  it('an intermediate report stops the trial at once, and the policy never sees the value', async () => {
    let stoppedAtOnce = false;
    const result = await sweep({
      sampler: listSampler([{ x: 0 }, { x: 1 }]),
      objective: maximizeScore,
      limits: { maxConcurrentTrials: 1 },
      // Had Infinity reached the bandit policy as a value, it would be the best of all
      // trials, and every finite trial after it would fall outside the slack and stop.
      earlyTermination: { type: 'bandit', slackFactor: 0.1 },
      trial: async (p, ctx) => {
        if (p['x'] === 0) {
          ctx.report('score', 0.5);
          ctx.report('score', Infinity);
          stoppedAtOnce = ctx.signal.aborted;
          return { score: 2 }; // too late: the trial has failed
        }
        for (let step = 0; step < 3; step++) ctx.report('score', 1);
        return undefined;
      },
    });
    assert.equal(stoppedAtOnce, true);
    assert.equal(result.trials[0]!.status, 'failed');
    assert.equal(result.trials[0]!.error, "the primary metric 'score' is Infinity");
    assert.deepEqual(result.trials[0]!.metrics['score'], [
      { step: 0, value: 0.5 },
      { step: 1, value: Infinity },
    ]);
    assert.equal(result.trials[1]!.status, 'completed');
    assert.equal(result.best?.id, 1);
  });
});

describe('JSON output of non-finite numbers', () => {
  it('toJson writes "NaN", "Infinity", "-Infinity" and leaves finite numbers alone', () => {
    assert.deepEqual(JSON.parse(toJson({ a: Number.NaN, b: [Infinity, -Infinity, 1.5], c: null, d: 0 })), {
      a: 'NaN',
      b: ['Infinity', '-Infinity', 1.5],
      c: null,
      d: 0,
    });
  });

  it('mlsweep sweep --json: the failed trials show their values as strings, the best is finite', async () => {
    const file = writeCommandSweep(
      dir,
      `const x = process.argv[2];
console.log('##mlsweep {"score": ' + x + ', "loss": NaN}');`,
      ['1', 'Infinity', '3', 'NaN', '-Infinity'],
      { limits: { max_concurrent_trials: 1 } },
    );
    const { code, stdout, stderr } = await startCli(['sweep', file, '--json', '--no-track']).done;
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.deepEqual(
      result.trials.map((t: { status: string; value: unknown }) => [t.status, t.value]),
      [
        ['completed', 1],
        ['failed', 'Infinity'],
        ['completed', 3],
        ['failed', 'NaN'],
        ['failed', '-Infinity'],
      ],
    );
    assert.equal(result.trials[1].error, "the primary metric 'score' is Infinity");
    assert.deepEqual(result.trials[0].metrics.loss, [{ step: 0, value: 'NaN' }]);
    assert.equal(result.best.id, 2);
    assert.equal(result.best.value, 3);
  });
});
