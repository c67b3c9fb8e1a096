/**
 * Azure's `data_collector` for online deployments: each scored request's inputs and
 * outputs, sampled, written as JSON Lines partitioned by time, for drift analysis and
 * retraining later.
 *
 * The request path only pushes a reference into a bounded buffer (`collect`, a few
 * hundred nanoseconds, never throws, never waits). Right after that turn of the event loop
 * (setImmediate, once the answer is on its way) the records go, as one message, to the
 * collectors' writer thread (collect/thread.ts, one per process), which serializes them
 * and appends them to their files (collect/core.ts): on the event loop a record costs a
 * structured clone (a 100-row body is one string, copied once), not its serialization.
 * Why: serializing a 100-row record where requests are answered took 50 to 170 µs of the
 * event loop, and every request waiting behind it waited that much longer; with 8
 * connections on 2 cores that made 100-row requests 15-20% slower by requests/s while the
 * server's CPU per request grew only a few percent (benchmarks/results/serve.json).
 * Records waiting here or on the thread are bounded (`maxBufferedRecords`,
 * `maxBufferedRows`, and `maxBufferedBytes` of serialized lines on the thread); beyond,
 * records are dropped and counted rather than requests slowed, as Azure's collector does.
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
import { join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { DataCollectorSettings } from '../registry/endpoint-types.ts';
import type { CoreStats } from './collect/core.ts';
import { checkSegment } from './collect/parts.ts';
import type { CoreInit, FromWriter } from './collect/protocol.ts';
import { rowsOf } from './collect/table.ts';
import type { CollectedRecord, DataCollectorStats } from './collect/types.ts';
import { writerThread } from './collect/writer.ts';

export { partitionOf, recoverAbandonedParts } from './collect/parts.ts';
export { asRows } from './collect/table.ts';
export type { CollectedRecord, CollectionName, DataCollectorStats, TextRows } from './collect/types.ts';

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

/** A record with its payloads reduced to their JSON values (a value with no JSON form becomes absent). */
function asJson(record: CollectedRecord): CollectedRecord {
  const json = (value: unknown): unknown => {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  };
  const inputs = record.inputs === undefined ? undefined : json(record.inputs);
  const outputs = record.outputs === undefined ? undefined : json(record.outputs);
  return {
    requestId: record.requestId,
    time: record.time,
    ...(inputs !== undefined ? { inputs } : {}),
    ...(record.inputsText !== undefined ? { inputsText: record.inputsText } : {}),
    ...(outputs !== undefined ? { outputs } : {}),
  };
}

/** Whether two lists of column names are the same. */
function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const NO_STATS: CoreStats = { dropped: 0, lines: 0, lost: 0, files: 0, recovered: 0 };

/** Times a collector starts again on a new writer thread after losing one. */
const MAX_RESTARTS = 3;

