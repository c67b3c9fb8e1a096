// Boosting rounds as evaluation intervals of a sweep: the per-round validation loss is
// reported to the trial context, and a trial the early-termination policy stops ends
// its boosting at that round.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GradientBoostingClassifier, sweep } from '../../src/index.ts';
import { suiteData } from './estimator-suite.ts';

const { X, labels } = suiteData(29, 400);

test('a bandit policy stops a poor boosting trial between rounds', async () => {
  const rounds: number[] = [];
  const result = await sweep({
    searchSpace: { learningRate: 'choice(0.3, 0.0001)' },
    sampling: 'grid',
    objective: { goal: 'minimize', primaryMetric: 'log_loss' },
    limits: { maxConcurrentTrials: 1 },
    earlyTermination: { type: 'bandit', slackFactor: 0.1, delayEvaluation: 5 },
    trial: (params, ctx) => {
      let ran = 0;
      new GradientBoostingClassifier({
        nEstimators: 60,
        learningRate: Number(params.learningRate),
        backend: 'js',
      }).fit(X.slice(0, 300), labels.slice(0, 300), {
        evalSet: { X: X.slice(300), y: labels.slice(300) },
        onIteration: ({ iteration, validLoss }) => {
          ran = iteration + 1;
          ctx.report('log_loss', validLoss!, iteration);
          return !ctx.signal.aborted;
        },
      });
      rounds.push(ran);
      return undefined;
    },
  });
  const [good, poor] = result.trials;
  assert.equal(good!.status, 'completed');
  assert.equal(rounds[0], 60);
  assert.equal(poor!.status, 'early_terminated');
  assert.ok(rounds[1]! < 60, `the poor trial ran ${rounds[1]} rounds`);
});
