// The studio's store watcher on a real private PostgreSQL cluster: what another connection
// commits reaches the event hub at the next poll (timers injected, polled by hand: no real
// waiting), and a poll with no commit since the last one costs one statement.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ModelRegistry } from '../../../src/registry/model-registry.ts';
import { createEventHub } from '../../../src/studio/ui/events.ts';
import { type StoreWatcher, watchStore } from '../../../src/studio/ui/watcher.ts';
import { appendAudit } from '../../../src/tracking/audit-log.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { type PgCluster, pgSkip, startPostgres } from '../../helpers/postgres.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';
import { manualTimers } from './manual-timers.ts';

/** One published event, as the hub hands it to a subscriber. */
interface Seen {
  readonly topic: string;
  readonly data: unknown;
}

/** A watched store, a second store (another connection) that writes, and what the hub published. */
interface Fixture {
  /** The store's database. */
  readonly url: string;
  readonly watched: SqliteStore;
  readonly writer: SqliteStore;
  readonly watcher: StoreWatcher;
  readonly seen: Seen[];
  /** The timer's callback while the watcher is running. */
  scheduled(): (() => void) | undefined;
  /** A plain node-postgres client on the store's database, or on `url` (its own transactions, outside the store's write lock); closed by close(). */
  connect(url?: string): Promise<pg.Client>;
  close(): Promise<void>;
}

