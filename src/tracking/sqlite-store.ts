import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { checkInteger } from '../core/limits.ts';
import { copyArtifact, listFiles } from './artifacts.ts';
import { type Connection, SqliteConnection, type SqlStatement } from './connection.ts';
import { describeSqliteError, openDatabase } from './database.ts';
import { compileExperimentFilter, compileExperimentOrderBy } from './experiment-filter.ts';
import { compileFilter } from './filter.ts';
import { migrate } from './migrations.ts';
import { compileOrderBy } from './order-by.ts';
import { SyncPgConnection } from './pg-connection.ts';
import { migrateTrackingPostgres } from './pg-migrate.ts';
import { isPostgresUrl, redactUrl } from './pg-url.ts';
import {
  type DatasetInput,
  type Experiment,
  type LifecycleStage,
  type MetricRecord,
  type ParamInput,
  RUN_STATUSES,
  type Run,
  type RunStatus,
  type SearchExperimentsOptions,
  type SearchRunsOptions,
  type ViewType,
} from './types.ts';

/** Where and how to open a store. */
export interface SqliteStoreOptions {
  /**
   * The store folder: `mlsweep.db`, `artifacts/` and `models/` inside (default: $MLSWEEP_STORE
   * or ./mlruns); or a `postgresql://user:pass@host:port/db` URL: the database holds what
   * `mlsweep.db` would, and artifacts and models go to `artifactsDir`.
   */
  readonly dir?: string;
  /**
   * With a PostgreSQL store, the folder for artifacts and registered models, which every
   * machine using the store must reach (a shared mount; an object store would plug in
   * here): default $MLSWEEP_ARTIFACTS, else ./mlruns-artifacts. Ignored for a folder store.
   */
  readonly artifactsDir?: string;
  /**
   * With a PostgreSQL store: after the connection drops, how long the next statement keeps
   * trying to reconnect (with growing pauses) before it fails, in ms (default 30,000).
   */
  readonly reconnectMs?: number;
  /** Create the store when it does not exist (default true). */
  readonly create?: boolean;
  /** How long a write waits for other processes' writes, in ms (default 60,000). */
  readonly busyTimeoutMs?: number;
}

/**
 * A `--store` value as the store opens it: a `postgresql://` URL as it is, a folder made
 * absolute; nothing given: $MLSWEEP_STORE or ./mlruns.
 *
 * @example
 * resolveStoreLocation('mlruns'); // '/home/me/project/mlruns'
 * resolveStoreLocation('postgresql://db/ml'); // 'postgresql://db/ml'
 */
export function resolveStoreLocation(where?: string): string {
  if (where !== undefined && isPostgresUrl(where)) return where;
  return where === undefined ? defaultStoreDir() : resolve(where);
}

/**
 * A store location for messages and JSON output: a folder as it is, a URL without its password.
 *
 * @example
 * displayStoreLocation('postgresql://me:secret@db/ml'); // 'postgresql://me:***@db/ml'
 */
export function displayStoreLocation(where: string): string {
  return isPostgresUrl(where) ? redactUrl(where) : where;
}

/**
 * The artifacts folder of a PostgreSQL store: the option, else $MLSWEEP_ARTIFACTS, else
 * ./mlruns-artifacts.
 *
 * @example
 * defaultArtifactsDir(); // '/home/me/project/mlruns-artifacts'
 */
export function defaultArtifactsDir(option?: string): string {
  return resolve(option || process.env['MLSWEEP_ARTIFACTS'] || 'mlruns-artifacts');
}

/** What a new run starts with. */
export interface CreateRunOptions {
  /** Experiment name or id (default: the `Default` experiment, created when needed). */
  readonly experiment?: string | number;
  readonly name?: string;
  readonly parentRunId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch (default: now). */
  readonly startTime?: number;
  /**
   * The run's id, 32 lowercase hex characters, for a run whose id others derive (a worker
   * sweep's trial runs); default: a random one.
   */
  readonly runId?: string;
}

interface RunRow {
  run_id: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  parent_run_id: string | null;
  lifecycle_stage: LifecycleStage;
  deleted_time: number | null;
}

interface ExperimentRow {
  experiment_id: number;
  name: string;
  created_at: number;
  run_count: number;
  last_run_at: number | null;
  lifecycle_stage: LifecycleStage;
  last_update_time: number | null;
}

/** What {@link SqliteStore.updateRun} changes; absent fields are kept. */
export interface RunUpdate {
  readonly status?: RunStatus;
  /** Milliseconds since the epoch. */
  readonly endTime?: number;
  readonly name?: string;
}

