/**
 * The writing half of the data collector (see data-collector.ts for what is written where
 * and why), run on the collector's own thread (collect/thread.ts) so that none of it
 * takes the server's event loop.
 *
 * Records are serialized right after the turn of this thread's loop that took them
 * (setImmediate), in slices of 2 ms, into bytes that wait for their file (at most
 * `maxBufferedBytes`; beyond, records are dropped and counted); the bytes are appended
 * when the collector flushes (its timer, every second, or by hand), once 1 MiB waits,
 * when `flushRecords` wait, and on `close()`. Rows that came as JSON text are copied from
 * it (collect/rows-text.ts), not formatted again.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataCollectorSettings } from '../../registry/endpoint-types.ts';
import { ByteSink } from './byte-sink.ts';
import { writeNumber } from './number-text.ts';
import { pad, partitionOf, recoverAbandonedParts } from './parts.ts';
import { writeRowsText } from './rows-text.ts';
import { rowsOf, tableOf } from './table.ts';
import type { CollectedRecord, CollectionName, DataCollectorStats } from './types.ts';

/** What the writing half is given. */
export interface CoreOptions {
  readonly settings: DataCollectorSettings;
  /** The folder of the deployment's collections: `<root>/<endpoint>/<deployment>`. */
  readonly folder: string;
  /** The envelope's `source`: `/onlineEndpoints/<endpoint>/deployments/<deployment>`. */
  readonly source: string;
  /** This collector's part of every part file's name, unique among the processes writing there. */
  readonly instance: string;
  /** Epoch ms now: partitions of parts closing by age, part names. */
  readonly clock: () => number;
  /** Told about write errors. */
  readonly onError: (error: unknown) => void;
  /** Told after each slice of serializing how many records (and rows) left the buffer. */
  readonly onSerialized?: (records: number, rows: number) => void;
  readonly flushRecords?: number;
  readonly maxBufferedBytes?: number;
  readonly partMaxBytes?: number;
  readonly partMaxAgeMs?: number;
  readonly recoverAbandoned?: boolean;
}

/** The counters the writing half keeps. */
export type CoreStats = Pick<DataCollectorStats, 'dropped' | 'lines' | 'lost' | 'files' | 'recovered'>;

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

/**
 * The writing half of a deployment's data collector, run on its writer thread
 * (collect/thread.ts): takes records, serializes them into JSON Lines and appends them to
 * the partition's part, closing parts as they fill, age or their partition ends.
 *
 * @example
 * const core = new CollectorCore({ settings, folder, source: '/onlineEndpoints/iris/deployments/blue',
 *   instance: 'p1', clock: Date.now, onError: console.error });
 * core.collect({ requestId: 'r1', time: Date.now(), inputs: [1], outputs: [0] });
 * await core.close();
 */
export class CollectorCore {
  /** The folder of this deployment's collections: `<root>/<endpoint>/<deployment>`. */
  readonly folder: string;
  private readonly settings: DataCollectorSettings;
  private readonly collections: readonly CollectionName[];
  private readonly clock: () => number;
  private readonly flushRecords: number;
  private readonly partMaxBytes: number;
  private readonly partMaxAgeMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly onSerialized: (records: number, rows: number) => void;
  private readonly instance: string;
  private readonly maxBytes: number;
  /** Records taken and not yet serialized (at most until the next turn of this thread's loop). */
  private buffer: CollectedRecord[] = [];
  /** Records of `buffer` before this one are serialized (the array is emptied once all are). */
  private head = 0;
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
  /** The flush in progress; flushes run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private counts = { dropped: 0, lines: 0, lost: 0, files: 0, recovered: 0 };
  private lastTime = Number.NaN;
  private lastIso = '';
  private lastMinute = Number.NaN;
  private lastPartition: { folder: string; end: number } | undefined;
  private lastColumns: unknown[] | undefined;
  private lastKeys: readonly Uint8Array[] = [];
  private lastKeyBytes = 0;
  /** Each collection's envelope text around the id, time and data, encoded once. */
  private readonly envelope: Record<CollectionName, { afterId: Uint8Array; afterTime: Uint8Array }>;

  constructor(options: CoreOptions) {
    const { settings } = options;
    this.settings = settings;
    this.folder = options.folder;
    const sourceJson = JSON.stringify(options.source);
    const envelope = (collection: CollectionName) => ({
      afterId: Buffer.from(
        `-${collection === 'model_inputs' ? 'i' : 'o'}","source":${sourceJson},` +
          `"type":"azureml.inference.${collection}","datacontenttype":"application/json","time":"`,
      ),
      afterTime: Buffer.from('","data":'),
    });
    this.envelope = { model_inputs: envelope('model_inputs'), model_outputs: envelope('model_outputs') };
    this.collections = [
      ...(settings.modelInputs ? (['model_inputs'] as const) : []),
      ...(settings.modelOutputs ? (['model_outputs'] as const) : []),
    ];
    this.clock = options.clock;
    this.instance = options.instance;
    this.flushRecords = Math.max(1, options.flushRecords ?? 1_000);
    this.maxBytes = Math.max(1, options.maxBufferedBytes ?? 64 * 1024 * 1024);
    this.partMaxBytes = options.partMaxBytes ?? 64 * 1024 * 1024;
    this.partMaxAgeMs = options.partMaxAgeMs ?? 5 * 60_000;
    this.onError = options.onError;
    this.onSerialized = options.onSerialized ?? (() => {});
    if (options.recoverAbandoned !== false && this.collections.length > 0) {
      // first on the chain: parts left by a crashed process become readable, before any new one
      this.chain = recoverAbandonedParts(this.folder, 2 * this.partMaxAgeMs, this.clock()).then(
        (n) => {
          this.counts.recovered += n;
        },
        (error: unknown) => this.onError(error),
      );
    }
  }

