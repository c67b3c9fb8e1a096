/**
 * The handle of the data collectors' writer thread (collect/thread.ts), on the server's
 * thread: one thread per process, started with the first collector and ended once no
 * collector has used it for IDLE_MS (a server that replaces a deployment's collector, or
 * a test that makes one after another, keeps the thread rather than starting it again:
 * from TypeScript sources a start takes a second or more); referenced only while a
 * collector waits for its answer (a flush, a close), so that it never keeps a finished
 * program alive on its own.
 */
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWriter, ToWriter } from './protocol.ts';

const THREAD_FILE = new URL(`./thread${extname(new URL(import.meta.url).pathname)}`, import.meta.url);

/**
 * The thread's code (CommonJS, as an `eval` worker runs it): it imports thread.js, or
 * thread.ts through tsx's API when mlsweep runs from its sources, since threads do not
 * inherit the parent's loader hooks.
 */
function threadSource(): string {
  const thread = JSON.stringify(THREAD_FILE.href);
  if (!THREAD_FILE.pathname.endsWith('.ts')) return `import(${thread});`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((m) => { m.register(); return import(${thread}); });`;
}

/** How long the thread outlives its last collector. */
const IDLE_MS = 30_000;

/** A collector's side of the thread. */
export interface WriterClient {
  /** A message from its writing half. */
  onMessage(message: FromWriter): void;
  /** The thread failed: nothing sent is written, nothing more can be. */
  onLost(error: unknown): void;
}

/**
 * The writer thread of this process.
 *
 * @example
 * const cid = writerThread.attach({ onMessage: console.log, onLost: console.error });
 * writerThread.post({ op: 'open', cid, now: Date.now(), init });
 */
export class WriterThread {
  private worker: Worker | undefined;
  private readonly clients = new Map<number, WriterClient>();
  private nextCid = 1;
  private waiting = 0;
  private idle: NodeJS.Timeout | undefined;

  /** Registers a collector (starting the thread when none runs); answers its id. */
  attach(client: WriterClient): number {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.worker === undefined) this.start();
    const cid = this.nextCid++;
    this.clients.set(cid, client);
    return cid;
  }

  /** Forgets a collector (after its close was answered); IDLE_MS after the last one, the thread ends. */
  detach(cid: number): void {
    if (!this.clients.delete(cid) || this.clients.size > 0) return;
    this.idle = setTimeout(() => {
      this.idle = undefined;
      if (this.clients.size > 0) return;
      const worker = this.worker;
      this.worker = undefined;
      this.waiting = 0;
      void worker?.terminate();
    }, IDLE_MS);
    this.idle.unref();
  }

  /** Sends a message; throws a DataCloneError for a record that cannot be copied. */
  post(message: ToWriter): void {
    if (this.worker === undefined) throw new Error('the data collector writer thread has stopped');
    this.worker.postMessage(message);
  }

  /** One more (+1) or one fewer (-1) answer awaited: the thread keeps the process alive meanwhile. */
  wait(delta: 1 | -1): void {
    this.waiting = Math.max(0, this.waiting + delta);
    if (this.waiting > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private start(): void {
    const worker = new Worker(threadSource(), { eval: true });
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: FromWriter) => this.clients.get(message.cid)?.onMessage(message));
    const lost = (error: unknown) => {
      if (this.worker !== worker) return; // ended on purpose
      this.worker = undefined;
      this.waiting = 0;
      const clients = [...this.clients.values()];
      this.clients.clear();
      for (const client of clients) client.onLost(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the data collector writer thread exited (${code})`)));
  }
}

/** The process's writer thread. */
export const writerThread = new WriterThread();
