// AutoML's default featurization gives a categorical column's missing cells a level of
// their own (as Auto-sklearn, FLAML, H2O and scikit-learn's constant imputer do), without
// a second copy of that column as a missing indicator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { automlFeaturization, MISSING_LEVEL, missingAsLevel } from '../../src/automl/featurization.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { Table } from '../../src/data/table.ts';

const table = () =>
  new Table([
    { name: 'x', kind: 'numeric', values: Float64Array.of(1, 2, Number.NaN, 4, 5) },
    { name: 'vote', kind: 'categorical', values: ['y', 'n', null, 'y', 'y'] },
    { name: 'city', kind: 'categorical', values: ['a', 'b', 'a', 'b', 'a'] },
  ]);

test('by default a categorical column with missing cells fills them with a level of its own; complete and numeric columns keep their fill', () => {
  const { options } = automlFeaturization(undefined, table());
  assert.deepEqual(options.imputation, { vote: { strategy: 'constant', fillValue: MISSING_LEVEL } });
  const f = new Featurizer(options);
  const X = f.fitTransform(table());
  // one one-hot column per level, the missing level among them, and no copy as an indicator;
  // the numeric column keeps its median and indicator
  assert.deepEqual(
    f.featureNames.filter((n) => n.startsWith('vote')),
    ['vote=__missing__', 'vote=n', 'vote=y'],
  );
  assert.ok(f.featureNames.includes('x__missing'));
  const missingCol = f.featureNames.indexOf('vote=__missing__');
  assert.deepEqual(Array.from(X.data.subarray(missingCol * 5, missingCol * 5 + 5)), [0, 0, 1, 0, 0]);
});

test("the settings' own imputer for a column stands, and featurization 'off' or the Featurizer's options are left as given", () => {
  const mostFrequent = automlFeaturization(
    { transformer_params: { imputer: [{ fields: ['vote'], parameters: { strategy: 'most_frequent' } }] } },
    table(),
  );
  assert.equal(mostFrequent.options.imputation?.vote?.strategy, 'most_frequent');
  assert.equal(automlFeaturization('auto', table()).options.imputation?.vote?.strategy, 'constant');
  assert.equal(automlFeaturization('off', table()).options.imputation, undefined);
  assert.equal(automlFeaturization({ maxOneHotLevels: 3 }, table()).options.imputation, undefined);
  assert.deepEqual(missingAsLevel({}, table().drop(['vote'])), {});
});
