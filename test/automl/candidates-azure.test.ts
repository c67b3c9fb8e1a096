// Azure AutoML's algorithm names (issue 20): every name of each task maps to a real
// estimator that fits from its family's initial point; aliases, did-you-mean errors,
// the SVM row limit, the GAM family and its column limit, and the CLI's exit code 2 for
// an unknown name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CANDIDATES,
  GAM_MAX_NUMERIC_COLUMNS,
  MODEL_ALIASES,
  SVM_MAX_ROWS,
  selectCandidates,
  withinSizeLimits,
} from '../../src/automl/candidates.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { ValidationError } from '../../src/core/errors.ts';
import {
  BernoulliNB,
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  LassoLars,
  LinearSVC,
  MultinomialNB,
  SGDClassifier,
  SGDRegressor,
  SplineLogisticRegression,
  SplineRidge,
  SVC,
} from '../../src/models/index.ts';
import { CLI } from '../helpers/cli.ts';

const AZURE = {
  classification: [
    'LogisticRegression',
    'SGD',
    'MultinomialNaiveBayes',
    'BernoulliNaiveBayes',
    'SVM',
    'LinearSVM',
    'KNN',
    'DecisionTree',
    'RandomForest',
    'ExtremeRandomTrees',
    'LightGBM',
    'GradientBoosting',
    'XGBoostClassifier',
  ],
  regression: [
    'ElasticNet',
    'GradientBoosting',
    'DecisionTree',
    'KNN',
    'LassoLars',
    'SGD',
    'RandomForest',
    'ExtremeRandomTrees',
    'LightGBM',
    'XGBoostRegressor',
  ],
} as const;

/** 120 seeded rows, 4 non-negative features (MultinomialNB's counts), a class and a target. */
function data() {
  const next = mulberry32(5);
  const u = () => next() / 2 ** 32;
  const X = Array.from({ length: 120 }, () => [u(), u(), u(), u()]);
  const labels = X.map((r) => (r[0]! + r[1]! > 1 ? 'yes' : 'no'));
  const target = X.map((r) => 2 * r[0]! - r[2]! + 0.1 * u());
  return { X, labels, target };
}

function standardized(X: number[][]): number[][] {
  const p = X[0]!.length;
  const mean = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / X.length);
  const sd = mean.map((m, j) => Math.sqrt(X.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / X.length));
  return X.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
}

