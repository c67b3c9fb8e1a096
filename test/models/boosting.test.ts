import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unavailableReason } from '../../src/compute/backend.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import {
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  type IterationInfo,
  ValidationError,
} from '../../src/index.ts';
import { suiteData } from './estimator-suite.ts';
import { rareClassData, rareRecall } from './rare-class-data.ts';

const nativeOk = unavailableReason('native') === undefined;
const { X, labels, target } = suiteData(17, 400);
const train = { X: X.slice(0, 300), labels: labels.slice(0, 300), target: target.slice(0, 300) };
const valid = { X: X.slice(300), labels: labels.slice(300), target: target.slice(300) };

describe('gradient boosting', () => {
  test('reports train and validation losses after every round', () => {
    const seen: IterationInfo[] = [];
    const gb = new GradientBoostingClassifier({ nEstimators: 12, backend: 'js' });
    gb.fit(train.X, train.labels, {
      evalSet: { X: valid.X, y: valid.labels },
      onIteration: (i) => void seen.push(i),
    });
    assert.equal(seen.length, 12);
    assert.deepEqual(
      seen.map((s) => s.iteration),
      [...Array(12).keys()],
    );
    for (const s of seen) {
      assert.equal(s.metric, 'log_loss');
      assert.ok(Number.isFinite(s.trainLoss) && Number.isFinite(s.validLoss!));
    }
    assert.ok(seen[11]!.trainLoss < seen[0]!.trainLoss);
    assert.deepEqual(
      gb.evalHistory.valid,
      seen.map((s) => s.validLoss),
    );
    assert.equal(gb.nIterations, 12);
  });

  test('a callback returning false stops training at that round', () => {
    const gb = new GradientBoostingRegressor({ nEstimators: 50, backend: 'js' });
    gb.fit(train.X, train.target, { onIteration: (i) => i.iteration < 4 });
    assert.equal(gb.nIterations, 5);
  });

  test('early stopping keeps the best round on the evaluation set', () => {
    // a high learning rate on noise overfits quickly
    const next = mulberry32(2);
    const noise = train.target.map(() => next() / 2 ** 32);
    const gb = new GradientBoostingRegressor({
      nEstimators: 200,
      learningRate: 0.5,
      minChildSamples: 2,
      earlyStoppingRounds: 5,
      backend: 'js',
    });
    gb.fit(train.X, noise, { evalSet: { X: valid.X, y: valid.target.map(() => next() / 2 ** 32) } });
    const history = gb.evalHistory.valid;
    assert.ok(history.length < 200, `ran ${history.length} rounds`);
    assert.equal(history.length, gb.bestIteration + 6);
    assert.equal(gb.nIterations, gb.bestIteration + 1);
    assert.equal(Math.min(...history), history[gb.bestIteration]);
  });

  test('early stopping needs an evaluation set', () => {
    const gb = new GradientBoostingClassifier({ earlyStoppingRounds: 3 });
    assert.throws(
      () => gb.fit(train.X, train.labels),
      (e: unknown) => e instanceof ValidationError && e.path === 'earlyStoppingRounds',
    );
  });

  test('softmax learns three classes; validation labels must be known', () => {
    const gb = new GradientBoostingClassifier({ nEstimators: 40, backend: 'js' }).fit(train.X, train.labels);
    const p = gb.predict(valid.X);
    const acc = p.filter((v, i) => v === valid.labels[i]).length / p.length;
    assert.ok(acc > 0.75, `accuracy ${acc}`);
    assert.equal(gb.trees.length, 40 * 3);
    assert.throws(
      () => gb.fit(train.X, train.labels, { evalSet: { X: valid.X, y: valid.X.map(() => 'nope') } }),
      ValidationError,
    );
  });

  test('absolute error and huber resist outliers that squared error follows', () => {
    const y = train.target.map((v, i) => (i % 10 === 0 ? v + 100 : v));
    const fit = (loss: 'squared_error' | 'absolute_error' | 'huber') =>
      new GradientBoostingRegressor({ loss, nEstimators: 60, backend: 'js' })
        .fit(train.X, y)
        .predict(valid.X);
    const error = (p: Float64Array) =>
      p.reduce((s, v, i) => s + Math.abs(v - valid.target[i]!), 0) / p.length;
    const squared = error(fit('squared_error'));
    assert.ok(error(fit('absolute_error')) < squared / 2, 'absolute error');
    assert.ok(error(fit('huber')) < squared / 2, 'huber');
  });

  test('row and feature subsampling are seeded, and change the model', () => {
    const make = (seed: number, sub: number) =>
      new GradientBoostingRegressor({
        nEstimators: 20,
        subsample: sub,
        colsampleBytree: sub,
        seed,
        backend: 'js',
      })
        .fit(train.X, train.target)
        .predict(valid.X);
    assert.deepEqual(make(1, 0.6), make(1, 0.6));
    assert.notDeepEqual(make(1, 0.6), make(2, 0.6));
    assert.notDeepEqual(make(1, 0.6), make(1, 1));
  });

  test('js and native backends give the same model', { skip: !nativeOk && 'native addon not built' }, () => {
    for (const params of [
      { nEstimators: 20, subsample: 0.7, colsampleBytree: 0.5, regLambda: 1, regAlpha: 0.1 },
      { nEstimators: 10, maxDepth: 3, numLeaves: 8 },
      // the benchmark's xgboost-equivalent parameters
      { nEstimators: 15, maxDepth: 6, numLeaves: 64, minChildSamples: 1, minChildWeight: 1, regLambda: 1 },
    ]) {
      const js = new GradientBoostingClassifier({ ...params, backend: 'js' }).fit(train.X, train.labels);
      const native = new GradientBoostingClassifier({ ...params, backend: 'native' }).fit(
        train.X,
        train.labels,
      );
      assert.deepEqual(native.trees, js.trees);
      assert.deepEqual(native.predictProba(valid.X), js.predictProba(valid.X));
    }
  });

  test('concurrent async fits on several threads give the sync models', {
    skip: !nativeOk && 'native addon not built',
  }, async () => {
    const big = {
      X: Array.from({ length: 25 }, () => train.X).flat(),
      y: Array.from({ length: 25 }, () => train.labels).flat(),
    };
    const make = () => new GradientBoostingClassifier({ nEstimators: 8, backend: 'native', nThreads: 2 });
    const [a, b] = await Promise.all([make().fitAsync(big.X, big.y), make().fitAsync(big.X, big.y)]);
    const sync = make().fit(big.X, big.y);
    assert.deepEqual(a.trees, sync.trees);
    assert.deepEqual(b.trees, sync.trees);
  });

  test('hyperparameters are validated with their name and value', () => {
    const check = (params: Record<string, unknown>, path: string) =>
      assert.throws(
        () => new GradientBoostingRegressor(params),
        (e: unknown) =>
          e instanceof ValidationError && e.path === path && e.message.includes(JSON.stringify(params[path])),
      );
    check({ learningRate: 0 }, 'learningRate');
    check({ numLeaves: 1 }, 'numLeaves');
    check({ subsample: 1.5 }, 'subsample');
    check({ loss: 'poisson' }, 'loss');
    check({ nEstimators: 2.5 }, 'nEstimators');
    assert.throws(
      () => new GradientBoostingRegressor({ backend: 'cuda' as 'js' }),
      (e: unknown) => e instanceof ValidationError && e.path === 'GradientBoostingRegressor.backend',
    );
  });

  test('class weights multiply the sample weights of their rows', () => {
    const first = train.labels[0]!;
    const params = { nEstimators: 10, minChildSamples: 5, backend: 'js' } as const;
    const weighted = new GradientBoostingClassifier({ ...params, classWeight: { [first]: 3 } });
    weighted.fit(train.X, train.labels);
    const explicit = new GradientBoostingClassifier(params).fit(train.X, train.labels, {
      sampleWeight: train.labels.map((l) => (l === first ? 3 : 1)),
    });
    assert.deepEqual(weighted.predictProba(valid.X), explicit.predictProba(valid.X));
    assert.notDeepEqual(
      weighted.predictProba(valid.X),
      new GradientBoostingClassifier(params).fit(train.X, train.labels).predictProba(valid.X),
    );
    assert.equal(weighted.toJSON().params.classWeight![first as never], 3);
    const copy = GradientBoostingClassifier.fromJSON(JSON.parse(JSON.stringify(weighted.toJSON())));
    assert.deepEqual(copy.predictProba(valid.X), weighted.predictProba(valid.X));
    assert.deepEqual(copy.toJSON().params, weighted.toJSON().params);
  });

  test('balanced class weights raise the recall of a rare class', () => {
    const { rows, y } = rareClassData(1000, 0.35, 4);
    const params = { nEstimators: 30, minChildSamples: 10, backend: 'js', seed: 1 } as const;
    const recall = (m: GradientBoostingClassifier) => rareRecall(m.predict(rows), y);
    const plain = recall(new GradientBoostingClassifier(params).fit(rows, y));
    const balanced = recall(
      new GradientBoostingClassifier({ ...params, classWeight: 'balanced' }).fit(rows, y),
    );
    assert.ok(balanced > plain + 0.2, `recall ${balanced} balanced vs ${plain}`);
    assert.throws(
      () => new GradientBoostingClassifier({ classWeight: { rare: -1 } }),
      (e: unknown) => e instanceof ValidationError && e.path === 'classWeight.rare',
    );
    assert.throws(
      () => new GradientBoostingRegressor({ classWeight: 'balanced' } as Record<string, unknown>),
      ValidationError,
    );
  });
});
