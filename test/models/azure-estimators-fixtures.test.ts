// SGDClassifier, SGDRegressor, LinearSVC, SVC and LassoLars against scikit-learn 1.2.1
// (test/fixtures/azure-estimators/generate.py), and their own behaviour beyond the shared
// estimator suite.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  estimatorFromJSON,
  LassoLars,
  LinearSVC,
  SGDClassifier,
  SGDRegressor,
  SVC,
} from '../../src/models/index.ts';
import { powerOf } from '../../src/models/sgd/plain-sgd.ts';
import { KernelCache, kernelRow, kernelRows } from '../../src/models/svm/kernel.ts';
import { smo } from '../../src/models/svm/smo.ts';
import { testedBackends } from '../helpers/backends.ts';
import { maxDiff } from '../helpers/max-diff.ts';

const ref = JSON.parse(
  readFileSync(new URL('../fixtures/azure-estimators/reference.json', import.meta.url), 'utf8'),
);

/** scikit-learn's parameter names and values as mlsweep's (snake_case to camelCase, None to 'none'). */
function params(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k.replace(/_(.)/g, (_, c: string) => c.toUpperCase()), v ?? 'none']),
  );
}

describe('SGD matches scikit-learn without shuffling (same rows in the same order)', () => {
  for (const c of ref.sgdClassifier) {
    test(`SGDClassifier ${JSON.stringify(c.params)}: weights within 1e-9, same epochs`, () => {
      const m = new SGDClassifier({ shuffle: false, ...params(c.params) }).fit(c.X, c.y);
      assert.equal(m.nIter, c.nIter);
      assert.ok(maxDiff(m.coef.flat(), c.coef.flat()) < 1e-9, `coef ${m.coef} vs ${c.coef}`);
      assert.ok(maxDiff(m.intercept, c.intercept) < 1e-9);
      assert.ok(maxDiff(m.decisionFunction(c.X.slice(0, 20)), c.decision.flat()) < 1e-9);
      if (c.proba) assert.ok(maxDiff(m.predictProba(c.X.slice(0, 20)).flat(), c.proba.flat()) < 1e-9);
    });
  }
  for (const c of ref.sgdRegressor) {
    test(`SGDRegressor ${JSON.stringify(c.params)}: weights within 1e-9, same epochs`, () => {
      const m = new SGDRegressor({ shuffle: false, ...params(c.params) }).fit(c.X, c.y);
      assert.equal(m.nIter, c.nIter);
      assert.ok(maxDiff(m.coef, c.coef) < 1e-9, `coef ${m.coef} vs ${c.coef}`);
      assert.ok(Math.abs(m.intercept - c.intercept) < 1e-9);
      assert.ok(maxDiff(m.predict(c.X.slice(0, 20)), c.predictions) < 1e-8);
    });
  }
});

describe('LinearSVC matches liblinear', () => {
  for (const c of ref.linearSvc) {
    test(`LinearSVC ${JSON.stringify(c.params)}: coefficients within 1e-8`, () => {
      const m = new LinearSVC({ tol: 1e-10, maxIter: 1_000_000, ...params(c.params) }).fit(c.X, c.y);
      const intercept = [c.intercept].flat() as number[];
      assert.ok(maxDiff(m.coef.flat(), c.coef.flat()) < 1e-8, `coef ${m.coef} vs ${c.coef}`);
      assert.ok(maxDiff(m.intercept, intercept.length ? intercept : m.intercept.map(() => 0)) < 1e-8);
      assert.ok(maxDiff(m.decisionFunction(c.X.slice(0, 20)), c.decision.flat()) < 1e-7);
    });
  }
});

