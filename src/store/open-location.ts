import { ValidationError } from '../core/errors.ts';
import { SqliteStore } from '../tracking/sqlite-store.ts';
import { SqliteSweepStore } from './sqlite-sweep-store.ts';
import type { SweepLocation } from './sweep-store.ts';

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

/**
 * Opens the place sweeps are kept, by its location as `--store` gives it: a folder is the
 * embedded SQLite store (default: $MLSWEEP_STORE or ./mlruns). This is the one place that
 * chooses the implementation: a `postgresql://` URL will open the PostgreSQL store; until
 * it exists a URL is a ValidationError. Close the location when done.
 *
 * @example
 * const location = openSweepLocation('./mlruns', { create: false });
 * const store = await location.open(sweepId);
 * const trials = await store.trials();
 * await location.close();
 */
export function openSweepLocation(where?: string, options: OpenLocationOptions = {}): SweepLocation {
  if (where !== undefined && isStoreUrl(where)) {
    throw new ValidationError(
      `store ${where.replace(/\/\/[^@/]*@/, '//')}: only a folder (the embedded SQLite store) can hold sweeps in this version, not a URL`,
      { path: 'store' },
    );
  }
  const db = new SqliteStore({
    ...(where !== undefined ? { dir: where } : {}),
    create: options.create ?? true,
  });
  return {
    where: db.dbPath,
    create: (sweep) => SqliteSweepStore.create(db, sweep),
    open: (sweepId) => SqliteSweepStore.open(db, sweepId),
    sweeps: () => SqliteSweepStore.list(db),
    close: () => db.close(),
  };
}
