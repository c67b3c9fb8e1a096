// A synchronous door to an asynchronous driver. The tracking store's callers are
// synchronous (they were written for better-sqlite3), so a worker thread owns the
// node-postgres client and the calling thread posts it one request, then sleeps on a
// shared word with Atomics.wait until the worker has posted the answer, and takes it with
// receiveMessageOnPort (the synckit pattern). The price: the calling thread's event loop
// blocks for each statement's round trip (about 0.1 ms on loopback), as it blocks for an
// SQLite statement's disk access.
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { StoreConnectionError } from '../core/errors.ts';
import { describeConnectError, type PgTarget, pgTarget } from './pg-url.ts';

/** How the bridge connects. */
export interface PgBridgeOptions {
  /** How long the first connection may take, in ms (default 10,000). */
  readonly connectTimeoutMs?: number;
  /** After a dropped connection, how long the next statement keeps retrying to reconnect, in ms (default 30,000). */
  readonly reconnectMs?: number;
}

/** One answer of the worker. */
interface Reply {
  readonly ok: boolean;
  readonly rows?: unknown[];
  readonly rowCount?: number;
  readonly message?: string;
  readonly code?: string;
  /** The failure was the connection's (refused, dropped), not the statement's. */
  readonly connection?: boolean;
  readonly connected?: boolean;
}

/** A statement error of the server, with its SQLSTATE code. */
export class PgStatementError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PgStatementError';
  }
}

// The worker, as CommonJS source evaluated in the thread (no loader or build step needed).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, state, url, connectTimeoutMs, reconnectMs } = workerData;
// A driver that cannot load is reported by every call: the calling thread must never wait
// for a thread that has died.
let pg;
let loadError;
try {
  pg = require(workerData.pgPath);
} catch (e) {
  loadError = e;
}
const parse = (oid, format) =>
  oid === 20 || oid === 1700 ? (v) => (v === null ? null : Number(v)) : pg.types.getTypeParser(oid, format);
let client = null;
let everConnected = false;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isConnectionError = (e) =>
  typeof e.code !== 'string' || /^(08|57P0[123]|53300)/.test(e.code) || /Connection terminated|not queryable|ECONN|EPIPE/.test(e.message);
