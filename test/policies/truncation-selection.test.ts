import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Goal } from '../../src/core/goal.ts';
import type { ReportedHistory } from '../../src/policies/index.ts';
import { truncationSelectionPolicy } from '../../src/policies/index.ts';

const h = (id: number, values: number[], finished = false): ReportedHistory => ({ id, values, finished });

describe('truncationSelectionPolicy', () => {
  const policy = truncationSelectionPolicy({ type: 'truncation_selection', truncationPercentage: 20 });
  const stops = (goal: Goal, trialId: number, histories: ReportedHistory[], p = policy) =>
    p({ goal, trialId, histories }).terminate;

  it('maximize: the lowest 20% of 5 trials (1 trial) at the interval stops', () => {
    const others = [h(1, [0.5]), h(2, [0.6]), h(3, [0.7]), h(4, [0.8])];
    assert.equal(stops('maximize', 5, [...others, h(5, [0.4])]), true);
    assert.equal(stops('maximize', 5, [...others, h(5, [0.55])]), false);
    assert.equal(stops('maximize', 1, [...others, h(5, [0.55])]), true);
  });

  it('minimize: the highest values stop', () => {
    const others = [h(1, [5]), h(2, [6]), h(3, [7]), h(4, [8])];
    assert.equal(stops('minimize', 5, [...others, h(5, [9])]), true);
    assert.equal(stops('minimize', 5, [...others, h(5, [7.5])]), false);
  });

  it('compares values at the same interval: a young trial is not judged against later values', () => {
    // at interval 1 the values are 0.1, 0.2, 0.3, 0.4, 0.35: trial 5 (0.35) is not the lowest,
    // though the others' latest values are all higher
    const histories = [h(1, [0.1, 0.9]), h(2, [0.2, 0.9]), h(3, [0.3, 0.9]), h(4, [0.4, 0.9]), h(5, [0.35])];
    assert.equal(stops('maximize', 5, histories), false);
  });

  it('rounds down: 20% of 4 trials stops nobody; ties stop nobody', () => {
    assert.equal(stops('maximize', 4, [h(1, [1]), h(2, [2]), h(3, [3]), h(4, [0])]), false);
    const tied = [1, 2, 3, 4, 5].map((id) => h(id, [0.5]));
    assert.equal(stops('maximize', 5, tied), false);
  });

  it('exclude_finished_jobs leaves ended trials out of the comparison', () => {
    const histories = [h(1, [0.5], true), h(2, [0.6], true), h(3, [0.7]), h(4, [0.8]), h(5, [0.4])];
    assert.equal(stops('maximize', 5, histories), true);
    const excluding = truncationSelectionPolicy({
      type: 'truncation_selection',
      truncationPercentage: 20,
      excludeFinishedJobs: true,
    });
    // 3 running trials: floor(3 * 0.2) = 0, nobody stops
    assert.equal(stops('maximize', 5, histories, excluding), false);
  });

  it('rejects a percentage outside [1, 99]', () => {
    assert.throws(
      () => truncationSelectionPolicy({ type: 'truncation_selection', truncationPercentage: 100 }),
      /truncation_percentage must be in \[1, 99\], got 100/,
    );
  });
});
