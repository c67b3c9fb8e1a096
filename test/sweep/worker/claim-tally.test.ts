import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import type { Objective } from '../../../src/core/trial.ts';
import type { StoredTrial } from '../../../src/store/records.ts';
import { samplerHistory } from '../../../src/study/history.ts';
import { countedTrials } from '../../../src/sweep/worker/claim.ts';
import { ClaimTally } from '../../../src/sweep/worker/claim-tally.ts';

const objectives: Objective[] = [{ goal: 'minimize', primaryMetric: 'loss' }];

function running(id: number, retryOf?: number): StoredTrial {
  return {
    id,
    params: { x: id },
    startedAt: '2026-12-03T00:00:00.000Z',
    status: 'running',
    metrics: {},
    ...(retryOf !== undefined ? { retryOf } : {}),
  };
}

function ended(t: StoredTrial, value: number): StoredTrial {
  return { ...t, status: 'completed', value, metrics: { loss: [{ step: 0, value }] } };
}

/** What the tally must equal: the whole list read again. */
function expected(trials: readonly StoredTrial[]) {
  const history = samplerHistory(trials, objectives);
  return {
    running: trials.filter((t) => t.status === 'running').length,
    counted: countedTrials(trials),
    trials: history.trials,
    pending: history.pending,
  };
}

function actual(tally: ClaimTally) {
  const history = tally.history();
  return {
    running: tally.running,
    counted: tally.counted,
    trials: [...history.trials],
    pending: history.pending,
  };
}

describe('ClaimTally: the chooser counts what changed since the last claim', () => {
  it('agrees with a full read over a seeded sequence of claims, ends (out of order) and retries', () => {
    const rng = seedrandom('tally');
    const tally = new ClaimTally(objectives);
    let list: StoredTrial[] = [];
    for (let step = 0; step < 400; step++) {
      const r = rng();
      const live = list.filter((t) => t.status === 'running');
      if (r < 0.45 || live.length === 0) {
        // A claim (by this worker or another): a new trial at the end, now and then a retry.
        const id = list.length;
        list = [...list, running(id, rng() < 0.1 && id > 0 ? Math.floor(rng() * id) : undefined)];
      } else {
        // Any running trial ends, not only the oldest; a list is a new array, as a store hands it.
        const t = live[Math.floor(rng() * live.length)]!;
        list = list.map((u) => (u === t ? ended(t, rng()) : u));
      }
      tally.update(list);
      assert.deepEqual(actual(tally), expected(list), `step ${step}`);
    }
  });

  it('a list that does not continue the one it saw (a claim rolled back, numbers reused) is read again whole', () => {
    const tally = new ClaimTally(objectives);
    const base = [ended(running(0), 1), running(1)];
    tally.update([...base, running(2), running(3)]); // the batch's trials, then the claim failed
    const after = [ended(running(0), 1), ended(running(1), 0.5), { ...running(2), params: { x: 99 } }];
    tally.update(after);
    assert.deepEqual(actual(tally), expected(after));
    // As long as before, the same numbers, other trials (another worker took them): each is read again.
    const same = [
      ended(running(0), 1),
      ended(running(1), 0.5),
      { ...running(2), params: { x: 98 } },
      running(3, 0),
    ];
    const fresh = new ClaimTally(objectives);
    fresh.update([...base, running(2), running(3)]);
    fresh.update(same);
    assert.deepEqual(actual(fresh), expected(same));
    tally.update([running(0)]); // another sweep entirely: shorter
    assert.deepEqual(actual(tally), expected([running(0)]));
  });
});
