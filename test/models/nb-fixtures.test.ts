// Naive Bayes against scikit-learn 1.2.1 (test/fixtures/linear/generate.py), and the
// parts of the estimator contract MultinomialNB is checked on outside the shared suite.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  BernoulliNB,
  GaussianNB,
  MultinomialNB,
  NotFittedError,
  type SerializedEstimator,
  ShapeError,
  ValidationError,
} from '../../src/index.ts';

const ref = JSON.parse(readFileSync(new URL('../fixtures/linear/reference.json', import.meta.url), 'utf8'));
const ctors = { GaussianNB, MultinomialNB, BernoulliNB } as const;

describe('naive Bayes matches scikit-learn', () => {
  for (const c of ref.nb) {
    test(`${c.model} ${JSON.stringify(c.params)}: probabilities within 1e-9`, () => {
      const Ctor = ctors[c.model as keyof typeof ctors];
      const m = new Ctor(c.params).fit(c.X, c.y, { sampleWeight: c.sampleWeight ?? undefined });
      const got = m.predictProba(c.X.slice(0, 25)).flat();
      const want = (c.proba as number[][]).flat();
      for (let i = 0; i < want.length; i++)
        assert.ok(Math.abs(got[i]! - want[i]!) < 1e-9, `${got[i]} vs ${want[i]}`);
    });
  }
});

describe('MultinomialNB contract', () => {
  const counts = ref.nb[1];
  const X = counts.X as number[][];
  const y = counts.y as number[];

  test('JSON round trip predicts exactly the same', () => {
    const m = new MultinomialNB({ alpha: 0.5 }).fit(X, y);
    const copy = MultinomialNB.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as SerializedEstimator);
    assert.deepEqual(copy.predictProba(X), m.predictProba(X));
    assert.deepEqual(copy.params, m.params);
  });

  test('a sample weight of 2 equals the row duplicated', () => {
    const twice = [0, 5, 9, 40];
    const w = X.map((_, i) => (twice.includes(i) ? 2 : 1));
    const a = new MultinomialNB().fit(X, y, { sampleWeight: w });
    const b = new MultinomialNB().fit([...X, ...twice.map((i) => X[i]!)], [...y, ...twice.map((i) => y[i]!)]);
    const pa = a.predictProba(X).flat();
    const pb = b.predictProba(X).flat();
    for (let i = 0; i < pa.length; i++) assert.ok(Math.abs(pa[i]! - pb[i]!) < 1e-12);
  });

  test('a single class, missing values, and errors', () => {
    const one = new MultinomialNB().fit(
      X,
      X.map(() => 'only'),
    );
    assert.deepEqual(one.predictProba([X[0]!]), [[1]]);
    const holes = X.map((r, i) => (i % 7 === 0 ? [null, ...r.slice(1)] : r));
    assert.equal(new MultinomialNB().fit(holes, y).predict([[null, 1, 1, 1, 1, 1]]).length, 1);
    assert.throws(() => new MultinomialNB().predict(X), NotFittedError);
    assert.throws(() => new MultinomialNB().fit(X, y.slice(1)), ShapeError);
    assert.throws(() => new MultinomialNB({ alpha: -1 }), ValidationError);
    assert.throws(
      () => new MultinomialNB().fit([[1, -2]], [0]),
      /X\[0\]\[1\] is -2: features must be counts >= 0/,
    );
  });

  test('class priors: given, or uniform without fitPrior', () => {
    const m = new MultinomialNB({ priors: [0.2, 0.3, 0.5] }).fit(X, y);
    const u = new MultinomialNB({ fitPrior: false }).fit(X, y);
    assert.notDeepEqual(m.predictProba([X[0]!]), u.predictProba([X[0]!]));
    assert.throws(
      () => new MultinomialNB({ priors: [0.5, 0.5] }).fit(X, y),
      /priors has 2 values, but y has 3 classes/,
    );
  });
});

test('GaussianNB probabilities sum to 1 even with near-zero variances', () => {
  const m = new GaussianNB().fit([[1], [1], [2], [2]], ['a', 'a', 'b', 'b']);
  assert.deepEqual(m.predictProba([[1.5], [1]]), [
    [0.5, 0.5],
    [1, 0],
  ]);
});
