/**
 * The shared estimator test suite: the contract every estimator of src/models/ must
 * keep (issue 6), to be run by each estimator's test file through one call:
 *
 * ```ts
 * import { estimatorSuite } from './estimator-suite.ts';
 * estimatorSuite({
 *   name: 'LogisticRegression (js)',
 *   kind: 'classifier',
 *   make: (p) => new LogisticRegression({ backend: 'js', ...p }),
 *   fromJSON: LogisticRegression.fromJSON,
 * });
 * ```
 *
 * `make` builds an unfitted estimator from extra hyperparameters (merged over the test
 * file's defaults; pass small ensembles to keep the suite fast). What it checks:
 * - prediction length and type (labels of the training label type, or a Float64Array),
 *   probabilities in [0, 1] with one column per class, summing to 1, classes sorted;
 * - determinism: two fits with the same seed, and fit vs fitAsync, predict the same;
 * - JSON round trip (through a JSON string) predicts exactly the same;
 * - `withParams` gives a new unfitted estimator of the same class with the named
 *   hyperparameters changed and the others kept, validated as the constructor validates;
 * - sample weight 2 equals the row duplicated (with `weightParams`, e.g. no bootstrap;
 *   set `weightParams: null` to skip, saying why in a comment);
 * - constant target (regressors) / single class (classifiers);
 * - one feature; NaN and null features at fit and predict; ColumnMatrix vs rows input;
 * - errors: shape mismatches, predict before fit, bad labels or targets, bad sample
 *   weights, unknown hyperparameters; featureImportances shape.
 * Data are small, seeded and synthetic, with few distinct values per feature, so that
 * duplicating a row does not move any bin edge.
 */
import assert from 'node:assert/strict';
import { describe, test as nodeTest } from 'node:test';
import { mulberry32 } from '../../src/compute/rng.ts';
import {
  type Classifier,
  columnMatrix,
  type Estimator,
  type FeatureInput,
  NotFittedError,
  type Regressor,
  type SerializedEstimator,
  ShapeError,
  ValidationError,
} from '../../src/index.ts';

export interface SuiteOptions {
  /** Shown in the test names, e.g. `RandomForestClassifier (native)`. */
  name: string;
  kind: 'classifier' | 'regressor';
  /** A new unfitted estimator; `params` are extra hyperparameters for one test. */
  make: (params?: Record<string, unknown>) => Estimator;
  fromJSON: (json: SerializedEstimator) => Estimator;
  /** Hyperparameters under which weight 2 must equal a duplicated row; null skips that test. */
  weightParams?: Record<string, unknown> | null;
  /** Largest difference allowed between weighted and duplicated predictions (default 1e-9). */
  weightTolerance?: number;
  /**
   * Tests (by name) that cannot hold for this estimator by its nature, each with the
   * reason, reported as skipped: e.g. a count model on the suite's continuous features.
   */
  skip?: Readonly<Record<string, string>>;
}

type Rows = number[][];

/** 150 rows, 4 features with 12 distinct values each; 3 string classes or a numeric target. */
export function suiteData(seed = 11, nRows = 150): { X: Rows; labels: string[]; target: number[] } {
  const next = mulberry32(seed);
  const u = () => next() / 2 ** 32;
  const X: Rows = [];
  const labels: string[] = [];
  const target: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const row = [0, 1, 2, 3].map(() => Math.floor(u() * 12) / 12);
    X.push(row);
    const s = row[0]! + 0.5 * row[1]! + (u() < 0.1 ? 0.5 : 0);
    labels.push(s < 0.5 ? 'low' : s < 0.9 ? 'mid' : 'high');
    target.push(3 * row[0]! - 2 * row[1]! + row[2]! * row[3]! + 0.1 * u());
  }
  return { X, labels, target };
}

function asClassifier(e: Estimator): Classifier {
  assert.equal(e.estimatorType, 'classifier');
  return e as Classifier;
}

function asRegressor(e: Estimator): Regressor {
  assert.equal(e.estimatorType, 'regressor');
  return e as Regressor;
}

function predictions(e: Estimator, X: FeatureInput): unknown {
  if (e.estimatorType === 'classifier') {
    const c = e as Classifier;
    return { labels: c.predict(X), proba: c.predictProba(X) };
  }
  return Array.from((e as Regressor).predict(X));
}

function maxDifference(a: Estimator, b: Estimator, X: FeatureInput): number {
  if (a.estimatorType === 'classifier') {
    const pa = (a as Classifier).predictProba(X).flat();
    const pb = (b as Classifier).predictProba(X).flat();
    return Math.max(...pa.map((v, i) => Math.abs(v - pb[i]!)));
  }
  const pa = (a as Regressor).predict(X);
  const pb = (b as Regressor).predict(X);
  return Math.max(...Array.from(pa, (v, i) => Math.abs(v - pb[i]!)));
}