describe('SVC matches libsvm', () => {
  for (const c of ref.svc) {
    test(`SVC ${JSON.stringify(c.params)}: same support vectors and predictions, decisions within 1e-5`, () => {
      const m = new SVC({ tol: 1e-10, plattFolds: 0, ...params(c.params) }).fit(c.X, c.y);
      assert.deepEqual(m.nSupport, c.nSupport);
      assert.deepEqual(m.predict(c.X.slice(0, 30)), c.predictions);
      // libsvm keeps its kernel cache in float32: the references carry that rounding
      const d = maxDiff(m.decisionFunction(c.X.slice(0, 30)), c.decision.flat());
      assert.ok(d < 1e-5, `decision values differ by ${d}`);
    });
  }
});

for (const backend of testedBackends()) {
  describe(`LassoLars matches scikit-learn (${backend})`, () => {
    for (const c of ref.lassoLars) {
      test(`LassoLars ${JSON.stringify(c.params)} on ${c.X.length} x ${c.X[0].length}: within 1e-8`, () => {
        const m = new LassoLars({ backend, ...params(c.params) }).fit(c.X, c.y);
        const scale = Math.max(1, ...c.coef.map(Math.abs));
        assert.ok(maxDiff(m.coef, c.coef) < 1e-8 * scale, `coef ${Array.from(m.coef)} vs ${c.coef}`);
        assert.ok(Math.abs(m.intercept - c.intercept) < 1e-8 * scale);
        assert.ok(maxDiff(m.predict(c.X.slice(0, 20)), c.predictions) < 1e-7 * scale);
        if (c.nIter !== undefined) assert.equal(m.nIter, c.nIter);
      });
    }
  });
}

describe('SGD behaviour', () => {
  const c = ref.sgdClassifier[0];

  test('the tol rule stops early; tol null runs every epoch', () => {
    const stopped = new SGDClassifier({ seed: 3 }).fit(c.X, c.y);
    assert.ok(stopped.nIter < 1000, `${stopped.nIter} epochs`);
    const all = new SGDClassifier({ seed: 3, tol: null, maxIter: 40 }).fit(c.X, c.y);
    assert.equal(all.nIter, 40);
  });

  test('shuffling follows the seed', () => {
    const a = new SGDClassifier({ seed: 1 }).fit(c.X, c.y);
    const b = new SGDClassifier({ seed: 1 }).fit(c.X, c.y);
    const other = new SGDClassifier({ seed: 2 }).fit(c.X, c.y);
    assert.deepEqual(a.coef, b.coef);
    assert.notDeepEqual(a.coef, other.coef);
  });

  test('hinge probabilities are the sigmoid of the margin, ordered as the decision function', () => {
    const m = new SGDClassifier({ seed: 1 }).fit(c.X, c.y);
    const z = m.decisionFunction(c.X.slice(0, 10));
    const proba = m.predictProba(c.X.slice(0, 10));
    z.forEach((v, i) => {
      assert.ok(Math.abs(proba[i]![1]! - 1 / (1 + Math.exp(-v))) < 1e-12);
    });
  });

  test('an l1 penalty zeroes the weights of uninformative features', () => {
    // 5 features, 3 of them informative
    const d = ref.sgdClassifier[1];
    const dense = new SGDClassifier({ seed: 1, loss: 'log_loss', penalty: 'l2', alpha: 0.05 }).fit(d.X, d.y);
    const sparse = new SGDClassifier({ seed: 1, loss: 'log_loss', penalty: 'l1', alpha: 0.05 }).fit(d.X, d.y);
    assert.equal(dense.coef[0]!.filter((v) => v === 0).length, 0);
    assert.ok(
      sparse.coef[0]!.some((v) => v === 0),
      `coef ${sparse.coef[0]}`,
    );
  });

  test('bad hyperparameters name the parameter and the value', () => {
    assert.throws(
      () => new SGDClassifier({ loss: 'squared_error' as 'hinge' }),
      /SGDClassifier: loss must be one of/,
    );
    assert.throws(
      () => new SGDClassifier({ learningRate: 'constant' }),
      /eta0 must be > 0 with learningRate 'constant', got 0/,
    );
    assert.throws(() => new SGDRegressor({ average: -1 }), ValidationError);
    assert.throws(
      () => new SGDRegressor({ tol: 'x' as unknown as number }),
      /tol must be a number >= 0 or null/,
    );
  });

  test("invscaling's powers by square roots stay within an ulp of Math.pow", () => {
    for (const power of [0.25, 0.5, 1, 0.3]) {
      const pow = powerOf(power);
      for (let t = 1; t < 200_000; t += 7) {
        const want = t ** power;
        assert.ok(Math.abs(pow(t) - want) <= 2 * Number.EPSILON * want, `${t}^${power}`);
      }
    }
  });

  test('diverging weights are an error that says what to do', () => {
    const X = c.X.map((r: number[]) => r.map((v) => v * 1e300));
    assert.throws(
      () => new SGDClassifier({ learningRate: 'constant', eta0: 1e10, penalty: 'none' }).fit(X, c.y),
      /overflowed at epoch 1: scale the features/,
    );
  });
});