describe("Azure AutoML's algorithm names", () => {
  for (const task of ['classification', 'regression'] as const) {
    test(`every ${task} name is a family, and each fits from its initial point`, () => {
      const names = selectCandidates(task, undefined, undefined).map((c) => c.name);
      for (const n of AZURE[task]) assert.ok(names.includes(n), `${n} missing for ${task}`);
      const { X, labels, target } = data();
      for (const name of AZURE[task]) {
        const c = CANDIDATES.find((x) => x.name === name)!;
        const model = c.create(c.initial, { task, seed: 3 });
        // as AutoML gives them: standardized features to the families that need scaling
        const Xs = c.needsScaling ? standardized(X) : X;
        model.fit(Xs, task === 'classification' ? labels : target);
        const p = model.predict(Xs);
        assert.equal(p.length, X.length, name);
        if (task === 'classification') {
          const acc = (p as string[]).filter((v, i) => v === labels[i]).length / X.length;
          assert.ok(acc > 0.6, `${name} training accuracy ${acc}`);
        }
      }
    });
  }

  test('the new names build the estimators behind them', () => {
    const build = (name: string, task: 'classification' | 'regression') =>
      CANDIDATES.find((c) => c.name === name)!.create({}, { task, seed: 0 });
    assert.ok(build('SGD', 'classification') instanceof SGDClassifier);
    assert.ok(build('SGD', 'regression') instanceof SGDRegressor);
    assert.ok(build('SVM', 'classification') instanceof SVC);
    assert.ok(build('LinearSVM', 'classification') instanceof LinearSVC);
    assert.ok(build('MultinomialNaiveBayes', 'classification') instanceof MultinomialNB);
    assert.ok(build('BernoulliNaiveBayes', 'classification') instanceof BernoulliNB);
    assert.ok(build('LassoLars', 'regression') instanceof LassoLars);
    assert.ok(build('LightGBM', 'classification') instanceof GradientBoostingClassifier);
    assert.ok(build('XGBoostRegressor', 'regression') instanceof GradientBoostingRegressor);
  });

  test("XGBoost's depth-wise trees: numLeaves 2^maxDepth, no row minimum; LightGBM keeps numLeaves", () => {
    const xgb = CANDIDATES.find((c) => c.name === 'XGBoostClassifier')!;
    const m = xgb.create(
      { maxDepth: 4, learningRate: 0.3, regLambda: 1 },
      { task: 'classification', seed: 0 },
    );
    assert.equal(m.params.maxDepth, 4);
    assert.equal(m.params.numLeaves, 16);
    assert.equal(m.params.minChildSamples, 1);
    assert.equal(m.params.regLambda, 1);
    const lgb = CANDIDATES.find((c) => c.name === 'LightGBM')!;
    const l = lgb.create(lgb.initial, { task: 'regression', seed: 0 });
    assert.equal(l.params.numLeaves, 15);
    assert.equal(l.params.maxDepth, null);
    assert.throws(
      () => xgb.create({}, { task: 'regression', seed: 0 }),
      /XGBoostClassifier does not do regression/,
    );
  });

  test('aliases select the family by its Azure name; results carry the Azure name', () => {
    const got = selectCandidates(
      'classification',
      ['SVC', 'LinearSVC', 'MultinomialNB', 'SGDClassifier'],
      undefined,
    );
    assert.deepEqual(got.map((c) => c.name).sort(), ['LinearSVM', 'MultinomialNaiveBayes', 'SGD', 'SVM']);
    const blocked = selectCandidates('regression', undefined, ['SGDRegressor', 'ExtraTrees']).map(
      (c) => c.name,
    );
    assert.ok(!blocked.includes('SGD') && !blocked.includes('ExtremeRandomTrees'));
    for (const target of Object.values(MODEL_ALIASES)) assert.ok(CANDIDATES.some((c) => c.name === target));
    // mlsweep's own names keep working
    assert.deepEqual(
      selectCandidates('regression', ['Ridge'], undefined).map((c) => c.name),
      ['Ridge'],
    );
  });

  test('an unknown name is a did-you-mean error naming its place', () => {
    assert.throws(
      () => selectCandidates('classification', ['LightGMB'], undefined),
      (e: unknown) =>
        e instanceof ValidationError &&
        /unknown model 'LightGMB' \(known: .*\); did you mean 'LightGBM'\?/.test(e.message) &&
        e.path === 'allowedModels[0]',
    );
    assert.throws(
      () => selectCandidates('regression', undefined, ['XGBoostRegresor']),
      /did you mean 'XGBoostRegressor'/,
    );
    // a name near none of them ends with the list, not with a dangling separator
    assert.throws(
      () => selectCandidates('regression', ['Zzzzzzzzzzzz'], undefined),
      (e: unknown) => e instanceof ValidationError && /\(known: [^)]*\)$/.test(e.message),
    );
    assert.throws(
      () => selectCandidates('regression', ['XGBoostClassifier'], undefined),
      /no model is left to try for regression/,
    );
  });

  test(`SVM is left out above ${SVM_MAX_ROWS} rows, with a notice`, () => {
    const all = selectCandidates('classification', undefined, undefined);
    const small = withinSizeLimits(all, { rows: SVM_MAX_ROWS, numericColumns: 20 });
    assert.equal(small.candidates.length, all.length);
    assert.deepEqual(small.notices, []);
    const large = withinSizeLimits(all, { rows: SVM_MAX_ROWS + 1, numericColumns: 20 });
    assert.ok(!large.candidates.some((c) => c.name === 'SVM'));
    assert.equal(large.candidates.length, all.length - 1);
    assert.match(large.notices[0]!, /SVM is left out: 10001 training rows exceed its limit of 10000/);
    // only SVM allowed: it stays (a search needs one family)
    const only = withinSizeLimits(selectCandidates('classification', ['SVM'], undefined), {
      rows: 50_000,
      numericColumns: 20,
    });
    assert.deepEqual(
      only.candidates.map((c) => c.name),
      ['SVM'],
    );
  });
});

