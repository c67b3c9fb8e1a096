/**
 * Azure's `data_collector` for online deployments: each scored request's inputs and
 * outputs, sampled, written as JSON Lines partitioned by time, for drift analysis and
 * retraining later.
 *
 * The request path only pushes a reference into a bounded buffer (`collect`, a few
 * hundred nanoseconds, never throws, never waits). The records are serialized right after
 * that turn of the event loop (setImmediate, once the answer is on its way), in slices of
 * 2 ms, into bytes that wait for their file (at most `maxBufferedBytes`; beyond, records
 * are dropped and counted rather than requests slowed); the bytes are appended on a timer
 * (every second), once 1 MiB waits, when `flushRecords` wait, and on `close()`. Rows that
 * came as JSON text are copied from it (collect/rows-text.ts), not formatted again.
 *
 * Files. `<root>/<endpoint>/<deployment>/<model_inputs|model_outputs>/YYYY/MM/DD[/HH[/mm]]/<part>.jsonl`,
 * UTC, by the rolling rate as Azure writes its blobs (`day`: `YYYY/MM/DD`, `hour`:
 * `.../HH`, `minute`: `.../HH/mm`). A part is written as `<part>.jsonl.tmp` and renamed to
 * `<part>.jsonl` when it closes (its partition rolls over, it reaches `partMaxBytes`,
 * it is `partMaxAgeMs` old, or the collector closes), after an fsync: a reader that
 * takes only `*.jsonl` never sees half a file or half a line, and never a file that
 * still grows. Appending to the final name instead would let readers see data sooner,
 * but then every reader would need a rule about the last, possibly partial, line of a
 * file being written; renaming keeps the reader's rule to "read `*.jsonl`". A crash
 * leaves a `.jsonl.tmp` of whole lines except perhaps the last; the next collector of that
 * deployment cuts it after its last whole line and renames it, once nothing has written
 * to it for twice `partMaxAgeMs` (recoverAbandonedParts).
 *
 * Lines. Each line is one record in the shape Azure's model data collector writes
 * (a CloudEvents envelope): `specversion`, `id`, `source`, `type`
 * (`azureml.inference.model_inputs|model_outputs`), `datacontenttype`, `time` (ISO 8601,
 * UTC), `data`, `correlationid` (the request id, as Azure names it), plus `requestId`
 * (the same id, under the name the rest of mlsweep uses). Tabular `data` given as
 * `{columns, data}` is written as an array of row objects (`[{"col": value}]`), what
 * Azure writes for a DataFrame and what its monitors read; anything else is written as
 * given. Azure's `dataref` (payloads over 4 MB stored in a separate blob) is not used:
 * every payload is inline.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { DataCollectorSettings } from '../registry/endpoint-types.ts';
import { ByteSink } from './collect/byte-sink.ts';
import { writeNumber } from './collect/number-text.ts';
import { type RowsText, writeRowsText } from './collect/rows-text.ts';

/** The two collections Azure reserves for payload logging. */
export type CollectionName = 'model_inputs' | 'model_outputs';

/** What the server hands the collector for one scored request. */
export interface CollectedRecord {
  /** The request id (`x-request-id`), written as `correlationid` and `requestId`. */
  readonly requestId: string;
  /** When the request arrived (epoch ms); it chooses the partition. */
  readonly time: number;
  /**
   * The decoded rows: `{columns, data}` (rows of cells) or `{columns, values}` (one array
   * or typed array per column), written as row objects; any other JSON value as it is.
   * Kept by reference until the flush: the caller must not change it afterwards.
   */
  readonly inputs?: unknown;
  /**
   * The rows as the request body's JSON text, in place of `inputs`: the list of rows at
   * `path`, named by `columns`. They are written from the text, each cell as the caller
   * spelt it (collect/rows-text.ts), not formatted again; a single string is also the
   * cheapest thing to hold until the flush. Should the text not hold `nRows` rows of
   * scalar cells there, it is parsed again and written as `inputs` would be.
   */
  readonly inputsText?: TextRows;
  /**
   * The predictions (any JSON value, or a table as for inputs), or a function answering
   * them, called at the flush, so that the request path builds nothing for the collector.
   */
  readonly outputs?: unknown;
}

/** A request's rows as its body's JSON text (see CollectedRecord.inputsText). */
export interface TextRows extends RowsText {
  /** The columns' names, in the order of each row's cells. */
  readonly columns: readonly string[];
  /** How many rows the list holds. */
  readonly nRows: number;
}

