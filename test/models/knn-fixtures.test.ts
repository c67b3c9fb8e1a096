// k-NN against scikit-learn 1.2.1 (brute force) on every backend built here, and the
// gpu backend in gpu.js's `cpu` mode when gpu.js is installed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gpuStatus } from '../../src/compute/gpu/load.ts';
import { KNeighborsClassifier, type KNeighborsMetric, KNeighborsRegressor } from '../../src/index.ts';
import { testedBackends } from '../helpers/backends.ts';
import { maxDiff } from '../helpers/max-diff.ts';

const ref = JSON.parse(readFileSync(new URL('../fixtures/linear/reference.json', import.meta.url), 'utf8'));
const { X, y, yRegression, Q } = ref.knnData as {
  X: number[][];
  y: number[];
  yRegression: number[];
  Q: number[][];
};

const gpu = gpuStatus();
const gpuSkip = gpu.available ? false : `gpu.js is absent: ${gpu.reason}`;
const backends: Array<'js' | 'native' | 'gpu'> = [...testedBackends(), 'gpu'];

for (const backend of backends) {
  describe(`k-NN matches scikit-learn (${backend})`, { skip: backend === 'gpu' && gpuSkip }, () => {
    for (const c of ref.knn) {
      const params = { backend, nNeighbors: c.k, weights: c.weights, metric: c.metric as KNeighborsMetric };
      test(`${c.metric}, ${c.weights}: neighbours, probabilities and regression`, () => {
        const clf = new KNeighborsClassifier(params).fit(X, y);
        const nb = clf.kneighbors(Q);
        assert.deepEqual(Array.from(nb.indices), c.indices.flat());
        assert.ok(maxDiff(nb.distances, c.distances.flat()) < 1e-12);
        assert.ok(maxDiff(clf.predictProba(Q).flat(), c.proba.flat()) < 1e-12);
        const reg = new KNeighborsRegressor(params).fit(X, yRegression);
        assert.ok(maxDiff(reg.predict(Q), c.regression) < 1e-12);
      });
    }
  });
}

describe('k-NN behaviour', () => {
  test('a query on a training row takes that row only under distance weighting', () => {
    const m = new KNeighborsRegressor({ nNeighbors: 2, weights: 'distance', backend: 'js' }).fit(
      [[0], [1], [2], [3]],
      [10, 20, 30, 40],
    );
    assert.deepEqual(Array.from(m.predict([[1], [1.5]])), [20, 25]);
  });

  test('ties go to the lower training index on every backend', () => {
    const rows = [[1], [-1], [1], [3]];
    for (const backend of testedBackends()) {
      const m = new KNeighborsClassifier({ nNeighbors: 2, backend }).fit(rows, ['a', 'b', 'c', 'd']);
      assert.deepEqual(Array.from(m.kneighbors([[0]]).indices), [0, 1]);
    }
  });

  test('sample weights multiply the votes', () => {
    const m = new KNeighborsClassifier({ nNeighbors: 3, backend: 'js' }).fit(
      [[0], [1], [2]],
      ['a', 'b', 'b'],
      {
        sampleWeight: [4, 1, 1],
      },
    );
    assert.deepEqual(m.predictProba([[1]]), [[4 / 6, 2 / 6]]);
  });

  test('more neighbours than rows is an error naming nNeighbors', () => {
    assert.throws(
      () => new KNeighborsClassifier({ nNeighbors: 5 }).fit([[0], [1]], ['a', 'b']),
      /nNeighbors is 5, but fit got only 2 rows/,
    );
  });
});
