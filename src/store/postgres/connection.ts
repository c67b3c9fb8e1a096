/**
 * The PostgreSQL store's connection: a node-postgres pool, and the one policy for what a
 * lost server means. Errors are sorted in three kinds:
 *
 * - fatal: the server cannot be used as given (unknown host, refused password, no such
 *   database): a StoreConnectionError at once, naming host and port, never the password;
 * - lost: the connection dropped or the server is restarting (refused connections,
 *   "terminating connection", a socket closed mid-query): the operation is retried with
 *   backoff (50 ms doubling to 2 s) for up to `reconnectMs` (60 s), then a
 *   StoreConnectionError. Before the first successful connection, a refused connection
 *   is an error at once: a wrong port should not wait a minute;
 * - anything else (an SQL error): thrown as it is.
 *
 * Deadlocks and serialisation failures are retried too. What is retried is a whole
 * operation: one statement, or one transaction from BEGIN (a transaction that did not
 * commit left nothing). The store makes each operation safe to run twice, for the rare
 * loss of the answer to a COMMIT that the server did apply: see `attempt` in `run` and
 * `transaction`, and sweep-store.ts.
 */
import pg from 'pg';
import { StoreConnectionError } from '../../core/errors.ts';

/** Where a PostgreSQL URL points, and the URL to show (without its password). */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** `postgresql://user@host:port/db`: no password, no query. */
  readonly where: string;
  /** The URL as given, for the driver. */
  readonly url: string;
}

/** How the connection behaves. */
export interface PgConnectionOptions {
  /** The most connections the pool opens (default 10). */
  readonly maxConnections?: number;
  /** How long a lost server is waited for before an operation fails, in ms (default 60,000). */
  readonly reconnectMs?: number;
}

/**
 * Reads a `postgresql://` or `postgres://` URL.
 *
 * @example
 * parsePgUrl('postgresql://me:secret@db.example/mlsweep').where; // 'postgresql://me@db.example:5432/mlsweep'
 */
export function parsePgUrl(url: string): PgTarget {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost';
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const user = parsed.username === '' ? '' : `${parsed.username}@`;
  return {
    host,
    port,
    database,
    where: `postgresql://${user}${parsed.hostname || host}:${port}/${database}`,
    url,
  };
}

/** What a query answers. */
export type Rows<R> = pg.QueryResult<R & pg.QueryResultRow>;

/** A connection inside a transaction. */
export interface Tx {
  /** One statement; `name`: prepared once per connection and reused (no parsing or planning again). */
  query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    name?: string,
  ): Promise<Rows<R>>;
  /**
   * Several statements in one round trip (the simple protocol: no parameters, so values
   * must be literals escaped with `pg.escapeLiteral` or numbers): one result per statement.
   */
  simple(text: string): Promise<Rows<Record<string, unknown>>[]>;
  /**
   * Prepares `sql` under `name` on this connection unless it already was (SQL `PREPARE`),
   * for `EXECUTE name(...)` in `simple` statements: one round trip, no planning.
   */
  prepare(name: string, sql: string): Promise<void>;
}

/** The statements prepared on each connection by `Tx.prepare` (a new connection starts with none). */
const prepared = new WeakMap<pg.PoolClient, Set<string>>();

function txOf(client: pg.PoolClient): Tx {
  return {
    query: <R>(text: string, values?: readonly unknown[], name?: string) =>
      client.query<R & pg.QueryResultRow>(
        name === undefined
          ? { text, values: values as unknown[] | undefined }
          : { name, text, values: values as unknown[] | undefined },
      ),
    prepare: async (name: string, sql: string) => {
      let names = prepared.get(client);
      if (names === undefined) prepared.set(client, (names = new Set()));
      if (names.has(name)) return;
      await client.query(`PREPARE ${name} AS ${sql}`);
      names.add(name);
    },
    simple: async (text: string) => {
      const result = (await client.query(text)) as unknown;
      return (Array.isArray(result) ? result : [result]) as Rows<Record<string, unknown>>[];
    },
  };
}

type Kind = 'fatal' | 'lost' | 'retry' | 'other';

const LOST_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a lost connection: class 08, and the server shutting down or starting. */
const LOST_SQLSTATE = /^(08...|57P01|57P02|57P03)$/;
const FATAL_SQLSTATE = /^(28...|3D000)$/;

function kindOf(error: unknown): Kind {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'ENOTFOUND') return 'fatal';
    if (LOST_NETWORK.has(code) || LOST_SQLSTATE.test(code)) return 'lost';
    if (FATAL_SQLSTATE.test(code)) return 'fatal';
    if (code === '40001' || code === '40P01') return 'retry';
  }
  const message = error instanceof Error ? error.message : '';
  if (
    /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(
      message,
    )
  ) {
    return 'lost';
  }
  return 'other';
}

