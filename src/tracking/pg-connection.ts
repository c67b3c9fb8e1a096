import { StoreConnectionError } from '../core/errors.ts';
import type { Connection, RunResult, SqlStatement } from './connection.ts';
import { PgBridge, type PgBridgeOptions } from './pg-bridge.ts';
import { globToLike, type PgStatementText, toPostgres } from './pg-dialect.ts';

/**
 * The key of the store-wide advisory lock that every write transaction takes first: it
 * gives PostgreSQL SQLite's single-writer semantics, which every read-modify-write of the
 * store relies on (readers never wait for it). The same key guards the migrations.
 */
export const STORE_WRITE_LOCK = 0x6d6c7472; // 'mltr' (the sweep store's migrations use 'mlsw')

/**
 * A statement on PostgreSQL, in better-sqlite3's shape: the SQL is translated once, when
 * prepared; each call is one synchronous round trip.
 */
class PgStatement implements SqlStatement {
  private plucked = false;

  constructor(
    private readonly bridge: PgBridge,
    private readonly sql: PgStatementText,
  ) {}

  run(...params: unknown[]): RunResult {
    const { rowCount } = this.bridge.query(this.sql.text, this.bind(params));
    return { changes: rowCount, lastInsertRowid: 0 };
  }

  get(...params: unknown[]): unknown {
    const rows = this.bridge.query(this.sql.text, this.bind(params), this.plucked).rows;
    const row = rows[0] as unknown[] | undefined;
    if (row === undefined) return undefined;
    return this.plucked ? row[0] : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.bridge.query(this.sql.text, this.bind(params), this.plucked).rows;
    return this.plucked ? rows.map((row) => (row as unknown[])[0]) : rows;
  }

  pluck(toggle = true): this {
    this.plucked = toggle;
    return this;
  }

  private bind(params: unknown[]): unknown[] {
    if (params.length !== this.sql.paramCount) {
      throw new RangeError(`the statement takes ${this.sql.paramCount} parameters, got ${params.length}`);
    }
    if (this.sql.globParams.length === 0) return params;
    const bound = [...params];
    for (const i of this.sql.globParams) bound[i] = globToLike(String(bound[i]));
    return bound;
  }
}

/**
 * The tracking store's connection to PostgreSQL, through the synchronous bridge.
 * Statements outside write()/read() run each in its own transaction (autocommit).
 *
 * @example
 * const connection = new SyncPgConnection('postgresql://me@127.0.0.1/ml');
 * connection.write(() => connection.prepare('INSERT INTO t (x) VALUES (?)').run(1));
 */
export class SyncPgConnection implements Connection {
  readonly dialect = 'postgresql' as const;
  readonly name: string;
  private readonly bridge: PgBridge;
  private depth = 0;
  private readonly translations = new Map<string, PgStatementText>();
  private isOpen = true;

  constructor(url: string, options: PgBridgeOptions = {}) {
    this.bridge = new PgBridge(url, options);
    this.name = this.bridge.target.redacted;
    try {
      // Connects now: a wrong URL, a refused connection or a bad password is reported here.
      this.bridge.query('SELECT 1', []);
    } catch (error) {
      this.bridge.close();
      throw error;
    }
  }

  /** Host and port, for messages. */
  get where(): string {
    return `${this.bridge.target.host}:${this.bridge.target.port}`;
  }

  get open(): boolean {
    return this.isOpen;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  prepare(sql: string): SqlStatement {
    let translated = this.translations.get(sql);
    if (translated === undefined) {
      // Bounded: statements built per call (multi-row inserts) must not grow it forever.
      if (this.translations.size >= 2000) this.translations.clear();
      translated = toPostgres(sql);
      this.translations.set(sql, translated);
    }
    return new PgStatement(this.bridge, translated);
  }

  exec(sql: string): void {
    this.bridge.exec(toPostgres(sql).text);
  }

  /** Runs PostgreSQL's own SQL as it is (no translation), for the migrations' functions. */
  execNative(sql: string): void {
    this.bridge.exec(sql);
  }

  write<T>(fn: () => T): T {
    return this.transaction(fn, 'BEGIN', true);
  }

  read<T>(fn: () => T): T {
    return this.transaction(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false);
  }

  deferForeignKeys(): void {
    this.bridge.exec('SET CONSTRAINTS ALL DEFERRED');
  }

  /**
   * Runs `fn` in a transaction that first takes an advisory lock (released at its end):
   * the migrations use their own key so that two processes migrate a new database once.
   */
  lockedTransaction<T>(key: number, fn: () => T): T {
    if (this.depth > 0) return fn();
    return this.transaction(
      () => {
        this.bridge.query('SELECT pg_advisory_xact_lock($1)', [key]);
        return fn();
      },
      'BEGIN',
      false,
    );
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.bridge.close();
  }

  private transaction<T>(fn: () => T, begin: string, lock: boolean): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      // One round trip for BEGIN and the lock (a script: the key is our constant, no user value).
      this.bridge.exec(lock ? `${begin}; SELECT pg_advisory_xact_lock(${STORE_WRITE_LOCK})` : begin);
      this.bridge.inTransaction = true;
      const result = fn();
      this.bridge.exec('COMMIT');
      return result;
    } catch (error) {
      // A lost connection took the transaction with it (the server rolls it back): no
      // ROLLBACK, which would only wait to reconnect.
      if (!(error instanceof StoreConnectionError)) {
        try {
          this.bridge.exec('ROLLBACK');
        } catch {
          // the connection is gone, and the transaction with it
        }
      }
      throw error;
    } finally {
      this.bridge.inTransaction = false;
      this.depth--;
    }
  }
}
