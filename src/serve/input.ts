/**
 * Rows of a request, checked against the model's schema and turned into the columns a
 * scoring worker builds its Table from. Every protocol first reads its payload into a
 * `Frame` (rows with column names, records, or named columns); `frameColumns` then checks
 * each cell against the kind the column had in training and answers an InputError naming
 * the column and the row (0-based, as in the request) for the first cell it cannot use.
 */
import { DataError } from '../core/errors.ts';
import { parseBoolean, parseDatetime, parseNumber } from '../data/values.ts';
import type { ModelSchema, SchemaColumn } from './schema.ts';

/** A request's rows as a protocol read them, before any check against the schema. */
export type Frame =
  /** Rows of cells; `columns` names them (absent: the schema's input order). */
  | { readonly kind: 'rows'; readonly columns?: readonly string[]; readonly rows: readonly unknown[] }
  /** One object per row (`dataframe_records`, `instances`, Azure's `data: [{...}]`). */
  | { readonly kind: 'records'; readonly records: readonly unknown[] }
  /** Named columns of equal length (`inputs: {col: [...]}`, OIP's tensors). */
  | { readonly kind: 'columns'; readonly columns: Readonly<Record<string, readonly unknown[]>> };

/** One column ready for a worker: numbers (NaN missing) or strings (null missing). */
export type InputColumnValues = Float64Array | Array<string | null>;

/** A request's rows, checked, as columns in the schema's input order. */
export interface ScoringInput {
  readonly nRows: number;
  readonly columns: readonly InputColumnValues[];
}

/** A request whose rows the model cannot use: answered 400 with the column and row named. */
export class InputError extends DataError {
  readonly column: string | undefined;
  readonly row: number | undefined;

  constructor(message: string, where: { column?: string; row?: number } = {}) {
    super(message, 'E_SERVE_INPUT');
    this.column = where.column;
    this.row = where.row;
  }
}

const NUMERIC_KINDS = new Set(['numeric', 'boolean', 'datetime']);

/** A JSON value as one short phrase for messages (long strings cut). */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A cell of a numeric, boolean or datetime column as a number (NaN = missing), or undefined. */
function numberCell(kind: string, value: unknown): number | undefined {
  if (value === null || value === undefined) return Number.NaN;
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === 0 || value === 1) return value;
    return typeof value === 'string' ? (value.trim() === '' ? Number.NaN : parseBoolean(value)) : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') return Number.NaN;
  return kind === 'datetime' ? parseDatetime(value) : parseNumber(value);
}

/** A cell of a categorical or text column as a string (null = missing), or undefined. */
function stringCell(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const KIND_WORDS: Record<string, string> = {
  numeric: 'a number',
  boolean: 'a boolean',
  datetime: 'a date (ISO text or epoch milliseconds)',
  categorical: 'a category (a string)',
  text: 'a string',
};

/** The known levels of each schema column, built once per column, not once per request. */
const levels = new WeakMap<SchemaColumn, ReadonlySet<string>>();

function levelsOf(column: SchemaColumn): ReadonlySet<string> | undefined {
  if (column.categories === undefined) return undefined;
  let known = levels.get(column);
  if (known === undefined) {
    known = new Set(column.categories);
    levels.set(column, known);
  }
  return known;
}

/**
 * The schema with no category checks: unseen levels then reach the featurizer, which
 * encodes them as it does any level it never saw (all-zero one-hot, zero frequency, the
 * target prior).
 *
 * @example
 * frameColumns(frame, acceptingUnknownCategories(schema));
 */
export function acceptingUnknownCategories(schema: ModelSchema): ModelSchema {
  return { ...schema, inputs: schema.inputs.map(({ name, kind }) => ({ name, kind })) };
}

/** Fills `out` from `cell(row)` for every row, checking each against the column's kind. */
function fillColumn(column: SchemaColumn, n: number, cell: (row: number) => unknown): InputColumnValues {
  if (NUMERIC_KINDS.has(column.kind)) {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const raw = cell(r);
      const v = numberCell(column.kind, raw);
      if (v === undefined) {
        throw new InputError(
          `column '${column.name}', row ${r}: expected ${KIND_WORDS[column.kind]}, got ${show(raw)}`,
          { column: column.name, row: r },
        );
      }
      out[r] = v;
    }
    return out;
  }
  const known = levelsOf(column);
  const out = new Array<string | null>(n);
  for (let r = 0; r < n; r++) {
    const raw = cell(r);
    const v = stringCell(raw);
    if (v === undefined) {
      throw new InputError(
        `column '${column.name}', row ${r}: expected ${KIND_WORDS[column.kind]}, got ${show(raw)}`,
        { column: column.name, row: r },
      );
    }
    if (v !== null && known && !known.has(v)) {
      throw new InputError(
        `column '${column.name}', row ${r}: the category ${show(v)} was not seen in training (known: ${column.categories!.slice(0, 10).map(show).join(', ')}${column.categories!.length > 10 ? ', ...' : ''})`,
        { column: column.name, row: r },
      );
    }
    out[r] = v;
  }
  return out;
}

