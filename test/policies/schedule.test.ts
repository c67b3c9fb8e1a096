import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestValue } from '../../src/core/goal.ts';
import { isScheduled } from '../../src/policies/index.ts';

describe('evaluation schedule', () => {
  it('every multiple of evaluation_interval from delay_evaluation on; 0 means every interval', () => {
    const at = (schedule: Parameters<typeof isScheduled>[0]) =>
      [1, 2, 3, 4, 5, 6, 7, 8].filter((k) => isScheduled(schedule, k));
    assert.deepEqual(at({}), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(at({ evaluationInterval: 0 }), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(at({ evaluationInterval: 1, delayEvaluation: 5 }), [5, 6, 7, 8]);
    assert.deepEqual(at({ evaluationInterval: 3, delayEvaluation: 2 }), [3, 6]);
  });

  it('best value by goal, NaN never best', () => {
    assert.equal(bestValue('maximize', [0.2, Number.NaN, 0.9, 0.5]), 0.9);
    assert.equal(bestValue('minimize', [Number.NaN, 0.2, 0.9]), 0.2);
    assert.ok(Number.isNaN(bestValue('minimize', [])));
  });
});
