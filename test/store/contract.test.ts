// The SweepStore contract, checked the same way on every implementation: what the engine
// writes reads back alike, a resume plans alike, and readers need nothing but the interface.
// PostgreSQL runs on a private cluster (test/helpers/postgres.ts), one fresh database per
// test, and is skipped with the reason where PostgreSQL is not installed.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { after, describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import type { Sampler } from '../../src/samplers/types.ts';
import type { SearchSpace } from '../../src/space/types.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { openSweepLocation } from '../../src/store/open-location.ts';
import type { NewSweep } from '../../src/store/records.ts';
import { INTERRUPTED_ERROR } from '../../src/store/resume-plan.ts';
import type { SweepLocation, SweepStore } from '../../src/store/sweep-store.ts';
import { WORKERS_TAG } from '../../src/store/tags.ts';
import { type TrialLeases, UNLEASED_WORKER, type WorkerBeat } from '../../src/store/worker-store.ts';
import { sweep } from '../../src/sweep/index.ts';
import { readSweepResult } from '../../src/sweep/recorded.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;

const positional: Sampler = {
  name: 'positional',
  space: {} as SearchSpace,
  suggest: (h) => ({ params: { x: h.trials.length + h.pending.length } }),
};

const locations: SweepLocation[] = [];
let cluster: Promise<PgCluster> | undefined;
after(async () => {
  for (const location of locations) await location.close();
  if (cluster !== undefined) await (await cluster).destroy();
});

/** A fresh PostgreSQL database on this file's private cluster (started on first use). */
async function pgDatabase(): Promise<string> {
  cluster ??= startPostgres();
  return (await cluster).createDatabase();
}

/** A new empty place for sweeps of the kind named, kept open until the file ends. */
async function freshLocation(kind: 'sqlite' | 'postgresql'): Promise<ReturnType<typeof openSweepLocation>> {
  const location = openSweepLocation(kind === 'sqlite' ? tempDir('contract') : await pgDatabase());
  locations.push(location);
  return location;
}

const implementations: Record<
  string,
  { make: (sweep: NewSweep) => Promise<SweepStore>; skip: string | false }
> = {
  memory: { make: async (sweep) => new MemoryStore(sweep), skip: false },
  sqlite: { make: async (sweep) => (await freshLocation('sqlite')).create(sweep), skip: false },
  postgresql: { make: async (sweep) => (await freshLocation('postgresql')).create(sweep), skip: pgSkip },
};