/** Why the connection failed, in a few words (never the URL: it may hold the password). */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running, and on this port?)';
  if (code === 'ENOTFOUND') return 'unknown host';
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return message.replace(/postgres(ql)?:\/\/\S*/g, '<url>');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// int8 (counts, bigserial) as numbers: the store's counters stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A pool of connections to one database, with the retry policy above.
 *
 * @example
 * const connection = new PgConnection(parsePgUrl('postgresql://127.0.0.1/mlsweep'));
 * const { rows } = await connection.run((attempt) => ['SELECT 1 AS one']);
 */
export class PgConnection {
  private readonly pool: pg.Pool;
  private readonly reconnectMs: number;
  /** Whether a connection ever succeeded: before, a refused connection is an error at once. */
  private reached = false;
  private closed = false;

  constructor(
    readonly target: PgTarget,
    options: PgConnectionOptions = {},
  ) {
    this.reconnectMs = options.reconnectMs ?? 60_000;
    this.pool = new pg.Pool({
      connectionString: target.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      types,
    });
    // An idle connection the server closed (a restart) is dropped by the pool; without a
    // listener the pool's 'error' event would end the process.
    this.pool.on('error', () => {});
  }

  /**
   * Runs one statement, retried as the module says. `statement(attempt)` gives the SQL
   * and its values: from attempt 1 on (a retry) it may differ, to stay safe when the
   * previous attempt's answer was lost after the server applied it.
   *
   * @example
   * await connection.run(() => ['UPDATE t SET x = $1', [1]]);
   */
  run<R = Record<string, unknown>>(
    statement: (attempt: number) => readonly [string, (readonly unknown[])?, string?],
  ): Promise<Rows<R>> {
    return this.retrying((attempt) => {
      const [text, values, name] = statement(attempt);
      const list = values as unknown[] | undefined;
      return this.pool.query<R & pg.QueryResultRow>(
        name === undefined ? { text, values: list } : { name, text, values: list },
      );
    });
  }

  /**
   * A read, or a write that is safe to repeat: retried as the module says. `name`: the
   * statement is prepared once per connection and reused (hot statements: planning a
   * statement costs several times its execution).
   *
   * @example
   * const { rows } = await connection.query('SELECT now() AS at');
   */
  query<R = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    name?: string,
  ): Promise<Rows<R>> {
    return this.run<R>(() => [text, values, name]);
  }

  /**
   * Runs `body` in one transaction (READ COMMITTED), retried from BEGIN as the module
   * says. `body` must have no effect outside the database but on caches it rebuilds
   * (it may run again); `attempt` > 0 tells it a previous attempt failed, maybe at COMMIT.
   *
   * @example
   * await connection.transaction(async (tx) => { await tx.query('SELECT 1'); });
   */
  transaction<T>(body: (tx: Tx, attempt: number) => Promise<T>): Promise<T> {
    return this.session(async (tx, attempt) => {
      await tx.query('BEGIN');
      const result = await body(tx, attempt);
      await tx.query('COMMIT');
      return result;
    });
  }

  /**
   * Runs `body` on one connection of the pool, which sends its own BEGIN and COMMIT (to
   * join them to other statements in one round trip); on an error, the connection rolls
   * back what is open. Retried as `transaction`.
   *
   * @example
   * await connection.session(async (tx) => tx.simple('BEGIN; SELECT 1; COMMIT'));
   */
  session<T>(body: (tx: Tx, attempt: number) => Promise<T>): Promise<T> {
    return this.retrying(async (attempt) => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      // A checked-out connection that the server drops emits 'error'; the query in flight
      // fails too (and is retried here): without a listener the event would end the process.
      const dropped = (error: Error) => {
        broken = error;
      };
      client.on('error', dropped);
      try {
        return await body(txOf(client), attempt);
      } catch (error) {
        if (kindOf(error) === 'lost') broken = error as Error;
        else {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = rollbackError as Error;
          }
        }
        throw error;
      } finally {
        client.off('error', dropped);
        // A connection that failed is destroyed, not given back to the pool.
        client.release(broken);
      }
    });
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async retrying<T>(operation: (attempt: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.reconnectMs;
    let delay = 50;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await operation(attempt);
        this.reached = true;
        return result;
      } catch (error) {
        const kind = kindOf(error);
        if (kind === 'other') throw error;
        if (kind === 'fatal') throw this.failure(error);
        if (kind === 'lost' && !this.reached) throw this.failure(error);
        if (Date.now() + delay > deadline) {
          throw kind === 'lost'
            ? this.failure(error, `, still after ${Math.round(this.reconnectMs / 1000)} s`)
            : error;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  private failure(error: unknown, suffix = ''): StoreConnectionError {
    return new StoreConnectionError(this.target.host, this.target.port, `${reasonOf(error)}${suffix}`, {
      cause: error,
    });
  }
}