describe('studio store watcher on PostgreSQL', { skip: pgSkip }, () => {
  let cluster: PgCluster | undefined;
  const artifactsDir = tempDir('watcher-pg');
  before(async () => {
    cluster = await startPostgres();
    // The gate moves with any commit in the cluster: an autovacuum's analyze (it writes its
    // statistics) would make an idle poll read the signatures, and the statement count vary.
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('ALTER SYSTEM SET autovacuum = off');
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
  });
  after(async () => {
    await cluster?.destroy();
  });

  async function fixture(): Promise<Fixture> {
    const url = await cluster!.createDatabase();
    const watched = new SqliteStore({ dir: url, artifactsDir });
    const writer = new SqliteStore({ dir: url, artifactsDir });
    const hub = createEventHub();
    const seen: Seen[] = [];
    hub.subscribe((topic, data) => seen.push({ topic, data }));
    const manual = manualTimers();
    const clients: pg.Client[] = [];
    const watcher = watchStore(watched, hub, {
      timers: manual.timers,
      onError: (error) => {
        throw error;
      },
    });
    return {
      url,
      watched,
      writer,
      watcher,
      seen,
      scheduled: manual.scheduled,
      async connect(other = url) {
        const c = new pg.Client({ connectionString: other });
        clients.push(c);
        await c.connect();
        return c;
      },
      async close() {
        watcher.stop();
        writer.close();
        watched.close();
        for (const c of clients) await c.end();
      },
    };
  }

  /** Runs `body` on a fresh fixture, closed after it whatever happens. */
  async function watching(body: (f: Fixture) => Promise<void> | void): Promise<void> {
    const f = await fixture();
    try {
      await body(f);
    } finally {
      await f.close();
    }
  }

  it('publishes runs, metrics (with their run ids) and models after another connection commits; nothing when idle', () =>
    watching(async (f) => {
      assert.ok(f.scheduled(), 'the watcher polls on its timer');
      assert.deepEqual(f.watcher.check(), [], 'nothing changed since the baseline');
      const run = f.writer.createRun({ experiment: 'w' });
      assert.deepEqual(f.watcher.check(), ['runs']);
      assert.deepEqual(f.seen.at(-1), { topic: 'runs', data: { total: 1, running: 1 } });
      assert.deepEqual(f.watcher.check(), [], 'no commit since the last poll');

      f.writer.logMetrics(run.id, [
        { key: 'loss', value: 1, step: 0, timestamp: 1 },
        { key: 'loss', value: 0.5, step: 1, timestamp: 2 },
      ]);
      assert.deepEqual(f.watcher.check(), ['metrics']);
      assert.deepEqual(f.seen.at(-1), { topic: 'metrics', data: { runIds: [run.id] } });
      assert.deepEqual(f.watcher.check(), []);

      const other = f.writer.createRun({ experiment: 'w' });
      assert.deepEqual(f.watcher.check(), ['runs']);
      f.writer.logMetrics(other.id, [{ key: 'loss', value: 2, step: 0, timestamp: 3 }]);
      f.writer.logMetrics(run.id, [{ key: 'acc', value: 0.9, step: 2, timestamp: 4 }]);
      assert.deepEqual(f.watcher.check(), ['metrics']);
      const runIds = (f.seen.at(-1)!.data as { runIds: string[] }).runIds;
      assert.deepEqual([...runIds].sort(), [run.id, other.id].sort(), 'both runs that got points, once each');

      f.writer.setRunStatus(run.id, 'FINISHED', 5);
      assert.deepEqual(f.watcher.check(), ['runs'], 'a run ending');
      assert.deepEqual(f.seen.at(-1), { topic: 'runs', data: { total: 2, running: 1 } });

      new ModelRegistry({ store: f.writer }).createModel('m');
      assert.deepEqual(f.watcher.check(), ['models']);
      appendAudit(f.writer, { at: 1, actor: 'test', action: 'x.y', target: 't', detail: {} });
      assert.deepEqual(f.watcher.check(), ['audit']);
      assert.deepEqual(f.watcher.check(), []);

      // a write through the watched store itself (the studio's own API) is seen too
      f.watched.createRun({ experiment: 'w' });
      assert.deepEqual(f.watcher.check(), ['runs']);

      f.scheduled()?.();
      assert.deepEqual(f.watcher.check(), [], 'the timer polled: nothing new since');
      f.watcher.stop();
      assert.equal(f.scheduled(), undefined);
    }));

  it('a poll with no commit since the last one runs one statement and no read transaction', () =>
    watching(async (f) => {
      const statements: string[] = [];
      let reads = 0;
      const sql = f.watched.sql.bind(f.watched);
      const read = f.watched.read.bind(f.watched);
      f.watched.sql = (source) => {
        statements.push(source);
        return sql(source);
      };
      f.watched.read = (fn) => {
        reads++;
        return read(fn);
      };
      for (let i = 0; i < 5; i++) assert.deepEqual(f.watcher.check(), []);
      assert.equal(statements.length, 5, statements.join('\n'));
      assert.equal(reads, 0);

      f.writer.createRun({ experiment: 'w' });
      statements.length = 0;
      assert.deepEqual(f.watcher.check(), ['runs']);
      assert.equal(reads, 1, 'a commit: the signatures are read, in one read transaction');
      assert.ok(statements.length > 1);
    }));

  it('publishes nothing for a commit that changed none of the watched tables (another database, a rollback)', () =>
    watching(async (f) => {
      const elsewhere = await f.connect(await cluster!.createDatabase());
      const here = await f.connect();
      assert.deepEqual(f.watcher.check(), []);
      await elsewhere.query('CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
      assert.deepEqual(f.watcher.check(), []);
      await here.query('BEGIN');
      await here.query("INSERT INTO registered_models (name, created_at, updated_at) VALUES ('gone', 1, 1)");
      await here.query('ROLLBACK');
      assert.deepEqual(f.watcher.check(), []);
      assert.deepEqual(f.seen, []);
    }));

  it('sees rows committed after later-numbered ones (writers outside the store lock, as the sweep workers)', () =>
    watching(async (f) => {
      const slow = await f.connect();
      const early = f.writer.createRun({ experiment: 'w' });
      const late = f.writer.createRun({ experiment: 'w' });
      assert.deepEqual(f.watcher.check(), ['runs']);
      // `slow` numbers its point first (the metrics' identity), then commits last
      await slow.query('BEGIN');
      await slow.query(
        "INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES ($1, 'loss', 0, 1, 1)",
        [early.id],
      );
      await slow.query("INSERT INTO registered_models (name, created_at, updated_at) VALUES ('slow', 1, 1)");
      f.writer.logMetrics(late.id, [{ key: 'loss', value: 2, step: 0, timestamp: 2 }]);
      assert.deepEqual(f.watcher.check(), ['metrics']);
      assert.deepEqual(f.seen.at(-1), { topic: 'metrics', data: { runIds: [late.id] } });
      assert.deepEqual(f.watcher.check(), [], 'the open transaction shows nothing yet');
      await slow.query('COMMIT');
      assert.deepEqual(f.watcher.check().sort(), ['metrics', 'models']);
      assert.deepEqual(
        f.seen.find((s) => s.topic === 'metrics' && (s.data as { runIds: string[] }).runIds[0] === early.id)
          ?.data,
        { runIds: [early.id] },
      );
      assert.deepEqual(f.watcher.check(), []);
    }));

  it('follows a table over 2,000 rows: an entry added, updated or deleted', () =>
    watching(async (f) => {
      const here = await f.connect();
      const rows = 2100;
      await here.query(
        `INSERT INTO audit_log (at, actor, action, target, detail)
         SELECT g, 'bulk', 'x.y', 't', '{}' FROM generate_series(1, ${rows}) g`,
      );
      f.watcher.check();
      assert.deepEqual(f.watcher.check(), []);
      appendAudit(f.writer, { at: 1, actor: 'test', action: 'x.y', target: 't', detail: {} });
      assert.deepEqual(f.watcher.check(), ['audit'], 'a new entry in a log of 2,101');
      await here.query("UPDATE audit_log SET actor = 'changed' WHERE audit_id = 5");
      assert.deepEqual(f.watcher.check(), ['audit'], 'an update in a log of 2,101');
      assert.deepEqual(f.watcher.check(), []);
      await here.query('DELETE FROM audit_log WHERE audit_id = 7');
      assert.deepEqual(f.watcher.check(), ['audit'], 'a deletion in a log of 2,101');
    }));
});
