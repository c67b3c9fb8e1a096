// The worker's batches (src/sweep/worker/batch.ts): settles wait for each other only while
// another trial of the sweep still runs here, and go in one call; a store without batches
// is used one trial at a time with the same outcome.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import type { TrialSettlement } from '../../../src/store/records.ts';
import { claimBatch, SettleQueue, settleBatch } from '../../../src/sweep/worker/batch.ts';
import type { LeasedStore } from '../../../src/sweep/worker/location.ts';

const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;
const at = '2026-12-03T12:00:00.000Z';
const persist = <T>(_what: string, op: () => T | Promise<T>) => Promise.resolve().then(op);

/** A memory store that counts its batched settles (leases are not kept in memory). */
function store(): { store: LeasedStore; calls: number[][] } {
  const memory = new MemoryStore({ objective });
  const calls: number[][] = [];
  const settleTrials = memory.settleTrials.bind(memory);
  const leased = Object.assign(memory, {
    leaseTrial: () => undefined,
    releaseTrial: () => false,
    reapTrials: () => [],
    settleTrials: (ends: readonly TrialSettlement[]) => {
      calls.push(ends.map((e) => e.id));
      return settleTrials(ends);
    },
  }) as unknown as LeasedStore;
  return { store: leased, calls };
}

const end = (id: number): TrialSettlement => ({
  id,
  end: { status: 'completed', value: id, endedAt: at },
  points: [{ name: 'loss', point: { step: 0, value: id } }],
});

describe('worker batches', () => {
  it('claimBatch claims as many trials as asked in one call, each choice seeing the earlier ones', async () => {
    const { store: s } = store();
    const claimed = await claimBatch(s, ({ trials }) => ({ params: { x: trials.length } }), at, 3, 'w1');
    assert.deepEqual(
      claimed.map((t) => t.params['x']),
      [0, 1, 2],
    );
  });

  it('settles go in one call once every running trial is waiting; the points are written with them', async () => {
    const { store: s, calls } = store();
    await claimBatch(s, ({ trials }) => ({ params: { x: trials.length } }), at, 3, 'w1');
    const queue = new SettleQueue(s, () => 3, persist);
    const outcomes = await Promise.all([queue.settle(end(0)), queue.settle(end(1)), queue.settle(end(2))]);
    assert.deepEqual(outcomes, ['ended', 'ended', 'ended']);
    assert.deepEqual(calls, [[0, 1, 2]]);
    const trials = await s.trials();
    assert.deepEqual(
      trials.map((t) => [t.status, t.metrics['loss']?.[0]?.value]),
      [
        ['completed', 0],
        ['completed', 1],
        ['completed', 2],
      ],
    );
    // A trial settled again says how it had ended.
    assert.equal(await queue.settle(end(1)), 'completed');
  });

  it('a settle does not wait for a trial that still runs beyond the flush delay', async () => {
    const { store: s, calls } = store();
    await claimBatch(s, ({ trials }) => ({ params: { x: trials.length } }), at, 2, 'w1');
    // Two trials run here; only one ends: it goes alone, after the short flush delay.
    const queue = new SettleQueue(s, () => 2, persist);
    assert.equal(await queue.settle(end(0)), 'ended');
    assert.deepEqual(calls, [[0]]);
  });

  it('a store without batches is settled one trial at a time, points first', async () => {
    const memory = new MemoryStore({ objective });
    await memory.claimTrials(({ trials }) => ({ params: { x: trials.length } }), at, { max: 2 });
    const plain = {
      sweepId: memory.sweepId,
      addMetric: memory.addMetric.bind(memory),
      settleTrial: memory.settleTrial.bind(memory),
    } as unknown as LeasedStore;
    const unknown = { id: 5, end: { status: 'completed', endedAt: at } } as const;
    assert.deepEqual(await settleBatch(plain, [end(0), end(1), unknown]), ['ended', 'ended', 'unknown']);
    assert.equal(memory.trial(1)!.metrics['loss']![0]!.value, 1);
  });
});
