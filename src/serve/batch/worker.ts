/**
 * A scoring thread of a batch job (run by piscina, see job.ts). It loads the model once
 * (and the deployment's scoring module, whose `init()` runs once with AZUREML_MODEL_DIR
 * set), then scores one mini-batch per task: it reads the mini-batch's pieces of files
 * itself, a few thousand rows at a time (memory stays bounded whatever the file size),
 * and writes the predictions to the mini-batch's part file, renamed into place only when
 * the whole mini-batch is scored. Only counts and a few bad-row examples go back to the
 * main thread, never the rows.
 */
import { closeSync, createReadStream, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import type { AutoMLPipeline } from '../../automl/pipeline.ts';
import { sniffDelimiter } from '../../data/read-csv.ts';
import type { Column, ColumnKind } from '../../data/table.ts';
import { Table } from '../../data/table.ts';
import { type CsvRecord, CsvTokenizer } from '../../data/tokenizer.ts';
import { DEFAULT_MISSING, parseBoolean, parseDatetime, parseNumber } from '../../data/values.ts';
import { useEnvironmentModules } from '../env-modules.ts';
import { importModule, loadPipeline, type WorkerConfig } from '../worker.ts';
import type { BadRows, MiniBatchResult, Piece } from './plan.ts';

/** What a batch job's threads are started with. */
export interface BatchWorkerConfig {
  readonly modelFile: string;
  readonly modelDir: string;
  /** Absolute path of the scoring module, when the deployment has one. */
  readonly scoringScript?: string;
  /** Write predictions (append_row) or only count them (summary_only). */
  readonly writeRows: boolean;
  /** The deployment's Node environment: bare imports from its code folder resolve there first. */
  readonly modules?: WorkerConfig['modules'];
}

/** A task of a batch scoring thread. */
export type BatchTask =
  | { readonly op: 'describe' }
  | {
      readonly op: 'score';
      readonly index: number;
      readonly pieces: readonly Piece[];
      /** Where the part file goes (written to `<part>.tmp`, renamed when complete). */
      readonly partFile: string;
      /** The input's folder: the `file` column holds paths relative to it. */
      readonly root: string;
      /** The delimiter (an MLTable's); sniffed per file when absent. */
      readonly delimiter?: string;
    };

/** The answer to `describe`: the header of the output rows of a model (absent with a scoring module). */
export interface BatchDescription {
  readonly header?: readonly string[];
  readonly hasScript: boolean;
}

interface ScoringModule {
  readonly run: (miniBatch: string[]) => unknown;
}

interface Loaded {
  readonly pipeline: AutoMLPipeline | undefined;
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly kind: ColumnKind }>;
  readonly script: ScoringModule | undefined;
}

/**
 * Rows scored in one go: about one 256 KiB read of text. Bounded memory whatever the file
 * size, and short-lived enough that the rows die young (8,192 rows at a time cost a
 * quarter more CPU, in garbage collection of rows promoted to the old generation).
 */
const ROWS_PER_CHUNK = 1024;
/** Examples of bad rows sent back per mini-batch; the count is always exact. */
const MAX_EXAMPLES = 20;
const MISSING = new Set(DEFAULT_MISSING.map((m) => m.trim()));

const config = workerData as BatchWorkerConfig;
let loading: Promise<Loaded> | undefined;

async function load(): Promise<Loaded> {
  if (config.scoringScript !== undefined) {
    process.env.AZUREML_MODEL_DIR = config.modelDir;
    if (config.modules) useEnvironmentModules(config.modules.environmentDir, config.modules.codeDir);
    const mod = await importModule(config.scoringScript);
    if (typeof mod.run !== 'function')
      throw new Error(`the scoring module ${config.scoringScript} does not export a function run(miniBatch)`);
    if (mod.init !== undefined && typeof mod.init !== 'function')
      throw new Error(`the scoring module ${config.scoringScript} exports init, but it is not a function`);
    if (mod.init) await (mod.init as () => unknown)();
    return { pipeline: undefined, inputs: [], script: { run: mod.run as ScoringModule['run'] } };
  }
  const pipeline = loadPipeline(config.modelFile);
  const inputs = Object.entries(pipeline.inputTypes()).map(([name, kind]) => ({
    name,
    kind: kind as ColumnKind,
  }));
  return { pipeline, inputs, script: undefined };
}

/** The output columns of a model's rows. */
function modelHeader(pipeline: AutoMLPipeline): string[] {
  return [
    'file',
    'line',
    'prediction',
    ...(pipeline.task === 'classification' ? pipeline.classes.map((c) => `proba_${c}`) : []),
  ];
}

