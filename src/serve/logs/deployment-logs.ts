/**
 * Each deployment's own log, as `az ml online-deployment get-logs` reads it: the JSON
 * lines the server writes about the requests a deployment served (one per answer, with
 * the request id, status and time taken) and its failures (a scoring script's error),
 * kept under the store so that `mlsweep deployment get-logs` reads them back while the
 * server runs or after it stopped.
 *
 * Files. `<root>/<endpoint>/<deployment>/server.log`, rotated when it would pass
 * `maxBytes`: `server.log.1` is the previous one, `server.log.2` the one before, up to
 * `keep` of them. Each rotation is a rename (atomic: a reader sees the old name or the
 * new one, never half a file) and lines are appended whole, so a reader never sees half a
 * line. Lines are buffered and appended every `flushIntervalMs` (one write a second
 * whatever the request rate), when `flushBytes` wait, and on close; a crash loses at most
 * that second. Memory is bounded: lines beyond `maxBufferedBytes` waiting are dropped and
 * counted, never blocking a request.
 */
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.ts';

/** Where the server keeps deployment logs, relative to the store folder. */
export const DEPLOYMENT_LOG_FOLDER = join('logs', 'onlineEndpoints');
/** A deployment's current log file's name. */
export const LOG_FILE = 'server.log';

/** Pino's level numbers, which the lines carry as the server's own logger does. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Options of DeploymentLogs. */
export interface DeploymentLogsOptions {
  /** The folder of every deployment's logs (the store's `logs/onlineEndpoints`). */
  readonly root: string;
  /** Lines below this level are not written (default `info`; `silent`: none). */
  readonly level?: string;
  /** Epoch ms now (default Date.now), the lines' `time`. */
  readonly clock?: () => number;
  /** A file is rotated before it passes this size (default 10 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept (default 5). */
  readonly keep?: number;
  /** Append every this many ms (default 1,000; 0: only by size and on close). */
  readonly flushIntervalMs?: number;
  /** Append as soon as this many bytes wait (default 64 KiB). */
  readonly flushBytes?: number;
  /** Characters waiting at most (about bytes); lines beyond are dropped and counted (default 8 Mi). */
  readonly maxBufferedBytes?: number;
  /** Told about write errors (default: one line on stderr per error kind). */
  readonly onError?: (error: unknown) => void;
}

/** A deployment's lines waiting to be appended, and its file's size as far as this writer knows. */
interface Pending {
  readonly folder: string;
  lines: string[];
  bytes: number;
  size: number | undefined;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A deployment's log folder under `root`.
 *
 * @example
 * deploymentLogFolder('mlruns/logs/onlineEndpoints', 'iris', 'blue'); // 'mlruns/logs/onlineEndpoints/iris/blue'
 */
export function deploymentLogFolder(root: string, endpoint: string, deployment: string): string {
  for (const [what, name] of [
    ['endpoint', endpoint],
    ['deployment', deployment],
  ] as const) {
    if (!SAFE_SEGMENT.test(name) || name === '.' || name === '..') {
      throw new ValidationError(
        `deployment logs: the ${what} name ${JSON.stringify(name)} cannot be a folder name (use letters, digits, '_', '.', '-')`,
        { path: what },
      );
    }
  }
  return join(root, endpoint, deployment);
}

/**
 * The deployment logs of a server: `write` is safe on the request path (it never throws
 * and never waits), the appends happen beside it.
 *
 * @example
 * const logs = new DeploymentLogs({ root: 'mlruns/logs/onlineEndpoints' });
 * logs.write('iris', 'blue', 'info', 'request completed', { reqId: 'r1', statusCode: 200 });
 * await logs.close();
 */
export class DeploymentLogs {
  private readonly root: string;
  private readonly threshold: number;
  private readonly clock: () => number;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly flushBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly onError: (error: unknown) => void;
  private readonly pending = new Map<string, Pending>();
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private readonly reported = new Set<string>();
  /** Lines dropped because too many bytes waited (a disk slower than the requests). */
  dropped = 0;
  /** Lines lost to write errors. */
  lost = 0;

  constructor(options: DeploymentLogsOptions) {
    this.root = options.root;
    const level = options.level ?? 'info';
    this.threshold = level === 'silent' ? Number.POSITIVE_INFINITY : (LEVELS[level] ?? LEVELS.info!);
    this.clock = options.clock ?? Date.now;
    this.maxBytes = Math.max(1024, options.maxBytes ?? 10 * 1024 * 1024);
    this.keep = Math.max(1, Math.floor(options.keep ?? 5));
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.onError =
      options.onError ??
      ((error) => {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        if (this.reported.has(code)) return;
        this.reported.add(code);
        process.stderr.write(
          `mlsweep: deployment logs under ${this.root}: ${error instanceof Error ? error.message : String(error)} (lines are being lost)\n`,
        );
      });
    const interval = options.flushIntervalMs ?? 1_000;
    if (interval > 0) {
      this.timer = setInterval(() => this.schedule(), interval);
      this.timer.unref();
    }
  }

