import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  goalWarning,
  progressLine,
  type SweepResult,
  summary,
  type TrialResult,
  trialLine,
} from '../../src/sweep/index.ts';

function trial(id: number, status: TrialResult['status'], value?: number, error?: string): TrialResult {
  return {
    id,
    params: { lr: 0.001234567, model: 'rf' },
    status,
    ...(value !== undefined ? { value } : {}),
    intermediate: [],
    metrics: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.500Z',
    durationMs: 1500,
    ...(error ? { error } : {}),
  };
}

function result(trials: TrialResult[]): SweepResult {
  const count = (s: TrialResult['status']) => trials.filter((t) => t.status === s).length;
  return {
    objective: { goal: 'minimize', primaryMetric: 'rmse' },
    sampler: 'random',
    stopReason: 'max_total_trials',
    message: 'max_total_trials (3) reached',
    trials,
    best: undefined,
    counts: {
      completed: count('completed'),
      failed: count('failed'),
      early_terminated: count('early_terminated'),
      timed_out: count('timed_out'),
      cancelled: count('cancelled'),
      total: trials.length,
    },
    startedAt: '',
    endedAt: '',
    durationMs: 4200,
  };
}

describe('sweep output', () => {
  it('progress line: done, running, best, elapsed and ETA', () => {
    assert.equal(
      progressLine({
        done: 10,
        running: 2,
        total: 40,
        best: trial(7, 'completed', 0.93123),
        elapsedMs: 12_000,
      }),
      '10/40 done, 2 running, best 0.9312 (trial 7), 0:12 elapsed, ETA 0:36',
    );
    assert.equal(
      progressLine({ done: 0, running: 1, total: 5, best: undefined, elapsedMs: 3_723_000 }),
      '0/5 done, 1 running, 1:02:03 elapsed',
    );
  });

  it('trial line names status, value, time, params and error', () => {
    assert.equal(
      trialLine(trial(3, 'failed', undefined, 'boom'), 'rmse'),
      'trial 3 failed: in 1.5 s {"lr":0.001234567,"model":"rf"} (boom)',
    );
    assert.equal(
      trialLine(trial(4, 'completed', 2), 'rmse'),
      'trial 4 completed: rmse=2 in 1.5 s {"lr":0.001234567,"model":"rf"}',
    );
  });

  it('summary ranks completed trials by the goal', () => {
    const text = summary(
      result([trial(0, 'completed', 3), trial(1, 'early_terminated', 0.1), trial(2, 'completed', 1.5)]),
    );
    assert.equal(
      text,
      [
        'sweep ended: max_total_trials (3) reached',
        '3 trials (2 completed, 1 early_terminated) in 4.2 s',
        '',
        'best 2 by rmse (minimize):',
        'trial  rmse  time   lr        model',
        '2      1.5   1.5 s  0.001235  rf',
        '0      3     1.5 s  0.001235  rf',
      ].join('\n'),
    );
    assert.match(
      summary(result([trial(0, 'failed', undefined, 'boom')])),
      /no trial completed; trial 0 failed with: boom/,
    );
  });

  it('warns when the goal contradicts a known metric', () => {
    assert.equal(
      goalWarning({ goal: 'minimize', primaryMetric: 'accuracy' }),
      'objective.goal is minimize, but accuracy is better when larger (maximize)',
    );
    assert.equal(goalWarning({ goal: 'minimize', primaryMetric: 'log_loss' }), undefined);
    assert.equal(goalWarning({ goal: 'minimize', primaryMetric: 'my_custom_loss' }), undefined);
  });
});
