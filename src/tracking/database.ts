import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { BackendUnavailableError, DataError } from '../core/errors.ts';

/** A better-sqlite3 connection. */
export type Db = BetterSqlite3.Database;

/** A prepared statement of a connection. */
export type Statement = BetterSqlite3.Statement;

/** How to open the database file. */
export interface OpenOptions {
  /** Create the file when it does not exist (default true). */
  readonly create?: boolean;
  /** How long a write waits for another process's write to finish, in ms (default 60,000). */
  readonly busyTimeoutMs?: number;
}

const HEADER = 'SQLite format 3\0';

/**
 * Opens an SQLite file the way every store connection needs it: a long busy timeout (so
 * concurrent writers wait instead of failing with "database is locked"), WAL journaling
 * (readers never block the writer), synchronous=NORMAL (a commit survives a killed process),
 * foreign keys on. A file that is not an SQLite database, or a damaged one, is refused with
 * a DataError and left as it is.
 *
 * @example
 * const db = openDatabase('mlruns/mlsweep.db');
 * db.prepare('SELECT 1').get();
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const exists = existsSync(path);
  if (!exists && options.create === false) {
    throw new DataError(`no mlsweep store at ${path} (the file does not exist)`, 'E_STORE_MISSING');
  }
  if (exists) checkHeader(path);
  const Database = loadDriver();
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 60_000 });
  try {
    // Reading the schema touches the first pages: a damaged file fails here, before any write.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    enableWal(db, options.busyTimeoutMs ?? 60_000);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw describeSqliteError(error, path);
  }
  return db;
}

/**
 * Turns SQLite's damage codes into a DataError naming the file; other errors pass through.
 *
 * @example
 * try { stmt.run(); } catch (e) { throw describeSqliteError(e, db.name); }
 */
export function describeSqliteError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) {
    return new DataError(
      `the mlsweep store ${path} is damaged (${(error as Error).message}); it was left untouched: ` +
        'move it away or restore a copy, then run again',
      'E_STORE_CORRUPT',
    );
  }
  return error;
}

function checkHeader(path: string): void {
  if (statSync(path).size === 0) return;
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(HEADER.length);
  const read = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  if (read < HEADER.length || buffer.toString('latin1') !== HEADER) {
    throw new DataError(
      `${path} is not an SQLite database (its first bytes are ${JSON.stringify(buffer.subarray(0, read).toString('latin1'))}); ` +
        'it was left untouched: move it away or choose another store folder',
      'E_STORE_CORRUPT',
    );
  }
}

function enableWal(db: Db, busyTimeoutMs: number): void {
  if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
  // Switching to WAL takes an exclusive lock and may answer SQLITE_BUSY without waiting on
  // the busy handler while another process opens the same new file: retry until the timeout.
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

let driver: typeof BetterSqlite3 | undefined;

/** better-sqlite3 is an optional dependency: loaded on first use, with a clear error when absent. */
function loadDriver(): typeof BetterSqlite3 {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new BackendUnavailableError(
      'sqlite',
      `the tracking store needs the optional dependency better-sqlite3, which could not be loaded ` +
        `(${(error as Error).message.split('\n')[0]}); install it with \`npm install better-sqlite3\` ` +
        '(it compiles from source when no prebuilt binary can be downloaded)',
    );
  }
  return driver;
}
