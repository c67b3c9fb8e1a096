import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Goal } from '../../src/core/goal.ts';
import type { ReportedHistory } from '../../src/policies/index.ts';
import { ashaPolicy, ashaRungs, createPolicy } from '../../src/policies/index.ts';

const h = (id: number, values: number[], finished = false): ReportedHistory => ({ id, values, finished });

describe('ashaPolicy', () => {
  const policy = ashaPolicy({ type: 'asha', gracePeriod: 1, reductionFactor: 2, maxT: 8 });
  const stops = (goal: Goal, trialId: number, histories: ReportedHistory[]) =>
    policy({ goal, trialId, histories }).terminate;

  it('rungs sit at grace_period * eta^k below max_t', () => {
    assert.deepEqual(ashaRungs(1, 3, 30), [1, 3, 9, 27]);
    assert.deepEqual(ashaRungs(2, 2, 8), [2, 4]);
  });

  it('the first trial at a rung goes on (it is the best so far)', () => {
    assert.equal(stops('maximize', 1, [h(1, [0.1])]), false);
  });

  it('maximize: keeps the best floor(n/eta) at a rung', () => {
    // rung 1 holds 0.9 and 0.5: keep 1, trial 2 stops
    assert.equal(stops('maximize', 2, [h(1, [0.9]), h(2, [0.5])]), true);
    // 4 trials at rung 2 (values 0.9, 0.8, 0.7, 0.6): keep 2
    const rung2 = [h(1, [0, 0.9]), h(2, [0, 0.8]), h(3, [0, 0.7])];
    assert.equal(stops('maximize', 4, [...rung2, h(4, [0, 0.6])]), true);
    assert.equal(stops('maximize', 4, [...rung2, h(4, [0, 0.85])]), false);
  });

  it('minimize: keeps the smallest', () => {
    assert.equal(stops('minimize', 2, [h(1, [0.9]), h(2, [0.5])]), false);
    assert.equal(stops('minimize', 2, [h(1, [0.5]), h(2, [0.9])]), true);
  });

  it('decides nothing between rungs or from max_t on', () => {
    assert.equal(stops('maximize', 2, [h(1, [1, 1, 1]), h(2, [0, 0, 0])]), false); // 3 is not a rung
    const long = [h(1, Array(8).fill(1)), h(2, Array(8).fill(0))];
    assert.equal(stops('maximize', 2, long), false);
  });

  it('validates its fields', () => {
    assert.throws(
      () => ashaPolicy({ type: 'asha', reductionFactor: 1 }),
      /reduction_factor must be an integer >= 2, got 1/,
    );
    assert.throws(() => ashaPolicy({ type: 'asha', gracePeriod: 10, maxT: 5 }), /must not exceed max_t/);
    assert.throws(
      () => createPolicy({ type: 'hyperband' } as never),
      /unknown early termination type 'hyperband'/,
    );
    assert.equal(createPolicy({ type: 'none' }), undefined);
  });
});
