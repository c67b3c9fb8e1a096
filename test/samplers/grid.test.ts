import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedTrial } from '../../src/core/trial.ts';
import { GridSampler, previewSuggestions } from '../../src/samplers/index.ts';
import type { TrialHistory } from '../../src/samplers/types.ts';
import { searchSpace } from '../../src/space/index.ts';

const objective = { goal: 'maximize', primaryMetric: 'accuracy' } as const;

describe('GridSampler', () => {
  it('enumerates the product of choice sizes, last parameter fastest, then is exhausted', () => {
    const grid = new GridSampler(
      searchSpace({ a: 'choice(1, 2)', b: "choice('x', 'y', 'z')", c: 'choice(true, false)' }),
    );
    assert.equal(grid.size, 12);
    const all = previewSuggestions(grid, 100, objective);
    assert.equal(all.length, 12);
    assert.deepEqual(all.slice(0, 4), [
      { a: 1, b: 'x', c: true },
      { a: 1, b: 'x', c: false },
      { a: 1, b: 'y', c: true },
      { a: 1, b: 'y', c: false },
    ]);
    assert.deepEqual(all[11], { a: 2, b: 'z', c: false });
    assert.equal(new Set(all.map((p) => JSON.stringify(p))).size, 12);
  });

  it('enumerates randint and bounded q-distributions ascending', () => {
    const grid = new GridSampler(searchSpace({ n: 'randint(3)', q: 'quniform(0, 1, 0.5)' }));
    assert.equal(grid.size, 9);
    assert.deepEqual(
      previewSuggestions(grid, 9, objective).map((p) => [p.n, p.q]),
      [
        [0, 0],
        [0, 0.5],
        [0, 1],
        [1, 0],
        [1, 0.5],
        [1, 1],
        [2, 0],
        [2, 0.5],
        [2, 1],
      ],
    );
  });

  it('enumerates a conditional choice branch by branch', () => {
    const grid = new GridSampler(
      searchSpace({
        model: {
          type: 'choice',
          values: [{ name: 'rf', depth: 'choice(4, 8)' }, 'none', { name: 'knn', k: 'choice(1, 5, 9)' }],
        },
        scale: 'choice(true, false)',
      }),
    );
    assert.equal(grid.size, (2 + 1 + 3) * 2);
    const all = previewSuggestions(grid, 100, objective);
    assert.deepEqual(all.slice(0, 6), [
      { model: 0, 'model.name': 'rf', 'model.depth': 4, scale: true },
      { model: 0, 'model.name': 'rf', 'model.depth': 4, scale: false },
      { model: 0, 'model.name': 'rf', 'model.depth': 8, scale: true },
      { model: 0, 'model.name': 'rf', 'model.depth': 8, scale: false },
      { model: 1, scale: true },
      { model: 1, scale: false },
    ]);
    assert.deepEqual(all[11], { model: 2, 'model.name': 'knn', 'model.k': 9, scale: false });
  });

  it('counts ended and running trials to find its place', () => {
    const grid = new GridSampler(searchSpace({ a: 'choice(1, 2, 3)' }));
    const done: FinishedTrial = { id: 0, params: { a: 1 }, status: 'failed', intermediate: [] };
    const history: TrialHistory = { objective, trials: [done], pending: [{ id: 1, params: { a: 2 } }] };
    assert.deepEqual(grid.suggest(history), { params: { a: 3 } });
    assert.deepEqual(
      grid.suggest({ ...history, pending: [...history.pending, { id: 2, params: { a: 3 } }] }),
      {
        exhausted: true,
      },
    );
  });

  it('rejects a continuous parameter, naming it', () => {
    assert.throws(
      () => new GridSampler(searchSpace({ a: 'choice(1, 2)', lr: 'uniform(0, 1)' })),
      /^ValidationError: lr: grid sampling needs finite values, but uniform\(0, 1\) is continuous; use choice, randint, quniform or qloguniform, or random sampling$/,
    );
    assert.throws(
      () => new GridSampler(searchSpace({ m: { type: 'choice', values: [{ s: 'qnormal(0, 1, 1)' }] } })),
      /m\.s: grid sampling needs finite values, but qnormal\(0, 1, 1\) is continuous/,
    );
  });
});
