// mlsweep predict --explain: the expected value and the top contributions per row beside
// the predictions (exact TreeSHAP for tree pipelines, Shapley sampling against
// --explain-background otherwise), usage errors, and end to end from automl --register.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { explainPipeline } from '../../src/automl/explain.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import { contributionRow, topContributions } from '../../src/models/explain/types.ts';
import { RandomForestRegressor } from '../../src/models/forest/random-forest.ts';
import { LogisticRegression } from '../../src/models/linear/logistic-regression.ts';
import { fitPipeline } from '../automl/pipeline-fixtures.ts';
import { CLI } from '../helpers/cli.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';

const cli = (args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-predict-explain-'));

/** Rows 0-6 of every 10 of a bundled CSV to train.csv, 7-9 to test.csv (both with a header). */
function split(name: string): { train: string; test: string } {
  const [header, ...rows] = readFileSync(`datasets/${name}.csv`, 'utf8').trim().split('\n');
  const train = join(dir, `${name}-train.csv`);
  const test = join(dir, `${name}-test.csv`);
  writeFileSync(train, `${[header, ...rows.filter((_, i) => i % 10 < 7)].join('\n')}\n`);
  writeFileSync(test, `${[header, ...rows.filter((_, i) => i % 10 >= 7)].join('\n')}\n`);
  return { train, test };
}

/** A CSV as header and rows of cells (no quoted cells in these files). */
function cells(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: header!.split(','), rows: rows.map((r) => r.split(',')) };
}