/**
 * A CSV cell: quoted when it holds a delimiter, a quote or a line break.
 *
 * @example
 * csvCell('a,b'); // '"a,b"'
 */
export function csvCell(value: unknown): string {
  const s =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Appends text to a file descriptor, all of it. */
function put(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** The delimiter of a file, sniffed from its first 64 KiB. */
function sniff(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return sniffDelimiter(buffer.subarray(0, n).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** The first record of a file (its header), read from the start however long it is. */
function headerOf(file: string, delimiter: string): CsvRecord | undefined {
  const fd = openSync(file, 'r');
  try {
    const tokenizer = new CsvTokenizer(delimiter);
    const buffer = Buffer.alloc(64 * 1024);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) return tokenizer.end()[0];
      position += n;
      const records = tokenizer.push(buffer.subarray(0, n).toString('utf8'));
      if (records.length > 0) return records[0];
    }
  } finally {
    closeSync(fd);
  }
}

/** Streams the records of a piece of a file, ROWS_PER_CHUNK at a time. */
async function* pieceRecords(piece: Piece, delimiter: string): AsyncGenerator<CsvRecord[]> {
  if (piece.end <= piece.start) return;
  const tokenizer = new CsvTokenizer(delimiter);
  const stream = createReadStream(piece.file, {
    start: piece.start,
    end: piece.end - 1,
    encoding: 'utf8',
    highWaterMark: 256 * 1024,
  });
  let pending: CsvRecord[] = [];
  for await (const chunk of stream as AsyncIterable<string>) {
    for (const r of tokenizer.push(chunk)) pending.push(r);
    if (pending.length >= ROWS_PER_CHUNK) {
      yield pending;
      pending = [];
    }
  }
  for (const r of tokenizer.end()) pending.push(r);
  if (pending.length > 0) yield pending;
}

/** Collects bad rows: every one counted, the first few kept as examples. */
class BadRowLog {
  count = 0;
  readonly examples: BadRows[] = [];

  add(file: string, line: number, reason: string, rows = 1): void {
    this.count += rows;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push({ file, line, reason, rows });
  }
}

/** Scores one piece of a file with the model, writing its rows to `fd`. */
async function scorePiece(
  loaded: Loaded,
  piece: Piece,
  label: string,
  delimiterOption: string | undefined,
  fd: number | undefined,
  bad: BadRowLog,
): Promise<number> {
  const pipeline = loaded.pipeline!;
  const delimiter = delimiterOption ?? sniff(piece.file);
  const header = headerOf(piece.file, delimiter);
  if (header === undefined) return 0; // an empty file: nothing to score, nothing wrong
  const names = header.fields.map((n) => n.trim());
  const width = names.length;
  const missing = loaded.inputs.filter((c) => !names.includes(c.name)).map((c) => c.name);
  const at = loaded.inputs.map((c) => names.indexOf(c.name));
  // the first piece holds the header as its first record
  let skipHeader = piece.start === 0;
  const lineOffset = piece.firstLine - 1;
  let rows = 0;
  let lacking = 0;
  let firstLacking = 0;
  const k = pipeline.task === 'classification' ? pipeline.classes.length : 0;
  for await (let records of pieceRecords(piece, delimiter)) {
    if (skipHeader) {
      records = records.slice(1);
      skipHeader = false;
    }
    if (records.length === 0) continue;
    if (missing.length > 0) {
      if (lacking === 0) firstLacking = lineOffset + records[0]!.line;
      lacking += records.length;
      continue;
    }
    const good: CsvRecord[] = [];
    const numbers = loaded.inputs.map((c) =>
      c.kind === 'categorical' || c.kind === 'text' ? undefined : new Float64Array(records.length),
    );
    const strings = loaded.inputs.map((c) =>
      c.kind === 'categorical' || c.kind === 'text' ? ([] as Array<string | null>) : undefined,
    );
    for (const r of records) {
      if (r.fields.length !== width) {
        bad.add(
          label,
          lineOffset + r.line,
          `the row has ${r.fields.length} fields, but the header has ${width}`,
        );
        continue;
      }
      const row = good.length;
      let reason: string | undefined;
      for (let c = 0; c < at.length; c++) {
        const cell = r.fields[at[c]!]!;
        const isMissing = MISSING.has(cell.trim());
        const column = loaded.inputs[c]!;
        const target = numbers[c];
        if (target === undefined) {
          strings[c]!.push(isMissing ? null : cell);
          continue;
        }
        if (isMissing) {
          target[row] = Number.NaN;
          continue;
        }
        const v =
          column.kind === 'numeric'
            ? parseNumber(cell)
            : column.kind === 'boolean'
              ? parseBoolean(cell)
              : parseDatetime(cell);
        if (v === undefined) {
          reason = `column '${column.name}' is ${column.kind}, but the value ${JSON.stringify(cell)} is not`;
          break;
        }
        target[row] = v;
      }
      if (reason !== undefined) {
        // undo the string cells this row already pushed
        for (const s of strings) if (s !== undefined && s.length > row) s.length = row;
        bad.add(label, lineOffset + r.line, reason);
        continue;
      }
      good.push(r);
    }
    if (good.length === 0) continue;
    const columns = loaded.inputs.map((c, i): Column => {
      const s = strings[i];
      if (s !== undefined) return { name: c.name, kind: c.kind as 'categorical' | 'text', values: s };
      return { name: c.name, kind: c.kind as 'numeric', values: numbers[i]!.subarray(0, good.length) };
    });
    rows += good.length;
    if (fd === undefined) continue;
    const raw = pipeline.predictRaw(new Table(columns));
    const labels = pipeline.labelsOf(raw);
    const file = csvCell(label);
    const lines: string[] = new Array(good.length);
    for (let i = 0; i < good.length; i++) {
      let line = `${file},${lineOffset + good[i]!.line},${csvCell(labels[i])}`;
      for (let j = 0; j < k; j++) line += `,${raw[i * k + j]}`;
      lines[i] = line;
    }
    put(fd, `${lines.join('\n')}\n`);
  }
  if (lacking > 0) {
    bad.add(
      label,
      firstLacking,
      `the file lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (header line ${header.line}): ${lacking} row${lacking === 1 ? '' : 's'} not scored`,
      lacking,
    );
  }
  return rows;
}

/** The rows a scoring module's run() returned, as CSV lines (and a header from the first object's keys). */
function moduleRows(value: unknown, index: number): { header: string[] | undefined; lines: string[] } {
  if (value === undefined || value === null) return { header: undefined, lines: [] };
  if (!Array.isArray(value))
    throw new Error(`run() of mini-batch ${index} returned ${typeof value}, expected a list of rows`);
  const first = value.find((r) => r !== null && typeof r === 'object' && !Array.isArray(r)) as
    | Record<string, unknown>
    | undefined;
  const header = first === undefined ? undefined : Object.keys(first);
  const lines = value.map((row: unknown) => {
    if (Array.isArray(row)) return row.map(csvCell).join(',');
    if (row !== null && typeof row === 'object') {
      const record = row as Record<string, unknown>;
      return (header ?? Object.keys(record)).map((key) => csvCell(record[key])).join(',');
    }
    return csvCell(row);
  });
  return { header, lines };
}

/**
 * Answers one task of a batch job's pool.
 *
 * @example
 * await handle({ op: 'describe' }); // { header: ['file', 'line', 'prediction', ...], hasScript: false }
 */
export default async function handle(task: BatchTask): Promise<BatchDescription | MiniBatchResult> {
  loading ??= load();
  const loaded = await loading;
  if (task.op === 'describe') {
    return loaded.pipeline ? { header: modelHeader(loaded.pipeline), hasScript: false } : { hasScript: true };
  }
  const started = performance.now();
  const temporary = `${task.partFile}.tmp`;
  const fd = config.writeRows ? openSync(temporary, 'w') : undefined;
  try {
    const bad = new BadRowLog();
    let rows = 0;
    let header: string[] | undefined;
    if (loaded.script) {
      const answer = await loaded.script.run(task.pieces.map((p) => p.file));
      const out = moduleRows(answer, task.index);
      header = out.header;
      rows = out.lines.length;
      if (fd !== undefined && out.lines.length > 0) put(fd, `${out.lines.join('\n')}\n`);
    } else {
      header = modelHeader(loaded.pipeline!);
      for (const piece of task.pieces) {
        rows += await scorePiece(
          loaded,
          piece,
          relativeLabel(task.root, piece.file),
          task.delimiter,
          fd,
          bad,
        );
      }
    }
    if (fd !== undefined) {
      closeSync(fd);
      renameSync(temporary, task.partFile);
    }
    return {
      index: task.index,
      rows,
      badRows: bad.count,
      examples: bad.examples,
      ...(header !== undefined ? { header } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      rmSync(temporary, { force: true });
    }
    throw error;
  }
}

/** A file's path relative to the input's folder (forward slashes), or its name. */
function relativeLabel(root: string, file: string): string {
  if (file.startsWith(root) && file.length > root.length) {
    return file
      .slice(root.length)
      .replace(/^[\\/]+/, '')
      .replaceAll('\\', '/');
  }
  return file.split(/[\\/]/).pop() ?? file;
}