for (const [name, { make: makeWith, skip }] of Object.entries(implementations)) {
  const make = () => makeWith({ objective, name: 'contract', tags: { team: 'ml' } });
  describe(`SweepStore contract: ${name}`, { skip }, () => {
    it('reads back what the engine wrote, and the result a report draws is the one sweep() returned', async () => {
      const store = await make();
      const result = await sweep({
        sampler: positional,
        objective,
        limits: { maxTotalTrials: 6, maxConcurrentTrials: 1 },
        trial: (p, ctx) => {
          const x = Number(p['x']);
          if (x === 4) throw new Error('x=4 fails');
          ctx.report('loss', 10 - x);
          ctx.report('loss', 9 - x);
        },
        store,
        failFast: false,
      });
      const record = await store.sweep();
      assert.deepEqual(record.objective, objective);
      assert.equal(record.tags['team'], 'ml');
      assert.equal(record.stopReason, 'max_total_trials');
      assert.equal(typeof record.stopMessage, 'string');
      assert.ok(record.endedAt !== undefined);
      const trials = await store.trials();
      assert.deepEqual(
        trials.map((t) => [t.id, t.status, t.value]),
        [
          [0, 'completed', 9],
          [1, 'completed', 8],
          [2, 'completed', 7],
          [3, 'completed', 6],
          [4, 'failed', undefined],
          [5, 'completed', 4],
        ],
      );
      assert.deepEqual(trials[1]!.metrics, {
        loss: [
          { step: 0, value: 9 },
          { step: 1, value: 8 },
        ],
      });
      const read = await readSweepResult(store);
      assert.deepEqual(read.objective, result.objective);
      assert.equal(read.stopReason, result.stopReason);
      assert.equal(read.message, result.message);
      assert.deepEqual(read.counts, result.counts);
      assert.equal(read.best?.id, 5);
      assert.deepEqual(
        read.trials.map((t) => [t.id, t.status, t.value, t.error, t.intermediate]),
        result.trials.map((t) => [t.id, t.status, t.value, t.error, t.intermediate]),
      );
    });

    it('resume: running trials become failed, they and cancelled ones are retried once, the end is cleared', async () => {
      const store = await make();
      const at = new Date().toISOString();
      for (let id = 0; id < 4; id++) await store.startTrial(id, { x: id }, at);
      await store.endTrial(0, { status: 'completed', value: 1, endedAt: at });
      await store.endTrial(1, { status: 'cancelled', error: 'cancelled', endedAt: at });
      await store.endSweep('interrupted', 'interrupted by SIGINT');
      await store.setTags({ note: 'resumed' });

      const plan = await store.resume();
      assert.deepEqual(
        plan.kept.map((t) => t.id),
        [0],
      );
      assert.deepEqual(
        plan.replaced.map((t) => [t.id, t.status]),
        [
          [1, 'cancelled'],
          [2, 'failed'],
          [3, 'failed'],
        ],
      );
      assert.equal(plan.replaced[1]!.error, INTERRUPTED_ERROR);
      assert.deepEqual(
        plan.retry.map((r) => [r.of, r.params]),
        [
          [1, { x: 1 }],
          [2, { x: 2 }],
          [3, { x: 3 }],
        ],
      );
      assert.equal(plan.nextId, 4);
      const record = await store.sweep();
      assert.equal(record.stopReason, undefined);
      assert.equal(record.tags['note'], 'resumed');

      // A retry is known by its very parameter object; it is not retried again.
      await store.startTrial(4, plan.retry[0]!.params, at);
      await store.startTrial(5, { x: 1 }, at);
      const trials = await store.trials();
      assert.equal(trials.find((t) => t.id === 4)!.retryOf, 1);
      assert.equal(trials.find((t) => t.id === 5)!.retryOf, undefined);
      const again = await store.resume();
      assert.deepEqual(
        again.retry.map((r) => r.of),
        [2, 3, 5],
      );
    });

    it('claims: numbers follow the highest, the chooser sees running trials and the queue head, a taken set leaves the queue', async () => {
      const store = await make();
      const at = new Date().toISOString();
      const first = await store.claimTrial(({ trials, queued }) => {
        assert.deepEqual([trials.length, queued], [0, undefined]);
        return { params: { x: 0 } };
      }, at);
      assert.deepEqual(first, { id: 0, params: { x: 0 } });
      await store.enqueueTrial({ x: 10 });
      await store.enqueueTrial({ x: 11 });
      const second = await store.claimTrial(({ trials, queued }) => {
        assert.deepEqual(
          trials.map((t) => [t.id, t.status]),
          [[0, 'running']],
        );
        return { params: queued!, takeQueued: true };
      }, at);
      assert.deepEqual(second, { id: 1, params: { x: 10 } });
      // Not taken: the head stays for the next claim.
      await store.claimTrial(({ queued }) => {
        assert.deepEqual(queued, { x: 11 });
        return { params: { x: 2 } };
      }, at);
      const fourth = await store.claimTrial(({ queued }) => ({ params: queued!, takeQueued: true }), at);
      assert.deepEqual(fourth, { id: 3, params: { x: 11 } });
      await store.claimTrial(({ queued }) => {
        assert.equal(queued, undefined);
        return { params: { x: 4 } };
      }, at);
      // A chooser that throws claims nothing.
      await assert.rejects(async () =>
        store.claimTrial(() => {
          throw new Error('no suggestion');
        }, at),
      );
      assert.equal((await store.trials()).length, 5);
    });

    it('settle: ends a running trial once with its values and constraint values; unknown and ended trials say so', async () => {
      const store = await make();
      const at = new Date().toISOString();
      const { id } = await store.claimTrial(() => ({ params: { x: 1 } }), at);
      const end = {
        status: 'completed',
        value: 0.5,
        values: [0.5, 12],
        constraints: [-1, 2.5],
        endedAt: at,
      } as const;
      assert.equal(await store.settleTrial(id, end), 'ended');
      assert.equal(await store.settleTrial(id, { status: 'failed', endedAt: at }), 'completed');
      assert.equal(await store.settleTrial(7, end), 'unknown');
      const [trial] = await store.trials();
      assert.deepEqual(
        [trial!.status, trial!.value, trial!.values, trial!.constraints],
        ['completed', 0.5, [0.5, 12], [-1, 2.5]],
      );
    });

    it('trial(id) reads one trial as trials() does; undefined for an unknown one', async () => {
      const store = await make();
      const at = new Date().toISOString();
      for (let id = 0; id < 3; id++) await store.startTrial(id, { x: id }, at);
      await store.addMetric(1, 'loss', { step: 0, value: 2 });
      await store.addMetric(1, 'loss', { step: 1, value: Number.NaN });
      await store.addMetric(2, 'acc', { step: 0, value: 0.5 });
      await store.endTrial(1, { status: 'completed', value: 2, values: [2, 3], endedAt: at });
      const all = await store.trials();
      assert.deepEqual(await store.trial(1), all[1]);
      assert.deepEqual(all[1]!.metrics, {
        loss: [
          { step: 0, value: 2 },
          { step: 1, value: Number.NaN },
        ],
      });
      assert.deepEqual(all[2]!.metrics, { acc: [{ step: 0, value: 0.5 }] });
      assert.equal(await store.trial(7), undefined);
    });

    it('objectives of a multi-objective sweep read back, the first as its objective', async () => {
      const objectives = [objective, { goal: 'maximize', primaryMetric: 'acc' }] as const;
      const store = await makeWith({ objectives });
      const record = await store.sweep();
      assert.deepEqual(record.objective, objective);
      assert.deepEqual(record.objectives, objectives);
    });
  });
}