  /**
   * Takes one record, to be serialized once the current turn of this thread's loop is over;
   * dropped and counted when too many bytes wait for the disk or the core closed. Never throws.
   */
  collect(record: CollectedRecord): void {
    if (this.closed || this.waitingBytes >= this.maxBytes) {
      this.counts.dropped++;
      this.onSerialized(1, rowsOf(record));
      return;
    }
    this.buffer.push(record);
    this.scheduleSerialize();
    if (this.buffer.length - this.head >= this.flushRecords) this.scheduleFlush();
  }

  /** Writes what is buffered to the open parts; resolves when it is on disk (parts stay open). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.writeBuffered(false));
    return this.chain;
  }

  /**
   * Writes everything buffered and closes every part (renamed to `.jsonl`). Records
   * taken afterwards are dropped and counted.
   */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    this.chain = this.chain.then(() => this.writeBuffered(true));
    return this.chain;
  }

  /** Counters since the core started: records dropped here, lines written and lost, parts. */
  stats(): CoreStats {
    return { ...this.counts };
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

  /** Serializes what was taken once the current turn of this thread's loop is over. */
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
    let done = 0;
    let doneRows = 0;
    while (this.head < records.length) {
      const record = records[this.head]!;
      // the slot is cleared so that the record can be collected before the array is emptied
      records[this.head++] = undefined as never;
      const rows = rowsOf(record);
      done++;
      doneRows += rows;
      rowsSinceClock += rows;
      this.serializeRecord(record);
      if (this.waitingBytes >= FLUSH_BYTES) break;
      if (rowsSinceClock >= 64) {
        rowsSinceClock = 0;
        if (performance.now() >= deadline) break;
      }
    }
    if (done > 0) this.onSerialized(done, doneRows);
    if (this.head < records.length) return false;
    this.buffer = [];
    this.head = 0;
    return true;
  }

  /** Writes what is buffered and waiting, then closes parts that are due (or all of them when `all`). Never rejects. */
  private async writeBuffered(all: boolean): Promise<void> {
    try {
      // a slice at a time, appending whenever 1 MiB waits: the bytes in memory stay few and hot
      for (;;) {
        const done = this.serialize(performance.now() + YIELD_MS);
        if (done || this.waitingBytes >= FLUSH_BYTES) this.appendGroups();
        if (done) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.onError(error);
    }
    const now = this.clock();
    for (const part of [...this.parts.values()]) {
      const due = all || now >= part.partitionEnd || now - part.openedAt >= this.partMaxAgeMs;
      if (due) this.closePart(part);
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

  /** Appends every group's lines to its part. */
  private appendGroups(): void {
    const groups = this.groups;
    this.groups = new Map();
    this.groupsPartition = undefined;
    this.lastGroups.length = 0;
    for (const group of groups.values()) this.appendGroup(group);
  }

  /** Appends a group's lines; a failure loses those lines, counted. Its sink is kept for reuse. */
  private appendGroup(group: Group): void {
    const bytes = group.sink.length;
    try {
      if (group.lines > 0) {
        this.append(group.key, group.end, group.sink.bytes(), group.lines);
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

  /**
   * Appends whole lines to the open part of a partition, opening one (and closing a full
   * one) as needed. Synchronous: this thread has nothing else to do meanwhile, and a write
   * here takes none of the libuv pool that the server's thread and its scoring share.
   */
  private append(key: string, partitionEnd: number, text: Buffer, lines: number): void {
    let part = this.parts.get(key);
    const bytes = text.length;
    if (part !== undefined && part.bytes > 0 && part.bytes + bytes > this.partMaxBytes) {
      this.closePart(part);
      part = undefined;
    }
    if (part === undefined) {
      const folder = join(this.folder, ...key.split('/'));
      if (!this.madeFolders.has(folder)) {
        mkdirSync(folder, { recursive: true });
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
    let fd: number;
    try {
      fd = openSync(part.temporary, 'a', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // the partition folder was removed under us (a cleanup job): make it again, once
      mkdirSync(dirname(part.temporary), { recursive: true });
      fd = openSync(part.temporary, 'a', 0o644);
    }
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    part.bytes += bytes;
    part.lines += lines;
  }

  /** Makes a part durable and visible: fsync, then rename `.jsonl.tmp` to `.jsonl`. */
  private closePart(part: OpenPart): void {
    this.parts.delete(part.key);
    try {
      const fd = openSync(part.temporary, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(part.temporary, part.final);
      this.counts.files++;
    } catch (error) {
      this.onError(error);
    }
  }
}
