import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import type { Goal } from '../../src/core/goal.ts';
import type { ReportedHistory } from '../../src/policies/index.ts';
import { banditPolicy } from '../../src/policies/index.ts';

const h = (id: number, values: number[], finished = false): ReportedHistory => ({ id, values, finished });
const decide = (
  policy: ReturnType<typeof banditPolicy>,
  goal: Goal,
  trialId: number,
  histories: ReportedHistory[],
) => policy({ goal, trialId, histories }).terminate;

describe('banditPolicy', () => {
  it("holds Azure's example: best 0.8, slack_factor 0.2 stops trials under 0.8/1.2 = 0.667", () => {
    const policy = banditPolicy({ type: 'bandit', slackFactor: 0.2 });
    const others = [h(1, [0.8])];
    assert.equal(decide(policy, 'maximize', 2, [...others, h(2, [0.66])]), true);
    assert.equal(decide(policy, 'maximize', 2, [...others, h(2, [0.667])]), false);
    assert.equal(decide(policy, 'maximize', 2, [...others, h(2, [0.7])]), false);
  });

  it('minimize with slack_factor: stops above best*(1+f)', () => {
    const policy = banditPolicy({ type: 'bandit', slackFactor: 0.5 });
    // best 2 -> threshold 3
    assert.equal(decide(policy, 'minimize', 2, [h(1, [2]), h(2, [3.1])]), true);
    assert.equal(decide(policy, 'minimize', 2, [h(1, [2]), h(2, [2.9])]), false);
  });

  it('slack_amount for both goals', () => {
    const policy = banditPolicy({ type: 'bandit', slackAmount: 0.1 });
    assert.equal(decide(policy, 'maximize', 2, [h(1, [0.9]), h(2, [0.79])]), true);
    assert.equal(decide(policy, 'maximize', 2, [h(1, [0.9]), h(2, [0.81])]), false);
    assert.equal(decide(policy, 'minimize', 2, [h(1, [0.5]), h(2, [0.61])]), true);
    assert.equal(decide(policy, 'minimize', 2, [h(1, [0.5]), h(2, [0.59])]), false);
  });

  it("uses the trial's best so far, and the best any trial reached by the same interval", () => {
    const policy = banditPolicy({ type: 'bandit', slackFactor: 0.2 });
    // trial 1 reaches 0.95 only at interval 3: at interval 2 the best is 0.8, threshold 0.667
    const histories = [h(1, [0.5, 0.8, 0.95]), h(2, [0.7, 0.6])];
    assert.equal(decide(policy, 'maximize', 2, histories), false); // its best 0.7 >= 0.667
    const minimize = [h(1, [2, 1, 0.1]), h(2, [1.1, 1.5])];
    // best by interval 2 is 1, threshold 1.2; trial 2's best so far is 1.1
    assert.equal(decide(policy, 'minimize', 2, minimize), false);
    assert.equal(decide(policy, 'minimize', 2, [h(1, [2, 1, 0.1]), h(2, [1.3, 1.5])]), true);
  });

  it('respects evaluation_interval and delay_evaluation', () => {
    const policy = banditPolicy({
      type: 'bandit',
      slackAmount: 0,
      evaluationInterval: 2,
      delayEvaluation: 3,
    });
    const lead = h(1, [1, 1, 1, 1, 1, 1]);
    assert.equal(decide(policy, 'maximize', 2, [lead, h(2, [0, 0])]), false); // before the delay
    assert.equal(decide(policy, 'maximize', 2, [lead, h(2, [0, 0, 0])]), false); // 3 is not a multiple of 2
    assert.equal(decide(policy, 'maximize', 2, [lead, h(2, [0, 0, 0, 0])]), true);
  });

  it('stops a trial whose values are all NaN, never the best one', () => {
    const policy = banditPolicy({ type: 'bandit', slackFactor: 0.1 });
    assert.equal(decide(policy, 'minimize', 2, [h(1, [1]), h(2, [Number.NaN])]), true);
    assert.equal(decide(policy, 'minimize', 1, [h(1, [1]), h(2, [Number.NaN])]), false);
  });

  it('rejects both or neither slack, and bad values, naming the key', () => {
    assert.throws(() => banditPolicy({ type: 'bandit' }), /exactly one of slack_factor and slack_amount/);
    assert.throws(() => banditPolicy({ type: 'bandit', slackFactor: 0.1, slackAmount: 1 }), ValidationError);
    assert.throws(
      () => banditPolicy({ type: 'bandit', slackFactor: -1 }),
      (e: ValidationError) => e.path === 'early_termination.slack_factor' && /got -1/.test(e.message),
    );
    assert.throws(
      () => banditPolicy({ type: 'bandit', slackFactor: 0.1, evaluationInterval: 1.5 }),
      /evaluation_interval must be an integer >= 0, got 1.5/,
    );
  });
});
