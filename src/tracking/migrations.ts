import { DataError } from '../core/errors.ts';
import type { Db } from './database.ts';

/** One schema change; versions are consecutive from 1 and never edited once released. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * The change in PostgreSQL's SQL, where translating `sql` (pg-dialect.ts: types, rowid,
   * collation, placeholders) cannot express it; absent: `sql` is translated.
   */
  readonly postgres?: string;
}

/** Every schema change, oldest first: the one list both SQLite and PostgreSQL apply (pg-migrate.ts). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'experiments, runs, params, tags, metrics',
    sql: `
      CREATE TABLE schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      );
      CREATE TABLE experiments (
        experiment_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE experiment_tags (
        experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (experiment_id, key)
      );
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
        start_time INTEGER NOT NULL,
        end_time INTEGER,
        parent_run_id TEXT REFERENCES runs(run_id) ON DELETE CASCADE
      );
      CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time);
      CREATE INDEX runs_by_parent ON runs (parent_run_id);
      CREATE TABLE params (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        step INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        value REAL
      );
      CREATE INDEX metrics_by_run ON metrics (run_id, key, step);
      CREATE TABLE latest_metrics (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        step INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'sweep trials',
    sql: `
      CREATE TABLE trials (
        run_id TEXT PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
        sweep_run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        params_json TEXT NOT NULL,
        status TEXT NOT NULL,
        value REAL,
        error TEXT,
        output_json TEXT,
        retry_of INTEGER,
        UNIQUE (sweep_run_id, number)
      );
    `,
  },
  {
    version: 3,
    name: 'model registry',
    sql: `
      CREATE TABLE registered_models (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE registered_model_tags (
        name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
      );
      CREATE TABLE model_versions (
        name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        run_id TEXT REFERENCES runs(run_id) ON DELETE SET NULL,
        path TEXT NOT NULL,
        metrics_json TEXT NOT NULL,
        data_schema_json TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE TABLE model_version_tags (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key),
        FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
      );
      CREATE TABLE model_aliases (
        name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 4,
    name: 'online endpoints',
    sql: `
      CREATE TABLE online_endpoints (
        name TEXT PRIMARY KEY,
        spec_json TEXT NOT NULL,
        credentials_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        changed_by TEXT
      );
      CREATE TABLE online_deployments (
        endpoint_name TEXT NOT NULL REFERENCES online_endpoints(name) ON DELETE CASCADE,
        name TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        changed_by TEXT,
        PRIMARY KEY (endpoint_name, name)
      );
      CREATE TABLE online_endpoints_generation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        changed_at INTEGER,
        changed_by TEXT
      );
      INSERT INTO online_endpoints_generation (id, generation) VALUES (1, 0);
    `,
  },
  {
    version: 5,
    name: 'MLflow lifecycle: deleted experiments and runs, dataset inputs',
    sql: `
      ALTER TABLE experiments ADD COLUMN lifecycle_stage TEXT NOT NULL DEFAULT 'active'
        CHECK (lifecycle_stage IN ('active', 'deleted'));
      ALTER TABLE experiments ADD COLUMN last_update_time INTEGER;
      ALTER TABLE experiments ADD COLUMN deleted_time INTEGER;
      ALTER TABLE runs ADD COLUMN lifecycle_stage TEXT NOT NULL DEFAULT 'active'
        CHECK (lifecycle_stage IN ('active', 'deleted'));
      ALTER TABLE runs ADD COLUMN deleted_time INTEGER;
      CREATE TABLE run_inputs (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        source_type TEXT NOT NULL,
        source TEXT NOT NULL,
        schema TEXT,
        profile TEXT,
        tags_json TEXT NOT NULL DEFAULT '[]',
        logged_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, name, digest)
      );
    `,
  },
  {
    version: 6,
    name: 'model version numbers are never given twice',
    sql: `
      ALTER TABLE registered_models ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
      UPDATE registered_models SET last_version =
        coalesce((SELECT max(v.version) FROM model_versions v WHERE v.name = registered_models.name), 0);
    `,
  },
  {
    version: 7,
    name: 'datastores and data assets',
    sql: `
      CREATE TABLE datastores (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        path TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags_json TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL
      );
      CREATE TABLE data_assets (
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('uri_file', 'uri_folder', 'mltable')),
        path TEXT NOT NULL,
        local_path TEXT NOT NULL,
        hash TEXT NOT NULL,
        file_count INTEGER NOT NULL,
        size_bytes INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags_json TEXT NOT NULL DEFAULT '{}',
        archived INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE INDEX data_assets_by_created ON data_assets (name, created_at);
    `,
  },
  {
    version: 8,
    name: 'distributed sweep workers: heartbeats, trial leases, queued retries',
    sql: `
      CREATE TABLE sweep_workers (
        worker_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        last_beat_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        concurrency INTEGER NOT NULL,
        running_json TEXT NOT NULL DEFAULT '[]'
      );
      ALTER TABLE trials ADD COLUMN worker_id TEXT;
      CREATE TABLE sweep_queue_retries (
        sweep_run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        queue_key TEXT NOT NULL,
        retry_of INTEGER NOT NULL,
        PRIMARY KEY (sweep_run_id, queue_key)
      );
    `,
  },
  {
    version: 9,
    name: 'batch endpoints and deployments',
    sql: `
      CREATE TABLE batch_endpoints (
        name TEXT PRIMARY KEY,
        spec_json TEXT NOT NULL,
        default_deployment TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        changed_by TEXT
      );
      CREATE TABLE batch_deployments (
        endpoint_name TEXT NOT NULL REFERENCES batch_endpoints(name) ON DELETE CASCADE,
        name TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        changed_by TEXT,
        PRIMARY KEY (endpoint_name, name)
      );
    `,
  },
  {
    version: 10,
    name: 'environments and schedules (with one row per fired tick)',
    sql: `
      CREATE TABLE environments (
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        kind TEXT NOT NULL,
        hash TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE TABLE schedules (
        name TEXT PRIMARY KEY,
        spec_json TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        last_tick INTEGER,
        last_fired_at INTEGER,
        watch_hash TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE schedule_fires (
        schedule_name TEXT NOT NULL REFERENCES schedules(name) ON DELETE CASCADE,
        tick INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        scheduler_id TEXT NOT NULL,
        catch_up INTEGER NOT NULL DEFAULT 0,
        run_id TEXT,
        status TEXT NOT NULL,
        error TEXT,
        PRIMARY KEY (schedule_name, tick)
      );
    `,
  },
  {
    version: 11,
    name: 'components, the pipeline step cache and published pipelines',
    sql: `
      CREATE TABLE components (
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        hash TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        base_dir TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE INDEX components_by_created ON components (name, created_at);
      CREATE TABLE pipeline_step_cache (
        cache_key TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        outputs_json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE published_pipelines (
        name TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        spec_text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'keys of published pipelines',
    sql: `
      ALTER TABLE published_pipelines ADD COLUMN primary_key TEXT NOT NULL DEFAULT '';
      ALTER TABLE published_pipelines ADD COLUMN secondary_key TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 13,
    name: 'the studio audit log; run indexes for sorting and filtering many runs',
    sql: `
      CREATE TABLE audit_log (
        audit_id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_by_time ON audit_log (at);
      CREATE INDEX runs_by_start ON runs (start_time);
      CREATE INDEX runs_by_status ON runs (status);
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema up to SCHEMA_VERSION inside one IMMEDIATE transaction, so several
 * processes opening a new store at once apply each migration exactly once. Refuses a file
 * written by a newer mlsweep, and an SQLite file that holds someone else's tables.
 *
 * @example
 * const db = openDatabase(path);
 * migrate(db, path); // no-op when up to date
 */
export function migrate(db: Db, path: string): void {
  if (currentVersion(db) === SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = currentVersion(db);
    if (from > SCHEMA_VERSION) {
      throw new DataError(
        `the mlsweep store ${path} has schema version ${from}, newer than this mlsweep's ${SCHEMA_VERSION}: upgrade mlsweep to open it`,
        'E_STORE_VERSION',
      );
    }
    if (from === 0) refuseForeign(db, path);
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function currentVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseForeign(db: Db, path: string): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (tables.length > 0) {
    throw new DataError(
      `${path} is an SQLite database but not an mlsweep store (it has the tables ${tables.slice(0, 5).join(', ')}); ` +
        'it was left untouched: choose another store folder',
      'E_STORE_FOREIGN',
    );
  }
}
