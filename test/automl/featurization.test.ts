// Azure's featurization settings: `auto`, `off`, or a block with blocked_transformers,
// column_name_and_types and transformer_params.imputer, in the API and the CLI; every
// mistake one line naming the file, the key and the value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { automlFeaturization } from '../../src/automl/featurization.ts';
import { ConfigError, DataError } from '../../src/core/errors.ts';
import { parseFeaturization, resolveFeaturization } from '../../src/data/featurize/settings.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { Table } from '../../src/data/table.ts';
import { CLI } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-featurization-'));
const cli = (args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

test('settings with an unknown key, transformer, purpose or strategy are one-line ConfigErrors naming file, key and value', () => {
  const cases: Array<[unknown, RegExp]> = [
    [
      { blocked_transformer: ['OneHotEncoder'] },
      /^f\.json: blocked_transformer: unknown key .*did you mean 'blocked_transformers'/,
    ],
    [
      { blocked_transformers: ['OneHotEncodr'] },
      /^f\.json: blocked_transformers\[0\]: unknown value "OneHotEncodr".*did you mean 'OneHotEncoder'/,
    ],
    [
      { column_name_and_types: { age: 'Numerical' } },
      /^f\.json: column_name_and_types\.age: unknown value "Numerical".*Numeric/,
    ],
    [
      { transformer_params: { imputer: [{ fields: ['age'], parameters: { strategy: 'avg' } }] } },
      /transformer_params\.imputer\[0\]\.parameters\.strategy: unknown value "avg"/,
    ],
    [{ transformer_params: { scaler: [] } }, /^f\.json: transformer_params\.scaler: unknown key/],
    [
      { transformer_params: { imputer: [{ fields: ['x'], parameters: { strategy: 'constant' } }] } },
      /fill_value/,
    ],
    [
      { enable_dnn_featurization: true },
      /enable_dnn_featurization: deep-learning featurization is not available/,
    ],
    ['none', /^f\.json: featurization: must be 'auto', 'off' or a settings object, got "none"/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => parseFeaturization(value, 'f.json'),
      (e: Error) => {
        assert.ok(e instanceof ConfigError, e.message);
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /\n/);
        assert.doesNotMatch(e.message, /;$/, 'no separator before a suggestion that is not there');
        return true;
      },
    );
  }
});

test('settings name columns of the data, with strategies their kinds can take', () => {
  const kinds = { age: 'numeric', city: 'categorical' } as const;
  assert.throws(
    () => resolveFeaturization({ column_name_and_types: { agee: 'Numeric' } }, kinds, 's.json'),
    /s\.json: column_name_and_types\.agee: the data has no column 'agee' .*did you mean 'age'/,
  );
  assert.throws(
    () =>
      resolveFeaturization(
        { transformer_params: { imputer: [{ fields: ['city'], parameters: { strategy: 'median' } }] } },
        kinds,
      ),
    /transformer_params\.imputer\[0\]\.parameters\.strategy: column 'city' is categorical: .*most_frequent or constant, got 'median'/,
  );
  const r = resolveFeaturization(
    {
      blocked_transformers: ['OneHotEncoder', 'CatTargetEncoder', 'TfIdf'],
      column_name_and_types: { age: 'Categorical', city: 'Ignore' },
    },
    kinds,
  );
  assert.deepEqual(r.options, { maxOneHotLevels: 0, highCardinality: 'frequency' });
  assert.deepEqual(r.kinds, { age: 'categorical' });
  assert.deepEqual(r.ignored, ['city']);
  assert.match(r.notices.join('\n'), /blocking TfIdf has no effect/);
  assert.deepEqual(resolveFeaturization('off', kinds).options, {
    missingIndicators: false,
    highCardinality: 'frequency',
  });
});

test('the imputer fills by mean, most frequent or a constant (a level of its own for categories)', () => {
  const table = new Table([
    { name: 'x', kind: 'numeric', values: Float64Array.of(1, 2, 2, 9, Number.NaN) },
    { name: 'c', kind: 'categorical', values: ['a', 'b', 'a', null, 'b'] },
  ]);
  const fill = (strategy: 'mean' | 'median' | 'most_frequent' | 'constant', fillValue?: number | string) =>
    (
      new Featurizer({
        imputation: { x: { strategy, ...(fillValue !== undefined ? { fillValue } : {}) } },
      }).fit(table).plans[0] as { fill: number }
    ).fill;
  assert.equal(fill('median'), 2);
  assert.equal(fill('mean'), 3.5);
  assert.equal(fill('most_frequent'), 2);
  assert.equal(fill('constant', -1), -1);
  const f = new Featurizer({ imputation: { c: { strategy: 'constant', fillValue: 'unknown' } } });
  f.fit(table);
  assert.deepEqual(
    f.featureNames.filter((n) => n.startsWith('c=')),
    ['c=a', 'c=b', 'c=unknown'],
  );
  // round trip: the saved featurizer fills the same way
  const copy = Featurizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
  assert.deepEqual(copy.transform(table).data, f.transform(table).data);
});