function missingColumn(schema: ModelSchema, present: (name: string) => boolean): void {
  const lacking = schema.inputs.filter((c) => !present(c.name)).map((c) => c.name);
  if (lacking.length > 0) {
    throw new InputError(
      `the request lacks ${lacking.length === 1 ? 'the column' : 'the columns'} ${lacking.map((n) => `'${n}'`).join(', ')}, which the model was trained with (columns: ${schema.inputs.map((c) => c.name).join(', ')})`,
      { column: lacking[0]! },
    );
  }
}

function rowsInput(frame: Extract<Frame, { kind: 'rows' }>, schema: ModelSchema): ScoringInput {
  const names = frame.columns ?? schema.inputs.map((c) => c.name);
  if (frame.columns !== undefined) {
    const seen = new Set<string>();
    for (const name of names) {
      if (typeof name !== 'string') throw new InputError(`column names must be strings, got ${show(name)}`);
      if (seen.has(name)) throw new InputError(`the column '${name}' is named twice`, { column: name });
      seen.add(name);
    }
    missingColumn(schema, (n) => seen.has(n));
  }
  const rows = frame.rows;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row)) {
      throw new InputError(`row ${r}: expected a list of ${names.length} values, got ${show(row)}`, {
        row: r,
      });
    }
    if (row.length !== names.length) {
      throw new InputError(
        `row ${r} has ${row.length} values, but there are ${names.length} columns (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`,
        { row: r },
      );
    }
  }
  const index = new Map(names.map((n, i) => [n, i]));
  return {
    nRows: rows.length,
    columns: schema.inputs.map((c) => {
      const i = index.get(c.name)!;
      return fillColumn(c, rows.length, (r) => (rows[r] as unknown[])[i]);
    }),
  };
}

function recordsInput(records: readonly unknown[], schema: ModelSchema): ScoringInput {
  for (let r = 0; r < records.length; r++) {
    if (!isObject(records[r])) {
      throw new InputError(`row ${r}: expected an object of column values, got ${show(records[r])}`, {
        row: r,
      });
    }
  }
  const rows = records as ReadonlyArray<Record<string, unknown>>;
  // a column every record lacks is missing; a key absent from some records is a missing value
  missingColumn(schema, (n) => rows.length === 0 || rows.some((row) => Object.hasOwn(row, n)));
  return {
    nRows: rows.length,
    columns: schema.inputs.map((c) =>
      fillColumn(c, rows.length, (r) => (Object.hasOwn(rows[r]!, c.name) ? rows[r]![c.name] : null)),
    ),
  };
}

function columnsInput(
  columns: Readonly<Record<string, readonly unknown[]>>,
  schema: ModelSchema,
): ScoringInput {
  missingColumn(schema, (n) => Object.hasOwn(columns, n));
  let nRows: number | undefined;
  let first = '';
  for (const c of schema.inputs) {
    const values = columns[c.name];
    if (!Array.isArray(values)) {
      throw new InputError(`column '${c.name}': expected a list of values, got ${show(values)}`, {
        column: c.name,
      });
    }
    if (nRows === undefined) {
      nRows = values.length;
      first = c.name;
    } else if (values.length !== nRows) {
      throw new InputError(`column '${c.name}' has ${values.length} values, but '${first}' has ${nRows}`, {
        column: c.name,
      });
    }
  }
  const n = nRows ?? 0;
  return {
    nRows: n,
    columns: schema.inputs.map((c) => fillColumn(c, n, (r) => columns[c.name]![r])),
  };
}

/**
 * Checks a frame against the schema and returns its columns in the schema's order. Extra
 * columns are ignored; a lacking column, a row of the wrong length, or a cell of the wrong
 * type or an unknown category is an InputError naming the column and row.
 *
 * @example
 * frameColumns({ kind: 'records', records: [{ x: 1, city: 'Paris' }] }, schema).nRows; // 1
 */
export function frameColumns(frame: Frame, schema: ModelSchema): ScoringInput {
  switch (frame.kind) {
    case 'rows':
      return rowsInput(frame, schema);
    case 'records':
      return recordsInput(frame.records, schema);
    case 'columns':
      return columnsInput(frame.columns, schema);
  }
}

/** Whether a JSON value is a plain object (not an array, not null). */
export { isObject };
