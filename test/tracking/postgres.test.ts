// The tracking store, registry and endpoints on PostgreSQL: a private cluster (initdb +
// pg_ctl on 127.0.0.1, test/helpers/postgres.ts), the shared test files run again against
// it, and what only a server has: migrations raced by two processes, connection errors,
// a dropped connection, the CLI and the MLflow tracking server over a database.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StoreConnectionError } from '../../src/core/errors.ts';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { watchStore } from '../../src/serve/catalog.ts';
import type { ServeConfig } from '../../src/serve/types.ts';
import { createTrackingServer } from '../../src/studio/mlflow/server.ts';
import { MIGRATIONS } from '../../src/tracking/migrations.ts';
import { SyncPgConnection } from '../../src/tracking/pg-connection.ts';
import { migrateTrackingPostgres } from '../../src/tracking/pg-migrate.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { CLI } from '../helpers/cli.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';
import { mlsweep } from './helpers/cli.ts';
import { tempDir } from './helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The test files that take their store from storeOptions (directly or through the MLflow test servers), run here again on PostgreSQL. */
const SHARED = [
  'test/tracking/store.test.ts',
  'test/tracking/tracker.test.ts',
  'test/tracking/concurrency.test.ts',
  'test/registry/registry.test.ts',
  'test/registry/endpoint-store.test.ts',
  'test/registry/data-assets.test.ts',
  'test/studio/mlflow/experiments.test.ts',
  'test/studio/mlflow/runs.test.ts',
  'test/studio/mlflow/search.test.ts',
  'test/studio/mlflow/server.test.ts',
  'test/studio/mlflow/artifacts.test.ts',
  'test/studio/mlflow/logged-models.test.ts',
  'test/studio/mlflow/registry.test.ts',
];

/** This process's environment without the test runner's context (a child runner then prints TAP). */
function withoutTestContext(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

/** A JSON answer of the MLflow API, read field by field by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not types
type Json = any;

/** Runs a small program as its own process, for the races between processes. */
function child(source: string, args: string[]): Promise<{ status: number | null; output: string }> {
  const file = join(tempDir('pg-child'), 'child.ts');
  writeFileSync(file, source);
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: root });
    let output = '';
    proc.stdout.on('data', (chunk) => (output += chunk));
    proc.stderr.on('data', (chunk) => (output += chunk));
    proc.on('close', (status) => resolve({ status, output }));
  });
}

