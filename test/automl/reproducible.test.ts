// Reproducible mode (a seed and a trial limit, no time limit): the search decides by
// counted work, so two runs give the same leaderboard and the same model file; and the
// early-termination rule that stops only a search stalled for as long as it could still run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { Budget } from '../../src/automl/budget.ts';
import { NO_IMPROVEMENT_TRIALS, STALL_FACTOR, searchStalled } from '../../src/automl/stall-rule.ts';
import type { AutoMLResult } from '../../src/automl/types.ts';

/** What must repeat: every trial's family, parameters and scores, in order, and the model. */
function fingerprint(r: AutoMLResult) {
  return {
    leaderboard: r.leaderboard.map((e) => ({
      trialId: e.trialId,
      model: e.model,
      params: e.params,
      score: e.score,
      metrics: e.metrics,
    })),
    trials: r.trials.map((t) => ({ id: t.id, params: t.params, status: t.status })),
    stopReason: r.stopReason,
    model: JSON.stringify(r.pipeline.toJSON()),
  };
}

test('a seeded run with a trial limit and no time limit repeats: same leaderboard, same model JSON', async () => {
  const run = () =>
    automl({
      task: 'classification',
      trainPath: 'datasets/breast_cancer.csv',
      target: 'target',
      primaryMetric: 'AUC_weighted',
      limits: { maxTrials: 24 },
      seed: 3,
    });
  const a = await run();
  const b = await run();
  assert.equal(a.trials.length, 24);
  assert.deepEqual(fingerprint(b), fingerprint(a));
  // not a degenerate search: several families were tried
  assert.ok(new Set(a.leaderboard.map((e) => e.model)).size >= 4);
});

test('the budget counts work only with a trial limit and no time limit', () => {
  assert.equal(Budget.fromLimits({ maxTrials: 10 }).countedWork, true);
  assert.equal(Budget.fromLimits({ maxTrials: 10, timeoutMinutes: 1 }).countedWork, false);
  assert.equal(Budget.fromLimits({}).countedWork, false);
});

test('early termination waits at least 20 trials, then three times what the search could still run', () => {
  const n = NO_IMPROVEMENT_TRIALS;
  assert.equal(STALL_FACTOR, 3);
  // under 20 trials without improvement: never
  assert.equal(searchStalled({ sinceImprovement: n - 1, trialsLeft: 0 }), false);
  // 20 trials stalled with 58 s left and cheap trials: go on (the old rule stopped here)
  assert.equal(
    searchStalled({ sinceImprovement: n, trialsLeft: 960, secondsSinceImprovement: 1, secondsLeft: 58 }),
    false,
  );
  // stalled as long (in seconds) as is left: go on; three times as long: stop
  assert.equal(
    searchStalled({ sinceImprovement: 400, trialsLeft: 560, secondsSinceImprovement: 29, secondsLeft: 29 }),
    false,
  );
  assert.equal(
    searchStalled({ sinceImprovement: 400, trialsLeft: 560, secondsSinceImprovement: 45, secondsLeft: 15 }),
    true,
  );
  // stalled three times as many trials as are left: stop, clock or not
  assert.equal(searchStalled({ sinceImprovement: 300, trialsLeft: 100 }), true);
  assert.equal(searchStalled({ sinceImprovement: 299, trialsLeft: 100 }), false);
});

test('with early termination a small search no longer stops after about 35 trials', async () => {
  const r = await automl({
    task: 'classification',
    trainPath: 'datasets/iris.csv',
    target: 'target',
    limits: { maxTrials: 120 },
    ensemble: false,
    seed: 0,
  });
  // iris is solved within a few trials; the old rule stopped at families + 20 stalled trials
  assert.ok(r.trials.length >= 60, `${r.trials.length} trials (${r.stopReason})`);
});
