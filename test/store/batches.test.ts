// The TrialBatches contract (claimTrials, settleTrials), checked the same way on the
// in-memory store, SQLite and PostgreSQL (a private cluster, one database per test;
// skipped with the reason where PostgreSQL is not installed): a batch is a run of claims
// made in one lock hold, each choice seeing the batch's earlier trials as running; two
// connections claiming batches at once never share a number and never pass the limit.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { openSweepLocation } from '../../src/store/open-location.ts';
import type { ClaimChoice, ClaimState } from '../../src/store/records.ts';
import type { SweepLocation, SweepStore } from '../../src/store/sweep-store.ts';
import type { TrialBatches, TrialLeases, WorkerLocation } from '../../src/store/worker-store.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

type BatchStore = SweepStore & TrialBatches;
const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;
const at = '2026-12-03T12:00:00.000Z';

const locations: SweepLocation[] = [];
let cluster: Promise<PgCluster> | undefined;
after(async () => {
  for (const location of locations) await location.close();
  if (cluster !== undefined) await (await cluster).destroy();
});

/** A new place for sweeps, and a function that opens a second connection to it (another worker). */
async function place(
  kind: 'sqlite' | 'postgresql',
): Promise<{ location: SweepLocation; twin: () => SweepLocation }> {
  let where: string;
  if (kind === 'sqlite') where = tempDir('batches');
  else {
    cluster ??= startPostgres();
    where = await (await cluster).createDatabase();
  }
  const open = () => {
    const location = openSweepLocation(where);
    locations.push(location);
    return location;
  };
  return { location: open(), twin: open };
}

const kinds: Record<string, { make: () => Promise<BatchStore>; skip: string | false }> = {
  memory: { make: async () => new MemoryStore({ objective }), skip: false },
  sqlite: {
    make: async () => (await (await place('sqlite')).location.create({ objective })) as BatchStore,
    skip: false,
  },
  postgresql: {
    make: async () => (await (await place('postgresql')).location.create({ objective })) as BatchStore,
    skip: pgSkip,
  },
};

