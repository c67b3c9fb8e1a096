// Labels keep their type: string labels stay strings (yes/no is not a boolean target),
// integer targets with few distinct values are classes (said in a notice), a constant
// target is an error naming its one value, and a classification of a continuous target
// is warned about.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { resolveTask } from '../../src/automl/prepare.ts';
import { evaluatePipeline } from '../../src/automl/score-table.ts';
import { inferTask } from '../../src/automl/target.ts';
import { DataError } from '../../src/core/errors.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import { Table } from '../../src/data/table.ts';
import { runCli as mlsweep, tempDir } from './helpers.ts';

const dir = tempDir('labels');

/** A CSV of `n` rows: x in [0, 1) on a fixed grid, and a label from x. */
function labelled(name: string, n: number, label: (x: number, i: number) => string | number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const x = ((i * 37) % n) / n;
    return `${x.toFixed(4)},${(i % 5) + 1},${label(x, i)}`;
  });
  const path = join(dir, name);
  writeFileSync(path, `x,z,y\n${rows.join('\n')}\n`);
  return path;
}

const quick = {
  limits: { maxTrials: 2 },
  allowedModels: ['DecisionTree'],
  ensemble: false,
  validation: { type: 'cv' as const, folds: 3 },
  seed: 1,
};

test('yes/no labels stay class names: the pipeline predicts yes and no, and a test set with them scores', async () => {
  const train = labelled('yes-no.csv', 90, (x) => (x > 0.5 ? 'yes' : 'no'));
  const result = await automl({ task: 'classification', trainPath: train, target: 'y', ...quick });
  assert.deepEqual(result.pipeline.classes, ['no', 'yes']);
  const test = await readCsv(train, { types: { ...result.pipeline.inputTypes(), y: 'categorical' } });
  const predicted = result.pipeline.predict(test) as string[];
  assert.ok(predicted.every((p) => p === 'yes' || p === 'no'));
  assert.ok(evaluatePipeline(result.pipeline, test).accuracy! > 0.9);
});

test('true/false labels without a task are a classification with classes false and true', async () => {
  const train = labelled('true-false.csv', 90, (x) => (x > 0.5 ? 'true' : 'false'));
  const result = await automl({ trainPath: train, target: 'y', ...quick });
  assert.equal(result.task, 'classification');
  assert.deepEqual(result.pipeline.classes, ['false', 'true']);
  assert.ok(result.notices.some((n) => /^task: classification, inferred from the target 'y'/.test(n)));
});

test('the task rule: few distinct integers are classes, many integers or reals are regression', () => {
  const cells = (values: ReadonlyArray<string | number>) => ({ name: 'y', cells: values.map(String) });
  const ints = (n: number, k: number) => Array.from({ length: n }, (_, i) => i % k);
  assert.equal(inferTask(cells(ints(10, 2))).task, 'classification'); // 0/1 in any size
  assert.equal(inferTask(cells(ints(214, 7).map((v) => v + 1))).task, 'classification'); // 1..7, glass
  assert.equal(inferTask(cells(ints(1000, 20))).task, 'classification'); // the cap
  assert.equal(inferTask(cells(ints(1000, 21))).task, 'regression'); // over the cap
  assert.equal(inferTask(cells(ints(60, 7))).task, 'regression'); // 7 values in 60 rows: over 10%
  assert.equal(inferTask(cells(ints(60, 6))).task, 'classification');
  assert.equal(inferTask(cells(ints(100, 2).map((v) => v + 0.5))).task, 'regression'); // not integers
  assert.equal(inferTask(cells(['a', 'b', '3'])).task, 'classification');
  const notice = inferTask(cells(ints(100, 3))).notice;
  assert.match(notice, /task: classification.*'y': 3 distinct integer values \('0', '1', '2'\) in 100 rows/);
  assert.match(notice, /--task regression/);
});