/** Registers the suite's tests for one estimator (see the file comment). */
export function estimatorSuite(o: SuiteOptions): void {
  const { X, labels, target } = suiteData();
  const y: Array<string | number> = o.kind === 'classifier' ? labels : target;
  const fitted = () => o.make().fit(X, y);
  const test = (name: string, fn: () => void | Promise<void>) => {
    const reason = o.skip?.[name];
    return reason === undefined ? nodeTest(name, fn) : nodeTest(name, { skip: reason }, fn);
  };

  describe(`estimator contract: ${o.name}`, () => {
    test('predictions have the right length and type', () => {
      const e = fitted();
      const Xt = X.slice(0, 17);
      if (o.kind === 'classifier') {
        const c = asClassifier(e);
        const classes: readonly unknown[] = c.classes;
        assert.deepEqual([...classes], ['high', 'low', 'mid']);
        const p = c.predict(Xt);
        assert.equal(p.length, 17);
        for (const label of p) assert.ok(classes.includes(label), `unknown label ${label}`);
        const proba = c.predictProba(Xt);
        assert.equal(proba.length, 17);
        for (const row of proba) {
          assert.equal(row.length, 3);
          for (const v of row) assert.ok(v >= 0 && v <= 1, `probability ${v}`);
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9, `sum ${row}`);
        }
      } else {
        const p = asRegressor(e).predict(Xt);
        assert.ok(p instanceof Float64Array);
        assert.equal(p.length, 17);
        for (const v of p) assert.ok(Number.isFinite(v));
      }
      assert.equal(e.nFeatures, 4);
      assert.equal(e.predict([]).length, 0);
    });

    test('learns the training data better than chance', () => {
      const e = fitted();
      if (o.kind === 'classifier') {
        const p = asClassifier(e).predict(X);
        const acc = p.filter((v, i) => v === labels[i]).length / X.length;
        assert.ok(acc > 0.6, `training accuracy ${acc}`);
      } else {
        const p = asRegressor(e).predict(X);
        const mean = target.reduce((a, b) => a + b, 0) / target.length;
        let res = 0;
        let tot = 0;
        for (let i = 0; i < target.length; i++) {
          res += (target[i]! - p[i]!) ** 2;
          tot += (target[i]! - mean) ** 2;
        }
        assert.ok(1 - res / tot > 0.5, `training R2 ${1 - res / tot}`);
      }
    });

    test('is deterministic for a seed, and fitAsync equals fit', async () => {
      const a = o.make({ seed: 5 }).fit(X, y);
      const b = o.make({ seed: 5 }).fit(X, y);
      const c = await o.make({ seed: 5 }).fitAsync(X, y);
      assert.deepEqual(predictions(a, X), predictions(b, X));
      assert.deepEqual(predictions(a, X), predictions(c, X));
    });

    test('JSON round trip predicts exactly the same', () => {
      const e = fitted();
      const json = JSON.parse(JSON.stringify(e.toJSON())) as SerializedEstimator;
      const copy = o.fromJSON(json);
      assert.deepEqual(predictions(copy, X), predictions(e, X));
      assert.deepEqual(copy.featureImportances, e.featureImportances);
      assert.deepEqual(copy.params, e.params);
    });

    test('withParams changes the named hyperparameters, keeps the others, and is unfitted', () => {
      const e = fitted();
      const changed = e.withParams({ seed: 7, nThreads: 1 });
      assert.equal(changed.constructor, e.constructor);
      assert.deepEqual(changed.params, { ...e.params, seed: 7, nThreads: 1 });
      assert.throws(() => changed.predict(X), NotFittedError);
      // the original keeps its parameters and its fit
      assert.notEqual(e.params.seed, 7);
      assert.equal(e.predict(X.slice(0, 2)).length, 2);
      // an undefined change keeps the value, as an absent one does
      assert.deepEqual(e.withParams({ seed: undefined }).params, e.params);
      // no change is a clone: fitted on the same data, it predicts the same
      assert.deepEqual(predictions(e.withParams({}).fit(X, y), X), predictions(e, X));
    });

    test('withParams validates as the constructor does', () => {
      assert.throws(() => o.make().withParams({ notAParameter: 1 }), ValidationError);
      assert.throws(() => o.make().withParams({ seed: -1 }), ValidationError);
    });

    const weightParams = o.weightParams;
    if (weightParams !== null) {
      test('a sample weight of 2 equals the row duplicated', () => {
        const twice = new Set([0, 3, 7, 10, 22, 41, 60, 77, 90, 101, 133]);
        const weights = X.map((_, i) => (twice.has(i) ? 2 : 1));
        const dupX = [...X, ...X.filter((_, i) => twice.has(i))];
        const dupY = [...y, ...y.filter((_, i) => twice.has(i))];
        const weighted = o.make(weightParams).fit(X, y, { sampleWeight: weights });
        const duplicated = o.make(weightParams).fit(dupX, dupY);
        const diff = maxDifference(weighted, duplicated, X);
        assert.ok(diff <= (o.weightTolerance ?? 1e-9), `predictions differ by ${diff}`);
      });
    }

    if (o.kind === 'regressor') {
      test('a constant target is predicted exactly', () => {
        const e = asRegressor(
          o.make().fit(
            X,
            X.map(() => 3.25),
          ),
        );
        for (const v of e.predict(X.slice(0, 10))) assert.ok(Math.abs(v - 3.25) < 1e-9, `predicted ${v}`);
      });
    } else {
      test('a single class is always predicted, with probability 1', () => {
        const e = asClassifier(
          o.make().fit(
            X,
            X.map(() => 'only'),
          ),
        );
        assert.deepEqual(e.classes, ['only']);
        assert.deepEqual(e.predict(X.slice(0, 3)), ['only', 'only', 'only']);
        assert.deepEqual(e.predictProba(X.slice(0, 2)), [[1], [1]]);
      });

      test('numeric labels come back as numbers', () => {
        const numeric = labels.map((l) => (l === 'low' ? 0 : l === 'mid' ? 1 : 7));
        const e = asClassifier(o.make().fit(X, numeric));
        assert.deepEqual(e.classes, [0, 1, 7]);
        for (const v of e.predict(X.slice(0, 5))) assert.equal(typeof v, 'number');
      });
    }

    test('one feature is enough', () => {
      const X1 = X.map((row) => [row[0]!]);
      const y1 =
        o.kind === 'classifier' ? X1.map((r) => (r[0]! < 0.5 ? 'a' : 'b')) : X1.map((r) => 4 * r[0]!);
      const e = o.make().fit(X1, y1);
      assert.equal(e.nFeatures, 1);
      assert.equal(e.featureImportances.length, 1);
      const p = e.predict([[0.1], [0.9]]);
      if (o.kind === 'classifier') assert.deepEqual(p, ['a', 'b']);
      else assert.ok(p[0]! < p[1]!, `predicted ${p}`);
    });

    test('NaN and null features are handled at fit and predict', () => {
      const next = mulberry32(3);
      const holes = X.map((row) => row.map((v) => (next() / 2 ** 32 < 0.2 ? Number.NaN : v)));
      const e = o.make().fit(holes, y);
      const withNull: Array<Array<number | null>> = [
        [null, 0.5, 0.5, 0.5],
        [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
      ];
      const p = e.predict(withNull);
      assert.equal(p.length, 2);
      if (o.kind === 'regressor') for (const v of p as Float64Array) assert.ok(Number.isFinite(v));
      else for (const v of p) assert.ok(['high', 'low', 'mid'].includes(v as string));
    });

    test('a ColumnMatrix and arrays of rows give the same model', () => {
      const data = new Float64Array(X.length * 4);
      X.forEach((row, r) => {
        row.forEach((v, c) => {
          data[c * X.length + r] = v;
        });
      });
      const m = columnMatrix(data, X.length, 4);
      assert.deepEqual(predictions(o.make().fit(m, y), m), predictions(fitted(), X));
    });

    test('feature importances: one per feature, non-negative, summing to 1 or 0', () => {
      const imp = fitted().featureImportances;
      assert.equal(imp.length, 4);
      for (const v of imp) assert.ok(v >= 0);
      const s = imp.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - 1) < 1e-9 || s === 0, `sum ${s}`);
    });

    test('shape errors name what disagrees', () => {
      assert.throws(() => o.make().fit(X, y.slice(1)), ShapeError);
      assert.throws(() => o.make().fit(X, y, { sampleWeight: [1, 2] }), ShapeError);
      assert.throws(() => fitted().predict([[1, 2, 3]]), ShapeError);
      assert.throws(() => o.make().fit([[1, 2], [3]], [y[0]!, y[1]!]), ShapeError);
      assert.throws(() => o.make().fit([], []), ValidationError);
    });

    test('bad labels, weights and parameters are validation errors', () => {
      assert.throws(() => o.make().predict(X), NotFittedError);
      assert.throws(() => o.make().toJSON(), NotFittedError);
      assert.throws(() => o.make({ notAParameter: 1 }), ValidationError);
      assert.throws(
        () => o.make().fit(X, y, { sampleWeight: X.map((_, i) => (i === 4 ? -1 : 1)) }),
        ValidationError,
      );
      assert.throws(() => o.make().fit(X, y, { sampleWeight: X.map(() => 0) }), ValidationError);
      assert.throws(() => o.make().fit([[1, 'x' as unknown as number]], [y[0]!]), ValidationError);
      const bad = [...y];
      if (o.kind === 'classifier') bad[3] = 5;
      else bad[3] = Number.NaN;
      assert.throws(() => o.make().fit(X, bad), ValidationError);
    });
  });
}
