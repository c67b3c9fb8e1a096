import { DataError, ShapeError } from '../core/errors.ts';

/**
 * The kinds of column a Table holds. `numeric`, `boolean` (1/0) and `datetime` (epoch
 * milliseconds, UTC) are stored as Float64Array with NaN for missing; `categorical` and
 * `text` (ID-like free text, one distinct value per row) as strings with null for missing.
 */
export type ColumnKind = 'numeric' | 'boolean' | 'datetime' | 'categorical' | 'text';

/** The column kinds stored as numbers (Float64Array, NaN for missing). */
export type NumericKind = 'numeric' | 'boolean' | 'datetime';
/** The column kinds stored as strings (null for missing). */
export type StringKind = 'categorical' | 'text';

/** A column of numbers: numeric, boolean (1/0) or datetime (epoch milliseconds, UTC); NaN is missing. */
export interface NumericColumn {
  readonly name: string;
  readonly kind: NumericKind;
  readonly values: Float64Array;
}

/** A column of strings: categorical or text; null is missing. */
export interface StringColumn {
  readonly name: string;
  readonly kind: StringKind;
  readonly values: ReadonlyArray<string | null>;
}

/** One named, typed column of a Table; `isNumericColumn` tells the two forms apart. */
export type Column = NumericColumn | StringColumn;

/** Whether a column stores numbers (NaN = missing) rather than strings. */
export function isNumericColumn(c: Column): c is NumericColumn {
  return c.kind === 'numeric' || c.kind === 'boolean' || c.kind === 'datetime';
}

/**
 * A columnar table: named, typed columns of equal length. Immutable; `select`, `drop`
 * and `take` return new tables that share nothing mutable with this one (they keep the
 * notices).
 *
 * @example
 * const t = new Table([{ name: 'x', kind: 'numeric', values: new Float64Array([1, 2]) }]);
 * t.get('x').kind; // 'numeric'
 */
export class Table {
  readonly columns: readonly Column[];
  readonly nRows: number;
  /**
   * What reading assumed about the data that a person should know, one line each, e.g.
   * stray strings of a numeric column read as missing. Travels with the table so
   * whoever uses it (AutoML's result, the CLI's stderr) can say so.
   */
  readonly notices: readonly string[];
  private readonly byName: Map<string, Column>;

  constructor(columns: readonly Column[], notices: readonly string[] = []) {
    this.columns = columns;
    this.notices = notices;
    this.nRows = columns[0]?.values.length ?? 0;
    this.byName = new Map();
    for (const c of columns) {
      if (c.values.length !== this.nRows) {
        throw new ShapeError(
          `column '${c.name}' has ${c.values.length} values, but '${columns[0]!.name}' has ${this.nRows}`,
        );
      }
      if (this.byName.has(c.name)) throw new DataError(`the table has two columns named '${c.name}'`);
      this.byName.set(c.name, c);
    }
  }

  /** Column names in order. */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The named column; a DataError listing the available names when there is none. */
  get(name: string): Column {
    const c = this.byName.get(name);
    if (!c) {
      throw new DataError(
        `no column named '${name}'; the table has: ${this.names.join(', ')}`,
        'E_DATA_MISSING_COLUMN',
      );
    }
    return c;
  }

  /** A table of the named columns, in the order given. */
  select(names: readonly string[]): Table {
    return new Table(
      names.map((n) => this.get(n)),
      this.notices,
    );
  }

  /** A table without the named columns. */
  drop(names: readonly string[]): Table {
    const gone = new Set(names);
    for (const n of names) this.get(n);
    return new Table(
      this.columns.filter((c) => !gone.has(c.name)),
      this.notices,
    );
  }

  /** The rows at `indices`, in that order (copies). */
  take(indices: ArrayLike<number>): Table {
    return new Table(
      this.columns.map((c) => takeColumn(c, indices)),
      this.notices,
    );
  }
}

function takeColumn(c: Column, indices: ArrayLike<number>): Column {
  const n = indices.length;
  if (isNumericColumn(c)) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[indices[i]!]!;
    return { name: c.name, kind: c.kind, values };
  }
  const values = new Array<string | null>(n);
  for (let i = 0; i < n; i++) values[i] = c.values[indices[i]!]!;
  return { name: c.name, kind: c.kind, values };
}
