/**
 * Tables in collected payloads: `{columns, data}` (rows of cells, Azure's `input_data`)
 * or `{columns, values}` (one array or typed array per column, as a scoring thread holds
 * them), seen as row objects, and the cheap row counts that bound the collector's memory.
 */
import type { CollectedRecord } from './types.ts';

/** A payload that is a table: row-major `{columns, data}` or column-major `{columns, values}`. */
export interface TableView {
  readonly columns: readonly unknown[];
  readonly nRows: number;
  readonly rows?: readonly (readonly unknown[])[];
  readonly values?: readonly ArrayLike<unknown>[];
}

export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * The table a payload holds, when it is one: `{columns, data}` (rows of cells, Azure's
 * `input_data` shape) or `{columns, values}` (one array per column, typed arrays
 * welcome: what a scoring worker gets, passed as it is with no copy on the request path).
 */
export function tableOf(value: unknown): TableView | undefined {
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
export function rowsOf(record: CollectedRecord): number {
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
