// What only the PostgreSQL store has: a server that may be unreachable, restart, or be
// shared by processes that migrate it at once, and a clock of its own. On a private
// cluster (test/helpers/postgres.ts); skipped with the reason without PostgreSQL.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DataError, StoreConnectionError, ValidationError } from '../../src/core/errors.ts';
import { openSweepLocation } from '../../src/store/open-location.ts';
import { PostgresLocation } from '../../src/store/postgres/location.ts';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/migrations.ts';
import type { PostgresSweepStore } from '../../src/store/postgres/sweep-store.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';

const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;

/** A port nothing listens on (taken from the OS, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

describe('PostgreSQL store', { skip: pgSkip }, () => {
  let cluster: PgCluster;
  const opened: PostgresLocation[] = [];
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    for (const location of opened) await location.close();
    await cluster?.destroy();
  });
  const open = (url: string, options = {}) => {
    const location = new PostgresLocation(url, options);
    opened.push(location);
    return location;
  };

  it('an unreachable server is one line naming host and port, at once, without the password', async () => {
    const port = await closedPort();
    const location = open(`postgresql://me:hunter2@127.0.0.1:${port}/mlsweep`);
    const started = Date.now();
    const error = await location.sweeps().then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreConnectionError, String(error));
    assert.equal(error.code, 'E_STORE_CONNECTION');
    assert.equal(
      error.message,
      `cannot reach the PostgreSQL store at 127.0.0.1:${port}: connection refused (is the server running, and on this port?)`,
    );
    assert.ok(!error.message.includes('hunter2'));
    assert.ok(!error.message.includes('\n'));
    assert.ok(Date.now() - started < 10_000, 'a refused first connection is not retried for a minute');
  });

  it('a database that does not exist is named in the same kind of error', async () => {
    const location = open(`postgresql://postgres:hunter2@127.0.0.1:${cluster.port}/no_such_db`);
    await assert.rejects(
      async () => location.sweeps(),
      (e: unknown) =>
        e instanceof StoreConnectionError &&
        e.message.startsWith(`cannot reach the PostgreSQL store at 127.0.0.1:${cluster.port}: `) &&
        /database "no_such_db" does not exist/.test(e.message) &&
        !e.message.includes('hunter2'),
    );
  });

  it('two processes opening a new database at once migrate it once; a newer schema is refused', async () => {
    const url = await cluster.createDatabase();
    const locations = Array.from({ length: 4 }, () => open(url));
    await Promise.all(locations.map((l) => l.sweeps()));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM mlsweep_schema ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      await client.query("INSERT INTO mlsweep_schema (version, name) VALUES (999, 'from the future')");
    } finally {
      await client.end();
    }
    await assert.rejects(
      async () => open(url).sweeps(),
      (e: unknown) =>
        e instanceof DataError && e.code === 'E_STORE_VERSION' && /version 999, newer than/.test(e.message),
    );
  });

  it('opens a sweep by a prefix of its id; an unknown or ambiguous one is a ValidationError naming the store', async () => {
    const url = await cluster.createDatabase();
    const location = open(`postgresql://postgres:hunter2@127.0.0.1:${cluster.port}/${url.split('/').pop()}`);
    const a = await location.create({ objective, name: 'a' });
    assert.equal((await location.open(a.sweepId.slice(0, 6))).sweepId, a.sweepId);
    assert.equal((await location.open(a.sweepId.toUpperCase())).sweepId, a.sweepId);
    await assert.rejects(
      async () => location.open('abcdef0123'),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message ===
          `unknown sweep 'abcdef0123' in postgresql://postgres@127.0.0.1:${cluster.port}/${url.split('/').pop()}`,
    );
    await assert.rejects(async () => location.open("x' OR 1=1 --"), /unknown sweep/);
    // Sixteen sweeps: two of them share a first hex digit.
    for (let i = 0; i < 16; i++) await location.create({ objective });
    const ids = (await location.sweeps()).map((s) => s.sweepId);
    const shared = ids.find((id, i) => ids.some((other, j) => j !== i && other[0] === id[0]))!;
    await assert.rejects(async () => location.open(shared[0]!), /ambiguous/);
  });

  it("heartbeats carry the database's clock, not the worker's", async () => {
    const location = open(await cluster.createDatabase());
    const skewed = new Date(Date.now() - 7 * 86_400_000).toISOString();
    await location.beat({
      workerId: 'skewed',
      host: 'h',
      pid: 1,
      startedAt: skewed,
      at: skewed,
      state: 'idle',
      running: [],
      concurrency: 1,
    });
    const [worker] = await location.workers();
    assert.equal(worker!.workerId, 'skewed');
    assert.ok(Math.abs(Date.parse(worker!.lastBeatAt) - Date.now()) < 60_000, worker!.lastBeatAt);
  });

  it('a server restart mid-use is survived: the calls made while it is down wait for it, nothing is lost or doubled', async () => {
    const url = await cluster.createDatabase();
    const location = openSweepLocation(url) as PostgresLocation;
    opened.push(location);
    const store = (await location.create({ objective })) as PostgresSweepStore;
    const at = new Date().toISOString();
    const claimAndEnd = async (i: number) => {
      const { id } = await store.claimTrial(({ trials }) => ({ params: { i, seen: trials.length } }), at);
      await store.addMetric(id, 'loss', { step: 0, value: i });
      assert.equal(await store.settleTrial(id, { status: 'completed', value: i, endedAt: at }), 'ended');
      return id;
    };
    for (let i = 0; i < 5; i++) await claimAndEnd(i);

    // Stopped while idle connections sit in the pool; calls made now wait for the restart.
    await cluster.stop('fast');
    const restarted = new Promise<void>((resolve, reject) => {
      setTimeout(() => cluster.start().then(resolve, reject), 1500);
    });
    const during = Promise.all([5, 6, 7].map((i) => claimAndEnd(i)));
    await restarted;
    await during;
    // And once more, stopped as if it crashed.
    await cluster.stop('immediate');
    await cluster.start();
    await claimAndEnd(8);

    const trials = await store.trials();
    assert.deepEqual(
      trials.map((t) => [t.id, t.status, t.metrics['loss']?.length]),
      Array.from({ length: 9 }, (_, k) => [k, 'completed', 1]),
    );
    assert.deepEqual(trials.map((t) => t.params['i']).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a server gone for longer than the reconnect window fails the call with the connection error', async () => {
    const url = await cluster.createDatabase();
    const location = open(url, { reconnectMs: 500 });
    const store = await location.create({ objective });
    await cluster.stop('fast');
    try {
      await assert.rejects(
        async () => store.trials(),
        (e: unknown) =>
          e instanceof StoreConnectionError &&
          e.message.includes(`127.0.0.1:${cluster.port}`) &&
          /still after/.test(e.message),
      );
    } finally {
      await cluster.start();
    }
    assert.deepEqual(await store.trials(), []);
  });
});