function drop() {
  const c = client;
  client = null;
  if (c) c.end().catch(() => {});
}
async function connectOnce() {
  const c = new pg.Client({ connectionString: url, types: { getTypeParser: parse }, connectionTimeoutMillis: connectTimeoutMs, application_name: 'mlsweep' });
  c.on('error', () => { if (client === c) client = null; });
  try {
    await c.connect();
  } catch (e) {
    c.end().catch(() => {});
    throw e;
  }
  return c;
}
async function ensure() {
  if (client) return client;
  // The first connection is tried once (a wrong URL is reported at once); after a drop,
  // the next statement waits for the server with growing pauses, up to reconnectMs.
  const deadline = Date.now() + (everConnected ? reconnectMs : 0);
  let pause = 50;
  for (;;) {
    try {
      client = await connectOnce();
      everConnected = true;
      return client;
    } catch (e) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || (typeof e.code === 'string' && /^(28|3D)/.test(e.code))) throw e;
      await sleep(Math.min(pause, remaining));
      pause = Math.min(pause * 2, 2000);
    }
  }
}
async function handle(message) {
  if (loadError) return { ok: false, connection: true, connected: false, message: 'the PostgreSQL driver (pg) could not be loaded: ' + loadError.message };
  if (message.op === 'close') {
    const c = client;
    client = null;
    if (c) await c.end().catch(() => {});
    return { ok: true };
  }
  // Inside a transaction a lost connection is never replaced: a new one would run the rest
  // of the transaction's statements outside it.
  if (message.tx && !client) {
    return { ok: false, connection: true, connected: true, message: 'it was lost inside a transaction, which the server rolled back' };
  }
  let c;
  try {
    c = await ensure();
  } catch (e) {
    return { ok: false, connection: true, connected: false, message: String(e.message), code: e.code };
  }
  try {
    const result = message.params === undefined
      ? await c.query(message.text)
      : await c.query({ text: message.text, values: message.params, rowMode: message.array ? 'array' : undefined });
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { ok: true, rows: last ? last.rows : [], rowCount: last ? (last.rowCount ?? 0) : 0 };
  } catch (e) {
    const connection = isConnectionError(e);
    if (connection) drop();
    return { ok: false, connection, connected: true, message: String(e.message), code: e.code };
  }
}
// A thread that ends for any reason its JavaScript sees (an uncaught error, a rejected
// promise, an exit) says so in the second word and wakes the caller, which would
// otherwise wait for an answer that never comes.
process.on('exit', () => {
  Atomics.store(state, 1, 1);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
port.on('message', async (message) => {
  let reply;
  try {
    reply = await handle(message);
  } catch (e) {
    reply = { ok: false, message: String(e && e.message), code: e && e.code };
  }
  port.postMessage(reply);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

/** The failure of a call to a bridge whose thread has ended. */
const THREAD_ENDED = 'the connection thread has ended; open the store again';

/** Where node-postgres is; a missing package is reported by the first statement. */
function pgPath(): string {
  try {
    return createRequire(import.meta.url).resolve('pg');
  } catch {
    return 'pg';
  }
}

/**
 * A synchronous PostgreSQL session: one connection, owned by a worker thread, each call
 * blocking until the server answers. A connection that drops is re-established, with
 * growing pauses, before the next statement (never inside an open transaction: the
 * statement that finds the connection gone fails, and with it the transaction).
 *
 * @example
 * const bridge = new PgBridge('postgresql://me@127.0.0.1:5432/ml');
 * bridge.query('SELECT 1 AS one', []); // { rows: [{ one: 1 }], rowCount: 1 }
 * bridge.close();
 */
export class PgBridge {
  /** Host, port and database, for messages. */
  readonly target: PgTarget;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Word 0: an answer is posted; word 1: the thread has ended. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private closed = false;
  /**
   * Set by the caller between its BEGIN and its COMMIT or ROLLBACK: a connection lost then
   * fails every statement until the transaction ends, instead of being re-established.
   */
  inTransaction = false;

  constructor(url: string, options: PgBridgeOptions = {}) {
    this.target = pgTarget(url);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        state: this.state,
        url,
        pgPath: pgPath(),
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        reconnectMs: options.reconnectMs ?? 30_000,
      },
      transferList: [port2],
    });
    // A thread stopped from outside (terminated, out of memory) runs no exit handler of
    // its own; its Worker says so here, seen by the next call.
    this.worker.on('exit', () => Atomics.store(this.state, 1, 1));
    this.worker.on('error', () => {});
    // The thread must not keep a finished program alive.
    this.worker.unref();
    this.port.unref();
  }

  /**
   * Runs one statement with bound parameters; rows as objects, or as arrays with `array`.
   *
   * @example
   * bridge.query('SELECT $1::int AS n', [5]).rows; // [{ n: 5 }]
   */
  query(text: string, params: readonly unknown[], array = false): { rows: unknown[]; rowCount: number } {
    const reply = this.call({ op: 'query', text, params, array, tx: this.inTransaction });
    return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0 };
  }

  /**
   * Runs a script of statements without parameters (the migrations).
   *
   * @example
   * bridge.exec('CREATE TABLE a (x int); CREATE TABLE b (y int)');
   */
  exec(text: string): void {
    this.call({ op: 'exec', text, tx: this.inTransaction });
  }

  /** Ends the connection and the thread. */
  close(): void {
    if (this.closed) return;
    try {
      // a thread that has ended has no connection left to end
      if (Atomics.load(this.state, 1) !== 1) this.call({ op: 'close' });
    } finally {
      this.closed = true;
      void this.worker.terminate();
      this.port.close();
    }
  }

  private call(message: {
    op: string;
    text?: string;
    params?: readonly unknown[];
    array?: boolean;
    tx?: boolean;
  }): Reply {
    if (this.closed) throw this.failure('this connection is closed');
    if (Atomics.load(this.state, 1) === 1) throw this.failure(THREAD_ENDED);
    Atomics.store(this.state, 0, 0);
    this.port.postMessage(message);
    // Statements may wait on locks for long; the worker always answers, even on failure,
    // and posts its answer before it sets the word. A wake-up with no answer is legitimate:
    // the previous call's notify can land after this call has reset the word (the worker
    // posted and set 1, this thread took the answer and reset 0, then the notify came), so
    // the wait goes on until the answer is there (esbuild #590 describes the race).
    // (Waiting first matters: the answer is read only once the word was set after it.)
    let received: ReturnType<typeof receiveMessageOnPort>;
    do {
      Atomics.wait(this.state, 0, 0, 3_600_000);
      received = receiveMessageOnPort(this.port);
      if (received === undefined && Atomics.load(this.state, 1) === 1) throw this.failure(THREAD_ENDED);
    } while (received === undefined);
    const reply = received.message as Reply;
    if (reply.ok) return reply;
    if (reply.connection) {
      if (reply.connected === false) {
        throw describeConnectError(
          { message: reply.message ?? '', ...(reply.code ? { code: reply.code } : {}) },
          this.target,
        );
      }
      throw this.failure(`the connection was lost (${reply.message}); the next statement reconnects`);
    }
    throw new PgStatementError(reply.message ?? 'statement failed', reply.code);
  }

  private failure(reason: string): StoreConnectionError {
    return new StoreConnectionError(this.target.host, this.target.port, reason);
  }
}
