import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-automl-cli-'));

function mlsweep(args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('mlsweep automl --json prints one JSON document; mlsweep predict streams predictions', () => {
  const model = join(dir, 'wine.json');
  const r = mlsweep([
    'automl',
    '--train',
    'datasets/wine.csv',
    '--target',
    'target',
    '--test',
    'datasets/wine.csv',
    '--max-trials',
    '5',
    '--allowed-models',
    'DecisionTree,RandomForest',
    '--out',
    model,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.task, 'classification');
  assert.equal(doc.primaryMetric, 'accuracy');
  assert.ok(doc.leaderboard.length >= 1);
  assert.ok(doc.testMetrics.accuracy > 0.9);
  assert.match(r.stderr, /trial 0 DecisionTree/);

  // reordered columns with quotes; the target is not needed
  const lines = readFileSync('datasets/wine.csv', 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const order = header.map((_, i) => i).reverse();
  const shuffled = lines.map((l) => {
    const cells = l.split(',');
    return order.map((i) => `"${cells[i]}"`).join(';');
  });
  const input = join(dir, 'new.csv');
  writeFileSync(input, `${shuffled.join('\n')}\n`);
  const out = join(dir, 'pred.csv');
  const p = mlsweep(['predict', '--model', model, '--data', input, '--out', out, '--proba', '--json']);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).rows, 178);
  const pred = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(pred[0], 'prediction,proba_class_0,proba_class_1,proba_class_2');
  assert.equal(pred.length, 179);

  const missing = join(dir, 'missing.csv');
  writeFileSync(missing, 'alcohol,target\n13,class_0\n');
  const m = mlsweep(['predict', '--model', model, '--data', missing]);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /lacks the columns 'malic_acid'/);
});

test('mlsweep automl --second-objective prediction_latency prints the front of score and latency', () => {
  const r = mlsweep([
    'automl',
    '--train',
    'datasets/iris.csv',
    '--target',
    'target',
    '--max-trials',
    '6',
    '--allowed-models',
    'DecisionTree,KNN',
    '--no-ensemble',
    '--second-objective',
    'prediction_latency',
    '--out',
    join(dir, 'iris-front.json'),
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const front = JSON.parse(r.stdout).paretoFront as Array<{ score: number; latencyMsPerRow: number }>;
  assert.ok(front.length >= 1);
  // best score first; along the front a lower score must buy a lower latency
  for (let i = 1; i < front.length; i++) {
    assert.ok(front[i]!.score <= front[i - 1]!.score);
    assert.ok(front[i]!.latencyMsPerRow < front[i - 1]!.latencyMsPerRow);
  }
  const bad = mlsweep([
    'automl',
    '--train',
    'datasets/iris.csv',
    '--target',
    'target',
    '--second-objective',
    'size',
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /second-objective/);
});
