/**
 * Parsing of single CSV cells into typed values. Every parser returns `undefined` for a
 * cell it cannot read, so type inference can try them in turn and typed columns can
 * report the exact cell that failed.
 */

/** The cells read as missing unless `missing` is given: '', NA, NaN, ?, null (exact match after trimming). */
export const DEFAULT_MISSING: readonly string[] = ['', 'NA', 'NaN', '?', 'null'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number (optional sign, digits, point, exponent; surrounding spaces allowed),
 * or `undefined`. Stricter than `Number()`, which also reads '0x1f' and ''.
 *
 * @example
 * parseNumber(' 1.5e3 '); // 1500
 * parseNumber('12abc');   // undefined
 */
export function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  return NUMBER.test(s) ? Number(s) : undefined;
}

const TRUE_WORDS = new Set(['true', 'yes', 't', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'f', 'n']);

/**
 * true/yes/t/y as 1 and false/no/f/n as 0 (any case), or `undefined`.
 *
 * @example
 * parseBoolean('Yes'); // 1
 */
export function parseBoolean(cell: string): 0 | 1 | undefined {
  const s = cell.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return 1;
  if (FALSE_WORDS.has(s)) return 0;
  return undefined;
}

const DATETIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-like date or date-time (`2024-01-31`, `2024/1/31 08:15`, `2024-01-31T08:15:00.5Z`,
 * with an optional offset) as epoch milliseconds, or `undefined`. A time without an
 * offset is read as UTC, so results never depend on the machine's time zone.
 *
 * @example
 * parseDatetime('1970-01-02'); // 86400000
 */
export function parseDatetime(cell: string): number | undefined {
  const m = DATETIME.exec(cell.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, fraction] = [1, 2, 3, 4, 5, 6, 7].map((i) => m[i]);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  let t = Date.UTC(Number(year), mo - 1, d, Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), ms);
  const check = new Date(t);
  if (check.getUTCDate() !== d) return undefined; // e.g. 2023-02-30
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}
