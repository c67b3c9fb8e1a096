import { PgBridge } from '../../../src/tracking/pg-bridge.ts';
import { tempDir } from './temp.ts';

/**
 * The PostgreSQL server the shared store tests run against, or undefined: test files that
 * take their store from `storeOptions` run on SQLite by themselves, and on PostgreSQL when
 * test/tracking/postgres.test.ts runs them again with this variable set to its private
 * cluster's maintenance URL.
 */
export const testPostgresUrl: string | undefined = process.env['MLSWEEP_TEST_POSTGRES'] || undefined;

/** Which store these tests run against. */
export const testBackend: 'sqlite' | 'postgresql' = testPostgresUrl === undefined ? 'sqlite' : 'postgresql';

let admin: PgBridge | undefined;
let counter = 0;

/**
 * A fresh store's options: a new temporary folder (SQLite), or a new database on the test
 * server with a new temporary artifacts folder (PostgreSQL). Pass the same object to open
 * a second handle to the same store.
 *
 * @example
 * const store = new SqliteStore(storeOptions('runs'));
 */
export function storeOptions(label: string): { dir: string; artifactsDir?: string } {
  const folder = tempDir(label);
  if (testPostgresUrl === undefined) return { dir: folder };
  admin ??= new PgBridge(testPostgresUrl);
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
  admin.exec(`CREATE DATABASE ${name}`);
  return { dir: testPostgresUrl.replace(/\/[^/?]*(\?.*)?$/, `/${name}`), artifactsDir: folder };
}
