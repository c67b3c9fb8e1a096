import { existsSync } from 'node:fs';
import { DataError, ValidationError } from '../core/errors.ts';
import type { Task } from '../core/trial.ts';
import { readCsv, readCsvHeader } from '../data/read-csv.ts';
import { chooseValidation, groupKFold, holdout, kFold, type Split, stratifiedKFold } from '../data/splits.ts';
import { allowsStrays, STRAY_SHARE } from '../data/strays.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import { parseNumber } from '../data/values.ts';
import type { EncodedTarget } from './scoring.ts';
import { checkTarget, inferTask, targetCells, taskWarnings } from './target.ts';
import type { AutoMLOptions, AutoMLValidation } from './types.ts';

/** Azure's imbalance rule: the smallest class has under 20% of the largest's rows. */
const IMBALANCE_RATIO = 0.2;

/**
 * The training table, checked before any work: `data`, or `trainPath` read with `schema`
 * (or the `<name>.schema.json` beside the CSV when there is one). A file that is empty,
 * has a header but no rows, or lacks the target column is a DataError naming it. The
 * target is read as text unless the task is regression, so class labels stay what they
 * are (`yes`/`no` are not booleans, `1`..`7` not numbers) and predictions give them back.
 *
 * @example
 * const table = await loadTrainingTable({ task: 'regression', trainPath: 'datasets/diabetes.csv', target: 'target' });
 */
export async function loadTrainingTable(
  options: Pick<AutoMLOptions, 'data' | 'trainPath' | 'schema' | 'csv' | 'target' | 'task'>,
): Promise<Table> {
  if (options.data) {
    if (options.data.nRows === 0) throw new DataError('the training table has no rows', 'E_DATA_EMPTY');
    options.data.get(options.target);
    return options.data;
  }
  const path = options.trainPath;
  if (!path) {
    throw new ValidationError('automl needs `data` (a Table) or `trainPath` (a CSV file)', { path: 'data' });
  }
  const csv = options.csv ?? {};
  const { names, hasRows } = await readCsvHeader(path, csv);
  if (!names.includes(options.target)) {
    throw new DataError(
      `${path} has no column named '${options.target}' (the target); its columns: ${names.join(', ')}`,
      'E_DATA_MISSING_COLUMN',
    );
  }
  if (!hasRows) throw new DataError(`${path} has a header but no rows`, 'E_DATA_EMPTY');
  const sibling = path.replace(/\.csv$/i, '.schema.json');
  const schema = options.schema ?? (sibling !== path && existsSync(sibling) ? sibling : undefined);
  const targetKind = options.task === 'regression' ? 'numeric' : 'categorical';
  return readCsv(path, {
    ...csv,
    ...(schema ? { schema } : {}),
    types: { [options.target]: targetKind, ...csv.types },
  });
}

/**
 * The task: the one given (with a warning when the target does not look like it), or
 * the one the target suggests (see `inferTask`), with a notice saying so. A target with
 * no values or a single value is a DataError.
 *
 * @example
 * resolveTask(table, 'label', undefined); // { task: 'classification', notices: ["task: classification, inferred ..."] }
 */
export function resolveTask(
  table: Table,
  targetName: string,
  given: Task | undefined,
): { task: Task; notices: string[] } {
  const cells = targetCells(table.get(targetName));
  checkTarget(cells);
  if (given !== undefined) return { task: given, notices: taskWarnings(given, cells) };
  const { task, notice } = inferTask(cells);
  return { task, notices: [notice, ...taskWarnings(task, cells)] };
}

/** The rows with a target, the encoded target, and the feature columns. */
export interface PreparedData {
  readonly features: Table;
  readonly target: EncodedTarget;
  readonly notices: string[];
  /** Whether classes are imbalanced (then rows are weighted to balance them). */
  readonly imbalanced: boolean;
}

/**
 * Splits the target from the features, drops rows whose target is missing, and encodes
 * the target: class labels as strings sorted by code unit, or numbers for regression.
 *
 * @example
 * const { features, target } = prepareData(table, 'target', 'classification');
 */
