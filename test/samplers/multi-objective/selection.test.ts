import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/core/errors.ts';
import type { FinishedTrial } from '../../../src/core/trial.ts';
import { bestTradeOff, tradeOffIndex } from '../../../src/samplers/multi-objective/selection.ts';

describe('tradeOffIndex', () => {
  const front = [
    [0, 1],
    [0.3, 0.3],
    [0.5, 0.05],
    [1, 0],
  ];

  it('knee: the largest distance below the line between the extremes', () => {
    // Distances to x + y = 1 (normalised): 0, 0.4/√2, 0.45/√2, 0.
    assert.equal(tradeOffIndex(front, { rule: 'knee' }), 2);
    const other = [
      [0, 1],
      [0.4, 0.2],
      [0.3, 0.25],
      [1, 0],
    ];
    assert.equal(tradeOffIndex(other, { rule: 'knee' }), 2);
    // Exact ties go to the first.
    const tie = [
      [0, 1],
      [0.4, 0.4],
      [0.4, 0.4],
      [1, 0],
    ];
    assert.equal(tradeOffIndex(tie, { rule: 'knee' }), 1);
  });

  it('ideal: closest to the ideal point in normalised space', () => {
    // Squared distances: 1, 0.18, 0.2525, 1.
    assert.equal(tradeOffIndex(front, { rule: 'ideal' }), 1);
  });

  it('weighted: the smallest weighted sum of normalised losses', () => {
    assert.equal(tradeOffIndex(front, { rule: 'weighted', weights: [1, 0] }), 0);
    assert.equal(tradeOffIndex(front, { rule: 'weighted', weights: [0, 1] }), 3);
    assert.equal(tradeOffIndex(front, { rule: 'weighted', weights: [1, 3] }), 2);
    // Normalisation: scaling an objective does not change the pick.
    const scaled = front.map(([a, b]) => [a! * 1000, b!]);
    assert.equal(tradeOffIndex(scaled, { rule: 'weighted', weights: [1, 3] }), 2);
  });

  it('rejects weights of the wrong length or sign, and is -1 on an empty front', () => {
    assert.throws(() => tradeOffIndex(front, { rule: 'weighted', weights: [1] }), ValidationError);
    assert.throws(() => tradeOffIndex(front, { rule: 'weighted', weights: [1, -1] }), /weights must be/);
    assert.throws(() => tradeOffIndex(front, { rule: 'weighted', weights: [0, 0] }), /not all 0/);
    assert.equal(tradeOffIndex([], { rule: 'knee' }), -1);
  });
});

describe('bestTradeOff', () => {
  const objectives = [
    { goal: 'maximize', primaryMetric: 'accuracy' },
    { goal: 'minimize', primaryMetric: 'latency_ms' },
  ] as const;
  const t = (id: number, values: number[], constraints?: number[]): FinishedTrial => ({
    id,
    params: {},
    status: 'completed',
    value: values[0],
    values,
    intermediate: [],
    ...(constraints ? { constraints } : {}),
  });

  it('picks from the Pareto front with goals applied', () => {
    const trials = [t(0, [0.99, 100]), t(1, [0.95, 10]), t(2, [0.8, 1]), t(3, [0.9, 50])];
    assert.equal(bestTradeOff(trials, objectives, { rule: 'knee' })?.id, 1);
    assert.equal(bestTradeOff(trials, objectives, { rule: 'weighted', weights: [1, 0] })?.id, 0);
    assert.equal(bestTradeOff(trials, objectives, { rule: 'weighted', weights: [0, 1] })?.id, 2);
  });

  it('ignores infeasible trials when a feasible one exists, and is undefined without values', () => {
    const trials = [t(0, [0.99, 1], [0.5]), t(1, [0.9, 10], [-1])];
    assert.equal(bestTradeOff(trials, objectives, { rule: 'knee' })?.id, 1);
    assert.equal(bestTradeOff([], objectives, { rule: 'knee' }), undefined);
  });
});
