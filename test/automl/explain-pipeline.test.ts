// Per-row explanations of AutoML pipelines on their input columns: exact TreeSHAP summed
// per column for tree pipelines (blends included), permutation sampling of the whole
// pipeline otherwise; additive to the pipeline's own output on every row.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainPipeline } from '../../src/automl/explain.ts';
import { GradientBoostingClassifier } from '../../src/models/boosting/gradient-boosting.ts';
import { contributionRow } from '../../src/models/explain/types.ts';
import { ExtraTreesClassifier } from '../../src/models/forest/extra-trees.ts';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/models/forest/random-forest.ts';
import { LogisticRegression } from '../../src/models/linear/logistic-regression.ts';
import { KNeighborsRegressor } from '../../src/models/neighbors/knn-regressor.ts';
import { bundled, fitPipeline } from './pipeline-fixtures.ts';

function total(row: ArrayLike<number>, start: number): number {
  let s = start;
  for (let i = 0; i < row.length; i++) s += row[i]!;
  return s;
}

describe('explainPipeline', () => {
  test('a forest regressor: TreeSHAP per input column, additive to the prediction on every row', async () => {
    const { train, test: held } = await bundled('boston_housing');
    const pipeline = fitPipeline(train, 'regression', [
      { name: 'RandomForest', estimator: new RandomForestRegressor({ nEstimators: 20, seed: 1 }) },
    ]);
    const e = explainPipeline(pipeline, held);
    assert.deepEqual(
      e.columns,
      pipeline.featurizer.inputs.map((c) => c.name),
    );
    assert.ok(e.contributions.method.startsWith('exact TreeSHAP'));
    assert.equal(e.contributions.nFeatures, e.columns.length);
    const pred = pipeline.predictRaw(held);
    for (let r = 0; r < held.nRows; r++) {
      const s = total(contributionRow(e.contributions, r), e.contributions.expectedValue[0]!);
      assert.ok(Math.abs(s - pred[r]!) < 1e-9, `row ${r}: ${s} vs ${pred[r]}`);
    }
  });

  test('a blend of forest and extra-trees classifiers: additive to the blended probabilities', async () => {
    const { train, test: held } = await bundled('breast_cancer');
    const pipeline = fitPipeline(train, 'classification', [
      {
        name: 'RandomForest',
        estimator: new RandomForestClassifier({ nEstimators: 15, seed: 1 }),
        weight: 0.6,
      },
      {
        name: 'ExtremeRandomTrees',
        estimator: new ExtraTreesClassifier({ nEstimators: 15, seed: 2 }),
        weight: 0.4,
      },
    ]);
    const e = explainPipeline(pipeline, held);
    assert.equal(e.contributions.output, 'probability');
    assert.deepEqual(e.outputs, pipeline.classes);
    const p = pipeline.predictRaw(held);
    for (let r = 0; r < held.nRows; r++)
      for (let k = 0; k < 2; k++) {
        const s = total(contributionRow(e.contributions, r, k), e.contributions.expectedValue[k]!);
        assert.ok(Math.abs(s - p[r * 2 + k]!) < 1e-9, `row ${r} class ${k}`);
      }
  });

  test('a boosting classifier: margins, the first class the negative of the second', async () => {
    const { train, test: held } = await bundled('pima_indians_diabetes2');
    const pipeline = fitPipeline(train, 'classification', [
      { name: 'LightGBM', estimator: new GradientBoostingClassifier({ nEstimators: 30, seed: 1 }) },
    ]);
    const e = explainPipeline(pipeline, held);
    assert.equal(e.contributions.output, 'margin');
    const p = pipeline.predictRaw(held);
    for (let r = 0; r < held.nRows; r++) {
      const m1 = total(contributionRow(e.contributions, r, 1), e.contributions.expectedValue[1]!);
      const m0 = total(contributionRow(e.contributions, r, 0), e.contributions.expectedValue[0]!);
      assert.ok(Math.abs(m0 + m1) < 1e-9);
      assert.ok(Math.abs(1 / (1 + Math.exp(-m1)) - p[r * 2 + 1]!) < 1e-9, `row ${r}`);
    }
  });

  test('other models: permutation sampling of the whole pipeline, additive, seeded, needs a background', async () => {
    const { train, test: held } = await bundled('house_votes84');
    const pipeline = fitPipeline(train, 'classification', [
      { name: 'LogisticRegression', estimator: new LogisticRegression() },
    ]);
    const rows = held.take([0, 1, 2, 3, 4, 5, 6, 7]);
    assert.throws(() => explainPipeline(pipeline, rows), /needs background rows/);
    const a = explainPipeline(pipeline, rows, { background: train, seed: 5 });
    const b = explainPipeline(pipeline, rows, { background: train, seed: 5 });
    assert.deepEqual(a.contributions.values, b.contributions.values);
    assert.ok(a.contributions.method.startsWith('permutation-sampling'));
    const p = pipeline.predictRaw(rows);
    for (let r = 0; r < rows.nRows; r++)
      for (let k = 0; k < 2; k++) {
        const s = total(contributionRow(a.contributions, r, k), a.contributions.expectedValue[k]!);
        assert.ok(Math.abs(s - p[r * 2 + k]!) < 1e-9, `row ${r} class ${k}`);
      }
  });

  test('a k-NN regressor on categorical columns: additive; method tree refused', async () => {
    const { train, test: held } = await bundled('boston_housing');
    const pipeline = fitPipeline(train, 'regression', [
      { name: 'KNN', estimator: new KNeighborsRegressor({ nNeighbors: 5 }) },
    ]);
    assert.throws(
      () => explainPipeline(pipeline, held, { method: 'tree' }),
      /TreeSHAP explains pipelines of tree models/,
    );
    const rows = held.take([0, 10, 20]);
    const e = explainPipeline(pipeline, rows, { background: train, backgroundSize: 10, seed: 1 });
    const pred = pipeline.predictRaw(rows);
    for (let r = 0; r < 3; r++)
      assert.ok(
        Math.abs(total(contributionRow(e.contributions, r), e.contributions.expectedValue[0]!) - pred[r]!) <
          1e-9,
      );
  });
});