describe('GAM, the additive spline family', () => {
  test('serves both tasks with the spline models, under its name and their aliases', () => {
    const gam = (task: 'classification' | 'regression', params: Record<string, number>) =>
      selectCandidates(task, ['GAM'], undefined)[0]!.create(params, { task, seed: 1 });
    const classifier = gam('classification', { nKnots: 4, C: 2 });
    assert.ok(classifier instanceof SplineLogisticRegression);
    assert.equal(classifier.params.nKnots, 4);
    assert.equal(classifier.params.C, 2);
    const regressor = gam('regression', { nKnots: 4, alpha: 3 });
    assert.ok(regressor instanceof SplineRidge);
    assert.equal(regressor.params.alpha, 3);
    assert.deepEqual(
      selectCandidates('regression', ['SplineRidge'], undefined).map((c) => c.name),
      ['GAM'],
    );
  });

  test('fits from its initial point for either task (each reads its own strength)', () => {
    const { X, labels, target } = data();
    const c = CANDIDATES.find((x) => x.name === 'GAM')!;
    const classifier = c.create(c.initial, { task: 'classification', seed: 3 }).fit(X, labels);
    assert.equal(classifier.params.C, 1);
    assert.equal(classifier.predict(X).length, X.length);
    const regressor = c.create(c.initial, { task: 'regression', seed: 3 }).fit(X, target);
    assert.equal(regressor.params.alpha, 1);
    assert.equal(regressor.predict(X).length, X.length);
  });

  test(`is left out above ${GAM_MAX_NUMERIC_COLUMNS} numeric columns, with a notice`, () => {
    const all = selectCandidates('regression', undefined, undefined);
    const at = withinSizeLimits(all, { rows: 500, numericColumns: GAM_MAX_NUMERIC_COLUMNS });
    assert.equal(at.candidates.length, all.length);
    const wide = withinSizeLimits(all, { rows: 500, numericColumns: GAM_MAX_NUMERIC_COLUMNS + 1 });
    assert.deepEqual(
      all.filter((c) => !wide.candidates.includes(c)).map((c) => c.name),
      ['GAM'],
    );
    assert.deepEqual(wide.notices, [
      `GAM is left out: ${GAM_MAX_NUMERIC_COLUMNS + 1} numeric columns exceed its limit of ${GAM_MAX_NUMERIC_COLUMNS} (each becomes up to a dozen spline columns).`,
    ]);
  });
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-azure-names-'));
  /** `mlsweep automl` on iris with the given model names, trial limit and output file. */
  const automlOnIris = (models: string, trials: number, out: string, ...extra: string[]) => {
    const args = ['automl', '--train', 'datasets/iris.csv', '--target', 'target', '--allowed-models', models];
    args.push('--max-trials', String(trials), '--out', join(dir, out), ...extra);
    const r = spawnSync(process.execPath, [...CLI, ...args], {
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('an unknown model name exits 2 with a did-you-mean line, no stack trace', () => {
    const r = automlOnIris('SVM,LinearSMV', 2, 'm.json');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown model 'LinearSMV'.*did you mean 'LinearSVM'\?/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('the new families run in a search and name themselves in the results', () => {
    const families = 'SGD,LinearSVM,SVM,BernoulliNaiveBayes,MultinomialNaiveBayes';
    const r = automlOnIris(families, 8, 'iris.json', '--seed', '1', '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const names = new Set(
      (doc.trialResults as Array<{ model?: string; name?: string; params?: Record<string, unknown> }>).map(
        (t) =>
          JSON.stringify(t).match(/"(SGD|LinearSVM|SVM|BernoulliNaiveBayes|MultinomialNaiveBayes)"/)?.[1],
      ),
    );
    for (const n of ['SGD', 'LinearSVM', 'SVM', 'BernoulliNaiveBayes', 'MultinomialNaiveBayes']) {
      assert.ok(names.has(n), `${n} not among the trials: ${[...names]}`);
    }
    assert.ok(doc.leaderboard.length >= 1);
  });
});