const VIEW_SQL: Readonly<Record<ViewType, string>> = {
  active: "= 'active'",
  deleted: "= 'deleted'",
  all: 'IS NOT NULL',
};

const EXPERIMENT_COLUMNS = `e.experiment_id, e.name, e.created_at, e.lifecycle_stage, e.last_update_time,
        (SELECT count(*) FROM runs r WHERE r.experiment_id = e.experiment_id) AS run_count,
        (SELECT max(start_time) FROM runs r WHERE r.experiment_id = e.experiment_id) AS last_run_at`;

/**
 * The store folder: $MLSWEEP_STORE when set, else ./mlruns.
 *
 * @example
 * defaultStoreDir(); // '/home/me/project/mlruns'
 */
export function defaultStoreDir(): string {
  return resolve(process.env['MLSWEEP_STORE'] || 'mlruns');
}

/**
 * The tracking store: experiments, runs, params, tags, metric points and artifacts in one
 * SQLite file (`<dir>/mlsweep.db`, WAL mode) with artifacts beside it, or in a PostgreSQL
 * database (`dir` a `postgresql://` URL) with artifacts in a shared folder. Several
 * processes may write at once: every write is one transaction holding the store's write
 * lock from its start (SQLite: IMMEDIATE with a busy timeout; PostgreSQL: an advisory
 * lock), and a writer waits for another instead of failing. On PostgreSQL every call still
 * returns synchronously: the thread blocks for each statement's round trip to the server.
 *
 * @example
 * const store = new SqliteStore({ dir: 'mlruns' });
 * const run = store.createRun({ experiment: 'iris' });
 * store.logMetrics(run.id, [{ key: 'loss', value: 0.3, step: 0, timestamp: Date.now() }]);
 * store.close();
 */
export class SqliteStore {
  /** Absolute path of the store folder (with PostgreSQL: of the artifacts folder). */
  readonly dir: string;
  /** Absolute path of the database file, or the PostgreSQL URL without its password. */
  readonly dbPath: string;
  /** The connection, for modules that keep their own tables in the store (the registry). */
  readonly db: Connection;
  private readonly statements = new Map<string, SqlStatement>();
  private readonly insertMetric: SqlStatement;
  private readonly upsertLatest: SqlStatement;

  constructor(options: SqliteStoreOptions = {}) {
    if (options.dir !== undefined && isPostgresUrl(options.dir)) {
      this.dir = defaultArtifactsDir(options.artifactsDir);
      const connection = new SyncPgConnection(
        options.dir,
        options.reconnectMs !== undefined ? { reconnectMs: options.reconnectMs } : {},
      );
      this.db = connection;
      this.dbPath = connection.name;
      try {
        migrateTrackingPostgres(connection, options.create ?? true);
      } catch (error) {
        connection.close();
        throw error;
      }
    } else {
      this.dir = options.dir === undefined ? defaultStoreDir() : resolve(options.dir);
      this.dbPath = join(this.dir, 'mlsweep.db');
      if (options.create !== false) mkdirSync(this.dir, { recursive: true });
      const native = openDatabase(this.dbPath, {
        create: options.create ?? true,
        ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
      });
      try {
        migrate(native, this.dbPath);
      } catch (error) {
        native.close();
        throw describeSqliteError(error, this.dbPath);
      }
      this.db = new SqliteConnection(native);
    }
    this.insertMetric = this.sql(
      'INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)',
    );
    // The latest value is the one at the highest step, then the latest timestamp (MLflow's rule).
    this.upsertLatest = this.sql(
      `INSERT INTO latest_metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value
       WHERE excluded.step > latest_metrics.step
          OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp)`,
    );
  }

