import { DataError } from '../errors.ts';
import type { Column, ColumnKind } from './table.ts';
import { parseBoolean, parseDatetime, parseNumber } from './values.ts';

/** A column as read: cells with missing markers already turned into null. */
export interface RawColumn {
  readonly name: string;
  readonly cells: ReadonlyArray<string | null>;
}

/** Where each row came from, to name the line of a bad cell. */
export interface CellOrigin {
  readonly file: string | undefined;
  /** 1-based line of each data row. */
  readonly lines: ArrayLike<number>;
  /** 1-based position of the column in the header. */
  readonly columnNumber: number;
}

/** Below this many non-missing values a column of distinct strings is still categorical. */
const MIN_ID_ROWS = 20;
const ID_NAME = /^(?:id|.*[_\s-]id|.*Id|index|row_?(?:id|number|num))$/i;

function allParse(cells: ReadonlyArray<string | null>, parse: (s: string) => unknown): boolean {
  let any = false;
  for (const c of cells) {
    if (c === null) continue;
    if (parse(c) === undefined) return false;
    any = true;
  }
  return any;
}

function distinctNonMissing(cells: ReadonlyArray<string | null>): { distinct: number; present: number } {
  const seen = new Set<string>();
  let present = 0;
  for (const c of cells) {
    if (c === null) continue;
    present++;
    seen.add(c);
  }
  return { distinct: seen.size, present };
}

/**
 * The kind a column's cells suggest: numeric when every present cell is a number
 * (except an integer column named like an ID with one distinct value per row, which is
 * `text`), boolean for true/false, yes/no, t/f, y/n words, datetime for ISO-like dates,
 * `text` for strings that are all distinct (IDs, free text; at least 20 of them),
 * categorical otherwise. An all-missing column is numeric (all NaN).
 *
 * @example
 * inferKind({ name: 'age', cells: ['31', null, '45'] }); // 'numeric'
 */
export function inferKind(raw: RawColumn): ColumnKind {
  const { cells } = raw;
  const { distinct, present } = distinctNonMissing(cells);
  if (present === 0) return 'numeric';
  const unique = distinct === present && present >= MIN_ID_ROWS;
  if (allParse(cells, parseNumber)) {
    const integers = allParse(cells, (s) => (Number.isInteger(parseNumber(s)) ? true : undefined));
    return unique && integers && ID_NAME.test(raw.name) ? 'text' : 'numeric';
  }
  if (allParse(cells, parseBoolean)) return 'boolean';
  if (allParse(cells, parseDatetime)) return 'datetime';
  return unique ? 'text' : 'categorical';
}

/**
 * Converts raw cells to a typed column; a present cell that does not parse as `kind`
 * is a DataError naming the file, line, column and value.
 *
 * @example
 * typeColumn({ name: 'x', cells: ['1', null] }, 'numeric', { file: 'a.csv', lines: [2, 3], columnNumber: 1 });
 */
export function typeColumn(raw: RawColumn, kind: ColumnKind, origin: CellOrigin): Column {
  const { name, cells } = raw;
  if (kind === 'categorical' || kind === 'text') return { name, kind, values: cells };
  const parse = kind === 'numeric' ? parseNumber : kind === 'boolean' ? parseBoolean : parseDatetime;
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c === null) {
      values[i] = Number.NaN;
      continue;
    }
    const v = parse(c);
    if (v === undefined) {
      const where = `${origin.file ?? '<text>'}:${origin.lines[i]}`;
      throw new DataError(
        `${where}: column ${origin.columnNumber} ('${name}') is ${kind}, but the value ${JSON.stringify(c)} is not a ${kind} value`,
        'E_DATA_PARSE',
      );
    }
    values[i] = v;
  }
  return { name, kind, values };
}