/** Counters of a collector since it started. */
export interface DataCollectorStats {
  /** Records accepted into the buffer (sampled in, buffer not full). */
  readonly collected: number;
  /** Records refused because the buffer was full, or collected after close. */
  readonly dropped: number;
  /** Records left out by `sampling_rate`. */
  readonly sampledOut: number;
  /** Records waiting in the buffer. */
  readonly pending: number;
  /** Lines written to files (a record gives one line per enabled collection). */
  readonly lines: number;
  /** Lines lost to write errors (a full disk, a vanished folder). */
  readonly lost: number;
  /** Part files completed (renamed to `.jsonl`). */
  readonly files: number;
  /** Parts of a crashed process finished at start (see recoverAbandonedParts). */
  readonly recovered: number;
}

/** Where a deployment's collector writes, and what it may use. */
export interface DataCollectorOptions {
  readonly endpoint: string;
  readonly deployment: string;
  /** The datastore folder; `settings.destination` wins when set. */
  readonly root?: string;
  /** Epoch ms now (default Date.now): partitions of parts closing by age, part names. */
  readonly clock?: () => number;
  /** Uniform [0, 1) draws for sampling (default Math.random). */
  readonly random?: () => number;
  /** Flush every this many ms on a timer (default 1,000; 0: only by size and by hand). */
  readonly flushIntervalMs?: number;
  /** Flush as soon as this many records wait (default 1,000). */
  readonly flushRecords?: number;
  /** Records held at most; beyond, new records are dropped and counted (default 10,000). */
  readonly maxBufferedRecords?: number;
  /** Rows held at most across buffered records (default 100,000): a bound on memory with large requests. */
  readonly maxBufferedRows?: number;
  /** Bytes of written lines waiting for their file at most (default 64 MiB); beyond, new records are dropped and counted. */
  readonly maxBufferedBytes?: number;
  /** A part closes at this size (default 64 MiB). */
  readonly partMaxBytes?: number;
  /** A part closes this long after it opened (default 5 minutes), so data shows up under a `day` rate. */
  readonly partMaxAgeMs?: number;
  /** Finish parts a crashed process left, not written to for 2 × partMaxAgeMs (default true). */
  readonly recoverAbandoned?: boolean;
  /** Told about write errors (default: one line on stderr per error kind). */
  readonly onError?: (error: unknown) => void;
}

/** Serialized lines (UTF-8, each ending with a newline) waiting to be appended to one partition's part. */
interface Group {
  /** `<collection>/<partition folder>`. */
  readonly key: string;
  readonly end: number;
  readonly sink: ByteSink;
  lines: number;
}

/** Serializing gives the event loop a turn after this many ms. */
const YIELD_MS = 2;
/** Lines are appended to their files once this many bytes (1 MiB) wait, so the text in memory stays small. */
const FLUSH_BYTES = 1 << 20;
/** Sinks kept for reuse once their lines are appended, and the largest buffer kept with one. */
const SPARE_SINKS = 8;
const SPARE_SINK_BYTES = 4 << 20;

/** A part being written: a temporary file under a partition folder. */
interface OpenPart {
  readonly key: string;
  readonly final: string;
  readonly temporary: string;
  readonly openedAt: number;
  readonly partitionEnd: number;
  bytes: number;
  lines: number;
}

