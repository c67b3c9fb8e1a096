// The PostgreSQL store's cache of a sweep's trials, driven by hand: a trial this process
// recorded at an older change (a claim whose continuation ran after another loop's read)
// neither puts the cache back nor makes the next read add a point twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimCache, type PointRow, type TrialRow } from '../../src/store/postgres/claim-cache.ts';

const row = (number: number, status: TrialRow['status'], changed: number): TrialRow => ({
  number,
  params: '{"x":1}',
  status,
  value: null,
  error: null,
  output: null,
  retry_of: null,
  values_json: null,
  constraints_json: null,
  started_at: new Date(0),
  ended_at: null,
  changed,
});
const point = (number: number, value: number, changed: number): PointRow => ({
  number,
  name: 'loss',
  step: 0,
  value,
  changed,
});

describe('ClaimCache', () => {
  it('a trial added at an older change than the cache has read is not put back, and no point is added twice', () => {
    const cache = new ClaimCache();
    cache.apply(3, [row(0, 'running', 2), row(1, 'running', 3)], []);
    // another loop's read: trial 1 ended at 5 with a point at 4
    cache.apply(5, [row(1, 'completed', 5)], [point(1, 0.5, 4)]);
    // the first loop's claim of trial 1, recorded at 3, is handed to the cache only now
    cache.add(3, {
      id: 1,
      params: { x: 1 },
      startedAt: new Date(0).toISOString(),
      status: 'running',
      metrics: {},
    });
    assert.equal(cache.version, 5);
    // the next read from the cache's version sees nothing new
    cache.apply(6, [row(2, 'running', 6)], [point(1, 0.5, 4)]);
    const trial = cache.list().find((t) => t.id === 1)!;
    assert.equal(trial.status, 'completed');
    assert.deepEqual(trial.metrics, { loss: [{ step: 0, value: 0.5 }] });
    assert.deepEqual(
      cache.list().map((t) => t.id),
      [0, 1, 2],
    );
  });
});