describe('mlsweep predict --explain', () => {
  test('a forest pipeline: exact TreeSHAP, the top contributions as the library computes them', async () => {
    const { train, test: testCsv } = split('boston_housing');
    const schema = 'datasets/boston_housing.schema.json';
    const pipeline = fitPipeline(await readCsv(train, { schema }), 'regression', [
      { name: 'RandomForest', estimator: new RandomForestRegressor({ nEstimators: 20, seed: 1 }) },
    ]);
    const model = join(dir, 'forest.json');
    pipeline.save(model);
    const out = join(dir, 'forest-pred.csv');
    const run = cli([
      'predict',
      '--model',
      model,
      '--data',
      testCsv,
      '--out',
      out,
      '--explain',
      '--explain-top',
      '2',
      '--json',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.explain.top, 2);
    assert.equal(doc.explain.output, 'value');
    assert.match(doc.explain.method, /^exact TreeSHAP/);
    assert.match(run.stderr, /explanations: exact TreeSHAP/);
    const { header, rows } = cells(out);
    assert.deepEqual(header, [
      'prediction',
      'explain_expected_value',
      'explain_1_column',
      'explain_1_value',
      'explain_1_contribution',
      'explain_2_column',
      'explain_2_value',
      'explain_2_contribution',
    ]);
    const table = await readCsv(testCsv, { types: pipeline.inputTypes() });
    const e = explainPipeline(pipeline, table);
    assert.equal(rows.length, table.nRows);
    rows.forEach((row, r) => {
      const top = topContributions(contributionRow(e.contributions, r), 2);
      assert.equal(Number(row[1]), e.contributions.expectedValue[0]);
      for (let i = 0; i < 2; i++) {
        const column = e.columns[top[i]!.index]!;
        assert.equal(row[2 + 3 * i], column);
        assert.equal(Number(row[3 + 3 * i]), (table.get(column).values as Float64Array)[r]);
        assert.equal(Number(row[4 + 3 * i]), top[i]!.contribution);
      }
    });
  });

  test('a linear pipeline: Shapley sampling against --explain-background, contributions to the predicted class', async () => {
    const { train, test: testCsv } = split('house_votes84');
    const schema = 'datasets/house_votes84.schema.json';
    const pipeline = fitPipeline(await readCsv(train, { schema }), 'classification', [
      { name: 'LogisticRegression', estimator: new LogisticRegression() },
    ]);
    const model = join(dir, 'logistic.json');
    pipeline.save(model);
    const out = join(dir, 'logistic-pred.csv');
    const run = cli([
      'predict',
      '--model',
      model,
      '--data',
      testCsv,
      '--out',
      out,
      '--proba',
      '--explain',
      '--explain-background',
      train,
      '--json',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.explain.output, 'probability');
    assert.match(doc.explain.method, /^permutation-sampling/);
    const { header, rows } = cells(out);
    assert.deepEqual(header.slice(0, 4), [
      'prediction',
      'proba_democrat',
      'proba_republican',
      'explain_expected_value',
    ]);
    assert.equal(header.length, 4 + 9);
    for (const row of rows) {
      assert.ok(['democrat', 'republican'].includes(row[0]!));
      assert.match(row[4]!, /^V\d+$/);
      assert.ok(['y', 'n', ''].includes(row[5]!), `a vote or missing: ${row[5]}`);
      assert.ok(Number.isFinite(Number(row[6])));
      // sorted by magnitude
      assert.ok(Math.abs(Number(row[6])) >= Math.abs(Number(row[9])));
    }
    // the same command gives the same file (seeded)
    const again = join(dir, 'logistic-again.csv');
    const second = cli([
      'predict',
      '--model',
      model,
      '--data',
      testCsv,
      '--out',
      again,
      '--proba',
      '--explain',
      '--explain-background',
      train,
    ]);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(out, 'utf8'));
  });

  test('a folder of CSV files (read whole, not streamed) gets the same explanation columns', async () => {
    const { train } = split('boston_housing');
    const schema = 'datasets/boston_housing.schema.json';
    const pipeline = fitPipeline(await readCsv(train, { schema }), 'regression', [
      { name: 'RandomForest', estimator: new RandomForestRegressor({ nEstimators: 10, seed: 2 }) },
    ]);
    const model = join(dir, 'forest-folder.json');
    pipeline.save(model);
    const [header, ...rows] = readFileSync('datasets/boston_housing.csv', 'utf8').trim().split('\n');
    const folder = join(dir, 'parts');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.csv'), `${[header, ...rows.slice(0, 40)].join('\n')}\n`);
    writeFileSync(join(folder, 'b.csv'), `${[header, ...rows.slice(40, 90)].join('\n')}\n`);
    const out = join(dir, 'folder-pred.csv');
    const run = cli([
      'predict',
      '--model',
      model,
      '--data',
      folder,
      '--out',
      out,
      '--explain',
      '--explain-top',
      '1',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const written = cells(out);
    assert.deepEqual(written.header, [
      'prediction',
      'explain_expected_value',
      'explain_1_column',
      'explain_1_value',
      'explain_1_contribution',
    ]);
    assert.equal(written.rows.length, 90);
    const table = await readCsv('datasets/boston_housing.csv', { types: pipeline.inputTypes() });
    const e = explainPipeline(pipeline, table.take(Array.from({ length: 90 }, (_, i) => i)));
    written.rows.forEach((row, r) => {
      const [best] = topContributions(contributionRow(e.contributions, r), 1);
      assert.equal(row[2], e.columns[best!.index]);
      assert.equal(Number(row[4]), best!.contribution);
    });
  });

  test('usage errors: exit 2, the first line names the flag, no stack trace', () => {
    for (const args of [
      ['--explain-top', '3'],
      ['--explain', '--explain-top', '0'],
      ['--explain-background', 'datasets/iris.csv'],
    ]) {
      const run = cli(['predict', '--model', 'no.json', '--data', 'datasets/iris.csv', ...args]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr.split('\n')[0]!, /--explain/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  });

  test('end to end: automl --store --register, then predict --model models:/NAME/latest --explain', {
    skip: sqliteSkip,
  }, () => {
    const store = join(dir, 'store');
    const model = join(dir, 'automl.json');
    const fit = cli([
      'automl',
      '--train',
      'datasets/iris.csv',
      '--target',
      'target',
      '--max-trials',
      '6',
      '--seed',
      '1',
      '--out',
      model,
      '--store',
      store,
      '--register',
      'iris-explained',
    ]);
    assert.equal(fit.status, 0, fit.stderr);
    const out = join(dir, 'registered-pred.csv');
    const run = cli([
      'predict',
      '--model',
      'models:/iris-explained/latest',
      '--store',
      store,
      '--data',
      'datasets/iris.csv',
      '--out',
      out,
      '--explain',
      '--explain-background',
      'datasets/iris.csv',
      '--json',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const { header, rows } = cells(out);
    assert.equal(rows.length, 150);
    assert.deepEqual(header.slice(0, 3), ['prediction', 'explain_expected_value', 'explain_1_column']);
    for (const row of rows) assert.match(row[2]!, /^((sepal|petal)_(length|width)_cm)?$/);
  });
});
