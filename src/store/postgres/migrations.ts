/**
 * The PostgreSQL sweep store's schema, built by versioned migrations as the SQLite store's
 * (src/tracking/migrations.ts): each version is applied once, in order, recorded in
 * `mlsweep_schema`, and never edited once released. Its tables are prefixed `mlsweep_`,
 * so they live beside the tracking tables in one database.
 *
 * The schema is lean, for throughput: a sweep is one row whose `version` counts its
 * changes (a claim reads only what changed since its last claim); a trial is one row with
 * its parameters as JSON text (key order kept); metric points are rows keyed by that
 * change counter (their report order); the queue and the workers are tables of their own.
 */
import { DataError } from '../../core/errors.ts';
import type { PgConnection } from './connection.ts';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sweeps, trials, metric points, queue, workers',
    sql: `
      CREATE TABLE mlsweep_sweeps (
        id text PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        experiment text NOT NULL,
        name text,
        tags jsonb NOT NULL DEFAULT '{}'::jsonb,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        version bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE mlsweep_trials (
        sweep_id text NOT NULL REFERENCES mlsweep_sweeps(id) ON DELETE CASCADE,
        number integer NOT NULL,
        params text NOT NULL,
        status text NOT NULL,
        value double precision,
        error text,
        output text,
        retry_of integer,
        values_json text,
        constraints_json text,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        worker_id text,
        claim_token text,
        end_token text,
        changed bigint NOT NULL,
        PRIMARY KEY (sweep_id, number)
      );
      CREATE INDEX mlsweep_trials_changed ON mlsweep_trials (sweep_id, changed);
      CREATE INDEX mlsweep_trials_running ON mlsweep_trials (sweep_id, worker_id) WHERE status = 'running';
      CREATE TABLE mlsweep_points (
        sweep_id text NOT NULL,
        changed bigint NOT NULL,
        number integer NOT NULL,
        name text NOT NULL,
        step integer NOT NULL,
        value double precision NOT NULL,
        token text,
        PRIMARY KEY (sweep_id, changed)
      );
      CREATE INDEX mlsweep_points_by_trial ON mlsweep_points (sweep_id, number);
      CREATE TABLE mlsweep_queue (
        sweep_id text NOT NULL REFERENCES mlsweep_sweeps(id) ON DELETE CASCADE,
        seq bigserial NOT NULL,
        params text NOT NULL,
        retry_of integer,
        token text,
        PRIMARY KEY (sweep_id, seq)
      );
      CREATE TABLE mlsweep_workers (
        worker_id text PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL,
        last_beat_at timestamptz NOT NULL,
        state text NOT NULL,
        concurrency integer NOT NULL,
        running jsonb NOT NULL DEFAULT '[]'::jsonb
      );
    `,
  },
  {
    version: 2,
    name: 'when a trial was claimed, by the database clock',
    sql: `ALTER TABLE mlsweep_trials ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();`,
  },
];

/** The schema version this code writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The advisory lock key of migrations: any constant, the same in every mlsweep. */
const MIGRATION_LOCK = 0x6d6c7377; // 'mlsw'

/**
 * Brings the database's sweep tables up to PG_SCHEMA_VERSION in one transaction under an
 * advisory transaction lock, so processes starting at once migrate once (the others wait,
 * then find the work done). Refuses a database written by a newer mlsweep.
 *
 * @example
 * await migratePostgres(connection); // no-op when up to date
 */
export async function migratePostgres(connection: PgConnection): Promise<void> {
  if ((await currentVersion(connection)) === PG_SCHEMA_VERSION) return;
  await connection.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS mlsweep_schema (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM mlsweep_schema');
    const from = rows[0]?.v ?? 0;
    if (from > PG_SCHEMA_VERSION) {
      throw new DataError(
        `the mlsweep store ${connection.target.where} has sweep schema version ${from}, newer than this mlsweep's ${PG_SCHEMA_VERSION}: upgrade mlsweep to open it`,
        'E_STORE_VERSION',
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO mlsweep_schema (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}

async function currentVersion(connection: PgConnection): Promise<number> {
  try {
    const { rows } = await connection.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM mlsweep_schema',
    );
    return rows[0]?.v ?? 0;
  } catch (error) {
    // undefined_table: a database no mlsweep has written to yet.
    if ((error as { code?: unknown }).code === '42P01') return 0;
    throw error;
  }
}
