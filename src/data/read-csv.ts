import { createReadStream } from 'node:fs';
import { DataError, ValidationError } from '../core/errors.ts';
import { inferKind, typeColumn } from './infer.ts';
import { type DatasetSchema, loadSchema, schemaTypes } from './schema.ts';
import { type StrayCells, strayNotice } from './strays.ts';
import { type ColumnKind, Table } from './table.ts';
import { type CsvRecord, CsvTokenizer, UnterminatedQuoteError } from './tokenizer.ts';
import { DEFAULT_MISSING } from './values.ts';

/** How to read a CSV file. Every field is optional. */
export interface CsvOptions {
  /** The field delimiter; sniffed among comma, semicolon and tab when absent. */
  readonly delimiter?: string;
  /** Whether the first record names the columns (default true). */
  readonly header?: boolean;
  /** Column names when there is no header row (default `column_1`, `column_2`...). */
  readonly columnNames?: readonly string[];
  /** Cells read as missing, compared after trimming (default '', NA, NaN, ?, null). */
  readonly missing?: readonly string[];
  /** Column kinds that override inference. */
  readonly types?: Readonly<Record<string, ColumnKind>>;
  /** A data set schema (object or path to a `.schema.json`) whose column kinds override inference; `types` wins over it. */
  readonly schema?: DatasetSchema | string;
}

const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'boolean', 'datetime', 'categorical', 'text'];
const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;
/** How much text the sniffer looks at. */
const SNIFF_CHARS = 64 * 1024;
const SNIFF_RECORDS = 50;

/**
 * Picks the delimiter (comma, semicolon or tab) that splits the sample's records into
 * the same number of fields most often, preferring more fields on ties and comma when
 * none splits anything. Quote-aware, so delimiters inside quoted fields do not count.
 *
 * @example
 * sniffDelimiter('a;b;c\n1;2,5;3\n'); // ';'
 */
export function sniffDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = -1;
  for (const d of CANDIDATE_DELIMITERS) {
    const t = new CsvTokenizer(d);
    let records: CsvRecord[];
    try {
      records = t.push(sample).slice(0, SNIFF_RECORDS);
    } catch {
      continue;
    }
    if (records.length === 0) records = safeEnd(t);
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.fields.length, (counts.get(r.fields.length) ?? 0) + 1);
    for (const [fields, times] of counts) {
      if (fields < 2) continue;
      // consistency first, then width
      const score = times * 1000 + fields;
      if (score > bestScore) {
        bestScore = score;
        best = d;
      }
    }
  }
  return best;
}

function safeEnd(t: CsvTokenizer): CsvRecord[] {
  try {
    return t.end();
  } catch {
    return [];
  }
}

/** A batch of records and the delimiter they were split with. */
export interface RecordBatch {
  readonly delimiter: string;
  readonly records: CsvRecord[];
}

/**
 * Streams a CSV file as batches of records (header included, as the first record),
 * holding only one chunk of text at a time. The delimiter is sniffed from the first 64 KiB
 * unless given. The text is UTF-8 unless `encoding` says otherwise (an MLTable may).
 *
 * @example
 * for await (const { records } of csvBatches('data.csv')) for (const r of records) console.log(r.line, r.fields);
 */
export async function* csvBatches(
  path: string,
  delimiter?: string,
  encoding: 'utf8' | 'latin1' | 'ascii' | 'utf16le' = 'utf8',
): AsyncGenerator<RecordBatch> {
  let tokenizer: CsvTokenizer | undefined;
  let chosen = delimiter;
  let pending = '';
  const stream = createReadStream(path, { encoding, highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (!tokenizer) {
        pending += chunk;
        if (chosen === undefined && pending.length < SNIFF_CHARS) continue;
        chosen ??= sniffDelimiter(pending);
        tokenizer = new CsvTokenizer(chosen);
        const records = tokenizer.push(pending);
        pending = '';
        if (records.length > 0) yield { delimiter: chosen, records };
        continue;
      }
      const records = tokenizer.push(chunk);
      if (records.length > 0) yield { delimiter: chosen!, records };
    }
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    throw new DataError(`cannot read ${path}: ${(cause as Error).message}`, 'E_DATA_READ');
  }
  if (!tokenizer) {
    chosen ??= sniffDelimiter(pending);
    tokenizer = new CsvTokenizer(chosen);
    const records = tokenizer.push(pending);
    if (records.length > 0) yield { delimiter: chosen, records };
  }
  const last = finish(tokenizer, path);
  if (last.length > 0) yield { delimiter: chosen!, records: last };
}

