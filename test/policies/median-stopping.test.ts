import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReportedHistory } from '../../src/policies/index.ts';
import { median, medianStoppingPolicy } from '../../src/policies/index.ts';

const h = (id: number, values: number[], finished = false): ReportedHistory => ({ id, values, finished });

describe('medianStoppingPolicy', () => {
  const policy = medianStoppingPolicy({ type: 'median_stopping' });

  it('maximize: stops when the best so far is below the median of running averages', () => {
    // at interval 2: running averages 0.7 (trial 1), 0.5 (trial 2), 0.3 (trial 3) -> median 0.5
    const others = [h(1, [0.6, 0.8, 0.9], true), h(2, [0.4, 0.6]), h(3, [0.2, 0.4, 0.5])];
    assert.equal(
      policy({ goal: 'maximize', trialId: 4, histories: [...others, h(4, [0.45, 0.3])] }).terminate,
      true,
    );
    assert.equal(
      policy({ goal: 'maximize', trialId: 4, histories: [...others, h(4, [0.5, 0.3])] }).terminate,
      false,
    );
  });

  it('minimize: stops when the best so far is above the median', () => {
    // at interval 2: averages 1 and 2 -> median 1.5
    const others = [h(1, [1, 1], true), h(2, [3, 1], true)];
    const stop = policy({ goal: 'minimize', trialId: 3, histories: [...others, h(3, [4, 2.5])] });
    assert.equal(stop.terminate, true);
    assert.match(stop.reason!, /median 1.5 of 2 running averages/);
    assert.equal(
      policy({ goal: 'minimize', trialId: 3, histories: [...others, h(3, [4, 1.4])] }).terminate,
      false,
    );
  });

  it('ignores trials that have not reached the interval, and goes on alone', () => {
    const histories = [h(1, [0.1]), h(2, [0.9, 0.9])];
    assert.equal(policy({ goal: 'minimize', trialId: 2, histories }).terminate, false);
  });

  it('waits for delay_evaluation', () => {
    const delayed = medianStoppingPolicy({ type: 'median_stopping', delayEvaluation: 3 });
    const histories = [h(1, [1, 1, 1]), h(2, [0, 0])];
    assert.equal(delayed({ goal: 'maximize', trialId: 2, histories }).terminate, false);
    const later = [h(1, [1, 1, 1]), h(2, [0, 0, 0])];
    assert.equal(delayed({ goal: 'maximize', trialId: 2, histories: later }).terminate, true);
  });

  it('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([3, 1, 2, 10]), 2.5);
  });
});
