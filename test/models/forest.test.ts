import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unavailableReason } from '../../src/compute/backend.ts';
import { weightedMedian } from '../../src/compute/kernels/trees/leaf-median.ts';
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  ExtraTreesClassifier,
  RandomForestClassifier,
  RandomForestRegressor,
  ValidationError,
} from '../../src/index.ts';
import { resolveMaxFeatures } from '../../src/models/forest/forest-model.ts';
import { suiteData } from './estimator-suite.ts';
import { rareClassData, rareRecall } from './rare-class-data.ts';

const nativeOk = unavailableReason('native') === undefined;
const { X, labels, target } = suiteData(23, 400);

function accuracy(p: unknown[], y: unknown[]): number {
  return p.filter((v, i) => v === y[i]).length / p.length;
}

describe('decision trees and forests', () => {
  test('the out-of-bag score estimates held-out accuracy', () => {
    const rf = new RandomForestClassifier({ nEstimators: 30, oobScore: true, backend: 'js', seed: 2 });
    rf.fit(X.slice(0, 300), labels.slice(0, 300));
    const held = accuracy(rf.predict(X.slice(300)), labels.slice(300));
    assert.ok(
      rf.oobScore! > 0.6 && Math.abs(rf.oobScore! - held) < 0.12,
      `oob ${rf.oobScore}, held-out ${held}`,
    );
    const reg = new RandomForestRegressor({ nEstimators: 30, oobScore: true, backend: 'js' }).fit(X, target);
    assert.ok(reg.oobScore! > 0.5 && reg.oobScore! < 1, `oob R2 ${reg.oobScore}`);
    assert.equal(new RandomForestClassifier({ nEstimators: 3 }).fit(X, labels).oobScore, undefined);
  });

  test('oobScore and maxSamples need bootstrap', () => {
    assert.throws(() => new ExtraTreesClassifier({ oobScore: true }), ValidationError);
    assert.throws(() => new RandomForestClassifier({ bootstrap: false, maxSamples: 0.5 }), ValidationError);
    assert.throws(() => new RandomForestClassifier({ maxSamples: 401 }).fit(X, labels), ValidationError);
  });

  test('class_weight balanced raises the recall of a rare class', () => {
    const rare = labels.map((l, i) => (l === 'high' && i % 3 === 0 ? 'rare' : l === 'high' ? 'mid' : l));
    const recall = (classWeight: 'balanced' | null) => {
      const m = new DecisionTreeClassifier({ maxDepth: 3, classWeight, backend: 'js' }).fit(X, rare);
      const p = m.predict(X);
      const idx = rare.map((l, i) => (l === 'rare' ? i : -1)).filter((i) => i >= 0);
      return idx.filter((i) => p[i] === 'rare').length / idx.length;
    };
    assert.ok(recall('balanced') > recall(null), `balanced ${recall('balanced')} vs ${recall(null)}`);
    const weighted = new DecisionTreeClassifier({ classWeight: { low: 0 }, maxDepth: 2 }).fit(X, labels);
    assert.ok(!weighted.predict(X).includes('low'));
    assert.throws(() => new DecisionTreeClassifier({ classWeight: 'even' as 'balanced' }), ValidationError);
  });

  test('maxFeatures resolves like scikit-learn', () => {
    assert.equal(resolveMaxFeatures(null, 20, 'm'), 20);
    assert.equal(resolveMaxFeatures('sqrt', 20, 'm'), 4);
    assert.equal(resolveMaxFeatures('log2', 20, 'm'), 4);
    assert.equal(resolveMaxFeatures(0.3, 20, 'm'), 6);
    assert.equal(resolveMaxFeatures(7, 20, 'm'), 7);
    assert.throws(() => resolveMaxFeatures(21, 20, 'm'), ValidationError);
    assert.throws(() => new RandomForestClassifier({ maxFeatures: 1.5 }), ValidationError);
  });

  test('depth, leaf and split limits hold', () => {
    const leaves = (t: { feature: Int32Array }) => t.feature.filter((f) => f < 0).length;
    assert.ok(leaves(new DecisionTreeClassifier({ maxDepth: 2 }).fit(X, labels).trees[0]!) <= 4);
    assert.equal(leaves(new DecisionTreeRegressor({ maxLeafNodes: 7 }).fit(X, target).trees[0]!), 7);
    const big = new DecisionTreeRegressor({ minSamplesLeaf: 40 }).fit(X, target).trees[0]!;
    assert.ok(leaves(big) <= 10);
    const stump = new DecisionTreeRegressor({ minImpurityDecrease: 1e9 }).fit(X, target).trees[0]!;
    assert.equal(stump.nNodes, 1);
  });

  test('absolute_error trees predict leaf medians', () => {
    const y: number[] = X.map((row) => (row[0]! < 0.5 ? 1 : 10));
    // one larger value on the left moves the mean there, not the median
    const left = X.findIndex((row) => row[0]! < 0.5);
    y[left] = 7;
    const tree = new DecisionTreeRegressor({ criterion: 'absolute_error', maxDepth: 1 }).fit(X, y);
    const p = tree.predict([
      [0.1, 0, 0, 0],
      [0.9, 0, 0, 0],
    ]);
    assert.deepEqual(Array.from(p), [1, 10]);
    assert.equal(weightedMedian(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1)), 2.5);
    assert.equal(weightedMedian(Float64Array.of(5, 1, 9), Float64Array.of(1, 1, 3)), 9);
    assert.throws(
      () => new RandomForestRegressor({ criterion: 'huber' } as Record<string, unknown>),
      /criterion/,
    );
  });

  test('extra trees differ from random forests and from each other by seed', () => {
    const a = new ExtraTreesClassifier({ nEstimators: 5, seed: 1 }).fit(X, labels);
    const b = new ExtraTreesClassifier({ nEstimators: 5, seed: 2 }).fit(X, labels);
    assert.notDeepEqual(a.predictProba(X), b.predictProba(X));
    assert.ok(accuracy(a.predict(X), labels) > 0.9);
  });

  test('categorical features are split by category', () => {
    // the class depends on membership of the code in {1, 4, 6}: hard for thresholds
    const Xc = X.map((row, i) => [(i * 7) % 8, row[1]!]);
    const y = Xc.map((row) => ([1, 4, 6].includes(row[0]!) ? 'in' : 'out'));
    const cat = new DecisionTreeClassifier({ maxDepth: 1, categoricalFeatures: [0] }).fit(Xc, y);
    assert.equal(accuracy(cat.predict(Xc), y), 1);
    const num = new DecisionTreeClassifier({ maxDepth: 1 }).fit(Xc, y);
    assert.ok(accuracy(num.predict(Xc), y) < 1);
    assert.throws(() => new DecisionTreeClassifier({ categoricalFeatures: [5] }).fit(Xc, y), ValidationError);
  });

  test('forests give the same model on js and native', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    for (const Ctor of [RandomForestClassifier, ExtraTreesClassifier]) {
      const params = { nEstimators: 6, maxSamples: 0.7, seed: 4 };
      const js = new Ctor({
        ...(Ctor === ExtraTreesClassifier ? { bootstrap: true } : {}),
        ...params,
        backend: 'js',
      });
      const native = new Ctor({
        ...(Ctor === ExtraTreesClassifier ? { bootstrap: true } : {}),
        ...params,
        backend: 'native',
        nThreads: 2,
      });
      js.fit(X, labels);
      native.fit(X, labels);
      assert.deepEqual(native.trees, js.trees);
    }
  });

  test('async fit leaves the event loop free while native trees grow', {
    skip: !nativeOk && 'native addon not built',
  }, async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const big = Array.from({ length: 20 }, () => X).flat();
    const bigY = Array.from({ length: 20 }, () => labels).flat();
    await new RandomForestClassifier({
      nEstimators: 40,
      backend: 'native',
      nThreads: 1,
      maxFeatures: null,
    }).fitAsync(big, bigY);
    clearInterval(timer);
    assert.ok(ticks > 0);
  });

  test("classWeight 'balanced_subsample' balances each bootstrap draw; without bootstrap it is 'balanced'", () => {
    // the rare class shifted by half a feature's spread: leaves of 50 rows without class
    // weights rarely vote for it
    const { rows, y } = rareClassData(1500, 0.5, 9);
    const train = { X: rows.slice(0, 1000), y: y.slice(0, 1000) };
    const recall = (m: RandomForestClassifier | ExtraTreesClassifier) =>
      rareRecall(m.predict(rows.slice(1000)), y.slice(1000));
    const params = { nEstimators: 30, seed: 3, minSamplesLeaf: 50 } as const;
    const plain = recall(new RandomForestClassifier(params).fit(train.X, train.y));
    const sub = new RandomForestClassifier({ ...params, classWeight: 'balanced_subsample' }).fit(
      train.X,
      train.y,
    );
    const balanced = new RandomForestClassifier({ ...params, classWeight: 'balanced' }).fit(train.X, train.y);
    assert.ok(recall(sub) > plain + 0.4, `recall ${recall(sub)} vs ${plain} unweighted`);
    assert.notDeepEqual(sub.trees, balanced.trees);
    const et = (classWeight: 'balanced' | 'balanced_subsample') =>
      new ExtraTreesClassifier({ ...params, classWeight }).fit(train.X, train.y).trees;
    assert.deepEqual(et('balanced_subsample'), et('balanced'));
    assert.throws(
      () => new DecisionTreeClassifier({ classWeight: 'balanced_subsample' } as Record<string, unknown>),
      (e: unknown) => e instanceof ValidationError && e.path === 'classWeight',
    );
  });

  test('async fit on the js backend lets the event loop run between trees, and grows the same trees', async () => {
    let done = false;
    let ranDuringFit = false;
    // queued before the fit: it runs at the fit's first yield, or after the fit without one
    setImmediate(() => {
      ranDuringFit = !done;
    });
    const params = { nEstimators: 3, backend: 'js', seed: 4, oobScore: true } as const;
    const model = await new RandomForestClassifier(params).fitAsync(X, labels);
    done = true;
    assert.ok(ranDuringFit);
    const sync = new RandomForestClassifier(params).fit(X, labels);
    assert.deepEqual(model.trees, sync.trees);
    assert.equal(model.oobScore, sync.oobScore);
  });
});