describe('SVC behaviour', () => {
  const c = ref.svc[1];

  test('a kernel cache of two columns gives the same solution as a large one', () => {
    const n = 60;
    const rows = kernelRows(Float64Array.from(c.X.slice(0, n).flat()), n, 4);
    const y = Float64Array.from(c.y.slice(0, n), (v: number) => (v === 0 ? 1 : -1));
    const spec = { kernel: 'rbf' as const, gamma: 0.5, degree: 3, coef0: 0 };
    const small = new KernelCache(spec, rows, y, 8 * n);
    const large = new KernelCache(spec, rows, y, 1e9);
    const C = new Float64Array(n).fill(1);
    const a = smo({ y, C, Q: small, eps: 1e-8, maxIter: null });
    const b = smo({ y, C, Q: large, eps: 1e-8, maxIter: null });
    assert.deepEqual(a.alpha, b.alpha);
    assert.ok(small.misses > large.misses, `${small.misses} vs ${large.misses} columns computed`);
    assert.ok(large.misses <= n);
  });

  test('shrinking reaches the same optimum as the full active set', () => {
    // C = 10 and a tight tol: hundreds of steps on 150 rows, so the solver shrinks and unshrinks
    const X = c.X as number[][];
    const y = (c.y as number[]).map((v) => (v === 0 ? 'a' : 'b'));
    const on = new SVC({ C: 10, tol: 1e-8, probability: false }).fit(X, y);
    const off = new SVC({ C: 10, tol: 1e-8, probability: false, shrinking: false }).fit(X, y);
    assert.ok(on.nIter > X.length, `${on.nIter} steps: too few to shrink`);
    assert.deepEqual(on.nSupport, off.nSupport);
    assert.ok(maxDiff(on.decisionFunction(X), off.decisionFunction(X)) < 1e-5);
  });

  for (const backend of testedBackends()) {
    test(`the kernel cache's swaps reorder rows, labels and cached entries consistently (${backend})`, () => {
      // 120 rows x 40 features of 300: enough work for the native products kernel
      const n = 300;
      const p = 40;
      let s = 7;
      const all = Float64Array.from(
        { length: n * p },
        () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1,
      );
      const data = kernelRows(all, n, p);
      const index = Array.from({ length: 120 }, (_, t) => 2 * t + 1);
      const y = Float64Array.from(index, (_, t) => (t % 3 === 0 ? -1 : 1));
      const spec = { kernel: 'rbf' as const, gamma: 0.05, degree: 3, coef0: 0 };
      const cache = new KernelCache(spec, data, y, 1e9, { backend, index });
      cache.column(3);
      cache.column(5, 10);
      cache.column(40, 60);
      // the solver's order after the swaps, as SMO's shrinking would leave it
      const order = index.map((_, t) => t);
      for (const [i, j] of [
        [2, 7],
        [3, 20],
        [9, 55],
        [0, 119],
      ] as const) {
        cache.swapIndex(i, j);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const row = new Float64Array(n);
      for (const t of [3, 20, 5, 40, 0, 119, 64]) {
        const col = cache.column(t);
        kernelRow(spec, data, index[order[t]!]!, data, row);
        for (let u = 0; u < index.length; u++) {
          const want = Math.fround(y[order[t]!]! * y[order[u]!]! * row[index[order[u]!]!]!);
          assert.ok(Math.abs(col[u]! - want) < 1e-6, `Q[${t}][${u}] ${col[u]} vs ${want}`);
        }
      }
    });
  }

  test('probability false: the same predictions, no sigmoids, and predictProba says why it cannot', () => {
    const plain = new SVC({ probability: false }).fit(c.X, c.y);
    const full = new SVC({ plattFolds: 0 }).fit(c.X, c.y);
    assert.deepEqual(plain.predict(c.X), full.predict(c.X));
    assert.deepEqual(plain.decisionFunction(c.X), full.decisionFunction(c.X));
    assert.throws(() => plain.predictProba(c.X), ValidationError);
    assert.throws(() => plain.predictProba(c.X), /predictProba needs probability true/);
    const loaded = estimatorFromJSON(plain.toJSON());
    assert.deepEqual(loaded.predict(c.X), plain.predict(c.X));
  });

  test('cross-validated Platt probabilities: rows sum to 1, follow the seed, rank as the decisions', () => {
    const b = ref.svc[0];
    const m = new SVC({ seed: 4 }).fit(b.X, b.y);
    const again = new SVC({ seed: 4 }).fit(b.X, b.y);
    const proba = m.predictProba(b.X);
    assert.deepEqual(proba, again.predictProba(b.X));
    for (const row of proba) assert.ok(Math.abs(row[0]! + row[1]! - 1) < 1e-12);
    const z = m.decisionFunction(b.X);
    const order = [...z.keys()].sort((i, j) => z[i]! - z[j]!);
    for (let k = 1; k < order.length; k++)
      assert.ok(proba[order[k]!]![1]! >= proba[order[k - 1]!]![1]! - 1e-12);
    const multi = new SVC({ seed: 4, C: 10 }).predictProba;
    assert.equal(typeof multi, 'function');
    const three = new SVC({ seed: 4, C: 10 }).fit(c.X, c.y).predictProba(c.X.slice(0, 10));
    for (const row of three) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-9);
  });

  test('bad hyperparameters name the parameter and the value', () => {
    assert.throws(() => new SVC({ gamma: -1 }), /SVC: gamma must be 'scale', 'auto' or a number > 0, got -1/);
    assert.throws(() => new SVC({ plattFolds: 1 }), /plattFolds must be 0 or an integer >= 2, got 1/);
    assert.throws(() => new SVC({ kernel: 'cubic' as 'rbf' }), /kernel must be one of/);
    assert.throws(() => new LinearSVC({ C: 0 }), /LinearSVC: C must be a finite number > 0, got 0/);
  });
});

test('estimatorFromJSON loads each of them and predicts the same', () => {
  const c = ref.svc[1];
  const r = ref.lassoLars[0];
  const models = [
    new SGDClassifier({ seed: 1 }).fit(c.X, c.y),
    new LinearSVC().fit(c.X, c.y),
    new SVC({ plattFolds: 0 }).fit(c.X, c.y),
    new SGDRegressor({ seed: 1 }).fit(r.X, r.y),
    new LassoLars({ alpha: 0.1 }).fit(r.X, r.y),
  ];
  for (const m of models) {
    const copy = estimatorFromJSON(JSON.stringify(m.toJSON()));
    assert.equal(copy.constructor, m.constructor);
    const X = m.estimatorType === 'classifier' ? c.X : r.X;
    assert.deepEqual(copy.predict(X), m.predict(X));
  }
});
