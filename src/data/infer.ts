import { DataError } from '../core/errors.ts';
import { allowsStrays, STRAY_SHARE, type StrayCells } from './strays.ts';
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

/** Present cells that are not numbers, and whether every number is an integer. */
function numberCensus(cells: ReadonlyArray<string | null>): { strays: number; integers: boolean } {
  let strays = 0;
  let integers = true;
  for (const c of cells) {
    if (c === null) continue;
    const x = parseNumber(c);
    if (x === undefined) strays++;
    else if (!Number.isInteger(x)) integers = false;
  }
  return { strays, integers };
}

/**
 * The kind a column's cells suggest: numeric when its present cells are numbers but for
 * at most 5% stray strings (`n/a`, `unknown`; read as missing, see `strays.ts`), except
 * an all-integer column named like an ID with one distinct value per row, which is
 * `text`; boolean for true/false, yes/no, t/f, y/n words, datetime for ISO-like dates,
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
  const { strays, integers } = numberCensus(cells);
  if (strays < present && allowsStrays(strays, present)) {
    return unique && integers && strays === 0 && ID_NAME.test(raw.name) ? 'text' : 'numeric';
  }
  if (allParse(cells, parseBoolean)) return 'boolean';
  if (allParse(cells, parseDatetime)) return 'datetime';
  return unique ? 'text' : 'categorical';
}

/**
 * Converts raw cells to a typed column. A numeric column reads stray strings (at most 5%
 * of its present cells, see `strays.ts`) as missing and records them in `strays` (one
 * entry per numeric column, also when clean); any other present cell that does not
 * parse as `kind` is a DataError naming the file, line, column and value.
 *
 * @example
 * const strays: StrayCells[] = [];
 * typeColumn({ name: 'x', cells: ['1', null] }, 'numeric', { file: 'a.csv', lines: [2, 3], columnNumber: 1 }, strays);
 */
export function typeColumn(
  raw: RawColumn,
  kind: ColumnKind,
  origin: CellOrigin,
  strays: StrayCells[] = [],
): Column {
  const { name, cells } = raw;
  if (kind === 'categorical' || kind === 'text') return { name, kind, values: cells };
  const parse = kind === 'numeric' ? parseNumber : kind === 'boolean' ? parseBoolean : parseDatetime;
  const values = new Float64Array(cells.length);
  let present = 0;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c === null) {
      values[i] = Number.NaN;
      continue;
    }
    present++;
    const v = parse(c);
    if (v === undefined) {
      bad++;
      if (first < 0) first = i;
      values[i] = Number.NaN;
    } else values[i] = v;
  }
  if (bad === 0) {
    if (kind === 'numeric')
      strays.push({
        column: name,
        file: origin.file,
        strays: 0,
        present,
        example: undefined,
        line: undefined,
      });
    return { name, kind, values };
  }
  const c = cells[first]!;
  const line = origin.lines[first];
  if (kind === 'numeric' && allowsStrays(bad, present)) {
    strays.push({ column: name, file: origin.file, strays: bad, present, example: c, line });
    return { name, kind, values };
  }
  const share =
    kind === 'numeric'
      ? ` (${bad} of ${present} values are not numbers; at most ${STRAY_SHARE * 100}% are read as missing)`
      : '';
  throw new DataError(
    `${origin.file ?? '<text>'}:${line}: column ${origin.columnNumber} ('${name}') is ${kind}, but the value ${JSON.stringify(c)} is not a ${kind} value${share}`,
    'E_DATA_PARSE',
  );
}