function finish(t: CsvTokenizer, file: string | undefined): CsvRecord[] {
  try {
    return t.end();
  } catch (e) {
    if (e instanceof UnterminatedQuoteError) {
      throw new DataError(`${file ?? '<text>'}:${e.line}: ${e.message}`, 'E_DATA_QUOTE');
    }
    throw e;
  }
}

/**
 * Collects records into raw columns (missing markers turned into null), checking that
 * every row has as many fields as the header, then types them.
 */
export class TableBuilder {
  readonly names: string[];
  private readonly cells: Array<Array<string | null>>;
  private readonly lines: number[] = [];
  private readonly missing: Set<string>;
  private readonly headerLine: number;
  /** After `build`: the stray cells of every numeric column (see `strays.ts`), clean ones included. */
  strays: StrayCells[] = [];

  constructor(
    names: readonly string[],
    private readonly file: string | undefined,
    missing: readonly string[] = DEFAULT_MISSING,
    headerLine = 1,
  ) {
    this.names = names.map((n, i) => (n.trim() === '' ? `column_${i + 1}` : n.trim()));
    const seen = new Set<string>();
    for (const n of this.names) {
      if (seen.has(n)) {
        throw new DataError(
          `${file ?? '<text>'}:${headerLine}: two columns are named '${n}'`,
          'E_DATA_HEADER',
        );
      }
      seen.add(n);
    }
    this.cells = this.names.map(() => []);
    this.missing = new Set(missing.map((m) => m.trim()));
    this.headerLine = headerLine;
  }

  add(records: readonly CsvRecord[]): void {
    const width = this.names.length;
    for (const r of records) {
      if (r.fields.length !== width) {
        throw new DataError(
          `${this.file ?? '<text>'}:${r.line}: the row has ${r.fields.length} fields, but the header (line ${this.headerLine}) has ${width}`,
          'E_DATA_RAGGED',
        );
      }
      for (let c = 0; c < width; c++) {
        const v = r.fields[c]!;
        this.cells[c]!.push(this.missing.has(v.trim()) ? null : v);
      }
      this.lines.push(r.line);
    }
  }

  /** Data rows added so far. */
  get nRows(): number {
    return this.lines.length;
  }

  /**
   * Types every column: `types` first, then inference. Stray strings in numeric columns
   * are read as missing and said in the table's notices (and in `strays`).
   */
  build(types: Readonly<Record<string, ColumnKind>> = {}): Table {
    for (const name of Object.keys(types)) {
      if (!this.names.includes(name)) {
        throw new ValidationError(
          `a type is given for column '${name}', which ${this.file ?? 'the data'} does not have (columns: ${this.names.join(', ')})`,
          { path: `types.${name}` },
        );
      }
      if (!COLUMN_KINDS.includes(types[name]!)) {
        throw new ValidationError(
          `the type of column '${name}' must be one of ${COLUMN_KINDS.join(', ')}, got ${JSON.stringify(types[name])}`,
          { path: `types.${name}` },
        );
      }
    }
    const strays: StrayCells[] = [];
    const columns = this.names.map((name, c) => {
      const raw = { name, cells: this.cells[c]! };
      // own keys only: a column named 'constructor' or '__proto__' must not find Object's
      const kind = Object.hasOwn(types, name) ? types[name]! : inferKind(raw);
      return typeColumn(raw, kind, { file: this.file, lines: this.lines, columnNumber: c + 1 }, strays);
    });
    this.strays = strays;
    return new Table(columns, strays.filter((s) => s.strays > 0).map(strayNotice));
  }
}

