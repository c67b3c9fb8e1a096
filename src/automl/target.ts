import { DataError } from '../core/errors.ts';
import type { Task } from '../core/trial.ts';
import { allowsStrays } from '../data/strays.ts';
import { type Column, isNumericColumn } from '../data/table.ts';
import { parseNumber } from '../data/values.ts';

/**
 * Most distinct integer values an inferred classification target may have (sklearn's
 * `type_of_target` calls any integer target multiclass; capping it keeps counts and
 * scores regression).
 */
export const MAX_INFERRED_CLASSES = 20;
/**
 * ...and at most this share of the rows with a target (AutoGluon's small-data ratio), so
 * a year or an age column with 15 values in 60 rows stays a regression target.
 */
export const CLASS_SHARE = 0.1;
/** A classification target of non-integer numbers with more distinct values than this share of rows is warned about. */
export const CONTINUOUS_SHARE = 0.5;

/** What the target column holds, as strings (null when missing). */
export interface TargetCells {
  readonly name: string;
  readonly cells: ReadonlyArray<string | null>;
}

/**
 * The target column's cells as strings, whatever it was read as: numbers print as
 * numbers, missing values are null.
 *
 * @example
 * targetCells({ name: 'y', kind: 'numeric', values: Float64Array.of(1, NaN) }).cells; // ['1', null]
 */
export function targetCells(column: Column): TargetCells {
  const cells = isNumericColumn(column)
    ? Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v)))
    : column.values;
  return { name: column.name, cells };
}

interface Census {
  present: number;
  distinct: Set<string>;
  /** Present cells that are not numbers. */
  strays: number;
  integers: boolean;
}

function census(cells: ReadonlyArray<string | null>): Census {
  const distinct = new Set<string>();
  let present = 0;
  let strays = 0;
  let integers = true;
  for (const c of cells) {
    if (c === null) continue;
    present++;
    distinct.add(c);
    const x = parseNumber(c);
    if (x === undefined) strays++;
    else if (!Number.isInteger(x)) integers = false;
  }
  return { present, distinct, strays, integers };
}

function sample(values: Set<string>): string {
  const sorted = [...values].sort();
  const shown = sorted
    .slice(0, 5)
    .map((v) => `'${v}'`)
    .join(', ');
  return sorted.length > 5 ? `${shown}, ...` : shown;
}

/**
 * A target that cannot be learned is a DataError before any work: one with no values,
 * or one with a single value (naming it).
 *
 * @example
 * checkTarget({ name: 'y', cells: ['yes', 'yes', null] }); // DataError: the target 'y' has one value, 'yes', ...
 */
export function checkTarget(target: TargetCells): void {
  const { present, distinct } = census(target.cells);
  if (present === 0) {
    throw new DataError(
      `the target '${target.name}' has no values (all ${target.cells.length} rows are missing)`,
      'E_DATA_TARGET',
    );
  }
  if (distinct.size === 1) {
    throw new DataError(
      `the target '${target.name}' has one value, '${[...distinct][0]}', in all ${present} rows that have one: there is nothing to learn`,
      'E_DATA_TARGET',
    );
  }
}

/**
 * The task a target suggests, with a notice saying why. Numbers (allowing stray strings
 * as numeric columns do) are regression, except integers with few distinct values: at
 * most max(2, min(20, 10% of the rows with a target)), which are class labels
 * (0/1, 1..7). Anything else (words, yes/no, mixed codes) is classification.
 *
 * @example
 * inferTask({ name: 'y', cells: ['0', '1', '1', '0'] }).task; // 'classification'
 */
export function inferTask(target: TargetCells): { task: Task; notice: string } {
  const { present, distinct, strays, integers } = census(target.cells);
  const k = distinct.size;
  const how = 'give the task (--task) to choose';
  const numeric = strays < present && allowsStrays(strays, present);
  if (!numeric) {
    return {
      task: 'classification',
      notice: `task: classification, inferred from the target '${target.name}': ${k} labels (${sample(distinct)}); ${how}`,
    };
  }
  const limit = Math.max(2, Math.min(MAX_INFERRED_CLASSES, Math.floor(CLASS_SHARE * present)));
  if (integers && strays === 0 && k <= limit) {
    return {
      task: 'classification',
      notice: `task: classification, inferred from the target '${target.name}': ${k} distinct integer values (${sample(distinct)}) in ${present} rows, read as class labels (at most ${limit} here); give --task regression to predict them as numbers`,
    };
  }
  return {
    task: 'regression',
    notice: `task: regression, inferred from the target '${target.name}': numbers with ${k} distinct values in ${present} rows; ${how}`,
  };
}

/**
 * Warnings about a task given for a target it does not seem to fit: a classification
 * of non-integer numbers that are mostly distinct (each value would be its own class).
 *
 * @example
 * taskWarnings('classification', { name: 'price', cells: ['1.5', '2.25', '3.1'] }); // ["the target 'price' looks continuous ..."]
 */
export function taskWarnings(task: Task, target: TargetCells): string[] {
  if (task !== 'classification') return [];
  const { present, distinct, strays, integers } = census(target.cells);
  const numeric = strays < present && allowsStrays(strays, present);
  if (!numeric || integers || distinct.size <= CONTINUOUS_SHARE * present) return [];
  return [
    `the target '${target.name}' looks continuous (${distinct.size} distinct values in ${present} rows, not all integers), but the task is classification: each value is its own class; is it a regression?`,
  ];
}