/** The envelope's constant pieces, encoded once. */
const SPEC_ID = Buffer.from('{"specversion":"1.0","id":');
const CORRELATION = Buffer.from(',"correlationid":');
const REQUEST_ID = Buffer.from(',"requestId":');
const LINE_END = Buffer.from('}\n');
/** Bytes of a number's JSON text at most (`-0.0000012345678901234567` is 25), with room to spare. */
const NUMBER_BYTES = 32;

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkSegment(value: string, what: string): string {
  if (typeof value === 'string' && SAFE_SEGMENT.test(value) && value !== '.' && value !== '..') return value;
  throw new ValidationError(
    `data collector: the ${what} name ${JSON.stringify(value)} cannot be a folder name (use letters, digits, '_', '.', '-')`,
    { path: what },
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The partition folder (relative, `/`-separated) and the epoch ms at which it ends, for a
 * time and a rolling rate, in UTC.
 *
 * @example
 * partitionOf(Date.UTC(2026, 0, 2, 3, 4), 'hour'); // { folder: '2026/01/02/03', end: Date.UTC(2026, 0, 2, 4) }
 */
export function partitionOf(
  time: number,
  rollingRate: DataCollectorSettings['rollingRate'],
): {
  folder: string;
  end: number;
} {
  const d = new Date(time);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const h = d.getUTCHours();
  const mi = d.getUTCMinutes();
  const dayFolder = `${pad(y, 4)}/${pad(mo + 1)}/${pad(day)}`;
  if (rollingRate === 'day') return { folder: dayFolder, end: Date.UTC(y, mo, day + 1) };
  if (rollingRate === 'hour') return { folder: `${dayFolder}/${pad(h)}`, end: Date.UTC(y, mo, day, h + 1) };
  return { folder: `${dayFolder}/${pad(h)}/${pad(mi)}`, end: Date.UTC(y, mo, day, h, mi + 1) };
}

/** A payload that is a table: row-major `{columns, data}` or column-major `{columns, values}`. */
interface TableView {
  readonly columns: readonly unknown[];
  readonly nRows: number;
  readonly rows?: readonly (readonly unknown[])[];
  readonly values?: readonly ArrayLike<unknown>[];
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * The table a payload holds, when it is one: `{columns, data}` (rows of cells, Azure's
 * `input_data` shape) or `{columns, values}` (one array per column, typed arrays
 * welcome: what a scoring worker gets, passed as it is with no copy on the request path).
 */
function tableOf(value: unknown): TableView | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { columns, data, values } = value as { columns?: unknown; data?: unknown; values?: unknown };
  if (!Array.isArray(columns)) return undefined;
  if (Array.isArray(data)) {
    return data.every((row) => Array.isArray(row) && row.length === columns.length)
      ? { columns, nRows: data.length, rows: data as unknown[][] }
      : undefined;
  }
  if (Array.isArray(values) && values.length === columns.length && values.length > 0) {
    const first = values[0] as unknown;
    if (!isArrayLike(first)) return undefined;
    const n = first.length;
    return values.every((v) => isArrayLike(v) && v.length === n) ? { columns, nRows: n, values } : undefined;
  }
  return undefined;
}

/**
 * A table payload (`{columns, data}` or `{columns, values}`) as row objects, what Azure
 * writes for a DataFrame and what the collector's `data` holds (NaN and infinities
 * become null there, as in JSON); other values as they are.
 *
 * @example
 * asRows({ columns: ['a', 'b'], data: [[1, 2]] }); // [{ a: 1, b: 2 }]
 * asRows({ columns: ['a'], values: [Float64Array.of(1, 2)] }); // [{ a: 1 }, { a: 2 }]
 */
export function asRows(value: unknown): unknown {
  const table = tableOf(value);
  if (table === undefined) return value;
  return Array.from({ length: table.nRows }, (_, r) => {
    const object: Record<string, unknown> = {};
    for (let j = 0; j < table.columns.length; j++) {
      object[String(table.columns[j])] = table.rows !== undefined ? table.rows[r]![j] : table.values![j]![r];
    }
    return object;
  });
}

/** Rows a record holds, for the bound on buffered rows. */
function rowsOf(record: CollectedRecord): number {
  return record.inputsText !== undefined ? Math.max(1, record.inputsText.nRows) : rowCount(record.inputs);
}

/** Rows a payload holds, cheaply (no check of every row): a bound on buffered memory, not a count to trust. */
function rowCount(value: unknown): number {
  if (value !== null && typeof value === 'object') {
    const { data, values } = value as { data?: unknown; values?: unknown };
    if (Array.isArray(data)) return Math.max(1, data.length);
    if (Array.isArray(values) && isArrayLike(values[0])) return Math.max(1, values[0].length);
    if (Array.isArray(value)) return Math.max(1, value.length);
  }
  return 1;
}

/**
 * Finishes the parts a crashed process left behind under `folder`: every `*.jsonl.tmp`
 * not written to for `olderThanMs` is cut after its last whole line and renamed to
 * `.jsonl` (one with no whole line is removed). A live writer appends to its part every
 * second and closes it within `partMaxAgeMs`, so a part that old has no writer left.
 * Answers the number of parts finished.
 *
 * @example
 * await recoverAbandonedParts('mlruns/datastores/workspaceblobstore/modelDataCollector/iris/blue', 600_000);
 */
export async function recoverAbandonedParts(
  folder: string,
  olderThanMs: number,
  now: number = Date.now(),
): Promise<number> {
  let entries: string[];
  try {
    entries = (await readdir(folder, { recursive: true })) as string[];
  } catch {
    return 0; // nothing collected here yet
  }
  let recovered = 0;
  for (const entry of entries) {
    if (!entry.endsWith('.jsonl.tmp')) continue;
    const path = join(folder, entry);
    const info = await stat(path);
    if (!info.isFile() || now - info.mtimeMs < olderThanMs) continue;
    const handle = await open(path, 'r+');
    let keep = 0;
    try {
      // the last newline within the file's tail; a line is at most a few MB, so read back in steps
      const step = 1 << 16;
      for (let end = info.size; end > 0 && keep === 0; end -= step) {
        const start = Math.max(0, end - step);
        const buffer = Buffer.alloc(end - start);
        await handle.read(buffer, 0, buffer.length, start);
        const at = buffer.lastIndexOf(0x0a);
        if (at !== -1) keep = start + at + 1;
      }
      if (keep > 0) {
        await handle.truncate(keep);
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
    if (keep === 0) await rm(path, { force: true });
    else {
      await rename(path, path.slice(0, -'.tmp'.length));
      recovered++;
    }
  }
  return recovered;
}

/**
 * One deployment's data collector. `collect` is safe to call from the request path: it
 * never throws and never waits; memory is bounded by `maxBufferedRecords` and
 * `maxBufferedRows` (records beyond are dropped and counted in `stats().dropped`).
 *
 * @example
 * const collector = new DataCollector(
 *   { modelInputs: true, modelOutputs: true, rollingRate: 'hour', samplingRate: 1 },
 *   { endpoint: 'iris', deployment: 'blue', root: 'mlruns/datastores/workspaceblobstore/modelDataCollector' },
 * );
 * collector.collect({ requestId: 'r1', time: Date.now(), inputs: { columns: ['x'], data: [[1]] }, outputs: [0] });
 * await collector.close();
 */
export class DataCollector {
  /** The folder of this deployment's collections: `<root>/<endpoint>/<deployment>`. */
  readonly folder: string;
  private readonly settings: DataCollectorSettings;
  private readonly collections: readonly CollectionName[];
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly flushRecords: number;
  private readonly maxRecords: number;
  private readonly maxRows: number;
  private readonly partMaxBytes: number;
  private readonly partMaxAgeMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly instance = `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
  private readonly maxBytes: number;
  /** Records collected and not yet serialized (at most until the next turn of the event loop). */
  private buffer: CollectedRecord[] = [];
  /** Records of `buffer` before this one are serialized (the array is emptied once all are). */
  private head = 0;
  private bufferedRows = 0;
  /** Serialized lines waiting for their files, by `<collection>/<partition folder>`. */
  private groups = new Map<string, Group>();
  /** The groups of the partition serialized last, by collection: most records share one. */
  private groupsPartition: { folder: string; end: number } | undefined;
  private readonly lastGroups: Array<Group | undefined> = [];
  /** Bytes in groups, and being appended. */
  private waitingBytes = 0;
  private readonly spareSinks: ByteSink[] = [];
  private serializeScheduled = false;
  private readonly parts = new Map<string, OpenPart>();
  private readonly madeFolders = new Set<string>();
  private partSequence = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The flush in progress; flushes run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private reportedErrors = new Set<string>();
  private counts = { collected: 0, dropped: 0, sampledOut: 0, lines: 0, lost: 0, files: 0, recovered: 0 };
  private readonly sourceJson: string;
  private lastTime = Number.NaN;
  private lastIso = '';
  private lastMinute = Number.NaN;
  private lastPartition: { folder: string; end: number } | undefined;
  private lastColumns: unknown[] | undefined;
  private lastKeys: readonly Uint8Array[] = [];
  private lastKeyBytes = 0;
  /** Each collection's envelope text around the id, time and data, encoded once. */
  private readonly envelope: Record<CollectionName, { afterId: Uint8Array; afterTime: Uint8Array }>;

  constructor(settings: DataCollectorSettings, options: DataCollectorOptions) {
    const endpoint = checkSegment(options.endpoint, 'endpoint');
    const deployment = checkSegment(options.deployment, 'deployment');
    const root = settings.destination ?? options.root;
    if (root === undefined || root === '') {
      throw new ValidationError(
        `data collector of ${endpoint}/${deployment}: no destination folder (set data_collector.destination or give a root)`,
        { path: 'data_collector.destination' },
      );
    }
    if (!(settings.samplingRate >= 0 && settings.samplingRate <= 1)) {
      throw new ValidationError(
        `data collector of ${endpoint}/${deployment}: sampling_rate must be between 0 and 1, got ${settings.samplingRate}`,
        { path: 'data_collector.sampling_rate' },
      );
    }
    if (!['minute', 'hour', 'day'].includes(settings.rollingRate)) {
      throw new ValidationError(
        `data collector of ${endpoint}/${deployment}: rolling_rate must be minute, hour or day, got ${JSON.stringify(settings.rollingRate)}`,
        { path: 'data_collector.rolling_rate' },
      );
    }
    this.settings = settings;
    this.folder = join(root, endpoint, deployment);
    this.sourceJson = JSON.stringify(`/onlineEndpoints/${endpoint}/deployments/${deployment}`);
    const envelope = (collection: CollectionName) => ({
      afterId: Buffer.from(
        `-${collection === 'model_inputs' ? 'i' : 'o'}","source":${this.sourceJson},` +
          `"type":"azureml.inference.${collection}","datacontenttype":"application/json","time":"`,
      ),
      afterTime: Buffer.from('","data":'),
    });
    this.envelope = { model_inputs: envelope('model_inputs'), model_outputs: envelope('model_outputs') };
    this.collections = [
      ...(settings.modelInputs ? (['model_inputs'] as const) : []),
      ...(settings.modelOutputs ? (['model_outputs'] as const) : []),
    ];
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.flushRecords = Math.max(1, options.flushRecords ?? 1_000);
    this.maxRecords = Math.max(1, options.maxBufferedRecords ?? 10_000);
    this.maxRows = Math.max(1, options.maxBufferedRows ?? 100_000);
    this.maxBytes = Math.max(1, options.maxBufferedBytes ?? 64 * 1024 * 1024);
    this.partMaxBytes = options.partMaxBytes ?? 64 * 1024 * 1024;
    this.partMaxAgeMs = options.partMaxAgeMs ?? 5 * 60_000;
    this.onError =
      options.onError ??
      ((error) => {
        // one line per kind of failure, not one per flush: a full disk would flood stderr
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        if (this.reportedErrors.has(code)) return;
        this.reportedErrors.add(code);
        process.stderr.write(
          `mlsweep: data collector ${this.folder}: ${error instanceof Error ? error.message : String(error)} (records are being lost)\n`,
        );
      });
    if (options.recoverAbandoned !== false && this.collections.length > 0) {
      // first on the chain: parts left by a crashed process become readable, before any new one
      this.chain = recoverAbandonedParts(this.folder, 2 * this.partMaxAgeMs, this.clock()).then(
        (n) => {
          this.counts.recovered += n;
        },
        (error: unknown) => this.onError(error),
      );
    }
    const interval = options.flushIntervalMs ?? 1_000;
    if (interval > 0 && this.collections.length > 0) {
      this.timer = setInterval(() => this.scheduleFlush(), interval);
      // the collector must never keep a process alive on its own
      this.timer.unref();
    }
  }

  /**
   * Takes one scored request: sampled, then buffered (or dropped and counted when the
   * buffer is full, too many bytes wait for the disk, or the collector closed), to be
   * serialized right after the current turn of the event loop (setImmediate: after the
   * answer was handed to the socket). Never throws, never waits.
   */
  collect(record: CollectedRecord): void {
    try {
      if (this.collections.length === 0) return;
      if (this.closed) {
        this.counts.dropped++;
        return;
      }
      const rate = this.settings.samplingRate;
      if (rate < 1 && !(this.random() < rate)) {
        this.counts.sampledOut++;
        return;
      }
      const rows = rowsOf(record);
      if (
        this.buffer.length - this.head >= this.maxRecords ||
        this.bufferedRows + rows > this.maxRows ||
        this.waitingBytes >= this.maxBytes
      ) {
        this.counts.dropped++;
        return;
      }
      this.buffer.push(record);
      this.bufferedRows += rows;
      this.counts.collected++;
      this.scheduleSerialize();
      if (this.buffer.length - this.head >= this.flushRecords) this.scheduleFlush();
    } catch {
      // a hostile getter on the record, say: the request must not fail for it
      this.counts.dropped++;
    }
  }

  /** Writes what is buffered to the open parts; resolves when it is on disk (parts stay open). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.writeBuffered(false));
    return this.chain;
  }

  /**
   * Stops the timer, writes everything buffered and closes every part (renamed to
   * `.jsonl`). Records collected afterwards are dropped and counted.
   */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.closed) return this.chain;
    this.closed = true;
    this.chain = this.chain.then(() => this.writeBuffered(true));
    return this.chain;
  }

  /** Counters since the collector started. */
  stats(): DataCollectorStats {
    return { ...this.counts, pending: this.buffer.length - this.head };
  }

  /** A flush on the chain unless one is already waiting there (the timer and size triggers). */
  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.chain = this.chain.then(() => {
      this.flushQueued = false;
      return this.writeBuffered(false);
    });
  }

  /** Serializes what was collected once the current turn of the event loop is over. */
  private scheduleSerialize(): void {
    if (this.serializeScheduled) return;
    this.serializeScheduled = true;
    setImmediate(() => {
      this.serializeScheduled = false;
      // a slice at a time, so that a burst of large requests never holds the loop up
      if (!this.serialize(performance.now() + YIELD_MS)) this.scheduleSerialize();
      if (this.waitingBytes >= FLUSH_BYTES) this.scheduleFlush();
    });
  }

  /**
   * Serializes buffered records into their groups until `deadline` (performance.now());
   * answers whether none is left. Serializing right after the request, rather than at the
   * flush a second later, lets the records and the body text die young: held for a
   * second, they would outlive several young-generation collections and be copied into
   * the old generation, which costs more than writing them.
   */
  private serialize(deadline: number): boolean {
    const records = this.buffer;
    // the clock is read every 64 rows or so: reading it per 1-row record would cost a tenth of the work
    let rowsSinceClock = 0;
    while (this.head < records.length) {
      const record = records[this.head]!;
      // the slot is cleared so that the record can be collected before the array is emptied
      records[this.head++] = undefined as never;
      try {
        const rows = rowsOf(record);
        this.bufferedRows -= rows;
        rowsSinceClock += rows;
        this.serializeRecord(record);
      } catch {
        // a getter that throws the second time it is read: nothing of the record is written
        this.counts.lost += this.collections.length;
      }
      if (this.waitingBytes >= FLUSH_BYTES) break;
      if (rowsSinceClock >= 64) {
        rowsSinceClock = 0;
        if (performance.now() >= deadline) break;
      }
    }
    if (this.head < records.length) return false;
    this.buffer = [];
    this.head = 0;
    this.bufferedRows = 0;
    return true;
  }

  /** Writes what is buffered and waiting, then closes parts that are due (or all of them when `all`). Never rejects. */
  private async writeBuffered(all: boolean): Promise<void> {
    try {
      // a slice at a time, appending whenever 1 MiB waits: the bytes in memory stay few and hot
      for (;;) {
        const done = this.serialize(performance.now() + YIELD_MS);
        if (done || this.waitingBytes >= FLUSH_BYTES) await this.appendGroups();
        if (done) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.onError(error);
    }
    const now = this.clock();
    for (const part of [...this.parts.values()]) {
      const due = all || now >= part.partitionEnd || now - part.openedAt >= this.partMaxAgeMs;
      if (due) await this.closePart(part);
    }
  }

  /**
   * Serializes one record into a line per enabled collection, in the group of its
   * partition. Lines are written as UTF-8 straight into each group's buffer (see
   * collect/byte-sink.ts); a line that fails half-way (a cycle or a BigInt in a payload)
   * is cut back out of it and counted as lost.
   */
  private serializeRecord(record: CollectedRecord): void {
    let time: string;
    let partition: { folder: string; end: number };
    let id: string;
    try {
      const when = Number.isFinite(record.time) ? record.time : this.clock();
      time = this.isoTime(when);
      partition = this.partition(when);
      id = JSON.stringify(String(record.requestId));
    } catch {
      this.counts.lost += this.collections.length;
      return;
    }
    if (partition !== this.groupsPartition) {
      this.groupsPartition = partition;
      this.lastGroups.length = 0;
    }
    for (let c = 0; c < this.collections.length; c++) {
      const collection = this.collections[c]!;
      const inputs = collection === 'model_inputs';
      if (
        inputs ? record.inputs === undefined && record.inputsText === undefined : record.outputs === undefined
      )
        continue;
      let group = this.lastGroups[c];
      if (group === undefined) {
        const key = `${collection}/${partition.folder}`;
        group = this.groups.get(key);
        if (group === undefined) {
          group = { key, end: partition.end, sink: this.spareSinks.pop() ?? new ByteSink(), lines: 0 };
          this.groups.set(key, group);
        }
        this.lastGroups[c] = group;
      }
      const sink = group.sink;
      const mark = sink.length;
      try {
        // the envelope by hand: JSON.stringify of an object per line costs more than the data
        const { afterId, afterTime } = this.envelope[collection];
        sink.raw(SPEC_ID);
        sink.text(id.slice(0, -1));
        sink.raw(afterId);
        sink.ascii(time);
        sink.raw(afterTime);
        if (inputs) this.writeInputs(sink, record);
        else this.writeData(sink, typeof record.outputs === 'function' ? record.outputs() : record.outputs);
        sink.raw(CORRELATION);
        sink.text(id);
        sink.raw(REQUEST_ID);
        sink.text(id);
        sink.raw(LINE_END);
      } catch {
        // a cycle or a BigInt in a payload: that line is lost, the rest are written
        sink.length = mark;
        this.counts.lost++;
        continue;
      }
      this.waitingBytes += sink.length - mark;
      group.lines++;
    }
  }

  /** Appends every group's lines to its part; serializing goes on into fresh groups meanwhile. */
  private async appendGroups(): Promise<void> {
    const groups = this.groups;
    this.groups = new Map();
    this.groupsPartition = undefined;
    this.lastGroups.length = 0;
    for (const group of groups.values()) await this.appendGroup(group);
  }

  /** Appends a group's lines; a failure loses those lines, counted. Its sink is kept for reuse. */
  private async appendGroup(group: Group): Promise<void> {
    const bytes = group.sink.length;
    try {
      if (group.lines > 0) {
        await this.append(group.key, group.end, group.sink.bytes(), group.lines);
        this.counts.lines += group.lines;
      }
    } catch (error) {
      this.counts.lost += group.lines;
      this.onError(error);
    }
    this.waitingBytes -= bytes;
    group.sink.length = 0;
    if (this.spareSinks.length < SPARE_SINKS && group.sink.buffer.length <= SPARE_SINK_BYTES) {
      this.spareSinks.push(group.sink);
    }
  }

  /** ISO time of epoch ms, remembered for the next record (most share a millisecond or a few). */
  private isoTime(when: number): string {
    if (when !== this.lastTime) {
      this.lastTime = when;
      this.lastIso = new Date(when).toISOString();
    }
    return this.lastIso;
  }

  /** The partition of epoch ms, remembered by minute (every rolling rate's boundaries are whole UTC minutes). */
  private partition(when: number): { folder: string; end: number } {
    const minute = Math.floor(when / 60_000);
    if (minute !== this.lastMinute || this.lastPartition === undefined) {
      this.lastMinute = minute;
      this.lastPartition = partitionOf(when, this.settings.rollingRate);
    }
    return this.lastPartition;
  }

  /**
   * Writes the JSON text of a payload: a table (`{columns, data}` or `{columns, values}`)
   * as row objects, cell by cell (four times faster than building the objects and
   * stringifying them), anything else by JSON.stringify. Throws when the payload has no
   * JSON form (the caller cuts the line).
   *
   * The cells are most of a flush's work (2,000 numbers in a 100-row request of 20
   * features), so numbers are written into the buffer here (collect/number-text.ts), room
   * for a whole row made first, rather than through the sink's methods.
   */
  private writeData(sink: ByteSink, payload: unknown): void {
    const table = tableOf(payload);
    if (table === undefined) {
      const text = JSON.stringify(payload);
      if (text === undefined) throw new Error('not JSON');
      sink.text(text);
      return;
    }
    const keys = this.columnKeys(table.columns);
    const nCols = keys.length;
    // a row's bytes at most when every cell is a number: its keys, the numbers, `,{}` and `,`s
    const rowBound = this.lastKeyBytes + nCols * NUMBER_BYTES + 3;
    const { rows, values } = table;
    sink.byte(0x5b); // [
    for (let r = 0; r < table.nRows; r++) {
      const row = rows?.[r];
      sink.reserve(rowBound);
      let buffer = sink.buffer;
      let at = sink.length;
      if (r > 0) buffer[at++] = 0x2c; // ,
      buffer[at++] = 0x7b; // {
      for (let j = 0; j < nCols; j++) {
        if (j > 0) buffer[at++] = 0x2c;
        const key = keys[j]!;
        for (let i = 0; i < key.length; i++) buffer[at++] = key[i]!;
        const x = row !== undefined ? row[j] : values![j]![r];
        if (typeof x === 'number') {
          if (Number.isFinite(x)) at = writeNumber(buffer, at, x);
          else {
            buffer[at++] = 0x6e; // null
            buffer[at++] = 0x75;
            buffer[at++] = 0x6c;
            buffer[at++] = 0x6c;
          }
        } else {
          // a string or another value: through the sink, which grows as it needs, then room again
          sink.length = at;
          sink.text(JSON.stringify(x) ?? 'null');
          sink.reserve(rowBound);
          buffer = sink.buffer;
          at = sink.length;
        }
      }
      buffer[at++] = 0x7d; // }
      sink.length = at;
    }
    sink.byte(0x5d); // ]
  }

  /**
   * Writes a record's inputs: from the body's text when it came as text (a byte copy,
   * several times cheaper than formatting the numbers), else as writeData does.
   */
  private writeInputs(sink: ByteSink, record: CollectedRecord): void {
    const source = record.inputsText;
    if (source === undefined) {
      this.writeData(sink, record.inputs);
      return;
    }
    if (writeRowsText(sink, source, this.columnKeys(source.columns), source.nRows)) return;
    if (record.inputs !== undefined) {
      this.writeData(sink, record.inputs);
      return;
    }
    let rows: unknown = JSON.parse(source.text);
    for (const key of source.path) rows = (rows as Record<string, unknown>)[key];
    this.writeData(sink, { columns: source.columns, data: rows });
  }

  /** `"name":` for each column, UTF-8, remembered while requests keep the same columns. */
  private columnKeys(columns: readonly unknown[]): readonly Uint8Array[] {
    const last = this.lastColumns;
    if (last !== undefined && last.length === columns.length && last.every((c, i) => c === columns[i])) {
      return this.lastKeys;
    }
    this.lastColumns = [...columns];
    this.lastKeys = columns.map((c) => Buffer.from(`${JSON.stringify(String(c))}:`));
    this.lastKeyBytes = this.lastKeys.reduce((sum, key) => sum + key.length, 0);
    return this.lastKeys;
  }

  /** Appends whole lines to the open part of a partition, opening one (and closing a full one) as needed. */
  private async append(key: string, partitionEnd: number, text: Buffer, lines: number): Promise<void> {
    let part = this.parts.get(key);
    const bytes = text.length;
    if (part !== undefined && part.bytes > 0 && part.bytes + bytes > this.partMaxBytes) {
      await this.closePart(part);
      part = undefined;
    }
    if (part === undefined) {
      const folder = join(this.folder, ...key.split('/'));
      if (!this.madeFolders.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.madeFolders.add(folder);
      }
      const now = this.clock();
      const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('.', '');
      const name = `${stamp}-${this.instance}-${pad(++this.partSequence, 4)}.jsonl`;
      part = {
        key,
        final: join(folder, name),
        temporary: join(folder, `${name}.tmp`),
        openedAt: now,
        partitionEnd,
        bytes: 0,
        lines: 0,
      };
      this.parts.set(key, part);
    }
    const handle = await open(part.temporary, 'a', 0o644).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      // the partition folder was removed under us (a cleanup job): make it again, once
      await mkdir(dirname(part.temporary), { recursive: true });
      return open(part.temporary, 'a', 0o644);
    });
    try {
      await handle.appendFile(text);
    } finally {
      await handle.close();
    }
    part.bytes += bytes;
    part.lines += lines;
  }

  /** Makes a part durable and visible: fsync, then rename `.jsonl.tmp` to `.jsonl`. */
  private async closePart(part: OpenPart): Promise<void> {
    this.parts.delete(part.key);
    try {
      const handle = await open(part.temporary, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(part.temporary, part.final);
      this.counts.files++;
    } catch (error) {
      this.onError(error);
    }
  }
}
