import type { Db } from './database.ts';

/** What a write statement reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
  /** SQLite only (0 on PostgreSQL): write `INSERT ... RETURNING id` to read a new key on both. */
  readonly lastInsertRowid: number | bigint;
}

/**
 * A prepared statement, in better-sqlite3's shape (its statements are used as they are):
 * parameters are bound positionally to `?`.
 */
export interface SqlStatement {
  run(...params: unknown[]): RunResult;
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** From now on, rows are their first column's value (better-sqlite3's pluck). */
  pluck(toggle?: boolean): this;
}

/**
 * One connection of the tracking store, SQLite or PostgreSQL. The store's SQL is written
 * once (see pg-dialect.ts for what PostgreSQL rewrites) and every call is synchronous: on
 * PostgreSQL each statement blocks the calling thread for one round trip to the server.
 */
export interface Connection {
  readonly dialect: 'sqlite' | 'postgresql';
  /** Where it leads, for messages: the file, or the URL without its password. */
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  /** A prepared statement (the store caches them by text). */
  prepare(sql: string): SqlStatement;
  /** Runs a script of statements without parameters. */
  exec(sql: string): void;
  /**
   * Runs `fn` in one write transaction that holds the store's single write lock from its
   * start (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock), so every
   * read-modify-write inside sees no other writer. Nested calls join the outer one.
   */
  write<T>(fn: () => T): T;
  /** Runs `fn` in one read transaction: every read inside sees the same commit. */
  read<T>(fn: () => T): T;
  /** Inside a write: foreign keys are checked at commit instead of at each statement. */
  deferForeignKeys(): void;
  close(): void;
}

/**
 * The better-sqlite3 connection behind the interface. Statements are better-sqlite3's own,
 * so the SQLite store runs exactly as fast as it did without the interface.
 *
 * @example
 * const connection = new SqliteConnection(openDatabase('mlruns/mlsweep.db'));
 * connection.prepare('SELECT count(*) FROM runs').pluck().get();
 */
export class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const;

  /** @param native the better-sqlite3 database, for SQLite-only work (pragmas, checkpoints). */
  constructor(readonly native: Db) {}

  get name(): string {
    return this.native.name;
  }

  get open(): boolean {
    return this.native.open;
  }

  get inTransaction(): boolean {
    return this.native.inTransaction;
  }

  prepare(sql: string): SqlStatement {
    return this.native.prepare(sql) as SqlStatement;
  }

  exec(sql: string): void {
    this.native.exec(sql);
  }

  write<T>(fn: () => T): T {
    if (this.native.inTransaction) return fn();
    return this.native.transaction(fn).immediate();
  }

  read<T>(fn: () => T): T {
    if (this.native.inTransaction) return fn();
    return this.native.transaction(fn).deferred();
  }

  deferForeignKeys(): void {
    this.native.pragma('defer_foreign_keys = ON');
  }

  close(): void {
    if (this.native.open) this.native.close();
  }
}
