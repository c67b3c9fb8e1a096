// Successive halving on folds: a trial in the worse half of its family after its first fold stops there,
// only when time (not the trial limit) binds, and counts for the sampler as a failed move,
// never as an error that would take its family out of the search.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectCandidates } from '../../src/automl/candidates.ts';
import { CostAwareSampler } from '../../src/automl/cost-sampler.ts';
import { evaluateTrial } from '../../src/automl/evaluate.ts';
import {
  FoldPruner,
  MIN_TRIALS_TO_PRUNE,
  PRUNED_PREFIX,
  pruneAfterFirstFold,
  timeBinds,
} from '../../src/automl/fold-pruning.ts';
import { prepareFolds } from '../../src/automl/folds.ts';
import { prepareData } from '../../src/automl/prepare.ts';
import { automlSpace, modelParams } from '../../src/automl/search-space.ts';
import { TrialError } from '../../src/core/errors.ts';
import type { FinishedTrial } from '../../src/core/trial.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import { stratifiedKFold } from '../../src/data/splits.ts';

test('a trial is pruned below the median of at least 10 first-fold scores, and only when time binds', () => {
  const ten = [0.8, 0.82, 0.84, 0.86, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98];
  assert.equal(pruneAfterFirstFold(0.87, ten), true);
  assert.equal(pruneAfterFirstFold(0.89, ten), false);
  assert.equal(pruneAfterFirstFold(0.5, ten.slice(0, MIN_TRIALS_TO_PRUNE - 1)), false);
  assert.equal(pruneAfterFirstFold(Number.NaN, ten), false);
  assert.equal(timeBinds({ secondsLeft: 30, secondsPerTrial: 0.5, trialsLeft: 900 }), true);
  assert.equal(timeBinds({ secondsLeft: 30, secondsPerTrial: 0.01, trialsLeft: 900 }), false);
});

test('evaluateTrial stops after the first of 5 folds when told to, with E_TRIAL_PRUNED; a counted-work pruner never prunes', async () => {
  const table = await readCsv('datasets/iris.csv', { types: { target: 'categorical' } });
  const data = prepareData(table, 'target', 'classification');
  const codes = (data.target as { codes: Int32Array }).codes;
  const folds = prepareFolds(data.features, data.target, stratifiedKFold(codes, 5, 0), {}, false, 0);
  const tree = selectCandidates('classification', ['DecisionTree'], undefined)[0]!;
  const build = { task: 'classification' as const, seed: 0 };
  let calls = 0;
  await assert.rejects(
    evaluateTrial(tree, { maxDepth: 1 }, folds, data.target, build, {
      deadline: Number.POSITIVE_INFINITY,
      prune: () => {
        calls++;
        return 'hopeless';
      },
    }),
    (e: Error) =>
      e instanceof TrialError &&
      e.code === 'E_TRIAL_PRUNED' &&
      e.message.startsWith(`${PRUNED_PREFIX} 1 of 5 folds`),
  );
  assert.equal(calls, 1);

  const prepared = { folds, target: data.target, metric: 'accuracy', goal: 'maximize' as const };
  const binding = () => ({ secondsLeft: 1, trialsLeft: 1000, secondsPerTrial: 1 });
  const timed = new FoldPruner(prepared, binding, false);
  const counted = new FoldPruner(prepared, binding, true);
  const good = await evaluateTrial(tree, { maxDepth: 4 }, folds, data.target, build, {
    deadline: Number.POSITIVE_INFINITY,
  });
  for (let i = 0; i < MIN_TRIALS_TO_PRUNE; i++) {
    timed.completed(good.oof, 'DecisionTree');
    counted.completed(good.oof, 'DecisionTree');
  }
  const stump = new Float64Array(good.oof.length).fill(1 / 3);
  assert.match(
    timed.check(stump, 'DecisionTree') ?? '',
    /worse half of the 10 completed DecisionTree trials/,
  );
  assert.equal(counted.check(stump, 'DecisionTree'), undefined);
  assert.equal(timed.check(good.oof, 'DecisionTree'), undefined);
  // measured against its own family only: another family's first trials are never pruned
  // for being worse than the trees'
  assert.equal(timed.check(stump, 'KNN'), undefined);
  for (let i = 0; i < MIN_TRIALS_TO_PRUNE - 1; i++) timed.completed(stump, 'KNN');
  assert.equal(timed.check(stump, 'KNN'), undefined);
  // time does not bind: no pruning
  const loose = new FoldPruner(
    prepared,
    () => ({ secondsLeft: 1000, trialsLeft: 10, secondsPerTrial: 1 }),
    false,
  );
  for (let i = 0; i < MIN_TRIALS_TO_PRUNE; i++) loose.completed(good.oof, 'DecisionTree');
  assert.equal(loose.check(stump, 'DecisionTree'), undefined);
});

test('pruned trials are failed moves for the sampler, not errors: the family stays in the search', () => {
  const candidates = selectCandidates('classification', ['DecisionTree', 'KNN'], undefined);
  const space = automlSpace(candidates, 'classification');
  const objective = { goal: 'maximize' as const, primaryMetric: 'accuracy' };
  const run = (pruned: boolean) => {
    const sampler = new CostAwareSampler(space, candidates, {
      seed: 1,
      costOf: () => 1,
      pruned: () => pruned,
    });
    const trials: FinishedTrial[] = [];
    const names: string[] = [];
    for (let id = 0; id < 30; id++) {
      const s = sampler.suggest({ objective, trials, pending: [] });
      assert.ok(!s.exhausted);
      const { name } = modelParams(s.params);
      names.push(name);
      // KNN's first trial completes; every later KNN trial fails (pruned or broken)
      const fails = name === 'KNN' && names.filter((n) => n === 'KNN').length > 1;
      trials.push(
        fails
          ? { id, params: s.params, status: 'failed', intermediate: [] }
          : {
              id,
              params: s.params,
              status: 'completed',
              value: name === 'KNN' ? 0.9 : 0.8,
              intermediate: [],
            },
      );
    }
    return names.slice(10).filter((n) => n === 'KNN').length;
  };
  // broken KNN trials take the family out after 3 errors; pruned ones do not
  assert.equal(run(false), 0);
  assert.ok(run(true) > 0);
});
