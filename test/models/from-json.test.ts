import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BernoulliNB,
  ElasticNet,
  type Estimator,
  estimatorFromJSON,
  GaussianNB,
  GradientBoostingRegressor,
  KNeighborsClassifier,
  LogisticRegression,
  RandomForestClassifier,
  Ridge,
  ValidationError,
} from '../../src/index.ts';

const X = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 11, i / 40]);
const labels = X.map((r) => (r[0]! + r[1]! > 8 ? 'a' : 'b'));
const values = X.map((r) => r[0]! * 2 - r[1]! + r[2]!);

describe('estimatorFromJSON', () => {
  const cases: Array<[string, Estimator, 'labels' | 'values']> = [
    ['LogisticRegression', new LogisticRegression(), 'labels'],
    ['GaussianNB', new GaussianNB(), 'labels'],
    ['BernoulliNB', new BernoulliNB(), 'labels'],
    ['KNeighborsClassifier', new KNeighborsClassifier({ nNeighbors: 3 }), 'labels'],
    ['RandomForestClassifier', new RandomForestClassifier({ nEstimators: 5, seed: 1 }), 'labels'],
    ['Ridge', new Ridge(), 'values'],
    ['ElasticNet', new ElasticNet({ alpha: 0.1 }), 'values'],
    ['GradientBoostingRegressor', new GradientBoostingRegressor({ nEstimators: 5 }), 'values'],
  ];
  for (const [name, model, target] of cases) {
    it(`rebuilds a fitted ${name} that predicts exactly as the original`, () => {
      model.fit(X, target === 'labels' ? labels : values);
      const copy = estimatorFromJSON(JSON.stringify(model.toJSON()));
      assert.equal(copy.toJSON().type, name);
      assert.deepEqual(copy.predict(X), model.predict(X));
    });
  }

  it('names the known types for an unknown one', () => {
    assert.throws(
      () => estimatorFromJSON({ type: 'NuSVC', version: 1, params: {}, state: {} }),
      (e: unknown) =>
        e instanceof ValidationError && /unknown estimator type 'NuSVC'.*LogisticRegression/.test(e.message),
    );
  });
});