describe('openSweepLocation', () => {
  it('lists the sweeps of a folder, opens one by a prefix of its id, refuses an unknown one', async () => {
    const dir = tempDir('location');
    const location = openSweepLocation(dir);
    const a = await location.create({ objective, name: 'a' });
    const b = await location.create({ name: 'b' });
    assert.deepEqual(
      (await location.sweeps()).map((s) => [s.sweepId, s.name, s.objective?.primaryMetric]),
      [
        [a.sweepId, 'a', 'loss'],
        [b.sweepId, 'b', undefined],
      ],
    );
    assert.equal((await location.open(a.sweepId.slice(0, 8))).sweepId, a.sweepId);
    await assert.rejects(async () => location.open('abcdef0123'), /unknown run 'abcdef0123'/);
    assert.match(location.where, /mlsweep\.db$/);
    await location.close();
  });

  it('a reader does not create a store', () => {
    assert.throws(
      () => openSweepLocation(`${tempDir('none')}/missing`, { create: false }),
      /no mlsweep store/,
    );
  });

  it('a postgresql:// URL opens the PostgreSQL store without connecting, and shows it without its password; another URL is refused', async () => {
    const location = openSweepLocation('postgresql://me:secret@db.example:6543/mlsweep');
    assert.equal(location.where, 'postgresql://me@db.example:6543/mlsweep');
    await location.close();
    assert.equal(
      openSweepLocation('postgres://db.example/mlsweep').where,
      'postgresql://db.example:5432/mlsweep',
    );
    assert.throws(
      () => openSweepLocation('mysql://me:secret@db.example/mlsweep'),
      (error: unknown) =>
        error instanceof ValidationError &&
        /mysql:\/\/db\.example\/mlsweep/.test(error.message) &&
        !error.message.includes('secret'),
    );
  });
});

/** A store with leases, as the worker contract needs it. */
type LeasedStore = SweepStore & TrialLeases;

/** A second connection to the same place (another process, or machine, in production). */
function twin(kind: 'sqlite' | 'postgresql', location: SweepLocation): ReturnType<typeof openSweepLocation> {
  const other = openSweepLocation(kind === 'sqlite' ? dirname(location.where) : pgUrlOf(location));
  locations.push(other);
  return other;
}
const pgUrls = new WeakMap<SweepLocation, string>();
function pgUrlOf(location: SweepLocation): string {
  return pgUrls.get(location)!;
}

async function workerPlace(kind: 'sqlite' | 'postgresql') {
  if (kind === 'sqlite') return freshLocation('sqlite');
  const url = await pgDatabase();
  const location = openSweepLocation(url);
  locations.push(location);
  pgUrls.set(location, url);
  return location;
}

const beatOf = (
  workerId: string,
  running: WorkerBeat['running'] = [],
  state: WorkerBeat['state'] = 'running',
) => ({
  workerId,
  host: 'test-host',
  pid: 4242,
  startedAt: new Date().toISOString(),
  at: new Date().toISOString(),
  state,
  running,
  concurrency: 2,
});