export function prepareData(table: Table, targetName: string, task: Task): PreparedData {
  const col = table.get(targetName);
  checkTarget(targetCells(col));
  const notices: string[] = [];
  const keep: number[] = [];
  const raw: Array<string | number> = [];
  for (let i = 0; i < table.nRows; i++) {
    const v = col.values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    keep.push(i);
    raw.push(v);
  }
  let values: Float64Array | undefined;
  if (task === 'regression') {
    values = regressionValues(raw, keep, targetName, notices);
    if (values.length < keep.length) {
      const numbers = keep.filter((_, i) => parseable(raw[i]!));
      keep.splice(0, keep.length, ...numbers);
    }
  }
  if (keep.length < table.nRows) {
    notices.push(`${table.nRows - keep.length} rows without a value of '${targetName}' were left out.`);
  }
  const features = table.drop([targetName]).take(keep);
  if (values) return { features, target: { task: 'regression', values }, notices, imbalanced: false };
  if (col.kind === 'boolean') {
    notices.push(
      `the target '${targetName}' was read as boolean, so its classes are 0 and 1; read it as categorical (types: { '${targetName}': 'categorical' }) to keep its labels.`,
    );
  }
  const labels = raw.map((v) => (isNumericColumn(col) ? String(v) : (v as string)));
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) {
    throw new DataError(
      `classification needs at least 2 classes in '${targetName}', found ${classes.length} (${classes.join(', ')})`,
      'E_DATA_TARGET',
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = Int32Array.from(labels, (l) => index.get(l)!);
  const counts = new Array<number>(classes.length).fill(0);
  for (const c of codes) counts[c]!++;
  const imbalanced = Math.min(...counts) < IMBALANCE_RATIO * Math.max(...counts);
  if (imbalanced) {
    notices.push(
      `The classes are imbalanced (smallest ${Math.min(...counts)} vs largest ${Math.max(...counts)} rows): rows are weighted to balance the classes. Accuracy can look good while the minority class is missed; consider primaryMetric AUC_weighted, balanced_accuracy or average_precision_score_weighted.`,
    );
  }
  return { features, target: { task: 'classification', codes, classes }, notices, imbalanced };
}

function parseable(v: string | number): boolean {
  return typeof v === 'number' || parseNumber(v) !== undefined;
}

/**
 * The numbers of a regression target; stray strings (at most 5%, as in numeric
 * columns) are left out with a notice, more are a DataError naming the first.
 */
function regressionValues(
  raw: ReadonlyArray<string | number>,
  rows: readonly number[],
  targetName: string,
  notices: string[],
): Float64Array {
  const out: number[] = [];
  let strays = 0;
  let first = -1;
  raw.forEach((v, i) => {
    const x = typeof v === 'number' ? v : parseNumber(v);
    if (x !== undefined) out.push(x);
    else if (strays++ === 0) first = i;
  });
  if (strays === 0) return Float64Array.from(out);
  const example = `${JSON.stringify(raw[first])} in row ${rows[first]! + 1}`;
  if (strays === raw.length || !allowsStrays(strays, raw.length)) {
    throw new DataError(
      `the regression target '${targetName}' must be numeric, but ${strays} of ${raw.length} values are not numbers (e.g. ${example}; at most ${STRAY_SHARE * 100}% are read as missing)`,
      'E_DATA_TARGET',
    );
  }
  notices.push(
    `the target '${targetName}': ${strays} of ${raw.length} values are not numbers (e.g. ${example}); read as missing`,
  );
  return Float64Array.from(out);
}

/**
 * The validation splits and their description: the given plan, or `auto` (Azure's
 * rule from the number of rows). Classification folds are
 * stratified.
 *
 * @example
 * resolveSplits('auto', prepared, 0); // { splits: [...10 folds], description: '10-fold stratified cross-validation' }
 */
export function resolveSplits(
  validation: AutoMLValidation,
  data: PreparedData,
  seed: number,
  groups?: ArrayLike<string | number>,
): { splits: Split[]; description: string } {
  const n = data.features.nRows;
  if (n < 2) {
    throw new DataError(
      `AutoML needs at least 2 rows with a target value to validate on, got ${n}`,
      'E_DATA_TOO_FEW_ROWS',
    );
  }
  const strata = data.target.task === 'classification' ? data.target.codes : undefined;
  let plan = validation === 'auto' ? chooseValidation(n) : validation;
  // a tiny table gets as many folds as it has rows; folds asked for are checked instead
  if (validation === 'auto' && plan.type === 'cv' && plan.folds > n) plan = { type: 'cv', folds: n };
  if (plan.type === 'cv' && plan.folds > n) {
    throw new ValidationError(
      `validation.folds is ${plan.folds}, more folds than the ${n} rows with a target value`,
      { path: 'validation.folds' },
    );
  }
  switch (plan.type) {
    case 'cv': {
      const splits = strata ? stratifiedKFold(strata, plan.folds, seed) : kFold(n, plan.folds, seed);
      return { splits, description: `${plan.folds}-fold ${strata ? 'stratified ' : ''}cross-validation` };
    }
    case 'holdout':
      return {
        splits: [holdout(n, plan.testFraction, seed, strata)],
        description: `${Math.round(plan.testFraction * 100)}% holdout`,
      };
    case 'group': {
      if (!groups)
        throw new ValidationError(`validation.column '${plan.column}' is needed for grouped folds`, {
          path: 'validation.column',
        });
      return {
        splits: groupKFold(groups, plan.folds),
        description: `${plan.folds}-fold grouped by '${plan.column}'`,
      };
    }
    case 'splits':
      for (const [i, s] of plan.splits.entries()) {
        for (const r of [...s.train, ...s.test]) {
          if (r < 0 || r >= n) {
            throw new ValidationError(`validation.splits[${i}] names row ${r}, outside the ${n} rows`, {
              path: `validation.splits[${i}]`,
            });
          }
        }
      }
      return { splits: [...plan.splits], description: `${plan.splits.length} given splits` };
  }
}
