import { ValidationError } from '../core/errors.ts';
import { isPostgresUrl } from '../tracking/pg-url.ts';
import { SqliteStore } from '../tracking/sqlite-store.ts';
import { PostgresLocation } from './postgres/location.ts';
import { SqliteSweepStore } from './sqlite-sweep-store.ts';
import { sqliteWorkerLocation } from './sqlite-workers.ts';
import type { SweepLocation } from './sweep-store.ts';
import type { WorkerLocation } from './worker-store.ts';

/** How to open a sweep location. */
export interface OpenLocationOptions {
  /** Create the store when it does not exist (default true); readers pass false. */
  readonly create?: boolean;
}

/**
 * Whether a store location is a URL (`postgresql://...`) rather than a folder.
 *
 * @example
 * isStoreUrl('postgresql://db/mlsweep'); // true
 * isStoreUrl('./mlruns'); // false
 */
export function isStoreUrl(where: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(where);
}

// one test of a PostgreSQL location for every layer
export { isPostgresUrl };

/**
 * Opens the place sweeps are kept, by its location as `--store` gives it: a folder is the
 * embedded SQLite store (default: $MLSWEEP_STORE or ./mlruns); a `postgresql://` (or
 * `postgres://`) URL is a PostgreSQL database (`PostgresLocation`: it connects on first
 * use, so opening stays synchronous). This is the one place that chooses the
 * implementation; another URL is a ValidationError. Both are `WorkerLocation`s too, and
 * their stores `TrialLeases`: distributed workers run on either. Close the location when done.
 *
 * @example
 * const location = openSweepLocation('./mlruns', { create: false });
 * const store = await location.open(sweepId);
 * const trials = await store.trials();
 * await location.close();
 */
export function openSweepLocation(
  where?: string,
  options: OpenLocationOptions = {},
): SweepLocation & WorkerLocation {
  if (where !== undefined && isPostgresUrl(where)) return new PostgresLocation(where);
  if (where !== undefined && isStoreUrl(where)) {
    throw new ValidationError(
      `store ${where.replace(/\/\/[^@/]*@/, '//')}: a store is a folder (the embedded SQLite store) or a postgresql:// URL`,
      { path: 'store' },
    );
  }
  const db = new SqliteStore({
    ...(where !== undefined ? { dir: where } : {}),
    create: options.create ?? true,
  });
  return {
    ...sqliteWorkerLocation(db),
    where: db.dbPath,
    create: (sweep) => SqliteSweepStore.create(db, sweep),
    open: (sweepId) => SqliteSweepStore.open(db, sweepId),
    sweeps: () => SqliteSweepStore.list(db),
    close: () => db.close(),
  };
}
