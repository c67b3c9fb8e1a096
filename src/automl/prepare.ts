import { existsSync } from 'node:fs';
import { readCsv } from '../data/read-csv.ts';
import { chooseValidation, groupKFold, holdout, kFold, type Split, stratifiedKFold } from '../data/splits.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import { parseNumber } from '../data/values.ts';
import { DataError, ValidationError } from '../errors.ts';
import type { Task } from './candidates.ts';
import type { EncodedTarget } from './scoring.ts';
import type { AutoMLOptions, AutoMLValidation } from './types.ts';

/** Azure's imbalance rule: the smallest class has under 20% of the largest's rows. */
const IMBALANCE_RATIO = 0.2;

/**
 * The training table: `data`, or `trainPath` read with `schema` (or the
 * `<name>.schema.json` beside the CSV when there is one).
 *
 * @example
 * const table = await loadTrainingTable({ task: 'regression', trainPath: 'datasets/diabetes.csv', target: 'target' });
 */
export async function loadTrainingTable(options: AutoMLOptions): Promise<Table> {
  if (options.data) return options.data;
  if (!options.trainPath) {
    throw new ValidationError('automl needs `data` (a Table) or `trainPath` (a CSV file)', { path: 'data' });
  }
  const sibling = options.trainPath.replace(/\.csv$/i, '.schema.json');
  const schema =
    options.schema ?? (sibling !== options.trainPath && existsSync(sibling) ? sibling : undefined);
  return readCsv(options.trainPath, { ...options.csv, ...(schema ? { schema } : {}) });
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
  const notices: string[] = [];
  const keep: number[] = [];
  const raw: Array<string | number> = [];
  for (let i = 0; i < table.nRows; i++) {
    const v = col.values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    keep.push(i);
    raw.push(v);
  }
  if (keep.length < table.nRows) {
    notices.push(`${table.nRows - keep.length} rows without a value of '${targetName}' were left out.`);
  }
  const features = table.drop([targetName]).take(keep);
  if (task === 'regression') {
    const values = Float64Array.from(raw, (v, i) => {
      const x = typeof v === 'number' ? v : parseNumber(v);
      if (x === undefined) {
        throw new DataError(
          `the regression target '${targetName}' must be numeric, but row ${keep[i]! + 1} holds ${JSON.stringify(v)}`,
          'E_DATA_TARGET',
        );
      }
      return x;
    });
    return { features, target: { task, values }, notices, imbalanced: false };
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
  return { features, target: { task, codes, classes }, notices, imbalanced };
}

/**
 * The validation splits and their description: the given plan, or `auto` (Azure's
 * rule from the number of rows, tightened for short budgets). Classification folds are
 * stratified.
 *
 * @example
 * resolveSplits('auto', prepared, 60, 0); // { splits: [...5 folds], description: '5-fold cross-validation' }
 */
export function resolveSplits(
  validation: AutoMLValidation,
  data: PreparedData,
  budgetSeconds: number,
  seed: number,
  groups?: ArrayLike<string | number>,
): { splits: Split[]; description: string } {
  const n = data.features.nRows;
  const strata = data.target.task === 'classification' ? data.target.codes : undefined;
  const plan = validation === 'auto' ? chooseValidation(n, budgetSeconds) : validation;
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
