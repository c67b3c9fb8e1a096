import { DataError } from '../core/errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import type { SyncPgConnection } from './pg-connection.ts';
import { STORE_WRITE_LOCK } from './pg-connection.ts';
import { PG_FUNCTIONS, toPostgres } from './pg-dialect.ts';

/**
 * Brings a PostgreSQL database up to SCHEMA_VERSION with the same migrations as SQLite
 * (translated, or their PostgreSQL override), recorded in the same `schema_migrations`
 * table. All of it runs in one transaction holding the store's advisory lock, so several
 * processes opening a new database at once migrate it exactly once, and a failed migration
 * leaves nothing behind. Readers (`create` false) do not create a store in an empty
 * database. Refuses a database written by a newer mlsweep, and one that holds
 * tables by our names without being an mlsweep store.
 *
 * @example
 * migrateTrackingPostgres(new SyncPgConnection(url)); // no-op when up to date
 */
export function migrateTrackingPostgres(connection: SyncPgConnection, create = true): void {
  const version = currentVersion(connection);
  if (version === SCHEMA_VERSION) return;
  if (version === 0 && !create) {
    throw new DataError(
      `no mlsweep store in the PostgreSQL database ${connection.name} yet (a command that writes, such as a sweep or runs logged to it, creates one)`,
      'E_STORE_MISSING',
    );
  }
  connection.lockedTransaction(STORE_WRITE_LOCK, () => {
    const from = currentVersion(connection);
    if (from > SCHEMA_VERSION) {
      throw new DataError(
        `the mlsweep store ${connection.name} has schema version ${from}, newer than this mlsweep's ${SCHEMA_VERSION}: upgrade mlsweep to open it`,
        'E_STORE_VERSION',
      );
    }
    if (from === 0) {
      refuseForeign(connection);
      connection.execNative(PG_FUNCTIONS);
    }
    const record = connection.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      if (migration.postgres !== undefined) connection.execNative(migration.postgres);
      else connection.execNative(toPostgres(migration.sql).text);
      record.run(migration.version, migration.name, Date.now());
    }
  });
}

/** The highest applied version; 0 for a database without our table. */
function currentVersion(connection: SyncPgConnection): number {
  const exists = connection.prepare("SELECT to_regclass('schema_migrations') IS NOT NULL").pluck().get();
  if (exists !== true) return 0;
  return Number(connection.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get());
}

function refuseForeign(connection: SyncPgConnection): void {
  const ours = ['experiments', 'runs', 'metrics', 'params', 'tags', 'registered_models'];
  const found = connection
    .prepare(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_name IN (${ours.map(() => '?').join(', ')})
        ORDER BY table_name`,
    )
    .pluck()
    .all(...ours) as string[];
  if (found.length > 0) {
    throw new DataError(
      `the PostgreSQL database ${connection.name} has the tables ${found.join(', ')} but is not an mlsweep store ` +
        '(no schema_migrations): it was left untouched; choose another database',
      'E_STORE_FOREIGN',
    );
  }
}
