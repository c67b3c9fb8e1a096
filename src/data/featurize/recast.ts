import { DataError } from '../../core/errors.ts';
import { type Column, type ColumnKind, isNumericColumn, Table } from '../table.ts';
import { parseBoolean, parseDatetime, parseNumber } from '../values.ts';

const PARSERS: Readonly<Record<'numeric' | 'boolean' | 'datetime', (cell: string) => number | undefined>> = {
  numeric: parseNumber,
  boolean: parseBoolean,
  datetime: parseDatetime,
};

/**
 * The column read as another kind (a featurization setting's column purpose): numbers
 * and dates as category text (`String(v)`, dates in ISO 8601), text as numbers,
 * booleans or dates (a cell that is none is a DataError naming the column, the row and
 * the value; empty cells stay missing), numbers as booleans; `why` opens the message.
 *
 * @example
 * recastColumn({ name: 'zip', kind: 'numeric', values: Float64Array.of(75001) }, 'categorical', 'column_name_and_types.zip');
 * // { name: 'zip', kind: 'categorical', values: ['75001'] }
 */
export function recastColumn(col: Column, kind: ColumnKind, why: string): Column {
  if (col.kind === kind) return col;
  if (kind === 'categorical' || kind === 'text') {
    if (!isNumericColumn(col)) return { name: col.name, kind, values: col.values };
    const show = col.kind === 'datetime' ? (v: number) => new Date(v).toISOString() : String;
    return {
      name: col.name,
      kind,
      values: Array.from(col.values, (v) => (Number.isNaN(v) ? null : show(v))),
    };
  }
  if (isNumericColumn(col)) {
    if (kind === 'datetime' || col.kind === 'datetime') {
      throw new DataError(
        `${why}: column '${col.name}' holds ${col.kind} values, which cannot be read as ${kind}`,
        'E_DATA_TYPE',
      );
    }
    return { name: col.name, kind, values: col.values };
  }
  const parse = PARSERS[kind];
  const values = new Float64Array(col.values.length);
  col.values.forEach((cell, row) => {
    if (cell === null || cell.trim() === '') {
      values[row] = Number.NaN;
      return;
    }
    const v = parse(cell);
    if (v === undefined) {
      throw new DataError(
        `${why}: column '${col.name}' is ${kind}, but row ${row + 1} holds '${cell}'`,
        'E_DATA_TYPE',
      );
    }
    values[row] = v;
  });
  return { name: col.name, kind, values };
}

/**
 * The table with the `kinds` given recast (see `recastColumn`) and the `ignored` columns left out.
 *
 * @example
 * recastTable(table, { zip: 'categorical' }, ['id'], 'featurization');
 */
export function recastTable(
  table: Table,
  kinds: Readonly<Record<string, ColumnKind>>,
  ignored: readonly string[],
  why: string,
): Table {
  const gone = new Set(ignored);
  return new Table(
    table.columns
      .filter((c) => !gone.has(c.name))
      .map((c) => (kinds[c.name] === undefined ? c : recastColumn(c, kinds[c.name]!, `${why}.${c.name}`))),
    table.notices,
  );
}
