import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { predictMatrix } from '../../src/automl/evaluate.ts';
import { bagsFoldModels } from '../../src/automl/refit-step.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import { takeRows } from '../../src/data/rows.ts';
import { stratifiedKFold } from '../../src/data/splits.ts';
import { DecisionTreeClassifier } from '../../src/models/index.ts';

const split = { train: Int32Array.of(0), test: Int32Array.of(1) };

test('fold models are kept under cross-validation for a single model or an ensemble, never for a stack, a holdout or an interrupt', () => {
  const cv = { splits: [split, split, split] };
  assert.equal(bagsFoldModels(cv, 'single', false), true);
  assert.equal(bagsFoldModels(cv, 'ensemble', false), true);
  assert.equal(bagsFoldModels(cv, 'stack', false), false);
  assert.equal(bagsFoldModels(cv, 'single', true), false);
  assert.equal(bagsFoldModels({ splits: [split] }, 'single', false), false);
});

test('under 3-fold cross-validation the pipeline averages the three fold models, each fitted on its fold training rows', async () => {
  const result = await automl({
    task: 'classification',
    trainPath: 'datasets/iris.csv',
    target: 'target',
    primaryMetric: 'accuracy',
    limits: { maxTrials: 2 },
    allowedModels: ['DecisionTree'],
    validation: { type: 'cv', folds: 3 },
    ensemble: false,
    seed: 4,
  });
  const { members } = result.pipeline;
  assert.equal(members.length, 3);
  for (const m of members) {
    assert.equal(m.name, 'DecisionTree');
    assert.ok(Math.abs(m.weight - 1 / 3) < 1e-12);
  }
  // the same trees, fitted here on the same folds' rows (the folds AutoML drew with its seed)
  const table = await readCsv('datasets/iris.csv');
  const X = result.pipeline.featurizer.transform(table);
  const classes = result.pipeline.classes;
  const codes = Int32Array.from(table.get('target').values as ArrayLike<string>, (v) =>
    classes.indexOf(String(v)),
  );
  const target = { task: 'classification' as const, codes, classes };
  const folds = stratifiedKFold(codes, 3, 4);
  const params = result.best.params;
  members.forEach((m, f) => {
    const rows = folds[f]!.train;
    const Xf = takeRows(X, rows);
    const tree = new DecisionTreeClassifier({ ...params, seed: 4 }).fit(
      Xf,
      Int32Array.from(rows, (r) => codes[r]!),
    );
    assert.deepEqual(predictMatrix(m.estimator, X, target), predictMatrix(tree, X, target), `fold ${f}`);
  });
});

test('under a holdout the pipeline is one model refitted on all rows', async () => {
  const result = await automl({
    task: 'regression',
    trainPath: 'datasets/diabetes.csv',
    target: 'target',
    limits: { maxTrials: 2 },
    allowedModels: ['Ridge'],
    validation: { type: 'holdout', testFraction: 0.2 },
    ensemble: false,
    seed: 1,
  });
  assert.equal(result.pipeline.members.length, 1);
  assert.equal(result.pipeline.members[0]!.weight, 1);
});