test('an integer target with few values is a classification without a task, with a notice', async () => {
  const train = labelled('ints.csv', 90, (x) => Math.min(3, Math.floor(x * 4)));
  const result = await automl({ trainPath: train, target: 'y', ...quick });
  assert.equal(result.task, 'classification');
  assert.deepEqual(result.pipeline.classes, ['0', '1', '2', '3']);
  assert.ok(result.notices.some((n) => /task: classification.*4 distinct integer values/.test(n)));
});

/** `mlsweep automl` with `data` (--train, --test), target y, two decision trees, the model to `out`, --json. */
function quickAutoml(data: string[], out: string) {
  return mlsweep([
    'automl',
    ...data,
    '--target',
    'y',
    '--max-trials',
    '2',
    '--allowed-models',
    'DecisionTree',
    '--no-ensemble',
    '--out',
    out,
    '--json',
  ]);
}

test('the CLI infers a 0/1 target as classification (stderr notice) and predicts the labels back', () => {
  const train = labelled('cli-01.csv', 90, (x) => (x > 0.5 ? 1 : 0));
  const model = join(dir, 'cli-01.json');
  const r = quickAutoml(['--train', train], model);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).task, 'classification');
  assert.match(r.stderr, /task: classification, inferred from the target 'y': 2 distinct integer values/);
  assert.ok(JSON.parse(r.stdout).notices.some((n: string) => /task: classification/.test(n)));

  const words = labelled('cli-words.csv', 90, (x) => (x > 0.5 ? 'yes' : 'no'));
  const wordModel = join(dir, 'cli-words.json');
  const w = quickAutoml(['--train', words, '--test', words], wordModel);
  assert.equal(w.code, 0, w.stderr);
  assert.ok(JSON.parse(w.stdout).testMetrics.accuracy > 0.9);
  const out = join(dir, 'cli-words-pred.csv');
  const p = mlsweep(['predict', '--model', wordModel, '--data', words, '--out', out]);
  assert.equal(p.code, 0, p.stderr);
  const predictions = readFileSync(out, 'utf8').trim().split('\n').slice(1);
  assert.equal(predictions.length, 90);
  assert.ok(
    predictions.every((l) => l === 'yes' || l === 'no'),
    predictions.slice(0, 3).join(' '),
  );
});

test('a constant target is a DataError naming the column and its one value, before any trial', async () => {
  const constant = new Table([
    { name: 'x', kind: 'numeric', values: Float64Array.from({ length: 40 }, (_, i) => i) },
    { name: 'y', kind: 'numeric', values: new Float64Array(40).fill(5) },
  ]);
  let trials = 0;
  await assert.rejects(
    automl({ task: 'regression', data: constant, target: 'y', ...quick, onProgress: () => trials++ }),
    (e: unknown) => e instanceof DataError && /target 'y' has one value, '5'/.test(e.message),
  );
  assert.equal(trials, 0);
  const words = labelled('constant.csv', 30, () => 'yes');
  await assert.rejects(
    automl({ trainPath: words, target: 'y', ...quick }),
    (e: unknown) => e instanceof DataError && /target 'y' has one value, 'yes'/.test(e.message),
  );
});

test('a classification of mostly distinct real values is warned about', async () => {
  const path = labelled('continuous.csv', 100, (x, i) => (x * 3.7 + i / 1000).toFixed(4));
  const table = await readCsv(path, { types: { y: 'categorical' } });
  const { notices } = resolveTask(table, 'y', 'classification');
  assert.ok(
    notices.some((n) => /target 'y' looks continuous \(100 distinct values in 100 rows/.test(n)),
    notices.join('\n'),
  );
  assert.deepEqual(resolveTask(table, 'y', 'regression').notices, []);
  // labels that repeat, or integers, are not warned about
  const classes = await readCsv(
    labelled('few.csv', 100, (x) => (x > 0.5 ? 1.5 : 2.5)),
    { types: { y: 'categorical' } },
  );
  assert.deepEqual(resolveTask(classes, 'y', 'classification').notices, []);
});
