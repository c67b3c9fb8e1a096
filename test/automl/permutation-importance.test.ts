// Permutation importance over an AutoML pipeline's input columns on held-out rows: the
// informative columns of friedman1 come out on top with intervals above 0, the noise
// columns near 0; seeded; the Student-t intervals as defined.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { holdoutPermutationImportance, refitPipeline } from '../../src/automl/holdout-importance.ts';
import { permutationImportance, studentQuantile } from '../../src/automl/permutation-importance.ts';
import { GradientBoostingRegressor } from '../../src/models/boosting/gradient-boosting.ts';
import { RandomForestClassifier } from '../../src/models/forest/random-forest.ts';
import { bundled, fitPipeline } from './pipeline-fixtures.ts';

describe('permutationImportance', async () => {
  const { train, test: held } = await bundled('friedman1');
  const pipeline = fitPipeline(train, 'regression', [
    { name: 'LightGBM', estimator: new GradientBoostingRegressor({ nEstimators: 80, seed: 0 }) },
  ]);

  test('friedman1: x0..x4 (the signal) on top with intervals above 0; x5..x9 (noise) near 0', () => {
    const imp = permutationImportance(pipeline, held, { repeats: 5, seed: 1 });
    assert.equal(imp.metric, 'normalized_root_mean_squared_error');
    assert.equal(imp.goal, 'minimize');
    assert.equal(imp.rows, held.nRows);
    const top = imp.importances.slice(0, 5).map((c) => c.column);
    assert.deepEqual([...top].sort(), ['x0', 'x1', 'x2', 'x3', 'x4']);
    for (const c of imp.importances.slice(0, 5)) assert.ok(c.low > 0, `${c.column}: ${c.low}`);
    for (const c of imp.importances.slice(5)) assert.ok(Math.abs(c.mean) < 0.01, `${c.column}: ${c.mean}`);
  });

  test('seeded; the interval is mean -/+ t(0.975, repeats - 1) x std / sqrt(repeats)', () => {
    const a = permutationImportance(pipeline, held, { repeats: 4, seed: 3 });
    const b = permutationImportance(pipeline, held, { repeats: 4, seed: 3 });
    const c = permutationImportance(pipeline, held, { repeats: 4, seed: 4 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.importances, c.importances);
    for (const col of a.importances) {
      assert.equal(col.drops.length, 4);
      const mean = col.drops.reduce((s, d) => s + d, 0) / 4;
      const sd = Math.sqrt(col.drops.reduce((s, d) => s + (d - mean) ** 2, 0) / 3);
      assert.ok(Math.abs(col.mean - mean) < 1e-12);
      assert.ok(Math.abs(col.high - col.mean - (3.1824463052837078 * sd) / 2) < 1e-9 * Math.max(sd, 1));
    }
  });

  test('classification with the metric asked for (maximized: drop = baseline - shuffled)', async () => {
    const data = await bundled('wine');
    const p = fitPipeline(data.train, 'classification', [
      { name: 'RandomForest', estimator: new RandomForestClassifier({ nEstimators: 30, seed: 0 }) },
    ]);
    const imp = permutationImportance(p, data.test, { metric: 'AUC_weighted', repeats: 3 });
    assert.equal(imp.goal, 'maximize');
    assert.ok(imp.baseline > 0.8);
    assert.ok(imp.importances[0]!.mean > 0);
    assert.equal(imp.importances.length, 13);
  });

  test('refuses one repeat, a confidence outside (0, 1) and a metric of the other task', () => {
    assert.throws(
      () => permutationImportance(pipeline, held, { repeats: 1 }),
      /repeats must be an integer >= 2/,
    );
    assert.throws(() => permutationImportance(pipeline, held, { confidence: 1 }), /confidence must be in/);
    assert.throws(
      () => permutationImportance(pipeline, held, { metric: 'accuracy' }),
      /classification metric/,
    );
  });
});

test('studentQuantile matches tables of the t distribution', () => {
  const table: Array<[number, number, number]> = [
    // scipy.stats.t.ppf
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 3, 3.1824463052837078],
    [0.975, 4, 2.7764451051977934],
    [0.975, 9, 2.262157162798205],
    [0.975, 29, 2.045229642132703],
    [0.95, 5, 2.0150483733330233],
    [0.995, 3, 5.840909309733355],
    [0.025, 7, -2.3646242515927844],
  ];
  for (const [p, df, t] of table)
    assert.ok(
      Math.abs(studentQuantile(p, df) - t) < 1e-9 * Math.abs(t),
      `t(${p}, ${df}): ${studentQuantile(p, df)}`,
    );
});

describe('holdoutPermutationImportance', async () => {
  const { train } = await bundled('friedman1');
  const pipeline = fitPipeline(train, 'regression', [
    { name: 'LightGBM', estimator: new GradientBoostingRegressor({ nEstimators: 80, seed: 0 }) },
  ]);

  test('refits a copy on 80% of the training rows and measures on the other 20%', () => {
    const imp = holdoutPermutationImportance(pipeline, train, { repeats: 3, seed: 2 });
    assert.equal(imp.rows, Math.round(train.nRows * 0.2));
    assert.match(imp.method, /a 20% fold of the training rows; the pipeline refitted on the other \d+/);
    assert.deepEqual(
      imp.importances
        .slice(0, 5)
        .map((c) => c.column)
        .sort(),
      ['x0', 'x1', 'x2', 'x3', 'x4'],
    );
  });

  test('refitPipeline: same hyperparameters, featurizer options and weights; the target is not a feature', () => {
    const copy = refitPipeline(pipeline, train);
    assert.deepEqual(copy.featurizer.featureNames, pipeline.featurizer.featureNames);
    assert.deepEqual(copy.members[0]!.estimator.params, pipeline.members[0]!.estimator.params);
    assert.equal(copy.members[0]!.weight, pipeline.members[0]!.weight);
    assert.notEqual(copy.members[0]!.estimator, pipeline.members[0]!.estimator);
    // fitted on the same rows with the same seed: the same model
    assert.deepEqual(copy.predictRaw(train), pipeline.predictRaw(train));
  });
});