test('column purposes recast kinds (a bad cell is a DataError naming column, row and value) and Ignore leaves a column out', () => {
  const table = new Table([
    { name: 'zip', kind: 'numeric', values: Float64Array.of(75001, 75002) },
    { name: 'n', kind: 'categorical', values: ['1', 'x'] },
    { name: 'id', kind: 'numeric', values: Float64Array.of(1, 2) },
  ]);
  const r = automlFeaturization({ column_name_and_types: { zip: 'Categorical', id: 'Ignore' } }, table);
  assert.deepEqual(r.features.names, ['zip', 'n']);
  assert.deepEqual(r.features.get('zip').values, ['75001', '75002']);
  assert.throws(
    () => automlFeaturization({ column_name_and_types: { n: 'Numeric' } }, table, 'f.json'),
    (e: Error) =>
      e instanceof DataError &&
      /f\.json: column_name_and_types\.n: column 'n' is numeric, but row 2 holds 'x'/.test(e.message),
  );
  // the Featurizer's own options still pass through
  assert.deepEqual(automlFeaturization({ maxOneHotLevels: 3 }, table).options, { maxOneHotLevels: 3 });
});

test('automl honours the settings: ignored columns are no input, blocked one-hot encoding gives no one-hot features', async () => {
  const r = await automl({
    task: 'classification',
    trainPath: 'datasets/house_votes84.csv',
    target: 'target',
    limits: { maxTrials: 6 },
    allowedModels: ['LogisticRegression', 'DecisionTree'],
    featurization: {
      blocked_transformers: ['OneHotEncoder'],
      column_name_and_types: { V1: 'Ignore', V2: 'Categorical' },
      transformer_params: {
        imputer: [{ fields: ['V3'], parameters: { strategy: 'constant', fill_value: 'unknown' } }],
      },
    },
  });
  const inputs = r.pipeline.inputTypes();
  assert.equal(inputs.V1, undefined);
  assert.equal(inputs.V2, 'categorical');
  assert.ok(
    !r.pipeline.featurizer.featureNames.some((n) => n.includes('=')),
    r.pipeline.featurizer.featureNames.join(' '),
  );
  assert.equal(r.pipeline.featurizer.options.imputation?.V3?.strategy, 'constant');
  assert.ok(r.best.score > 0.85);
});

/** `mlsweep automl` on house_votes84 with more arguments. */
const votes = (args: string[]) =>
  cli(['automl', '--train', 'datasets/house_votes84.csv', '--target', 'target', ...args]);

test('mlsweep automl --featurization: a settings file is used; a bad one exits 2 with one line naming file and key', () => {
  const good = join(dir, 'featurization.json');
  writeFileSync(
    good,
    JSON.stringify({ column_name_and_types: { V16: 'Ignore' }, blocked_transformers: ['LabelEncoder'] }),
  );
  const model = join(dir, 'model.json');
  const ok = votes(['--max-trials', '3', '--featurization', good, '--out', model, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout);
  assert.match(doc.notices.join('\n'), /blocking LabelEncoder has no effect/);
  assert.ok(!doc.featureImportances.some((f: { feature: string }) => f.feature.startsWith('V16')));

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "column_name_and_types": {\n    "V17": "Numeric"\n  }\n}\n');
  const no = votes(['--featurization', bad, '--out', model]);
  assert.equal(no.status, 2, no.stderr);
  const first = no.stderr.trim().split('\n')[0]!;
  assert.match(first, /bad\.json:line 3, column 5: column_name_and_types\.V17: the data has no column 'V17'/);
  // a syntax error names its line too
  writeFileSync(bad, '{\n  "blocked_transformers": ["OneHotEncoder",\n}\n');
  const broken = votes(['--featurization', bad, '--out', model]);
  assert.equal(broken.status, 2, broken.stderr);
  assert.match(broken.stderr, /bad\.json:line \d+: cannot parse the file/);
  assert.doesNotMatch(no.stderr, /\n\s+at /);
  const missing = votes(['--featurization', 'nope.json', '--out', model]);
  assert.equal(missing.status, 2);
  assert.match(
    missing.stderr,
    /--featurization must be auto, off or a JSON settings file; nope\.json does not exist/,
  );
});
