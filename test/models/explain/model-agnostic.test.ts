// The explanations of the models that are not trees: the exact linear closed form, and
// permutation-sampling Shapley values (additive exactly, deterministic by seed, exact on
// additive models, close to the brute-force interventional Shapley values otherwise).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matrixFromRows } from '../../../src/compute/matrix.ts';
import { explainEstimator } from '../../../src/models/explain/explain.ts';
import { linearShap } from '../../../src/models/explain/linear.ts';
import { samplingShap } from '../../../src/models/explain/sampling.ts';
import { contributionRow, topContributions } from '../../../src/models/explain/types.ts';
import { LinearRegression, Ridge } from '../../../src/models/linear/least-squares.ts';
import { LogisticRegression } from '../../../src/models/linear/logistic-regression.ts';
import { GaussianNB } from '../../../src/models/naive-bayes/gaussian-nb.ts';
import { KNeighborsClassifier } from '../../../src/models/neighbors/knn-classifier.ts';
import { KNeighborsRegressor } from '../../../src/models/neighbors/knn-regressor.ts';
import { bruteShapley, loadDataset } from './helpers.ts';

function sum(a: ArrayLike<number>, start = 0): number {
  let s = start;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

describe('linearShap', () => {
  test('coef x (x - mean): additive to the prediction on every row of diabetes', () => {
    const { X, yNum } = loadDataset('diabetes');
    const model = new Ridge({ alpha: 0.5 }).fit(X, yNum);
    const shap = linearShap(model, X, X);
    const pred = model.predict(X);
    const mean = pred.reduce((a, b) => a + b, 0) / pred.length;
    assert.ok(Math.abs(shap.expectedValue[0]! - mean) < 1e-9, 'expected value = mean prediction');
    for (let r = 0; r < X.length; r++) {
      assert.ok(
        Math.abs(sum(contributionRow(shap, r), shap.expectedValue[0]!) - pred[r]!) < 1e-9,
        `row ${r}`,
      );
      const j = 2;
      const colMean = X.reduce((a, row) => a + row[j]!, 0) / X.length;
      assert.ok(Math.abs(contributionRow(shap, r)[j]! - model.coef[j]! * (X[r]![j]! - colMean)) < 1e-9);
    }
  });

  test('logistic regression: margins (one per class for softmax), missing cells as the model fills them', () => {
    const { X, y } = loadDataset('wine');
    const Xn = X.map((row, i) => (i % 7 === 0 ? [Number.NaN, ...row.slice(1)] : row));
    const model = new LogisticRegression({ maxIter: 500 }).fit(Xn, y);
    const shap = linearShap(model, Xn.slice(0, 30), Xn);
    assert.equal(shap.output, 'margin');
    assert.equal(shap.nOut, 3);
    const proba = model.predictProba(Xn.slice(0, 30));
    for (let r = 0; r < 30; r++) {
      const s = [0, 1, 2].map((k) => sum(contributionRow(shap, r, k), shap.expectedValue[k]!));
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const t = sum(e);
      for (let k = 0; k < 3; k++)
        assert.ok(Math.abs(e[k]! / t - proba[r]![k]!) < 1e-9, `row ${r} class ${k}`);
    }
  });
});

describe('permutation-sampling Shapley values', () => {
  const { X, y, yNum } = loadDataset('iris');
  const background = X.filter((_, i) => i % 10 === 0);

  test('additive exactly for k-NN, naive Bayes (probabilities) and a k-NN regressor', () => {
    const rows = X.slice(0, 40);
    const cases = [
      new KNeighborsClassifier({ nNeighbors: 7 }).fit(X, y),
      new GaussianNB().fit(X, y),
      new KNeighborsRegressor({ nNeighbors: 5 }).fit(
        X.map((r) => r.slice(0, 3)),
        X.map((r) => r[3]!),
      ),
    ];
    for (const model of cases) {
      const regression = model.estimatorType === 'regressor';
      const Xr = regression ? rows.map((r) => r.slice(0, 3)) : rows;
      const bg = regression ? background.map((r) => r.slice(0, 3)) : background;
      const shap = explainEstimator(model, Xr, { background: bg, seed: 3 });
      const out = regression
        ? [...(model.predict(Xr) as Float64Array)].map((v) => [v])
        : (model as KNeighborsClassifier).predictProba(Xr);
      for (let r = 0; r < Xr.length; r++)
        for (let k = 0; k < shap.nOut; k++)
          assert.ok(
            Math.abs(sum(contributionRow(shap, r, k), shap.expectedValue[k]!) - out[r]![k]!) < 1e-9,
            `${model.constructor.name} row ${r} output ${k}`,
          );
    }
  });

  test('the same seed gives the same values; another seed other values, still additive', () => {
    const model = new KNeighborsClassifier({ nNeighbors: 9 }).fit(X, y);
    const a = explainEstimator(model, X.slice(50, 60), { background, seed: 1 });
    const b = explainEstimator(model, X.slice(50, 60), { background, seed: 1 });
    const c = explainEstimator(model, X.slice(50, 60), { background, seed: 2 });
    assert.deepEqual(a.values, b.values);
    assert.notDeepEqual(a.values, c.values);
  });

  test('exact on a linear model: every sample gives coef x (x - background mean)', () => {
    const model = new LinearRegression().fit(
      X,
      yNum.map((_, i) => X[i]![0]! * 2 + X[i]![2]!),
    );
    const shap = samplingShap(
      (m) => model.predict(m),
      1,
      matrixFromRows(X.slice(0, 5)),
      matrixFromRows(background),
      { seed: 9, permutationsPerBackground: 2 },
    );
    const exact = linearShap(model, X.slice(0, 5), background);
    for (let i = 0; i < shap.values.length; i++)
      assert.ok(Math.abs(shap.values[i]! - exact.values[i]!) < 1e-9);
  });

  test('close to the brute-force interventional Shapley values of a non-additive model', () => {
    const model = new KNeighborsRegressor({ nNeighbors: 3 }).fit(
      X.map((r) => r.slice(0, 3)),
      X.map((r) => r[3]!),
    );
    const bg = background.map((r) => r.slice(0, 3));
    const x = X[120]!.slice(0, 3);
    // v(S): mean over the background of the model with S's features from x
    const v = (mask: number) => {
      const hybrids = bg.map((b) => b.map((value, j) => (mask & (1 << j) ? x[j]! : value)));
      return sum(model.predict(hybrids)) / bg.length;
    };
    const exact = bruteShapley(3, v);
    const shap = samplingShap((m) => model.predict(m), 1, matrixFromRows([x]), matrixFromRows(bg), {
      seed: 4,
      permutationsPerBackground: 40,
    });
    for (let j = 0; j < 3; j++)
      assert.ok(
        Math.abs(shap.values[j]! - exact[j]!) < 0.05,
        `feature ${j}: ${shap.values[j]} vs ${exact[j]}`,
      );
  });

  test('needs background rows for a model that is not a tree', () => {
    const model = new GaussianNB().fit(X, y);
    assert.throws(() => explainEstimator(model, X.slice(0, 1)), /needs background rows/);
  });
});

test('topContributions: largest magnitude first, zeros left out', () => {
  assert.deepEqual(topContributions([0.1, -2, 0, 1.5], 2), [
    { index: 1, contribution: -2 },
    { index: 3, contribution: 1.5 },
  ]);
  assert.deepEqual(topContributions([0, 0], 3), []);
});