const future = () => new Date(Date.now() + 3_600_000).toISOString();
const past = () => new Date(Date.now() - 3_600_000).toISOString();

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`WorkerLocation and TrialLeases contract: ${kind}`, {
    skip: kind === 'postgresql' ? pgSkip : false,
  }, () => {
    it('beat, workers (newest beat first), leave, and the sweeps open to workers', async () => {
      const location = await workerPlace(kind);
      const open = await location.create({ objective, tags: { [WORKERS_TAG]: 'open' } });
      await location.create({ objective, name: 'not for workers' });
      const ended = await location.create({ objective, tags: { [WORKERS_TAG]: 'open' } });
      await ended.endSweep('max_total_trials', 'done');
      assert.deepEqual(
        (await location.openSweeps()).map((s) => s.sweepId),
        [open.sweepId],
      );

      await location.beat(beatOf('w1', [], 'idle'));
      await location.beat(beatOf('w2', [{ sweepId: open.sweepId, trialId: 0 }]));
      let workers = await location.workers();
      assert.deepEqual(workers.map((w) => w.workerId).sort(), ['w1', 'w2']);
      const w2 = workers.find((w) => w.workerId === 'w2')!;
      assert.deepEqual(
        [w2.host, w2.pid, w2.state, w2.concurrency, w2.running],
        ['test-host', 4242, 'running', 2, [{ sweepId: open.sweepId, trialId: 0 }]],
      );
      assert.ok(Math.abs(Date.parse(w2.lastBeatAt) - Date.now()) < 60_000, w2.lastBeatAt);
      // w1 beats again: it is now the newest.
      await location.beat(beatOf('w1', [], 'running'));
      workers = await location.workers();
      assert.ok(Date.parse(workers[0]!.lastBeatAt) >= Date.parse(workers[1]!.lastBeatAt));
      assert.equal(workers.find((w) => w.workerId === 'w1')!.state, 'running');

      await location.leave('w2');
      const left = (await location.workers()).find((w) => w.workerId === 'w2')!;
      assert.deepEqual([left.state, left.running], ['stopped', []]);
    });

    it('lease and release: only the holder hands a trial back; it is cancelled and its set queued as its retry', async () => {
      const location = await workerPlace(kind);
      const store = (await location.create({ objective })) as LeasedStore;
      const at = new Date().toISOString();
      const { id } = await store.claimTrial(() => ({ params: { x: 1 } }), at);
      await store.leaseTrial(id, 'w1');
      assert.equal(await store.releaseTrial(id, 'w2'), false);
      assert.equal(await store.releaseTrial(id, 'w1'), true);
      assert.equal(await store.releaseTrial(id, 'w1'), false);
      const released = (await store.trial(id))!;
      assert.equal(released.status, 'cancelled');
      assert.match(released.error!, /handed back by worker w1/);
      const retry = await store.claimTrial(({ queued }) => {
        assert.deepEqual(queued, { x: 1 });
        return { params: queued!, takeQueued: true };
      }, at);
      assert.deepEqual(retry.params, { x: 1 });
      assert.equal((await store.trial(retry.id))!.retryOf, id);
      // The queue is empty again.
      await store.claimTrial(({ queued }) => {
        assert.equal(queued, undefined);
        return { params: { x: 2 } };
      }, at);
    });

    it('reap: trials of a worker silent since the given time fail naming it, and are queued again once', async () => {
      const location = await workerPlace(kind);
      const store = (await location.create({ objective })) as LeasedStore;
      const at = new Date().toISOString();
      const a = await store.claimTrial(() => ({ params: { x: 'a' } }), at);
      const b = await store.claimTrial(() => ({ params: { x: 'b' } }), at);
      const c = await store.claimTrial(() => ({ params: { x: 'c' } }), at);
      await location.beat(beatOf('w1'));
      await store.leaseTrial(a.id, 'w1');
      await store.leaseTrial(b.id, 'w1');
      // c is held by nobody (the engine's own trial): never reaped.
      await store.settleTrial(b.id, { status: 'completed', value: 1, endedAt: at });

      // w1 beat just now: not silent for an hour.
      assert.deepEqual(await store.reapTrials(past()), []);
      const reaped = await store.reapTrials(future());
      assert.deepEqual(reaped, [{ trialId: a.id, workerId: 'w1', requeued: true, params: { x: 'a' } }]);
      const failed = (await store.trial(a.id))!;
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!, /worker w1 fell silent \(its last heartbeat was at \d{4}-\d\d-\d\dT/);
      assert.equal((await store.trial(b.id))!.status, 'completed');
      assert.equal((await store.trial(c.id))!.status, 'running');

      // The retry is claimed from the queue, held by w2, and w2 falls silent: not queued again.
      const retry = await store.claimTrial(({ queued }) => ({ params: queued!, takeQueued: true }), at);
      assert.equal((await store.trial(retry.id))!.retryOf, a.id);
      await location.beat(beatOf('w2'));
      await store.leaseTrial(retry.id, 'w2');
      assert.deepEqual(await store.reapTrials(future()), [
        { trialId: retry.id, workerId: 'w2', requeued: false, params: { x: 'a' } },
      ]);
      await store.claimTrial(({ queued }) => {
        assert.equal(queued, undefined);
        return { params: { x: 'd' } };
      }, at);
    });

    it('reap, in a sweep open to workers: a claimed trial no worker leased is reaped once old enough', async () => {
      const location = await workerPlace(kind);
      const store = (await location.create({ objective, tags: { [WORKERS_TAG]: 'open' } })) as LeasedStore;
      const { id } = await store.claimTrial(() => ({ params: { x: 1 } }), new Date().toISOString());
      // Just claimed: its worker may be writing the lease now.
      assert.deepEqual(await store.reapTrials(past()), []);
      assert.deepEqual(await store.reapTrials(future()), [
        { trialId: id, workerId: UNLEASED_WORKER, requeued: true, params: { x: 1 } },
      ]);
      assert.match((await store.trial(id))!.error!, /never took it up/);
    });

    it('two reapers at once, on two connections, reap each trial once and queue it once', async () => {
      const location = await workerPlace(kind);
      const store = (await location.create({ objective })) as LeasedStore;
      const other = (await twin(kind, location).open(store.sweepId)) as LeasedStore;
      const at = new Date().toISOString();
      await location.beat(beatOf('w1'));
      for (let i = 0; i < 20; i++) {
        const { id } = await store.claimTrial(() => ({ params: { i } }), at);
        await store.leaseTrial(id, 'w1');
      }
      const [one, two] = await Promise.all([store.reapTrials(future()), other.reapTrials(future())]);
      const all = [...one, ...two].map((r) => r.trialId).sort((x, y) => x - y);
      assert.deepEqual(
        all,
        Array.from({ length: 20 }, (_, i) => i),
      );
      // Each set was queued once: 20 claims take them all, the 21st finds the queue empty.
      const taken: unknown[] = [];
      for (let i = 0; i < 21; i++) {
        await other.claimTrial(({ queued }) => {
          if (queued !== undefined) taken.push(queued);
          return queued === undefined ? { params: { none: true } } : { params: queued, takeQueued: true };
        }, at);
      }
      assert.equal(taken.length, 20);
      assert.equal(new Set(taken.map((t) => JSON.stringify(t))).size, 20);
    });

    it('claims from two connections (and two loops on one) at once never share a number, and each chooser sees every trial as it stands', async () => {
      const location = await workerPlace(kind);
      const first = (await location.create({ objective })) as LeasedStore;
      const second = (await twin(kind, location).open(first.sweepId)) as LeasedStore;
      const at = new Date().toISOString();
      const claimsOf = (store: LeasedStore, who: string) =>
        (async () => {
          const mine: number[] = [];
          for (let i = 0; i < 40; i++) {
            const { id } = await store.claimTrial(({ trials }) => {
              // Numbers are dense and every earlier claim, from either connection, is in view.
              assert.deepEqual(
                trials.map((t) => t.id),
                Array.from({ length: trials.length }, (_, k) => k),
              );
              return { params: { who, i, seen: trials.length } };
            }, at);
            mine.push(id);
            // Settled by this connection: the other's next claim must see it ended, with its point.
            await store.addMetric(id, 'loss', { step: 0, value: id });
            await store.settleTrial(id, { status: 'completed', value: id, endedAt: at });
          }
          return mine;
        })();
      // The first connection's store also claims from two loops at once (a worker's --concurrency).
      const [a, b, c] = await Promise.all([
        claimsOf(first, 'a'),
        claimsOf(second, 'b'),
        claimsOf(first, 'c'),
      ]);
      assert.deepEqual(
        [...a, ...b, ...c].sort((x, y) => x - y),
        Array.from({ length: 120 }, (_, k) => k),
      );
      const trials = await first.trials();
      for (const trial of trials) {
        assert.equal(trial.params['seen'], trial.id, 'each chooser saw every trial before it');
        assert.equal(trial.status, 'completed');
        assert.deepEqual(trial.metrics, { loss: [{ step: 0, value: trial.id }] });
      }
      // A claim after the race sees every trial ended, with its metric point.
      await second.claimTrial(({ trials: seen }) => {
        assert.equal(seen.length, 120);
        assert.ok(seen.every((t) => t.status === 'completed' && t.metrics['loss']?.[0]?.value === t.id));
        return { params: { last: true } };
      }, at);
    });
  });
}