  /** Whether lines of this level are written (so that a caller builds nothing for the others). */
  enabled(level: string): boolean {
    return (LEVELS[level] ?? 0) >= this.threshold;
  }

  /**
   * Adds a line to a deployment's log: `{"level","time","endpoint","deployment",...fields,"msg"}`
   * (pino's shape). Never throws, never waits.
   */
  write(endpoint: string, deployment: string, level: string, msg: string, fields: object = {}): void {
    try {
      if (this.closed || !this.enabled(level)) return;
      const line = `${JSON.stringify({ level: LEVELS[level], time: this.clock(), endpoint, deployment, ...fields, msg })}\n`;
      if (this.buffered + line.length > this.maxBufferedBytes) {
        this.dropped++;
        return;
      }
      const key = `${endpoint}\0${deployment}`;
      let entry = this.pending.get(key);
      if (entry === undefined) {
        entry = {
          folder: deploymentLogFolder(this.root, endpoint, deployment),
          lines: [],
          bytes: 0,
          size: undefined,
        };
        this.pending.set(key, entry);
      }
      entry.lines.push(line);
      entry.bytes += line.length;
      this.buffered += line.length;
      if (this.buffered >= this.flushBytes) this.schedule();
    } catch {
      this.dropped++; // a name that is not a folder name, a field with no JSON form
    }
  }

  /** Appends what waits; resolves once it is written. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.append());
    return this.chain;
  }

  /** Stops the timer and appends what waits; later lines are dropped. */
  close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    return this.flush();
  }

  private schedule(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.chain = this.chain.then(() => {
      this.flushQueued = false;
      return this.append();
    });
  }

  /** Appends every deployment's waiting lines, rotating a file that would pass maxBytes. Never rejects. */
  private async append(): Promise<void> {
    for (const entry of this.pending.values()) {
      if (entry.lines.length === 0) continue;
      const lines = entry.lines;
      const text = lines.join('');
      entry.lines = [];
      this.buffered -= entry.bytes;
      entry.bytes = 0;
      try {
        const file = join(entry.folder, LOG_FILE);
        if (entry.size === undefined) {
          await mkdir(entry.folder, { recursive: true });
          entry.size = await stat(file).then(
            (s) => s.size,
            () => 0,
          );
        }
        const bytes = Buffer.byteLength(text);
        if (entry.size > 0 && entry.size + bytes > this.maxBytes) {
          await this.rotate(entry.folder);
          entry.size = 0;
        }
        await appendFile(file, text);
        entry.size += bytes;
      } catch (error) {
        this.lost += lines.length;
        entry.size = undefined; // look again next time (the folder may have been removed)
        this.onError(error);
      }
    }
  }

  /** `server.log.(k-1)` → `server.log.k` down to `server.log` → `server.log.1`, each an atomic rename. */
  private async rotate(folder: string): Promise<void> {
    for (let k = this.keep; k >= 1; k--) {
      const from = join(folder, k === 1 ? LOG_FILE : `${LOG_FILE}.${k - 1}`);
      await rename(from, join(folder, `${LOG_FILE}.${k}`)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }
}

/**
 * The last `lines` lines of a deployment's log, oldest first, from `server.log` and as
 * many rotated files as it takes. A rotation while reading may repeat or skip the lines of
 * one file (it is read file by file); no line is ever half.
 *
 * @example
 * await readDeploymentLog('mlruns/logs/onlineEndpoints', 'iris', 'blue', 100);
 */
export async function readDeploymentLog(
  root: string,
  endpoint: string,
  deployment: string,
  lines: number,
): Promise<string[]> {
  const folder = deploymentLogFolder(root, endpoint, deployment);
  let out: string[] = [];
  for (let k = 0; out.length < lines; k++) {
    let text: string;
    try {
      text = await readFile(join(folder, k === 0 ? LOG_FILE : `${LOG_FILE}.${k}`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (k === 0) continue; // rotated away this instant, or nothing logged yet: look at the older files
        break;
      }
      throw error;
    }
    // whole lines only (a line being appended right now is left for the next read)
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    const fileLines = whole === '' ? [] : whole.slice(0, -1).split('\n');
    out = fileLines.slice(Math.max(0, fileLines.length - (lines - out.length))).concat(out);
  }
  return out;
}
