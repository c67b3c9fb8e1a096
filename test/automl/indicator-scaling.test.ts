// Linear models, SVMs and KNN read standardized features; one-hot levels and missing flags
// stay 0/1 there, in the folds and in the refitted pipeline alike (scikit-learn's
// ColumnTransformer practice: standardized, a rare level escapes a linear model's penalty).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { prepareFolds } from '../../src/automl/folds.ts';
import { prepareData } from '../../src/automl/prepare.ts';
import { column } from '../../src/compute/matrix.ts';
import { parseCsv } from '../../src/data/read-csv.ts';
import { holdout } from '../../src/data/splits.ts';

function votes(n: number) {
  const lines = ['a,b,x,target'];
  for (let i = 0; i < n; i++) {
    const a = i % 9 === 0 ? '' : i % 3 === 0 ? 'n' : 'y'; // a rare gap: a missing flag
    const b = i % 17 === 0 ? 'rare' : i % 2 === 0 ? 'p' : 'q';
    const x = (i * 37) % 101;
    lines.push(`${a},${b},${x},${(i % 3 === 0) !== x > 70 ? 'yes' : 'no'}`);
  }
  return parseCsv(lines.join('\n'));
}

test('the folds standardize numbers and leave one-hot levels and missing flags 0/1', () => {
  const data = prepareData(votes(120), 'target', 'classification');
  const [fold] = prepareFolds(data.features, data.target, [holdout(120, 0.2, 0)], {}, false, 0);
  const scaled = fold!.scaled();
  // the features: a (y/n, read as a boolean: a number, so scaled), a__missing, b=p, b=q,
  // b=rare, x
  const indicator = [false, true, true, true, true, false];
  assert.equal(fold!.X.nCols, indicator.length);
  for (let c = 0; c < indicator.length; c++) {
    const plain = Array.from(column(fold!.X, c));
    const values = Array.from(column(scaled.X, c));
    if (indicator[c]) {
      assert.deepEqual(values, plain, `column ${c} is an indicator`);
    } else {
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      assert.ok(Math.abs(mean) < 1e-12, `column ${c} is centred`);
      assert.notDeepEqual(values, plain, `column ${c} is scaled`);
    }
  }
});

test('the refitted pipeline keeps indicator columns unscaled (mean 0, scale 1)', async () => {
  const result = await automl({
    task: 'classification',
    data: votes(150),
    target: 'target',
    allowedModels: ['LogisticRegression'],
    limits: { maxTrials: 3 },
    seed: 0,
  });
  const { featurizer, scaling } = result.pipeline;
  assert.ok(scaling, 'logistic regression reads standardized features');
  const flags = featurizer.indicatorColumns;
  assert.ok(flags.some(Boolean) && flags.some((f) => !f));
  flags.forEach((indicator, c) => {
    if (indicator) assert.deepEqual([scaling.mean[c], scaling.scale[c]], [0, 1], featurizer.featureNames[c]);
    else assert.notDeepEqual([scaling.mean[c], scaling.scale[c]], [0, 1], featurizer.featureNames[c]);
  });
});
