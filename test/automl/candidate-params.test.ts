// The candidates build their estimators from prototypes with withParams. Before that, each
// candidate had a hand-written factory repeating the estimators' defaults; what those
// factories built for AutoML's configurations (each family's initial point, the corners of
// its space, seeded random points, and what evaluation and refit add: early-stopping
// rounds, a refit's nEstimators) was recorded in fixtures/candidate-params.json. The
// estimators built now must have exactly the same parameters.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type BuildContext, CANDIDATES } from '../../src/automl/candidates.ts';
import { metaLearner } from '../../src/automl/stacking.ts';
import type { Task } from '../../src/core/trial.ts';
import {
  DecisionTreeClassifier,
  ElasticNet,
  LogisticRegression,
  RandomForestClassifier,
  Ridge,
  ValidationError,
} from '../../src/index.ts';

interface Recorded {
  name: string;
  task: Task;
  ctx: BuildContext;
  p: Record<string, string | number | boolean>;
  params: Record<string, unknown>;
}

const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/candidate-params.json', import.meta.url), 'utf8'),
) as Recorded[];

test('every candidate builds the estimator its former factory built, for the recorded configurations', () => {
  assert.ok(recorded.length > 100);
  for (const r of recorded) {
    const c = CANDIDATES.find((x) => x.name === r.name)!;
    const built = c.create(r.p, r.ctx);
    assert.deepEqual(built.params, r.params, `${r.name} ${r.task} ${JSON.stringify(r.p)}`);
  }
});

test('a hyperparameter the configuration leaves out keeps the estimator default', () => {
  const ctx = { task: 'classification' as const, seed: 0 };
  const byName = (name: string) => CANDIDATES.find((c) => c.name === name)!;
  assert.deepEqual(byName('DecisionTree').create({}, ctx).params, new DecisionTreeClassifier().params);
  assert.deepEqual(byName('RandomForest').create({}, ctx).params, new RandomForestClassifier().params);
  assert.deepEqual(
    byName('ElasticNet').create({}, { ...ctx, task: 'regression' }).params,
    new ElasticNet().params,
  );
  // what AutoML fixes stays fixed
  assert.equal(byName('LogisticRegression').create({ C: 2 }, ctx).params.maxIter, 500);
});

test('a candidate refuses a bad value or a task it does not serve', () => {
  const rf = CANDIDATES.find((c) => c.name === 'RandomForest')!;
  assert.throws(() => rf.create({ nEstimators: 0 }, { task: 'regression', seed: 0 }), ValidationError);
  const lr = CANDIDATES.find((c) => c.name === 'LogisticRegression')!;
  assert.throws(() => lr.create({}, { task: 'regression', seed: 0 }), ValidationError);
});

test("the stacking meta-learner is AutoML's logistic regression or ridge, as before", () => {
  const compute = { seed: 4, backend: 'js' as const };
  assert.deepEqual(
    metaLearner({ task: 'classification', ...compute }).params,
    new LogisticRegression({ C: 1, maxIter: 500, ...compute }).params,
  );
  assert.deepEqual(
    metaLearner({ task: 'regression', ...compute }).params,
    new Ridge({ alpha: 1, ...compute }).params,
  );
});
