// A tracked and registered AutoML job, end to end through the CLI: `automl --store
// --experiment --register` records the job as a parent run with one child run per
// trial and registers the best pipeline with its metrics, data schema and lineage; then
// `runs list`, `predict --model models:/NAME@latest --explain` and `report models:/...`
// read them back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { CLI } from '../helpers/cli.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-automl-tracked-'));
const cli = (args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
// Azure's classification names, and mlsweep's own GAM
const FAMILY_NAMES =
  /^(LogisticRegression|SGD|MultinomialNaiveBayes|BernoulliNaiveBayes|SVM|LinearSVM|KNN|DecisionTree|RandomForest|ExtremeRandomTrees|LightGBM|GradientBoosting|XGBoostClassifier|GAM)$/;

test('automl --store --experiment --register: a parent run, one child run per trial, a registered model that predict and report read back', {
  skip: sqliteSkip,
}, () => {
  const store = join(dir, 'store');
  const fit = cli([
    'automl',
    '--train',
    'datasets/iris.csv',
    '--target',
    'target',
    '--max-trials',
    '10',
    '--seed',
    '2',
    '--out',
    join(dir, 'iris.json'),
    '--store',
    store,
    '--experiment',
    'iris-jobs',
    '--register',
    'iris-automl',
    '--json',
  ]);
  assert.equal(fit.status, 0, fit.stderr);
  const doc = JSON.parse(fit.stdout);
  assert.equal(doc.trials, 10);
  const runId: string = doc.recorded.runId;

  const s = new SqliteStore({ dir: store, create: false });
  try {
    const parent = s.run(runId);
    assert.equal(parent.status, 'FINISHED');
    const children = s.childRuns(runId);
    assert.equal(children.length, 10);
    const ids = children.map((c) => Number(c.tags['mlsweep.automl.trial'])).sort((a, b) => a - b);
    assert.deepEqual(ids, [...Array(10).keys()]);
    for (const c of children) {
      assert.match(c.params.algorithm!, FAMILY_NAMES);
      assert.equal(c.name, `trial-${c.tags['mlsweep.automl.trial']}-${c.params.algorithm}`);
      assert.ok(c.metrics.duration_seconds! >= 0);
      if (c.status === 'FINISHED') {
        // every cross-validated metric of the task, and the time it took
        for (const k of ['accuracy', 'AUC_weighted', 'log_loss', 'fit_seconds'])
          assert.ok(k in c.metrics, `${c.name} lacks ${k}`);
      }
    }
    // the best trial is marked; its child holds the pipeline when the pipeline is its model
    const best = children.filter((c) => c.tags['mlsweep.automl.best'] === 'true');
    assert.equal(best.length, 1);
    const bestSingle = doc.leaderboard.find((e: { trialId?: number }) => e.trialId !== undefined).trialId;
    assert.equal(Number(best[0]!.tags['mlsweep.automl.trial']), bestSingle);
    assert.deepEqual(
      s.listArtifacts(best[0]!.id),
      doc.best.trialId === undefined ? [] : ['model/model.json'],
    );
    assert.deepEqual(s.listArtifacts(runId), ['model/model.json', 'model/result.json']);

    // registered with the run's metrics, the data schema and the run as lineage
    const version = new ModelRegistry({ store: s }).resolve('models:/iris-automl@latest');
    assert.equal(version.runId, runId);
    assert.ok(Math.abs(version.metrics.accuracy! - doc.best.score) < 1e-12);
    const schema = version.dataSchema as {
      inputs: Array<{ name: string; kind: string }>;
      target: string;
      classes: string[];
    };
    assert.deepEqual(
      schema.inputs.map((c) => c.name),
      ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
    );
    assert.equal(schema.target, 'target');
    assert.equal(schema.classes.length, 3);
  } finally {
    s.close();
  }

  // runs list reads the parent and its children back
  const listed = cli(['runs', 'list', '--store', store, '--experiment', 'iris-jobs', '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const runs = JSON.parse(listed.stdout) as Array<{ id: string; parentRunId?: string }>;
  assert.equal(runs.length, 11);
  assert.equal(runs.filter((r) => r.parentRunId === runId).length, 10);

  const scored = join(dir, 'scored.csv');
  const predict = cli([
    'predict',
    '--model',
    'models:/iris-automl@latest',
    '--store',
    store,
    '--data',
    'datasets/iris.csv',
    '--out',
    scored,
    '--explain',
    '--explain-background',
    'datasets/iris.csv',
  ]);
  assert.equal(predict.status, 0, predict.stderr);
  const [header, ...rows] = readFileSync(scored, 'utf8').trim().split('\n');
  assert.equal(rows.length, 150);
  assert.deepEqual(header!.split(',').slice(0, 3), [
    'prediction',
    'explain_expected_value',
    'explain_1_column',
  ]);

  const html = join(dir, 'report.html');
  const report = cli(['report', 'models:/iris-automl@latest', '--store', store, '--out', html]);
  assert.equal(report.status, 0, report.stderr);
  assert.ok(existsSync(html));
  assert.match(readFileSync(html, 'utf8'), /iris|accuracy/);
});
