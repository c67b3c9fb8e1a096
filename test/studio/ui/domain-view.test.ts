// The sweep page's data from stored trials alone (no server): the best-so-far line, the
// curves kept to the latest trials and the best, each thinned with its last point kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredTrial, SweepRecord } from '../../../src/store/records.ts';
import { CURVE_POINTS, CURVE_TRIALS, sweepDetail } from '../../../src/studio/ui/api/sweep-view.ts';

const record: SweepRecord = {
  sweepId: 's1',
  name: 'long',
  objective: { goal: 'minimize', primaryMetric: 'loss' },
  tags: {},
  startedAt: new Date(0).toISOString(),
};

/** Trial i reports loss 0.5 + 1 / (i + 1) + step / 1e6 at 500 steps; trial 7 is the best (loss 0.01 at the end). */
function trial(i: number): StoredTrial {
  const points = Array.from({ length: 500 }, (_, step) => ({ step, value: 0.5 + 1 / (i + 1) + step / 1e6 }));
  const value = i === 7 ? 0.01 : points[points.length - 1]!.value;
  if (i === 7) points[points.length - 1] = { step: 499, value };
  return {
    id: i,
    params: { i },
    startedAt: new Date(1000 * i).toISOString(),
    endedAt: new Date(1000 * i + 500).toISOString(),
    status: 'completed',
    value,
    metrics: { loss: points },
  };
}

describe('sweep page data', () => {
  it('keeps the curves of the latest trials and the best, thinned to their limit with the last point kept', () => {
    const stored = Array.from({ length: 150 }, (_, i) => trial(i));
    const detail = sweepDetail(record, stored, new Map());
    assert.equal(detail.trialRows.length, 150);
    assert.deepEqual(detail.best, { trialId: 7, value: 0.01 });
    const ids = detail.curves.map((c) => c.trialId);
    assert.equal(ids.length, CURVE_TRIALS + 1);
    assert.ok(ids.includes(7), 'the best trial keeps its curve');
    assert.deepEqual(
      ids.slice(1),
      Array.from({ length: CURVE_TRIALS }, (_, k) => 150 - CURVE_TRIALS + k),
    );
    for (const c of detail.curves) {
      assert.ok(c.points.length <= CURVE_POINTS + 1, `${c.points.length} points`);
      assert.deepEqual(c.points[0]?.[0], 0);
      assert.deepEqual(c.points[c.points.length - 1]?.[0], 499);
    }
    // the best so far of a minimized sweep only falls, and is 0.01 from trial 7 on
    const best = detail.history.map((h) => h.best!);
    assert.ok(best.every((b, k) => k === 0 || b <= best[k - 1]!));
    assert.equal(best[7], 0.01);
    assert.equal(best[149], 0.01);
  });
});
