// The fixed folds of the shared data sets as files AutoML reads, and the primary metric
// ../shared/baselines.md scores each set by: for the AutoML accuracy benchmarks.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixedSplits } from '../../src/data/splits.ts';

/** The shared data sets (CSV, schema and fixed splits), where the repository's datasets/ lacks one. */
export const SHARED_DATASETS = '/work/shared/datasets';

/** A fold written by {@link writeFold}: its files and the number of distinct target values. */
export interface FoldFiles {
  readonly train: string;
  readonly test: string;
  /** The data set's schema, copied beside the training file (`train.schema.json`). */
  readonly schema: string;
  readonly classes: number;
}

/**
 * Fold `fold` of data set `name` as two CSV files in `dir`, the fold's test rows in
 * `test.csv` and the others in `train.csv`, with the schema beside them (raw lines: these
 * files have no quoted newlines).
 *
 * @example
 * const { train, test } = writeFold('wine', mkdtempSync(join(tmpdir(), 'wine-')), 0);
 */
export function writeFold(name: string, dir: string, fold: number): FoldFiles {
  const base = existsSync(`datasets/${name}.csv`) ? 'datasets' : SHARED_DATASETS;
  const [header, ...lines] = readFileSync(`${base}/${name}.csv`, 'utf8').split(/\r?\n/);
  const rows = lines.filter((l) => l.length > 0);
  const split = loadFixedSplits(`${base}/splits/${name}.json`, rows.length)[fold]!;
  const write = (file: string, idx: ArrayLike<number>) =>
    writeFileSync(file, `${[header, ...Array.from(idx, (i) => rows[i])].join('\n')}\n`);
  const train = join(dir, 'train.csv');
  const test = join(dir, 'test.csv');
  const schema = join(dir, 'train.schema.json');
  write(train, split.train);
  write(test, split.test);
  copyFileSync(`${base}/${name}.schema.json`, schema);
  const target = header!.split(',').indexOf('target');
  return { train, test, schema, classes: new Set(rows.map((l) => l.split(',')[target])).size };
}

/** The primary metric's key in the baselines (and their fixture) and its AutoML name. */
export interface PrimaryMetric {
  readonly key: 'rmse' | 'roc_auc' | 'log_loss';
  readonly metric: 'root_mean_squared_error' | 'AUC_binary' | 'log_loss';
}

/**
 * The primary metric of ../shared/baselines.md (the AutoML Benchmark's convention): binary
 * ROC AUC, multiclass log loss, regression RMSE.
 *
 * @example
 * primaryMetric('classification', 3); // { key: 'log_loss', metric: 'log_loss' }
 */
export function primaryMetric(task: 'classification' | 'regression', classes: number): PrimaryMetric {
  if (task === 'regression') return { key: 'rmse', metric: 'root_mean_squared_error' };
  return classes === 2 ? { key: 'roc_auc', metric: 'AUC_binary' } : { key: 'log_loss', metric: 'log_loss' };
}