  /**
   * A prepared statement, compiled once per connection and kept (a trial's writes reuse
   * the same dozen statements, and compiling them each time would dominate).
   *
   * @example
   * store.sql('SELECT count(*) FROM runs').pluck().get();
   */
  sql(source: string): SqlStatement {
    let statement = this.statements.get(source);
    if (statement === undefined) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: it takes the write lock at the start, so it
   * waits for other writers rather than failing midway (SQLITE_BUSY_SNAPSHOT).
   *
   * @example
   * store.write(() => { store.logParams(id, { a: 1 }); store.setTags(id, { b: 'x' }); });
   */
  write<T>(fn: () => T): T {
    return this.db.write(fn);
  }

  /**
   * Runs `fn` in one read transaction: every read inside sees the same commit.
   *
   * @example
   * const [runs, experiments] = store.read(() => [store.searchRuns(), store.listExperiments()]);
   */
  read<T>(fn: () => T): T {
    return this.db.read(fn);
  }

  /**
   * Inside a write: foreign keys are checked at its commit rather than at each statement
   * (a rename that changes a key and the rows that refer to it, one table at a time).
   *
   * @example
   * store.write(() => { store.deferForeignKeys(); ... });
   */
  deferForeignKeys(): void {
    this.db.deferForeignKeys();
  }

  /**
   * Creates an experiment; its name must be new.
   *
   * @example
   * store.createExperiment('iris', { team: 'ml' });
   */
  createExperiment(name: string, tags: Readonly<Record<string, string>> = {}): Experiment {
    checkName(name, 'experiment');
    return this.write(() => {
      if (this.findExperiment(name)) {
        throw new ValidationError(`an experiment named '${name}' already exists`, {
          path: 'experiment',
          code: 'E_EXISTS',
        });
      }
      const id = Number(
        this.sql('INSERT INTO experiments (name, created_at) VALUES (?, ?) RETURNING experiment_id')
          .pluck()
          .get(name, Date.now()),
      );
      this.setExperimentTags(id, tags);
      return this.experiment(id);
    });
  }

  /**
   * The experiment with that name, created when missing (safe when several processes race).
   *
   * @example
   * store.ensureExperiment('iris').id;
   */
  ensureExperiment(name: string): Experiment {
    checkName(name, 'experiment');
    const found = this.findExperiment(name);
    if (found) return found;
    this.write(() =>
      this.sql('INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(
        name,
        Date.now(),
      ),
    );
    return this.experiment(name);
  }

  /**
   * The `Default` experiment, created with id 0 (MLflow's default experiment id, which
   * MLflow clients log to when no experiment is set) when the store has none by that name.
   *
   * @example
   * store.defaultExperiment().id; // 0 in a new store
   */
  defaultExperiment(): Experiment {
    const found = this.findExperiment('Default');
    if (found) return found;
    this.write(() =>
      this.sql(
        `INSERT INTO experiments (experiment_id, name, created_at) SELECT 0, 'Default', CAST(? AS INTEGER)
          WHERE NOT EXISTS (SELECT 1 FROM experiments WHERE name = 'Default' OR experiment_id = 0)`,
      ).run(Date.now()),
    );
    return this.findExperiment('Default') ?? this.experiment(0);
  }

  /** Sets tags on an experiment (replacing values of existing keys). */
  setExperimentTags(experimentId: number, tags: Readonly<Record<string, string>>): void {
    const insert = this.sql(
      'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    );
    this.write(() => {
      for (const [key, value] of Object.entries(tags))
        insert.run(experimentId, checkKey(key, 'tag'), String(value));
      if (Object.keys(tags).length > 0) {
        this.sql('UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?').run(
          Date.now(),
          experimentId,
        );
      }
    });
  }

  /**
   * An experiment by name or id; a ValidationError (E_NOT_FOUND) listing the known names otherwise.
   *
   * @example
   * store.experiment('iris').runCount;
   */
  experiment(ref: string | number): Experiment {
    const found = this.findExperiment(ref);
    if (found) return found;
    const known = this.listExperiments().map((e) => `${e.name} (${e.id})`);
    throw new ValidationError(
      `unknown experiment ${JSON.stringify(ref)}; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'experiment', code: 'E_NOT_FOUND' },
    );
  }

  /** An experiment by name or id, or undefined. A numeric string is a name first, then an id. */
  findExperiment(ref: string | number): Experiment | undefined {
    const base = `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e`;
    let row: ExperimentRow | undefined;
    if (typeof ref === 'string') row = this.sql(`${base} WHERE e.name = ?`).get(ref) as ExperimentRow;
    if (!row && (typeof ref === 'number' || /^\d+$/.test(ref))) {
      row = this.sql(`${base} WHERE e.experiment_id = ?`).get(Number(ref)) as ExperimentRow;
    }
    return row ? this.toExperiment(row) : undefined;
  }

  /**
   * Every experiment, by id.
   *
   * @example
   * store.listExperiments().map((e) => e.name);
   */
  listExperiments(): Experiment[] {
    const rows = this.sql(
      `SELECT e.experiment_id, e.name, e.created_at, e.lifecycle_stage, e.last_update_time,
         count(r.run_id) AS run_count, max(r.start_time) AS last_run_at
         FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.experiment_id
         GROUP BY e.experiment_id ORDER BY e.experiment_id`,
    ).all() as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  /**
   * Starts a run (status RUNNING) in an experiment, optionally as the child of another run.
   *
   * @example
   * const run = store.createRun({ experiment: 'iris', name: 'rf-1', tags: { model: 'rf' } });
   */
  createRun(options: CreateRunOptions = {}): Run {
    if (options.runId !== undefined && !/^[0-9a-f]{32}$/.test(options.runId)) {
      throw new ValidationError(`a run id is 32 lowercase hex characters, not '${options.runId}'`, {
        path: 'runId',
      });
    }
    const runId = options.runId ?? randomUUID().replaceAll('-', '');
    const startTime = options.startTime ?? Date.now();
    this.write(() => {
      const experimentId = this.experimentIdFor(options.experiment);
      const parent = options.parentRunId === undefined ? null : this.runRow(options.parentRunId).run_id;
      this.sql(
        `INSERT INTO runs (run_id, experiment_id, name, status, start_time, parent_run_id)
           VALUES (?, ?, ?, 'RUNNING', ?, ?)`,
      ).run(runId, experimentId, options.name ?? `run-${runId.slice(0, 8)}`, startTime, parent);
      this.setTags(runId, options.tags ?? {});
    });
    return this.run(runId);
  }

  /**
   * A run by its id, or by a unique prefix of it (at least 4 characters); a
   * ValidationError (E_NOT_FOUND) otherwise.
   *
   * @example
   * store.run('3f2a').metrics.accuracy;
   */
  run(runId: string): Run {
    return this.toRun(this.runRow(runId));
  }

  /** Sets a run's status, and its end time when the status is final. */
  setRunStatus(runId: string, status: RunStatus, endTime?: number): void {
    if (!RUN_STATUSES.includes(status)) {
      throw new ValidationError(
        `run status must be one of ${RUN_STATUSES.join(', ')}, got ${String(status)}`,
        {
          path: 'status',
        },
      );
    }
    const final = status !== 'RUNNING' && status !== 'SCHEDULED';
    this.write(() => {
      const row = this.runRow(runId);
      this.sql('UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?').run(
        status,
        final ? (endTime ?? Date.now()) : null,
        row.run_id,
      );
    });
  }

  /**
   * Logs params. A param is set once: logging the same value again is a no-op, a
   * different value is a ValidationError.
   *
   * @example
   * store.logParams(run.id, { max_depth: 5, criterion: 'gini' });
   */
  logParams(runId: string, params: Readonly<Record<string, ParamInput>>): void {
    const insert = this.sql(
      'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const current = this.sql('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck();
    this.write(() => {
      const id = this.runRow(runId).run_id;
      for (const [key, raw] of Object.entries(params)) {
        const value = paramString(key, raw);
        if (insert.run(id, checkKey(key, 'param'), value).changes === 1) continue;
        const old = current.get(id, key) as string;
        if (old !== value) {
          throw new ValidationError(
            `param '${key}' of run ${runId} is already '${old}' and cannot change to '${value}'`,
            { path: `params.${key}` },
          );
        }
      }
    });
  }

  /**
   * Sets tags (replacing values of existing keys).
   *
   * @example
   * store.setTags(run.id, { model: 'rf' });
   */
  setTags(runId: string, tags: Readonly<Record<string, string>>): void {
    const insert = this.sql(
      'INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value',
    );
    this.write(() => {
      const id = this.runRow(runId).run_id;
      for (const [key, value] of Object.entries(tags)) insert.run(id, checkKey(key, 'tag'), String(value));
    });
  }

  /**
   * Logs metric points in one transaction (the batched write path).
   *
   * @example
   * store.logMetrics(run.id, [{ key: 'loss', value: 0.5, step: 1, timestamp: Date.now() }]);
   */
  logMetrics(runId: string, records: readonly MetricRecord[]): void {
    for (const r of records) checkMetric(r);
    this.write(() => {
      const id = this.runRow(runId).run_id;
      if (this.db.dialect === 'postgresql') {
        this.logMetricRows(id, records);
        return;
      }
      for (const r of records) {
        const value = Number.isNaN(r.value) ? null : r.value;
        this.insertMetric.run(id, r.key, r.step, r.timestamp, value);
        this.upsertLatest.run(id, r.key, r.step, r.timestamp, value);
      }
    });
  }

  /**
   * logMetrics on PostgreSQL, where each statement is a round trip: the points in
   * multi-row INSERTs, and one upsert row per key with the point that would have won the
   * point-by-point upserts (highest step, then latest timestamp, then the later one).
   */
  private logMetricRows(runId: string, records: readonly MetricRecord[]): void {
    const latest = new Map<string, MetricRecord>();
    for (const r of records) {
      const current = latest.get(r.key);
      if (
        !current ||
        r.step > current.step ||
        (r.step === current.step && r.timestamp >= current.timestamp)
      ) {
        latest.set(r.key, r);
      }
    }
    const rows = (points: readonly MetricRecord[]) =>
      points.flatMap((r) => [runId, r.key, r.step, r.timestamp, Number.isNaN(r.value) ? null : r.value]);
    const values = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?)').join(', ');
    // At most 1,000 rows (5,000 parameters) a statement, far below PostgreSQL's 65,535.
    for (let at = 0; at < records.length; at += 1000) {
      const chunk = records.slice(at, at + 1000);
      this.db
        .prepare(`INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES ${values(chunk.length)}`)
        .run(...rows(chunk));
    }
    const winners = [...latest.values()];
    for (let at = 0; at < winners.length; at += 1000) {
      const chunk = winners.slice(at, at + 1000);
      this.db
        .prepare(
          `INSERT INTO latest_metrics (run_id, key, step, timestamp, value) VALUES ${values(chunk.length)}
           ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value
           WHERE excluded.step > latest_metrics.step
              OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp)`,
        )
        .run(...rows(chunk));
    }
  }

  /**
   * Every point of one metric of a run, by step, then in the order they were logged.
   *
   * @example
   * store.metricHistory(run.id, 'loss').map((p) => p.value);
   */
  metricHistory(runId: string, key: string): MetricRecord[] {
    const id = this.runRow(runId).run_id;
    const rows = this.sql(
      'SELECT key, value, step, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid',
    ).all(id, key) as MetricRecord[];
    return rows.map(fromStoredValue);
  }

  /**
   * The latest point of each metric of a run (highest step, then latest timestamp), by key.
   *
   * @example
   * store.latestMetrics(run.id); // [{ key: 'loss', value: 0.2, step: 9, timestamp: ... }]
   */
  latestMetrics(runId: string): MetricRecord[] {
    const rows = this.sql(
      'SELECT key, value, step, timestamp FROM latest_metrics WHERE run_id = ? ORDER BY key',
    ).all(this.runRow(runId).run_id) as MetricRecord[];
    return rows.map(fromStoredValue);
  }

  /** Every metric point of a run, in the order they were logged. */
  allMetrics(runId: string): MetricRecord[] {
    const rows = this.sql(
      'SELECT key, value, step, timestamp FROM metrics WHERE run_id = ? ORDER BY rowid',
    ).all(this.runRow(runId).run_id) as MetricRecord[];
    return rows.map(fromStoredValue);
  }

  /**
   * Runs matching a filter, ordered, at most `maxResults` (default 1000).
   *
   * @example
   * store.searchRuns({ experiments: ['iris'], filter: 'metrics.accuracy > 0.9', orderBy: ['metrics.accuracy DESC'] });
   */
  searchRuns(options: SearchRunsOptions = {}): Run[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.experiments !== undefined) {
      const ids = options.experiments.map((ref) => this.experiment(ref).id);
      where.push(`r.experiment_id IN (${ids.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...ids);
    }
    if (options.view !== undefined && options.view !== 'all') {
      where.push(`r.lifecycle_stage ${VIEW_SQL[options.view]}`);
    }
    if (options.filter !== undefined && options.filter.trim() !== '') {
      const filter = compileFilter(options.filter);
      where.push(filter.sql);
      params.push(...filter.params);
    }
    const order = compileOrderBy(options.orderBy ?? []);
    const maxResults = options.maxResults ?? 1000;
    checkInteger(maxResults, 'maxResults');
    const offset = options.offset ?? 0;
    checkInteger(offset, 'offset', 0);
    const sql = `SELECT r.* FROM runs r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
    const rows = this.sql(sql).all(...params, ...order.params, maxResults, offset) as RunRow[];
    return rows.map((row) => this.toRun(row));
  }

  /** The direct children of a run (the trials of a sweep), oldest first. */
  childRuns(parentRunId: string): Run[] {
    const id = this.runRow(parentRunId).run_id;
    const rows = this.sql('SELECT * FROM runs WHERE parent_run_id = ? ORDER BY start_time, rowid').all(
      id,
    ) as RunRow[];
    return rows.map((row) => this.toRun(row));
  }

  /**
   * Copies a file or directory into the run's artifact folder; returns its path there.
   *
   * @example
   * store.logArtifact(run.id, 'model.json'); // 'model.json'
   */
  logArtifact(runId: string, source: string, artifactPath = ''): string {
    return copyArtifact(source, this.artifactDir(this.runRow(runId)), artifactPath);
  }

  /** The files of a run's artifact folder, relative to it. */
  listArtifacts(runId: string): string[] {
    return listFiles(this.artifactDir(this.runRow(runId)));
  }

  /**
   * Experiments matching a filter (MLflow's search-experiments syntax), ordered, paged.
   *
   * @example
   * store.searchExperiments({ filter: "name like 'iris%'", orderBy: ['name'], maxResults: 10 });
   */
  searchExperiments(options: SearchExperimentsOptions = {}): Experiment[] {
    const filter = compileExperimentFilter(options.filter ?? '');
    const order = compileExperimentOrderBy(options.orderBy ?? []);
    const maxResults = options.maxResults ?? 1000;
    const offset = options.offset ?? 0;
    checkInteger(maxResults, 'maxResults');
    checkInteger(offset, 'offset', 0);
    const rows = this.sql(
      `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e
        WHERE e.lifecycle_stage ${VIEW_SQL[options.view ?? 'active']} AND ${filter.sql}
        ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
    ).all(...filter.params, maxResults, offset) as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  /**
   * Renames an experiment; the new name must be free.
   *
   * @example
   * store.renameExperiment(3, 'iris-v2');
   */
  renameExperiment(experimentId: number, newName: string): Experiment {
    checkName(newName, 'experiment');
    return this.write(() => {
      const current = this.experimentById(experimentId);
      const taken = this.findExperiment(newName);
      if (taken && taken.id !== current.id) {
        throw new ValidationError(`an experiment named '${newName}' already exists`, {
          path: 'new_name',
          code: 'E_EXISTS',
        });
      }
      this.sql('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?').run(
        newName,
        Date.now(),
        current.id,
      );
      return this.experimentById(current.id);
    });
  }

  /**
   * Deletes (`deleted`) or restores (`active`) an experiment with its runs: deleting marks
   * its active runs deleted at the same instant, and restoring brings back exactly those,
   * not the runs that were deleted on their own before.
   *
   * @example
   * store.setExperimentLifecycle(3, 'deleted');
   */
  setExperimentLifecycle(experimentId: number, stage: LifecycleStage): void {
    this.write(() => {
      const current = this.experimentById(experimentId);
      const now = Date.now();
      if (stage === 'deleted') {
        this.sql(
          "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'",
        ).run(now, current.id);
        this.sql(
          "UPDATE experiments SET lifecycle_stage = 'deleted', deleted_time = ?, last_update_time = ? WHERE experiment_id = ?",
        ).run(now, now, current.id);
      } else {
        const deletedAt = this.sql('SELECT deleted_time FROM experiments WHERE experiment_id = ?')
          .pluck()
          .get(current.id) as number | null;
        if (deletedAt !== null) {
          this.sql(
            "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND deleted_time = ?",
          ).run(current.id, deletedAt);
        }
        this.sql(
          "UPDATE experiments SET lifecycle_stage = 'active', deleted_time = NULL, last_update_time = ? WHERE experiment_id = ?",
        ).run(now, current.id);
      }
    });
  }

  /**
   * Removes an experiment tag; false when it had none by that key.
   *
   * @example
   * store.deleteExperimentTag(3, 'team');
   */
  deleteExperimentTag(experimentId: number, key: string): boolean {
    return this.write(
      () =>
        this.sql('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(experimentId, key)
          .changes > 0,
    );
  }

  /**
   * Changes a run's status, end time and name (absent fields are kept). A final status
   * without an end time keeps the run's end time, or sets it to now when it has none.
   *
   * @example
   * store.updateRun(run.id, { status: 'FINISHED', endTime: Date.now(), name: 'rf-best' });
   */
  updateRun(runId: string, update: RunUpdate): Run {
    if (update.status !== undefined && !RUN_STATUSES.includes(update.status)) {
      throw new ValidationError(
        `run status must be one of ${RUN_STATUSES.join(', ')}, got ${String(update.status)}`,
        { path: 'status' },
      );
    }
    if (update.endTime !== undefined) checkInteger(update.endTime, 'end_time', 0);
    if (update.name !== undefined) checkName(update.name, 'run');
    return this.write(() => {
      const row = this.runRow(runId);
      const status = update.status ?? row.status;
      const final = status !== 'RUNNING' && status !== 'SCHEDULED';
      const endTime =
        update.endTime ??
        (final && update.status !== undefined ? (row.end_time ?? Date.now()) : row.end_time);
      this.sql('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_id = ?').run(
        status,
        endTime,
        update.name ?? row.name,
        row.run_id,
      );
      return this.run(row.run_id);
    });
  }

  /**
   * Deletes (`deleted`, restorable) or restores (`active`) a run.
   *
   * @example
   * store.setRunLifecycle(run.id, 'deleted');
   */
  setRunLifecycle(runId: string, stage: LifecycleStage): void {
    this.write(() => {
      const row = this.runRow(runId);
      this.sql('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?').run(
        stage,
        stage === 'deleted' ? Date.now() : null,
        row.run_id,
      );
    });
  }

  /**
   * The lifecycle stage of the run with exactly this id (no prefixes), or undefined when
   * there is none: one indexed read, for the checks before every logged point.
   *
   * @example
   * store.runLifecycle(run.id); // 'active'
   */
  runLifecycle(runId: string): LifecycleStage | undefined {
    return this.sql('SELECT lifecycle_stage FROM runs WHERE run_id = ?').pluck().get(runId) as
      | LifecycleStage
      | undefined;
  }

  /**
   * Removes a run tag; false when the run had none by that key.
   *
   * @example
   * store.deleteTag(run.id, 'model');
   */
  deleteTag(runId: string, key: string): boolean {
    return this.write(
      () =>
        this.sql('DELETE FROM tags WHERE run_id = ? AND key = ?').run(this.runRow(runId).run_id, key)
          .changes > 0,
    );
  }

  /**
   * Records datasets a run used; logging the same name and digest again replaces its tags.
   *
   * @example
   * store.logInputs(run.id, [{ name: 'iris', digest: 'a1b2', sourceType: 'local', source: '{}', tags: {} }]);
   */
  logInputs(runId: string, inputs: readonly DatasetInput[]): void {
    const insert = this.sql(
      `INSERT INTO run_inputs (run_id, name, digest, source_type, source, schema, profile, tags_json, logged_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, name, digest) DO UPDATE SET tags_json = excluded.tags_json, source_type = excluded.source_type,
           source = excluded.source, schema = excluded.schema, profile = excluded.profile`,
    );
    this.write(() => {
      const id = this.runRow(runId).run_id;
      const now = Date.now();
      for (const input of inputs) {
        insert.run(
          id,
          checkKey(input.name, 'dataset'),
          input.digest,
          input.sourceType,
          input.source,
          input.schema ?? null,
          input.profile ?? null,
          JSON.stringify(input.tags),
          now,
        );
      }
    });
  }

  /**
   * The datasets a run used, in the order they were first logged.
   *
   * @example
   * store.runInputs(run.id).map((d) => d.name);
   */
  runInputs(runId: string): DatasetInput[] {
    const rows = this.sql(
      'SELECT name, digest, source_type, source, schema, profile, tags_json FROM run_inputs WHERE run_id = ? ORDER BY logged_at, rowid',
    ).all(this.runRow(runId).run_id) as Array<{
      name: string;
      digest: string;
      source_type: string;
      source: string;
      schema: string | null;
      profile: string | null;
      tags_json: string;
    }>;
    return rows.map((row) => ({
      name: row.name,
      digest: row.digest,
      sourceType: row.source_type,
      source: row.source,
      ...(row.schema === null ? {} : { schema: row.schema }),
      ...(row.profile === null ? {} : { profile: row.profile }),
      tags: JSON.parse(row.tags_json) as Record<string, string>,
    }));
  }

  /** Closes the connection; the store cannot be used afterwards. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The store's place for messages: the database file, or the URL without its password. */
  get location(): string {
    return this.dbPath;
  }

  /** A run row by id or unique prefix. */
  private runRow(runId: string): RunRow {
    if (typeof runId !== 'string' || runId === '') {
      throw new ValidationError(`a run id must be a non-empty string, got ${JSON.stringify(runId)}`, {
        path: 'runId',
      });
    }
    const exact = this.sql('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    if (exact) return exact;
    const matches =
      runId.length >= 4 && /^[0-9a-f]+$/.test(runId)
        ? (this.sql('SELECT * FROM runs WHERE run_id GLOB ? LIMIT 2').all(`${runId}*`) as RunRow[])
        : [];
    if (matches.length === 1) return matches[0]!;
    throw new ValidationError(
      matches.length > 1
        ? `run id prefix '${runId}' matches several runs: give more characters`
        : `unknown run '${runId}' in ${this.dbPath}`,
      { path: 'runId', code: 'E_NOT_FOUND' },
    );
  }

  /** The id of an experiment named or numbered so; a name not yet known is created. */
  private experimentIdFor(ref: string | number = 'Default'): number {
    let id: number | undefined;
    if (typeof ref === 'string') {
      id = this.sql('SELECT experiment_id FROM experiments WHERE name = ?').pluck().get(ref) as
        | number
        | undefined;
    }
    if (id === undefined && (typeof ref === 'number' || /^\d+$/.test(ref))) {
      id = this.sql('SELECT experiment_id FROM experiments WHERE experiment_id = ?')
        .pluck()
        .get(Number(ref)) as number | undefined;
    }
    if (id !== undefined) return id;
    return typeof ref === 'string' ? this.ensureExperiment(ref).id : this.experiment(ref).id;
  }

  /** An experiment by its id only (a number never read as a name). */
  private experimentById(experimentId: number): Experiment {
    const row = this.sql(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = ?`).get(
      experimentId,
    ) as ExperimentRow | undefined;
    if (!row) {
      throw new ValidationError(`unknown experiment id ${experimentId}`, {
        path: 'experiment_id',
        code: 'E_NOT_FOUND',
      });
    }
    return this.toExperiment(row);
  }

  private artifactDir(row: RunRow): string {
    return join(this.dir, 'artifacts', String(row.experiment_id), row.run_id);
  }

  private toExperiment(row: ExperimentRow): Experiment {
    return {
      id: row.experiment_id,
      name: row.name,
      createdAt: row.created_at,
      tags: this.pairs('SELECT key, value FROM experiment_tags WHERE experiment_id = ?', row.experiment_id),
      runCount: row.run_count,
      lastRunAt: row.last_run_at ?? undefined,
      lifecycleStage: row.lifecycle_stage,
      lastUpdateTime: row.last_update_time ?? row.created_at,
    };
  }

  private toRun(row: RunRow): Run {
    const metrics: Record<string, number> = {};
    const latest = this.sql('SELECT key, value FROM latest_metrics WHERE run_id = ? ORDER BY key').all(
      row.run_id,
    );
    for (const { key, value } of latest as Array<{ key: string; value: number | null }>) {
      metrics[key] = value ?? Number.NaN;
    }
    return {
      id: row.run_id,
      experimentId: row.experiment_id,
      name: row.name,
      status: row.status,
      startTime: row.start_time,
      endTime: row.end_time ?? undefined,
      parentRunId: row.parent_run_id ?? undefined,
      artifactDir: this.artifactDir(row),
      params: this.pairs('SELECT key, value FROM params WHERE run_id = ? ORDER BY key', row.run_id),
      metrics,
      tags: this.pairs('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key', row.run_id),
      lifecycleStage: row.lifecycle_stage,
      ...(row.deleted_time === null ? {} : { deletedTime: row.deleted_time }),
    };
  }

  private pairs(sql: string, id: unknown): Record<string, string> {
    const rows = this.sql(sql).all(id) as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}

function fromStoredValue(row: MetricRecord): MetricRecord {
  return row.value === null ? { ...row, value: Number.NaN } : row;
}

function checkName(name: string, what: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ValidationError(`an ${what} name must be a non-empty string, got ${JSON.stringify(name)}`, {
      path: what,
    });
  }
}

function checkKey(key: string, what: string): string {
  if (key === '' || key.length > 250) {
    throw new ValidationError(`a ${what} key must have 1 to 250 characters, got ${JSON.stringify(key)}`, {
      path: `${what}s`,
    });
  }
  return key;
}

function paramString(key: string, raw: ParamInput): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new ValidationError(
    `param '${key}' must be a string, number or boolean, got ${JSON.stringify(raw)}`,
    {
      path: `params.${key}`,
    },
  );
}

function checkMetric(r: MetricRecord): void {
  if (typeof r.key !== 'string' || r.key === '') {
    throw new ValidationError(`a metric key must be a non-empty string, got ${JSON.stringify(r.key)}`, {
      path: 'metrics',
    });
  }
  if (typeof r.value !== 'number') {
    throw new ValidationError(`metric '${r.key}' must be a number, got ${JSON.stringify(r.value)}`, {
      path: `metrics.${r.key}`,
    });
  }
  if (!Number.isSafeInteger(r.step) || !Number.isSafeInteger(r.timestamp)) {
    throw new ValidationError(
      `metric '${r.key}': step and timestamp must be integers, got step ${r.step}, timestamp ${r.timestamp}`,
      { path: `metrics.${r.key}` },
    );
  }
}