/** Two sets of writer-thread counters added up. */
function sumStats(a: CoreStats, b: CoreStats): CoreStats {
  return {
    dropped: a.dropped + b.dropped,
    lines: a.lines + b.lines,
    lost: a.lost + b.lost,
    files: a.files + b.files,
    recovered: a.recovered + b.recovered,
  };
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
  private readonly collections: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly maxRecords: number;
  private readonly maxRows: number;
  private readonly onError: (error: unknown) => void;
  /** Records collected and not yet sent to the writer thread (until the next turn of the event loop). */
  private buffer: CollectedRecord[] = [];
  private bufferedRows = 0;
  /** Records (and their rows) sent and not yet serialized by the writer thread. */
  private inFlight = 0;
  private inFlightRows = 0;
  private sendScheduled = false;
  /** This collector's id with the writer thread; undefined once the thread is lost. */
  private cid: number | undefined;
  private nextRequest = 1;
  private readonly answers = new Map<number, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private reportedErrors = new Set<string>();
  private counts = { collected: 0, dropped: 0, sampledOut: 0, lost: 0 };
  /** The writer thread's counters: those of threads lost before (`before`), and of the current one. */
  private before: CoreStats = NO_STATS;
  private written: CoreStats = NO_STATS;
  /** What the writing half is started with, kept to start it again on a new thread. */
  private init: CoreInit | undefined;
  private restarts = 0;

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
    this.collections = (settings.modelInputs ? 1 : 0) + (settings.modelOutputs ? 1 : 0);
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxRecords = Math.max(1, options.maxBufferedRecords ?? 10_000);
    this.maxRows = Math.max(1, options.maxBufferedRows ?? 100_000);
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
    if (this.collections === 0) return;
    this.init = {
      settings,
      folder: this.folder,
      source: `/onlineEndpoints/${endpoint}/deployments/${deployment}`,
      instance: '',
      ...(options.flushRecords !== undefined ? { flushRecords: options.flushRecords } : {}),
      ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
      ...(options.partMaxBytes !== undefined ? { partMaxBytes: options.partMaxBytes } : {}),
      ...(options.partMaxAgeMs !== undefined ? { partMaxAgeMs: options.partMaxAgeMs } : {}),
      ...(options.recoverAbandoned !== undefined ? { recoverAbandoned: options.recoverAbandoned } : {}),
    };
    this.attach();
    const interval = options.flushIntervalMs ?? 1_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.request('flush'), interval);
      // the collector must never keep a process alive on its own
      this.timer.unref();
    }
  }

  /**
   * Takes one scored request: sampled, then buffered (or dropped and counted when the
   * buffer is full or the collector closed), to be sent to the writer thread right after
   * the current turn of the event loop (setImmediate: after the answer was handed to the
   * socket). Never throws, never waits.
   */
  collect(record: CollectedRecord): void {
    try {
      if (this.collections === 0) return;
      if (this.closing !== undefined || this.cid === undefined) {
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
        this.buffer.length + this.inFlight >= this.maxRecords ||
        this.bufferedRows + this.inFlightRows + rows > this.maxRows
      ) {
        this.counts.dropped++;
        return;
      }
      this.buffer.push(record);
      this.bufferedRows += rows;
      this.counts.collected++;
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.send());
      }
    } catch {
      // a hostile getter on the record, say: the request must not fail for it
      this.counts.dropped++;
    }
  }

  /** Writes what is buffered to the open parts; resolves when it is on disk (parts stay open). */
  flush(): Promise<void> {
    return this.request('flush');
  }

  /**
   * Stops the timer, writes everything buffered and closes every part (renamed to
   * `.jsonl`). Records collected afterwards are dropped and counted.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const cid = this.cid;
    this.closing = this.request('close').then(() => {
      if (cid !== undefined) writerThread.detach(cid);
      this.cid = undefined;
    });
    return this.closing;
  }

  /** Counters since the collector started. */
  stats(): DataCollectorStats {
    const { collected, dropped, sampledOut, lost } = this.counts;
    const w = sumStats(this.before, this.written);
    return {
      collected,
      dropped: dropped + w.dropped,
      sampledOut,
      pending: this.buffer.length + this.inFlight,
      lines: w.lines,
      lost: lost + w.lost,
      files: w.files,
      recovered: w.recovered,
    };
  }

  /**
   * Sends the buffered records to the writer thread, as one message when they can all be
   * copied, else one by one (a record that cannot be, a function among a scoring
   * script's outputs say, is lost and counted). Outputs given as a function are built here.
   */
  private send(): void {
    this.sendScheduled = false;
    const records = this.buffer;
    if (records.length === 0) return;
    this.buffer = [];
    this.bufferedRows = 0;
    const cid = this.cid;
    if (cid === undefined) {
      this.counts.lost += records.length * this.collections;
      return;
    }
    const wire: CollectedRecord[] = [];
    let rows = 0;
    let columns: readonly string[] | undefined;
    for (const record of records) {
      let copy = this.wire(record);
      if (copy === undefined) continue;
      // the same columns request after request: one array in the message (a clone copies a
      // shared object once), not 20 strings per 1-row record
      const text = copy.inputsText;
      if (text !== undefined) {
        if (columns !== undefined && sameColumns(columns, text.columns)) {
          copy = { ...copy, inputsText: { ...text, columns } };
        } else columns = text.columns;
      }
      wire.push(copy);
      rows += rowsOf(copy);
    }
    const now = this.clock();
    try {
      writerThread.post({ op: 'records', cid, now, records: wire });
      this.inFlight += wire.length;
      this.inFlightRows += rows;
      return;
    } catch {
      // one of them cannot be copied: the others go one at a time
    }
    for (const record of wire) {
      try {
        let copy = record;
        try {
          writerThread.post({ op: 'records', cid, now, records: [record] });
        } catch {
          // a function or a symbol in a scoring script's answer, say: sent as its JSON (what
          // the line would hold anyway, and what the caller was answered)
          copy = asJson(record);
          writerThread.post({ op: 'records', cid, now, records: [copy] });
        }
        this.inFlight++;
        this.inFlightRows += rowsOf(copy);
      } catch {
        this.counts.lost += this.collections;
      }
    }
  }

  /** A record as it travels: plain values, outputs built (a failure loses that line, counted). */
  private wire(record: CollectedRecord): CollectedRecord | undefined {
    try {
      let outputs = record.outputs;
      if (typeof outputs === 'function') {
        try {
          outputs = outputs();
        } catch {
          outputs = undefined;
          if (this.settings.modelOutputs) this.counts.lost++;
        }
      }
      return {
        requestId: String(record.requestId),
        time: record.time,
        ...(record.inputs !== undefined ? { inputs: record.inputs } : {}),
        ...(record.inputsText !== undefined ? { inputsText: record.inputsText } : {}),
        ...(outputs !== undefined ? { outputs } : {}),
      };
    } catch {
      // a getter that throws the second time it is read: nothing of the record is written
      this.counts.lost += this.collections;
      return undefined;
    }
  }

  /** Asks the writer thread to flush or close; resolves once it answered (or is gone). */
  private request(op: 'flush' | 'close'): Promise<void> {
    this.send();
    const cid = this.cid;
    if (cid === undefined) return Promise.resolve();
    const id = this.nextRequest++;
    return new Promise<void>((resolve) => {
      this.answers.set(id, resolve);
      writerThread.wait(1);
      try {
        writerThread.post({ op, cid, now: this.clock(), id });
      } catch (error) {
        this.lose(error);
      }
    });
  }

  private answer(message: FromWriter): void {
    if (message.op === 'error') {
      const error = Object.assign(new Error(message.message), {
        ...(message.code !== undefined ? { code: message.code } : {}),
        ...(message.name !== undefined ? { name: message.name } : {}),
      });
      this.onError(error);
      return;
    }
    this.written = message.stats;
    if (message.op === 'serialized') {
      this.inFlight -= message.records;
      this.inFlightRows -= message.rows;
      return;
    }
    const resolve = this.answers.get(message.id);
    if (resolve === undefined) return;
    this.answers.delete(message.id);
    writerThread.wait(-1);
    resolve();
  }

  /** Registers with the writer thread (starting one when none runs) and opens this collector's writing half there. */
  private attach(): void {
    const cid = writerThread.attach({
      onMessage: (message) => this.answer(message),
      onLost: (error) => this.lose(error),
    });
    this.cid = cid;
    // a new name for the parts of each thread: those of a lost one are left as they are
    const instance = `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
    writerThread.post({ op: 'open', cid, now: this.clock(), init: { ...this.init!, instance } });
  }

  /**
   * The writer thread failed: what it held is lost and counted, waiting callers go on, and
   * the collector starts again on a new thread (at most MAX_RESTARTS times, so that a
   * thread that cannot start is not started forever); records not yet sent go there.
   */
  private lose(error: unknown): void {
    this.onError(error);
    this.cid = undefined;
    this.counts.lost += this.inFlight * this.collections;
    this.inFlight = 0;
    this.inFlightRows = 0;
    this.before = sumStats(this.before, this.written);
    this.written = NO_STATS;
    for (const resolve of this.answers.values()) resolve();
    this.answers.clear();
    if (this.closing === undefined && this.restarts < MAX_RESTARTS) {
      this.restarts++;
      this.attach();
      return;
    }
    this.counts.lost += this.buffer.length * this.collections;
    this.buffer = [];
    this.bufferedRows = 0;
  }
}
