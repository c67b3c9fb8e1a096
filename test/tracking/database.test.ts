import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import { DataError } from '../../src/core/errors.ts';
import { SqliteConnection } from '../../src/tracking/connection.ts';
import { SCHEMA_VERSION } from '../../src/tracking/migrations.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from './helpers/temp.ts';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** The better-sqlite3 database under a folder store, for SQLite-only checks (pragmas). */
function sqliteOf(store: SqliteStore): BetterSqlite3.Database {
  assert.ok(store.db instanceof SqliteConnection);
  return store.db.native;
}

function refuses(dir: string, code: string, message: RegExp): void {
  assert.throws(
    () => new SqliteStore({ dir }),
    (e: unknown) => e instanceof DataError && e.code === code && message.test(e.message),
  );
}

describe('SqliteStore: the database file', () => {
  it('creates ./mlruns-style folders with mlsweep.db, in WAL mode, with every migration recorded', () => {
    const dir = join(tempDir('db'), 'mlruns');
    const store = new SqliteStore({ dir });
    assert.equal(store.dbPath, join(dir, 'mlsweep.db'));
    assert.equal(sqliteOf(store).pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(sqliteOf(store).pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(
      versions,
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    store.close();
    const again = new SqliteStore({ dir });
    assert.equal(again.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), SCHEMA_VERSION);
    again.close();
  });

  it('uses $MLSWEEP_STORE when no folder is given', () => {
    const dir = join(tempDir('env'), 'elsewhere');
    const before = process.env['MLSWEEP_STORE'];
    process.env['MLSWEEP_STORE'] = dir;
    try {
      const store = new SqliteStore();
      assert.equal(store.dir, dir);
      store.close();
    } finally {
      if (before === undefined) delete process.env['MLSWEEP_STORE'];
      else process.env['MLSWEEP_STORE'] = before;
    }
  });

  it('does not create a store when told not to', () => {
    const dir = join(tempDir('missing'), 'nothing');
    assert.throws(() => new SqliteStore({ dir, create: false }), /no mlsweep store at .*mlsweep.db/);
  });

  it('refuses a file that is not SQLite, and leaves it byte for byte', () => {
    const dir = tempDir('garbage');
    const file = join(dir, 'mlsweep.db');
    const garbage = Buffer.from(
      'this is not a database, just some text that happens to be here\n'.repeat(100),
    );
    writeFileSync(file, garbage);
    refuses(dir, 'E_STORE_CORRUPT', /mlsweep.db is not an SQLite database .*left untouched/);
    assert.deepEqual(readFileSync(file), garbage);
  });

  it('refuses a damaged SQLite file, and leaves it byte for byte', () => {
    const dir = tempDir('damaged');
    const store = new SqliteStore({ dir });
    store.createRun({ experiment: 'x' });
    sqliteOf(store).pragma('wal_checkpoint(TRUNCATE)');
    sqliteOf(store).pragma('journal_mode = DELETE');
    store.close();
    const file = join(dir, 'mlsweep.db');
    const bytes = readFileSync(file);
    // Keep the header, scramble the rest of the first page (the schema's root).
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 37) & 0xff;
    writeFileSync(file, bytes);
    refuses(dir, 'E_STORE_CORRUPT', /is damaged \(.*\); it was left untouched/);
    assert.deepEqual(readFileSync(file), bytes);
  });

  it("refuses someone else's SQLite database", () => {
    const dir = tempDir('foreign');
    const db = new Database(join(dir, 'mlsweep.db'));
    db.exec('CREATE TABLE invoices (id INTEGER)');
    db.close();
    refuses(dir, 'E_STORE_FOREIGN', /not an mlsweep store \(it has the tables invoices\)/);
  });

  it('refuses a store written by a newer schema', () => {
    const dir = tempDir('newer');
    new SqliteStore({ dir }).close();
    const db = new Database(join(dir, 'mlsweep.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    refuses(dir, 'E_STORE_VERSION', new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than`));
  });

  it('accepts an empty file as a new store', () => {
    const dir = tempDir('empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mlsweep.db'), '');
    const store = new SqliteStore({ dir });
    assert.equal(store.listExperiments().length, 0);
    store.close();
  });
});
