import assert from 'node:assert/strict';
import { test } from 'node:test';
import { column } from '../../src/compute/matrix.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { DataError, NotFittedError } from '../../src/core/errors.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { parseCsv } from '../../src/data/read-csv.ts';
import { Table } from '../../src/data/table.ts';

const train = parseCsv(
  [
    'age,city,flag,when,id,const',
    '30,Paris,yes,2024-01-01,a1,7',
    ',Lyon,no,2024-03-15,a2,7',
    '50,Paris,yes,,a3,7',
    '40,Nice,no,2024-12-31,a4,7',
  ].join('\n'),
  { types: { id: 'text' } },
);

function col(X: ReturnType<Featurizer['transform']>, names: string[], name: string): number[] {
  const c = names.indexOf(name);
  assert.ok(c >= 0, `feature ${name} in ${names.join(', ')}`);
  return Array.from(column(X, c));
}

test('imputes with training medians and modes, adds missing indicators, drops ID-like and constant columns', () => {
  const f = new Featurizer();
  const X = f.fitTransform(train);
  const names = f.featureNames;
  assert.ok(!names.some((n) => n.startsWith('id') || n.startsWith('const')));
  assert.deepEqual(col(X, names, 'age'), [30, 40, 50, 40]);
  assert.deepEqual(col(X, names, 'age__missing'), [0, 1, 0, 0]);
  assert.deepEqual(col(X, names, 'city=Paris'), [1, 0, 1, 0]);
  assert.deepEqual(col(X, names, 'flag'), [1, 0, 1, 0]);
  assert.deepEqual(col(X, names, 'when__month'), [1, 3, 3, 12]); // median date 2024-03-15 fills the gap
  assert.deepEqual(col(X, names, 'when__missing'), [0, 0, 1, 0]);
  assert.equal(X.nCols, names.length);
});

test('no leakage: transform uses only the statistics of the rows fit saw', () => {
  const f = new Featurizer({ scale: true });
  f.fit(train);
  const test = parseCsv(
    'age,city,flag,when,id,const\n1000,Paris,no,2024-01-01,z,7\n,Paris,no,2024-01-01,z,7\n',
    {
      types: { id: 'text' },
    },
  );
  const before = f.toJSON();
  const X = f.transform(test);
  assert.deepEqual(f.toJSON(), before);
  const names = f.featureNames;
  // the missing age is filled with the TRAINING median (40), scaled by training mean/std
  const ages = [30, 40, 50, 40];
  const mean = ages.reduce((a, b) => a + b) / 4;
  const sd = Math.sqrt(ages.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
  const scaled = col(X, names, 'age');
  assert.ok(Math.abs(scaled[1]! - (40 - mean) / sd) < 1e-12);
  assert.ok(Math.abs(scaled[0]! - (1000 - mean) / sd) < 1e-12);
});

test('unseen categories encode as all-zero one-hot; columns may be reordered; a missing column is a clear error', () => {
  const f = new Featurizer();
  f.fit(train);
  const shuffled = parseCsv('const,id,when,flag,city,age\n7,q,2024-01-01,yes,Marseille,33\n', {
    types: { id: 'text' },
  });
  const X = f.transform(shuffled);
  const names = f.featureNames;
  for (const level of ['Lyon', 'Nice', 'Paris']) assert.deepEqual(col(X, names, `city=${level}`), [0]);
  assert.deepEqual(col(X, names, 'age'), [33]);
  const lacking = parseCsv('age,flag\n1,yes\n');
  assert.throws(
    () => f.transform(lacking),
    (e: unknown) => e instanceof DataError && /'city', 'when', 'id', 'const'/.test(e.message),
  );
  assert.throws(() => new Featurizer().transform(train), NotFittedError);
});

function highCardinality(n: number, seed: number): { table: Table; y: Float64Array } {
  const levels: string[] = [];
  const y = new Float64Array(n);
  const next = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const s = next();
    const level = `z${s % 40}`;
    levels.push(level);
    y[i] = (s % 40) / 4 + ((s >> 8) % 10) / 10;
  }
  return { table: new Table([{ name: 'zip', kind: 'categorical', values: levels }]), y };
}