for (const [name, { make, skip }] of Object.entries(kinds)) {
  describe(`TrialBatches contract: ${name}`, { skip }, () => {
    it('claimTrials: one choice per trial, each seeing the batch so far as running, queued sets taken in order', async () => {
      const store = await make();
      await store.enqueueTrial({ x: 'q1' });
      await store.enqueueTrial({ x: 'q2' });
      const seen: [number, string | undefined][] = [];
      const claimed = await store.claimTrials(
        ({ trials, queued }) => {
          seen.push([
            trials.filter((t) => t.status === 'running').length,
            queued?.['x'] as string | undefined,
          ]);
          return queued !== undefined
            ? { params: queued, takeQueued: true }
            : { params: { x: trials.length } };
        },
        at,
        { max: 4 },
      );
      assert.deepEqual(claimed, [
        { id: 0, params: { x: 'q1' } },
        { id: 1, params: { x: 'q2' } },
        { id: 2, params: { x: 2 } },
        { id: 3, params: { x: 3 } },
      ]);
      assert.deepEqual(seen, [
        [0, 'q1'],
        [1, 'q2'],
        [2, undefined],
        [3, undefined],
      ]);
      const trials = await store.trials();
      assert.deepEqual(
        trials.map((t) => [t.id, t.status]),
        [
          [0, 'running'],
          [1, 'running'],
          [2, 'running'],
          [3, 'running'],
        ],
      );
    });

    it('claimTrials: a first choice that throws claims nothing; a later one ends the batch with what was chosen', async () => {
      const store = await make();
      await assert.rejects(
        async () =>
          store.claimTrials(
            () => {
              throw new Error('busy');
            },
            at,
            { max: 3 },
          ),
        /busy/,
      );
      assert.equal((await store.trials()).length, 0);
      // A limit of 3 trials, claimed in batches of 2: 2, then 1, then none.
      const limited = ({ trials }: ClaimState): ClaimChoice => {
        if (trials.length >= 3) throw new Error('max_total_trials reached');
        return { params: { x: trials.length } };
      };
      assert.equal((await store.claimTrials(limited, at, { max: 2 })).length, 2);
      assert.deepEqual(await store.claimTrials(limited, at, { max: 2 }), [{ id: 2, params: { x: 2 } }]);
      await assert.rejects(async () => store.claimTrials(limited, at, { max: 2 }), /max_total_trials/);
      assert.equal((await store.trials()).length, 3);
    });

    it('settleTrials: ends running trials with their points in one call; ended and unknown trials say so', async () => {
      const store = await make();
      const [a, b, c] = await store.claimTrials(({ trials }) => ({ params: { x: trials.length } }), at, {
        max: 3,
      });
      assert.equal(await store.settleTrial(b!.id, { status: 'failed', error: 'gone', endedAt: at }), 'ended');
      const outcomes = await store.settleTrials([
        {
          id: a!.id,
          end: { status: 'completed', value: 0.25, endedAt: at },
          points: [
            { name: 'loss', point: { step: 0, value: 0.5 } },
            { name: 'loss', point: { step: 1, value: 0.25 } },
            { name: 'acc', point: { step: 0, value: Number.NaN } },
          ],
        },
        {
          id: b!.id,
          end: { status: 'completed', value: 1, endedAt: at },
          points: [{ name: 'loss', point: { step: 0, value: 1 } }],
        },
        { id: c!.id, end: { status: 'failed', error: 'x', endedAt: at } },
        { id: 99, end: { status: 'completed', endedAt: at } },
      ]);
      assert.deepEqual(outcomes, ['ended', 'failed', 'ended', 'unknown']);
      const trials = await store.trials();
      assert.equal(trials[0]!.status, 'completed');
      assert.equal(trials[0]!.value, 0.25);
      assert.deepEqual(trials[0]!.metrics['loss'], [
        { step: 0, value: 0.5 },
        { step: 1, value: 0.25 },
      ]);
      assert.ok(Number.isNaN(trials[0]!.metrics['acc']![0]!.value));
      // b had ended before: its status, value and points are not touched.
      assert.equal(trials[1]!.status, 'failed');
      assert.deepEqual(trials[1]!.metrics, {});
      assert.equal(trials[2]!.status, 'failed');
    });
  });
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`TrialBatches between workers: ${kind}`, { skip: kind === 'postgresql' ? pgSkip : false }, () => {
    it('two connections claiming batches at once never share a number, and exactly the limit is claimed', async () => {
      const { location, twin } = await place(kind);
      const created = await location.create({ objective });
      const stores = [
        created as BatchStore,
        (await twin().open(created.sweepId)) as BatchStore,
        (await twin().open(created.sweepId)) as BatchStore,
      ];
      const limit = 37;
      const choose = ({ trials }: ClaimState): ClaimChoice => {
        if (trials.length >= limit) throw new Error('max_total_trials reached');
        // Positional, as a seeded sampler: the set depends on every trial in view, pending ones included.
        return { params: { x: trials.length } };
      };
      const claimedBy = await Promise.all(
        stores.map(async (store, i) => {
          const mine: number[] = [];
          for (;;) {
            try {
              const batch = await store.claimTrials(choose, at, { max: 2 + i, workerId: `w${i}` });
              mine.push(...batch.map((t) => t.id));
            } catch (error) {
              assert.match((error as Error).message, /max_total_trials/);
              return mine;
            }
          }
        }),
      );
      const all = claimedBy.flat().sort((p, q) => p - q);
      assert.deepEqual(
        all,
        Array.from({ length: limit }, (_, i) => i),
      );
      const trials = await stores[0]!.trials();
      assert.equal(trials.length, limit);
      // Every parameter set once: each choice saw every earlier trial, from any connection.
      assert.equal(new Set(trials.map((t) => t.params['x'])).size, limit);
    });

    it('claimTrials with a worker id leases the trials to it in the same write', async () => {
      const { location } = await place(kind);
      const store = (await location.create({ objective })) as BatchStore & TrialLeases;
      const workers = location as SweepLocation & WorkerLocation;
      const now = new Date().toISOString();
      await workers.beat({
        workerId: 'w1',
        host: 'test-host',
        pid: 1,
        startedAt: now,
        at: now,
        state: 'running',
        running: [],
        concurrency: 2,
      });
      const claimed = await store.claimTrials(({ trials }) => ({ params: { x: trials.length } }), now, {
        max: 2,
        workerId: 'w1',
      });
      const reaped = await store.reapTrials(new Date(Date.now() + 3_600_000).toISOString());
      assert.deepEqual(
        reaped.map((r) => [r.trialId, r.workerId]),
        claimed.map((t) => [t.id, 'w1']),
      );
    });
  });
}