describe('the tracking store on PostgreSQL', { skip: pgSkip }, () => {
  let cluster: PgCluster;
  const artifacts = () => ({ artifactsDir: tempDir('pg-artifacts') });

  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.destroy();
  });

  it('passes the same store, tracker, registry, endpoint and MLflow API tests as SQLite', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...SHARED], {
      cwd: root,
      encoding: 'utf8',
      // Without the parent runner's context, the child reports in TAP (with its summary).
      env: { ...withoutTestContext(), MLSWEEP_TEST_POSTGRES: cluster.url },
      timeout: 300_000,
    });
    const summary = /# pass (\d+)\n# fail (\d+)/.exec(run.stdout);
    const failures = run.stdout
      .split('\n')
      .filter((line) => /not ok|error:|Error/.test(line))
      .slice(0, 40)
      .join('\n');
    assert.equal(run.status, 0, `${failures}\n${run.stderr.slice(-2000)}`);
    assert.ok(summary !== null && Number(summary[1]) >= 70 && summary[2] === '0', run.stdout.slice(-500));
  });

  it('applies every migration once, in the same schema_migrations table, and again is a no-op', async () => {
    const url = await cluster.createDatabase();
    const store = new SqliteStore({ dir: url, ...artifacts() });
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
    store.createRun({ experiment: 'kept' });
    store.close();
    const connection = new SyncPgConnection(url);
    migrateTrackingPostgres(connection);
    migrateTrackingPostgres(connection);
    assert.equal(
      connection.prepare('SELECT count(*) FROM schema_migrations').pluck().get(),
      MIGRATIONS.length,
    );
    assert.equal(connection.prepare('SELECT count(*) FROM runs').pluck().get(), 1);
    connection.close();
  });

  it('lets two processes open a new database at once: it is migrated once and both write', async () => {
    const url = await cluster.createDatabase();
    const source = `
      import { SqliteStore } from ${JSON.stringify(join(root, 'src/tracking/sqlite-store.ts'))};
      const store = new SqliteStore({ dir: process.argv[2], artifactsDir: process.argv[3] });
      for (let i = 0; i < 20; i++) {
        const run = store.createRun({ experiment: 'race' });
        store.logMetrics(run.id, [{ key: 'loss', value: i, step: i, timestamp: Date.now() }]);
      }
      store.close();
    `;
    const dir = tempDir('pg-race');
    const results = await Promise.all([child(source, [url, dir]), child(source, [url, dir])]);
    for (const r of results) assert.equal(r.status, 0, r.output);
    const store = new SqliteStore({ dir: url, artifactsDir: dir });
    const counts = store.db
      .prepare('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version')
      .all() as Array<{ version: number; n: number }>;
    assert.deepEqual(
      counts.map((c) => c.n),
      MIGRATIONS.map(() => 1),
    );
    assert.equal(store.listExperiments().length, 1, 'one experiment "race", created by whichever came first');
    assert.equal(store.experiment('race').runCount, 40);
    assert.equal(store.searchRuns({ filter: 'metrics.loss >= 10' }).length, 20);
    store.close();
  });

  it('keeps the single-writer rule across processes: concurrent read-modify-writes lose nothing', async () => {
    const url = await cluster.createDatabase();
    const dir = tempDir('pg-writers');
    const setup = new SqliteStore({ dir: url, artifactsDir: dir });
    const file = join(dir, 'model.json');
    writeFileSync(file, '{"kind":"stub"}');
    setup.close();
    // Each process registers versions of one model: the version numbers are read-modify-writes.
    const source = `
      import { SqliteStore } from ${JSON.stringify(join(root, 'src/tracking/sqlite-store.ts'))};
      import { ModelRegistry } from ${JSON.stringify(join(root, 'src/registry/model-registry.ts'))};
      const store = new SqliteStore({ dir: process.argv[2], artifactsDir: process.argv[3] });
      const registry = new ModelRegistry({ store });
      for (let i = 0; i < 10; i++) registry.register('shared', { file: process.argv[4] });
      store.close();
    `;
    const results = await Promise.all([0, 1, 2].map(() => child(source, [url, dir, file])));
    for (const r of results) assert.equal(r.status, 0, r.output);
    const store = new SqliteStore({ dir: url, artifactsDir: dir });
    const versions = new ModelRegistry({ store }).listVersions('shared').map((v) => v.version);
    assert.deepEqual(
      versions,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    store.close();
  });

  it('logs a batch of points in a few statements with the same history and latest values as SQLite', async () => {
    const url = await cluster.createDatabase();
    const pg = new SqliteStore({ dir: url, ...artifacts() });
    const lite = new SqliteStore({ dir: tempDir('pg-vs-sqlite') });
    // Seeded points with repeated steps and timestamps: the latest value's tie rules matter.
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const batches = Array.from({ length: 4 }, () =>
      Array.from({ length: 700 }, () => ({
        key: `k${Math.floor(next() * 5)}`,
        value: next() < 0.05 ? Number.NaN : Math.round(next() * 1000) / 10,
        step: Math.floor(next() * 20),
        timestamp: Math.floor(next() * 4),
      })),
    );
    const runs = [pg, lite].map((store) => {
      const run = store.createRun({ experiment: 'same' });
      for (const batch of batches) store.logMetrics(run.id, batch);
      return { store, id: run.id };
    });
    const [a, b] = runs.map(({ store, id }) => ({
      latest: store.latestMetrics(id),
      all: store.allMetrics(id),
      history: store.metricHistory(id, 'k3'),
    }));
    assert.deepEqual(a!.latest, b!.latest);
    assert.deepEqual(a!.all, b!.all);
    assert.deepEqual(a!.history, b!.history);
    assert.equal(a!.all.length, 2800);
    pg.close();
    lite.close();
  });

  it('names host and port, never the password, when it cannot connect', async () => {
    const refused = 'postgresql://ana:s3cret@127.0.0.1:1/ml';
    assert.throws(
      () => new SqliteStore({ dir: refused, ...artifacts() }),
      (e: unknown) =>
        e instanceof StoreConnectionError &&
        /^cannot reach the PostgreSQL store at 127\.0\.0\.1:1: connection refused/.test(e.message) &&
        !e.message.includes('s3cret'),
    );
    const missing = `postgresql://postgres:s3cret@127.0.0.1:${cluster.port}/nope`;
    assert.throws(
      () => new SqliteStore({ dir: missing, ...artifacts() }),
      (e: unknown) =>
        e instanceof StoreConnectionError &&
        e.message.includes(`127.0.0.1:${cluster.port}`) &&
        /the database "nope" does not exist/.test(e.message) &&
        !e.message.includes('s3cret'),
    );
    const stranger = `postgresql://nobody:s3cret@127.0.0.1:${cluster.port}/postgres`;
    assert.throws(
      () => new SqliteStore({ dir: stranger, ...artifacts() }),
      (e: unknown) =>
        e instanceof StoreConnectionError &&
        e.message.startsWith(`cannot reach the PostgreSQL store at 127.0.0.1:${cluster.port}: `) &&
        /user "nobody"/.test(e.message) &&
        !e.message.includes('s3cret'),
    );
    const cli = mlsweep(['runs', 'list', '--store', refused]);
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /^mlsweep: cannot reach the PostgreSQL store at 127\.0\.0\.1:1: /);
    assert.equal(cli.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    assert.doesNotMatch(cli.stderr, /s3cret/);
  });

  it('serves mlsweep runs, experiments and models commands from a database', async () => {
    const url = await cluster.createDatabase();
    const dir = tempDir('pg-cli');
    const store = new SqliteStore({ dir: url, artifactsDir: dir });
    const best = store.createRun({ experiment: 'iris', name: 'best' });
    store.logMetrics(best.id, [{ key: 'accuracy', value: 0.97, step: 0, timestamp: 1 }]);
    store.setRunStatus(best.id, 'FINISHED');
    const other = store.createRun({ experiment: 'iris', name: 'other' });
    store.logMetrics(other.id, [{ key: 'accuracy', value: 0.9, step: 0, timestamp: 1 }]);
    writeFileSync(join(dir, 'model.json'), '{"kind":"stub"}');
    new ModelRegistry({ store }).register('iris-model', { file: join(dir, 'model.json') });
    store.close();

    const runs = mlsweep(['runs', 'list', '--store', url, '--artifacts-dir', dir, '--json']);
    assert.equal(runs.status, 0, runs.stderr);
    const listed = JSON.parse(runs.stdout) as Array<{ name: string }>;
    assert.deepEqual(listed.map((r) => r.name).sort(), ['best', 'other']);
    const filtered = mlsweep([
      'runs',
      'list',
      '--store',
      url,
      '--filter',
      'metrics.accuracy > 0.95',
      '--json',
    ]);
    assert.equal(filtered.status, 0, filtered.stderr);
    assert.deepEqual(
      (JSON.parse(filtered.stdout) as Array<{ name: string }>).map((r) => r.name),
      ['best'],
    );
    const experiments = mlsweep(['experiments', 'list', '--store', url, '--json']);
    assert.equal(experiments.status, 0, experiments.stderr);
    assert.ok((JSON.parse(experiments.stdout) as Array<{ name: string }>).some((e) => e.name === 'iris'));
    const models = mlsweep(['models', 'list', '--store', url, '--artifacts-dir', dir, '--json']);
    assert.equal(models.status, 0, models.stderr);
    assert.match(models.stdout, /iris-model/);
  });

  it('never re-establishes a connection lost inside a write: the whole write fails, nothing of it is kept', async () => {
    const url = await cluster.createDatabase();
    const database = url.slice(url.lastIndexOf('/') + 1);
    const store = new SqliteStore({ dir: url, ...artifacts() });
    const run = store.createRun({ experiment: 'tx' });
    const admin = new SyncPgConnection(cluster.url);
    assert.throws(
      () =>
        store.write(() => {
          store.setTags(run.id, { first: '1' });
          admin
            .prepare('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?')
            .all(database);
          // Let the connection thread see the server's goodbye: a reconnection here would run
          // the next statement outside the transaction, and keep it.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
          store.setTags(run.id, { second: '2' });
        }),
      StoreConnectionError,
    );
    admin.close();
    assert.deepEqual(store.run(run.id).tags, {}, 'the next statement reconnects; the write left nothing');
    store.close();
  });

  it('records an automl job and its registered model in a fresh database', async () => {
    const url = await cluster.createDatabase();
    const dir = tempDir('pg-automl');
    const automl = spawnSync(
      process.execPath,
      [
        ...CLI,
        'automl',
        '--train',
        join(root, 'datasets/iris.csv'),
        '--target',
        'target',
        '--max-trials',
        '2',
        '--no-ensemble',
        '--out',
        join(dir, 'model.json'),
        '--store',
        url,
        '--register',
        'iris-auto',
        '--json',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, MLSWEEP_ARTIFACTS: dir } },
    );
    assert.equal(automl.status, 0, automl.stderr);
    const store = new SqliteStore({ dir: url, artifactsDir: dir, create: false });
    const [run] = store.searchRuns({ filter: "params.task = 'classification'" });
    assert.ok(run !== undefined && run.status === 'FINISHED' && run.metrics['accuracy']! > 0.8);
    const version = new ModelRegistry({ store }).getVersion('iris-auto', 1);
    assert.ok(version.path.startsWith(join(dir, 'models', 'iris-auto', '1')), version.path);
    store.close();
  });

  it('reconnects for the next statement after the server drops the connection, and after a restart', async () => {
    const url = await cluster.createDatabase();
    const store = new SqliteStore({ dir: url, ...artifacts(), reconnectMs: 1_000 });
    const run = store.createRun({ experiment: 'drop' });
    const admin = new SyncPgConnection(cluster.url);
    admin
      .prepare(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mlsweep' AND pid <> pg_backend_pid() AND datname = ?",
      )
      .all(url.slice(url.lastIndexOf('/') + 1));
    admin.close();
    // The statement that finds the connection gone may fail (one clear error); the next reconnects.
    try {
      store.logParams(run.id, { a: 1 });
    } catch (error) {
      assert.ok(error instanceof StoreConnectionError, String(error));
      assert.match((error as Error).message, /was lost .* the next statement reconnects/);
      store.logParams(run.id, { a: 1 });
    }
    assert.deepEqual(store.run(run.id).params, { a: '1' });

    await cluster.stop('fast');
    assert.throws(() => store.run(run.id), StoreConnectionError);
    // With the server still down, a statement tries to reconnect for reconnectMs, then fails.
    const waited = Date.now();
    assert.throws(
      () => store.run(run.id),
      (e: unknown) =>
        e instanceof StoreConnectionError && /127\.0\.0\.1:\d+: connection refused/.test(e.message),
    );
    assert.ok(Date.now() - waited >= 900, `it kept trying for reconnectMs (${Date.now() - waited} ms)`);
    await cluster.start();
    store.setTags(run.id, { after: 'restart' });
    assert.deepEqual(store.run(run.id).tags, { after: 'restart' });
    store.close();
  });

  it("follows a database's endpoints and registry aliases as serve --store does", async () => {
    const url = await cluster.createDatabase();
    const dir = tempDir('pg-serve');
    const store = new SqliteStore({ dir: url, artifactsDir: dir });
    const endpoints = new EndpointStore({ store });
    const registry = new ModelRegistry({ store });
    writeFileSync(join(dir, 'model.json'), '{"kind":"stub"}');
    registry.register('iris', { file: join(dir, 'model.json') });
    registry.register('iris', { file: join(dir, 'model.json') });
    registry.setAlias('iris', 'champion', 1);
    endpoints.createOrUpdateEndpoint({
      name: 'iris',
      description: '',
      tags: {},
      authMode: 'key',
      traffic: {},
      mirrorTraffic: {},
    });
    const seen: ServeConfig[] = [];
    const logs: string[] = [];
    const watch = watchStore(url, (config) => void seen.push(config), {
      timer: { setInterval: () => 0, clearInterval: () => {} },
      log: (message) => logs.push(message),
    });
    assert.equal(watch.check(), true, logs.join('\n'));
    assert.deepEqual(
      seen[0]!.endpoints.map((e) => e.spec.name),
      ['iris'],
    );
    assert.equal(watch.check(), false, 'nothing changed');
    registry.setAlias('iris', 'champion', 2);
    endpoints.createOrUpdateEndpoint({
      name: 'other',
      description: '',
      tags: {},
      authMode: 'key',
      traffic: {},
      mirrorTraffic: {},
    });
    assert.equal(watch.check(), true);
    assert.deepEqual(
      seen[1]!.endpoints.map((e) => e.spec.name),
      ['iris', 'other'],
    );
    assert.deepEqual(logs, []);
    watch.stop();
    store.close();
  });

  it('runs the MLflow tracking server over a database', async () => {
    const url = await cluster.createDatabase();
    const dir = tempDir('pg-mlflow');
    const before = process.env['MLSWEEP_ARTIFACTS'];
    process.env['MLSWEEP_ARTIFACTS'] = dir;
    const server = createTrackingServer({ storeDir: url, port: 0, logger: false });
    try {
      await server.listen();
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
        return (await response.json()) as Json;
      };
      const { experiment_id } = await post('experiments/create', { name: 'iris' });
      const ids: string[] = [];
      for (const [i, accuracy] of [0.91, 0.97, 0.88].entries()) {
        const { run } = await post('runs/create', { experiment_id, run_name: `r${i}` });
        ids.push(run.info.run_id);
        await post('runs/log-batch', {
          run_id: run.info.run_id,
          metrics: Array.from({ length: 50 }, (_, step) => ({
            key: 'accuracy',
            value: step === 49 ? accuracy : accuracy / 2,
            timestamp: 1_000 + step,
            step,
          })),
          params: [{ key: 'max_depth', value: String(3 + i) }],
          tags: [{ key: 'model', value: i === 2 ? 'gb' : 'rf' }],
        });
      }
      const found = await post('runs/search', {
        experiment_ids: [experiment_id],
        filter: "metrics.accuracy > 0.9 and tags.model = 'rf' and params.max_depth >= '3'",
        order_by: ['metrics.accuracy DESC'],
      });
      assert.deepEqual(
        found.runs.map((r: Json) => r.info.run_name),
        ['r1', 'r0'],
      );
      const history = await fetch(
        `${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${ids[0]}&metric_key=accuracy`,
      );
      assert.equal(((await history.json()) as { metrics: unknown[] }).metrics.length, 50);
      await post('registered-models/create', { name: 'iris-rf' });
      const renamed = await post('registered-models/rename', { name: 'iris-rf', new_name: 'iris-forest' });
      assert.equal(renamed.registered_model.name, 'iris-forest');
    } finally {
      await server.close();
      if (before === undefined) delete process.env['MLSWEEP_ARTIFACTS'];
      else process.env['MLSWEEP_ARTIFACTS'] = before;
    }
  });
});