test('high-cardinality categories are target encoded, cross-fitted on the training rows', () => {
  const { table, y } = highCardinality(400, 3);
  const f = new Featurizer({ maxOneHotLevels: 10, seed: 1 });
  const target = { task: 'regression' as const, values: y };
  const Xfit = f.fitTransform(table, target);
  assert.deepEqual(f.featureNames, ['zip__te']);
  const Xfull = f.transform(table);
  // cross-fitted encodings differ from the full-data ones, but stay close
  let differs = 0;
  for (let i = 0; i < 400; i++) {
    if (Xfit.data[i] !== Xfull.data[i]) differs++;
    assert.ok(Math.abs(Xfit.data[i]! - Xfull.data[i]!) < 2);
  }
  assert.ok(differs > 300);
  // an unseen level gets the prior (the training mean)
  const unseen = f.transform(new Table([{ name: 'zip', kind: 'categorical', values: ['never'] }]));
  const mean = y.reduce((a, b) => a + b) / y.length;
  assert.ok(Math.abs(unseen.data[0]! - mean) < 1e-9);
  // without a target, frequency encoding
  const g = new Featurizer({ maxOneHotLevels: 10 });
  g.fit(table);
  assert.deepEqual(g.featureNames, ['zip__freq']);
  assert.equal(g.transform(new Table([{ name: 'zip', kind: 'categorical', values: ['never'] }])).data[0], 0);
});

test('multiclass target encoding emits one feature per class', () => {
  const table = new Table([
    { name: 'c', kind: 'categorical', values: Array.from({ length: 60 }, (_, i) => `v${i % 15}`) },
  ]);
  const codes = Int32Array.from({ length: 60 }, (_, i) => i % 3);
  const f = new Featurizer({ maxOneHotLevels: 5 });
  const X = f.fitTransform(table, { task: 'classification', codes, nClasses: 3 });
  assert.deepEqual(f.featureNames, ['c__te[0]', 'c__te[1]', 'c__te[2]']);
  for (let r = 0; r < 60; r++) {
    const sum = X.data[r]! + X.data[60 + r]! + X.data[120 + r]!;
    assert.ok(Math.abs(sum - 1) < 1e-9);
  }
});

test('indicatorColumns flags one-hot levels and missing flags; scale: true keeps them 0/1 and standardizes the rest', () => {
  const f = new Featurizer({ scale: true });
  const X = f.fitTransform(train);
  const names = f.featureNames;
  const flagged = names.filter((_, c) => f.indicatorColumns[c]);
  assert.deepEqual(flagged.sort(), ['age__missing', 'city=Lyon', 'city=Nice', 'city=Paris', 'when__missing']);
  assert.deepEqual(col(X, names, 'city=Paris'), [1, 0, 1, 0]);
  assert.deepEqual(col(X, names, 'age__missing'), [0, 1, 0, 0]);
  const age = col(X, names, 'age');
  assert.ok(Math.abs(age.reduce((a, b) => a + b, 0)) < 1e-12, 'age is centred');
  assert.ok(Math.abs(age.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-12, 'age has unit variance');
});

test('fitScaling on an unscaled featurizer keeps its indicators at mean 0, scale 1 and fits the rest', () => {
  const f = new Featurizer();
  const X = f.fitTransform(train);
  const s = f.fitScaling(X);
  f.indicatorColumns.forEach((flag, c) => {
    if (flag) assert.deepEqual([s.mean[c], s.scale[c]], [0, 1], `${f.featureNames[c]} is left as it is`);
  });
  const age = col(X, f.featureNames, 'age');
  const mean = age.reduce((a, b) => a + b, 0) / age.length;
  const sd = Math.sqrt(age.reduce((a, b) => a + (b - mean) ** 2, 0) / age.length);
  const c = f.featureNames.indexOf('age');
  assert.ok(Math.abs(s.mean[c]! - mean) < 1e-12, 'age is centred on its mean');
  assert.ok(Math.abs(s.scale[c]! - sd) < 1e-12 && sd !== 1, 'age is scaled by its deviation');
});

test('toJSON/fromJSON round trip gives identical matrices', () => {
  const { table, y } = highCardinality(200, 9);
  const wide = new Table([
    ...table.columns,
    ...train.take(Array.from({ length: 200 }, (_, i) => i % 4)).columns,
  ]);
  const f = new Featurizer({ scale: true, maxOneHotLevels: 5 });
  f.fitTransform(wide, { task: 'regression', values: y });
  const g = Featurizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
  assert.deepEqual(g.featureNames, f.featureNames);
  assert.deepEqual(g.transform(wide).data, f.transform(wide).data);
});
