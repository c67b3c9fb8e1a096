import { DataError } from '../../core/errors.ts';
import { type Column, isNumericColumn } from '../table.ts';
import { parseDatetime, parseNumber } from '../values.ts';
import type { ColumnPlan, DatetimePart } from './plan.ts';

/** The column's cells as numbers (NaN = missing), parsing strings when the table typed it otherwise. */
function asNumbers(col: Column, kind: 'numeric' | 'datetime'): Float64Array {
  if (isNumericColumn(col)) return col.values;
  const parse = kind === 'numeric' ? parseNumber : parseDatetime;
  const out = new Float64Array(col.values.length);
  for (let i = 0; i < out.length; i++) {
    const s = col.values[i];
    if (s === null || s === undefined) {
      out[i] = Number.NaN;
      continue;
    }
    const v = parse(s);
    if (v === undefined) {
      throw new DataError(
        `column '${col.name}' was ${kind} in the training data, but row ${i + 1} holds ${JSON.stringify(s)}`,
        'E_DATA_PARSE',
      );
    }
    out[i] = v;
  }
  return out;
}

/** The column's cells as strings (null = missing), printing numbers when the table typed it otherwise. */
export function asStrings(col: Column): ReadonlyArray<string | null> {
  if (!isNumericColumn(col)) return col.values;
  return Array.from(col.values, (v) => (Number.isNaN(v) ? null : String(v)));
}

const DAY_MS = 86_400_000;

function datetimePart(t: number, part: DatetimePart): number {
  const d = new Date(t);
  switch (part) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'weekday':
      return d.getUTCDay();
    case 'hour':
      return d.getUTCHours() + d.getUTCMinutes() / 60;
    case 'dayofyear':
      return Math.floor((t - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
    case 'epoch_days':
      return t / DAY_MS;
  }
}

/** Target encodings to use for some rows instead of the plan's (cross-fitting of training rows). */
export type TargetOverride = (row: number, level: string) => readonly number[];

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Writes the features of one planned column into the column-major buffer `out` (with
 * `nRows` rows) from output column `offset` on; returns how many columns it wrote.
 *
 * @example
 * const written = encodeColumn(plan, table.get(plan.column), data, 3, table.nRows);
 */
export function encodeColumn(
  plan: ColumnPlan,
  col: Column,
  out: Float64Array,
  offset: number,
  nRows: number,
  override?: TargetOverride,
): number {
  let c = offset;
  const base = (k: number) => (c + k) * nRows;
  let missing: (row: number) => boolean;
  if (plan.type === 'numeric' || plan.type === 'datetime') {
    const values = asNumbers(col, plan.type);
    missing = (r) => Number.isNaN(values[r]!);
    if (plan.informative) {
      const parts = plan.type === 'datetime' ? plan.parts : undefined;
      for (let r = 0; r < nRows; r++) {
        const v = Number.isNaN(values[r]!) ? plan.fill : values[r]!;
        if (!parts) {
          out[base(0) + r] = v;
          continue;
        }
        for (let k = 0; k < parts.length; k++) out[base(k) + r] = datetimePart(v, parts[k]!);
      }
      c += parts ? parts.length : 1;
    }
  } else {
    const cells = asStrings(col);
    missing = (r) => cells[r] === null;
    if (plan.informative) {
      if (plan.type === 'onehot') {
        const index = new Map(plan.levels.map((l, k) => [l, k]));
        for (let r = 0; r < nRows; r++) {
          const k = index.get(cells[r] ?? plan.fill);
          if (k !== undefined) out[base(k) + r] = 1;
        }
        c += plan.levels.length;
      } else if (plan.type === 'frequency') {
        for (let r = 0; r < nRows; r++) out[base(0) + r] = lookup(plan.frequency, cells[r] ?? plan.fill) ?? 0;
        c += 1;
      } else {
        const w = plan.prior.length;
        for (let r = 0; r < nRows; r++) {
          const level = cells[r] ?? plan.fill;
          const enc = override ? override(r, level) : (lookup(plan.encoding, level) ?? plan.prior);
          for (let k = 0; k < w; k++) out[base(k) + r] = enc[k]!;
        }
        c += w;
      }
    }
  }
  if (plan.indicator) {
    for (let r = 0; r < nRows; r++) out[base(0) + r] = missing(r) ? 1 : 0;
    c += 1;
  }
  return c - offset;
}
