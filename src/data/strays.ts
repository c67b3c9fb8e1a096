/**
 * Stray strings in numeric columns: a few cells like `n/a`, `unknown` or `-` among
 * numbers. They are read as missing (with a notice that counts them) instead of turning
 * the whole column categorical at training or failing at prediction. The same rule
 * holds wherever a numeric column is read: inference, a given `types`/schema kind, and
 * a saved pipeline's input kinds at `predict`.
 */

/**
 * Most stray cells a numeric column may hold, as a share of its non-missing cells: 5%.
 * So at least 19 numbers per stray, which also means a column needs 20 present cells
 * before one stray is forgiven; a column with more strings than that is not numeric.
 */
export const STRAY_SHARE = 0.05;

/**
 * The stray cells of one numeric column: how many, out of how many present, and the
 * first. Kept for every numeric column read (`strays` 0 when clean), so totals over
 * streamed batches count every present cell.
 */
export interface StrayCells {
  readonly column: string;
  /** The file they came from, when read from one. */
  readonly file: string | undefined;
  /** Non-missing cells that are not numbers. */
  readonly strays: number;
  /** Non-missing cells in all. */
  readonly present: number;
  /** The first stray value and its 1-based line (none when `strays` is 0). */
  readonly example: string | undefined;
  readonly line: number | undefined;
}

/**
 * Whether `strays` non-numbers among `present` non-missing cells still make a numeric
 * column (then they are read as missing): at most {@link STRAY_SHARE} of the cells.
 *
 * @example
 * allowsStrays(2, 1000); // true
 * allowsStrays(1, 10);   // false: a tenth of the column is not a stray
 */
export function allowsStrays(strays: number, present: number): boolean {
  return strays <= STRAY_SHARE * present;
}

/**
 * The one-line notice for a column's stray cells.
 *
 * @example
 * strayNotice({ column: 'age', file: 'train.csv', strays: 2, present: 1000, example: 'n/a', line: 17 });
 * // "train.csv: column 'age': 2 of 1000 values are not numbers (e.g. 'n/a' at line 17); read as missing"
 */
export function strayNotice(s: StrayCells): string {
  const where = s.line === undefined ? '' : ` at line ${s.line}`;
  const verb = s.strays === 1 ? 'is not a number' : 'are not numbers';
  return `${s.file === undefined ? '' : `${s.file}: `}column '${s.column}': ${s.strays} of ${s.present} values ${verb} (e.g. '${s.example}'${where}); read as missing`;
}

/**
 * Adds up stray cells per column over several batches of one file (streamed scoring),
 * keeping the first example, so one notice per column says the totals.
 *
 * @example
 * const tally = new StrayTally();
 * tally.add(batch1Strays); tally.add(batch2Strays);
 * tally.notices(); // ["new.csv: column 'age': 3 of 5000 values are not numbers (e.g. 'n/a' at line 17); read as missing"]
 */
export class StrayTally {
  private readonly byColumn = new Map<string, StrayCells>();

  add(strays: readonly StrayCells[]): void {
    for (const s of strays) {
      const seen = this.byColumn.get(s.column);
      if (!seen) {
        this.byColumn.set(s.column, s);
        continue;
      }
      const first = seen.example === undefined ? s : seen;
      this.byColumn.set(s.column, {
        ...seen,
        strays: seen.strays + s.strays,
        present: seen.present + s.present,
        example: first.example,
        line: first.line,
      });
    }
  }

  /** One notice per column with stray cells, in the order the columns were first seen. */
  notices(): string[] {
    return [...this.byColumn.values()].filter((s) => s.strays > 0).map(strayNotice);
  }
}