function resolveTypes(options: CsvOptions): Record<string, ColumnKind> {
  const schema = typeof options.schema === 'string' ? loadSchema(options.schema) : options.schema;
  return { ...(schema ? schemaTypes(schema) : {}), ...(options.types ?? {}) };
}

function headerOf(first: CsvRecord | undefined, options: CsvOptions): { names: string[]; dataStart: number } {
  if (options.header === false) {
    const width = options.columnNames?.length ?? first?.fields.length ?? 0;
    const names = options.columnNames ?? Array.from({ length: width }, (_, i) => `column_${i + 1}`);
    return { names: [...names], dataStart: 0 };
  }
  return { names: first?.fields ?? [], dataStart: 1 };
}

/**
 * Reads a CSV file into a typed Table, streaming it in chunks. Handles quoted fields with
 * delimiters and line breaks, `""` escapes, CRLF, a UTF-8 BOM and blank lines; sniffs the
 * delimiter; infers column kinds unless `types`/`schema` fix them. A row with the wrong
 * number of fields, or a cell that does not parse in a typed column, is a DataError
 * naming the file and line.
 *
 * @example
 * const table = await readCsv('datasets/boston_housing.csv', { schema: 'datasets/boston_housing.schema.json' });
 * table.get('chas').kind; // 'categorical'
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  const types = resolveTypes(options);
  let builder: TableBuilder | undefined;
  for await (const { records } of csvBatches(path, options.delimiter)) {
    let rest = records;
    if (!builder) {
      const { names, dataStart } = headerOf(records[0], options);
      builder = new TableBuilder(names, path, options.missing, records[0]?.line ?? 1);
      rest = records.slice(dataStart);
    }
    builder.add(rest);
  }
  if (!builder) throw new DataError(`${path} is empty (no header row)`, 'E_DATA_EMPTY');
  return builder.build(types);
}

/**
 * The column names of a CSV file (as `readCsv` would name them) and whether any data row
 * follows, reading only as far as the first data row: to check a file's columns before
 * long work. An empty file is a DataError (`E_DATA_EMPTY`).
 *
 * @example
 * const { names, hasRows } = await readCsvHeader('test.csv');
 */
export async function readCsvHeader(
  path: string,
  options: Pick<CsvOptions, 'delimiter' | 'header' | 'columnNames'> = {},
): Promise<{ names: string[]; hasRows: boolean }> {
  let names: string[] | undefined;
  let hasRows = false;
  for await (const { records } of csvBatches(path, options.delimiter)) {
    let rows = records.length;
    if (names === undefined) {
      const header = headerOf(records[0], options);
      names = new TableBuilder(header.names, path, undefined, records[0]?.line ?? 1).names;
      rows -= header.dataStart;
    }
    if (rows > 0) {
      hasRows = true;
      break;
    }
  }
  if (names === undefined) throw new DataError(`${path} is empty (no header row)`, 'E_DATA_EMPTY');
  return { names, hasRows };
}

/**
 * `readCsv` for CSV text already in memory.
 *
 * @example
 * parseCsv('x;y\n1;a\n2;b').get('y').kind; // 'categorical'
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const delimiter = options.delimiter ?? sniffDelimiter(text.slice(0, SNIFF_CHARS));
  const t = new CsvTokenizer(delimiter);
  const records = [...t.push(text), ...finish(t, undefined)];
  if (records.length === 0 && options.header !== false) {
    throw new DataError('<text> is empty (no header row)', 'E_DATA_EMPTY');
  }
  const { names, dataStart } = headerOf(records[0], options);
  const builder = new TableBuilder(names, undefined, options.missing, records[0]?.line ?? 1);
  builder.add(records.slice(dataStart));
  return builder.build(resolveTypes(options));
}
