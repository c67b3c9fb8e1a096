// Every input is checked before the search starts: the training file (empty, a header
// but no rows, the target lacking), the test file (its header must have the training
// columns and the target; its classes must be known), each refused by name, in one line,
// with no trial run and no model written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { DataError } from '../../src/core/errors.ts';
import { Table } from '../../src/data/table.ts';
import { assertOneLine, runCli as mlsweep, root, tempDir } from './helpers.ts';

const dir = tempDir('inputs');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const iris = readFileSync(join(root, 'datasets/iris.csv'), 'utf8').trim().split('\n');
const header = iris[0]!;

/** Runs `automl` on iris with `extra` arguments and asserts it was refused before any work. */
function refused(extra: string[], pattern: RegExp): void {
  const model = join(dir, `model-${Math.random().toString(36).slice(2)}.json`);
  const r = mlsweep(['automl', '--target', 'target', '--max-trials', '2', '--out', model, ...extra]);
  assert.equal(r.code, 2, r.stderr);
  assertOneLine(r.stderr, pattern); // one line, no progress: the search never started
  assert.equal(existsSync(model), false);
}

test('a training file with a header but no rows, or nothing at all, is refused by name', () => {
  const headerOnly = file('header-only.csv', `${header}\n`);
  refused(['--train', headerOnly], new RegExp(`--train ${headerOnly} has a header but no rows$`));
  const empty = file('empty.csv', '');
  refused(['--train', empty], new RegExp(`--train ${empty} is empty \\(no header row\\)$`));
  const blankLines = file('blank.csv', '\n\n\r\n');
  refused(['--train', blankLines], /--train .*blank\.csv is empty/);
});

test('a target that is not a column of the training file is refused, naming the file and the columns', () => {
  const train = file('train.csv', `${iris.join('\n')}\n`);
  refused(
    ['--train', train, '--target', 'species'],
    new RegExp(
      `--train ${train} has no column named 'species' \\(the target\\); its columns: sepal_length_cm`,
    ),
  );
});

test('a test file lacking training columns is refused before the search, not after it', () => {
  const cut = iris.map((line) => line.split(',').slice(1).join(','));
  const test = file('test-cut.csv', `${cut.join('\n')}\n`);
  refused(
    ['--train', 'datasets/iris.csv', '--test', test],
    new RegExp(`--test ${test} lacks the training columns 'sepal_length_cm' \\(it has: sepal_width_cm,`),
  );
  const noTarget = iris.map((line) => line.split(',').slice(0, -1).join(','));
  refused(
    ['--train', 'datasets/iris.csv', '--test', file('test-no-target.csv', `${noTarget.join('\n')}\n`)],
    /lacks the training columns 'target'/,
  );
  const headerOnly = file('test-header.csv', `${header}\n`);
  refused(
    ['--train', 'datasets/iris.csv', '--test', headerOnly],
    new RegExp(`--test ${headerOnly} has a header but no rows$`),
  );
});

test('a test file with a class the training target never has is refused before the search', () => {
  const rows = [header, ...iris.slice(1, 20), `${iris[20]!.split(',').slice(0, -1).join(',')},virginia`];
  refused(
    ['--train', 'datasets/iris.csv', '--test', file('test-class.csv', `${rows.join('\n')}\n`)],
    /--test .*test-class\.csv: row 20 has the class 'virginia', which the training target 'target' never has \(classes: setosa, versicolor, virginica\)/,
  );
});

test('a stray-heavy test column is refused before the search, naming the cell', () => {
  const rows = iris.map((line, i) => (i > 0 && i < 20 ? line.replace(/^[^,]*/, 'n/a') : line));
  refused(
    ['--train', 'datasets/iris.csv', '--test', file('test-strays.csv', `${rows.join('\n')}\n`)],
    /--test .*test-strays\.csv:2: column 1 \('sepal_length_cm'\) is numeric, but the value "n\/a".*19 of 150/,
  );
});

test('automl() refuses an empty training table or file before any trial', async () => {
  const headerOnly = file('lib-header.csv', 'x,y\n');
  await assert.rejects(
    automl({ task: 'regression', trainPath: headerOnly, target: 'y' }),
    (e: unknown) => e instanceof DataError && e.message === `${headerOnly} has a header but no rows`,
  );
  const none = new Table([
    { name: 'x', kind: 'numeric', values: new Float64Array(0) },
    { name: 'y', kind: 'numeric', values: new Float64Array(0) },
  ]);
  await assert.rejects(
    automl({ task: 'regression', data: none, target: 'y' }),
    (e: unknown) => e instanceof DataError && /the training table has no rows/.test(e.message),
  );
});

test('a tiny table is validated with as many folds as it has rows, not refused for its fold count', async () => {
  const tiny = new Table([
    { name: 'x', kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) },
    { name: 'y', kind: 'numeric', values: Float64Array.of(1.5, 2.5, 2.9, 4.2) },
  ]);
  const result = await automl({
    task: 'regression',
    data: tiny,
    target: 'y',
    limits: { maxTrials: 1 },
    allowedModels: ['DecisionTree'],
    ensemble: false,
  });
  assert.equal(result.validation, '4-fold cross-validation');
  await assert.rejects(
    automl({ task: 'regression', data: tiny, target: 'y', validation: { type: 'cv', folds: 5 } }),
    /validation\.folds is 5, more folds than the 4 rows with a target value/,
  );
});
