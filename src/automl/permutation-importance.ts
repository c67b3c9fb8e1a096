import { mulberry32 } from '../compute/rng.ts';
import { DataError, ValidationError } from '../core/errors.ts';
import { type Goal, goalSign } from '../core/goal.ts';
import { isNumericColumn, Table } from '../data/table.ts';
import { normalQuantile } from '../space/normal.ts';
import type { AutoMLPipeline } from './pipeline.ts';
import { type EncodedTarget, metricGoal, primaryScore } from './scoring.ts';

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Permutations per column (default 5, at least 2 for an interval). */
  readonly repeats?: number;
  /** Seed of the permutations (default 0). */
  readonly seed?: number;
  /** The metric (default: the pipeline's primary metric, the task's metric it was chosen by). */
  readonly metric?: string;
  /** Coverage of the interval of the mean (default 0.95). */
  readonly confidence?: number;
}

/** How much one input column matters: the drop of the metric when its values are shuffled. */
export interface ColumnImportance {
  readonly column: string;
  /** Mean drop over the repeats (positive: the model relies on the column). */
  readonly mean: number;
  /** Sample standard deviation of the drops. */
  readonly std: number;
  /** The interval of the mean, mean -/+ t(confidence, repeats - 1) x std / sqrt(repeats). */
  readonly low: number;
  readonly high: number;
  /** The drop of each repeat. */
  readonly drops: readonly number[];
}

/** Permutation importance of every input column of a pipeline on held-out rows. */
export interface PermutationImportance {
  readonly metric: string;
  readonly goal: Goal;
  /** The metric on the held-out rows as they are. */
  readonly baseline: number;
  readonly rows: number;
  readonly repeats: number;
  readonly confidence: number;
  /** Largest mean drop first. */
  readonly importances: readonly ColumnImportance[];
  /** How the numbers were computed, in a sentence for reports. */
  readonly method: string;
}

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front =
    Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    const num =
      i === 0
        ? 1
        : i % 2 === 0
          ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
          : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + num / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    f *= c * d;
    if (Math.abs(1 - c * d) < 1e-15) break;
  }
  return front * (f - 1);
}

/** The distribution function of Student's t with `df` degrees of freedom. */
function studentCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * The quantile p of Student's t distribution with `df` degrees of freedom: the Cornish-
 * Fisher expansion around the normal quantile (Abramowitz and Stegun 26.7.5) as a start,
 * then Newton steps on the exact distribution function (incomplete beta) to 1e-12.
 *
 * @example
 * studentQuantile(0.975, 4); // 2.7764451051977934
 */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    throw new ValidationError(`studentQuantile needs p in (0, 1) and df > 0, got p ${p}, df ${df}`, {
      path: 'p',
    });
  }
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p)));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z2 * z + z) / 4;
  const g2 = (5 * z2 * z2 * z + 16 * z2 * z + 3 * z) / 96;
  const g3 = (3 * z2 ** 3 * z + 19 * z2 * z2 * z + 17 * z2 * z - 15 * z) / 384;
  const g4 = (79 * z2 ** 4 * z + 776 * z2 ** 3 * z + 1482 * z2 * z2 * z - 1920 * z2 * z - 945 * z) / 92160;
  let t = z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
  const logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  for (let i = 0; i < 20; i++) {
    const density = Math.exp(logNorm - ((df + 1) / 2) * Math.log(1 + (t * t) / df));
    const step = (studentCdf(t, df) - p) / density;
    t -= step;
    if (Math.abs(step) < 1e-12 * Math.max(1, Math.abs(t))) break;
  }
  return t;
}

/**
 * The labelled rows of `table` and their encoded target (a class the pipeline never saw is
 * a DataError naming the row).
 *
 * @example
 * const { rows, target } = labelledRows(pipeline, testTable);
 */
export function labelledRows(pipeline: AutoMLPipeline, table: Table): { rows: Table; target: EncodedTarget } {
  const col = table.get(pipeline.target);
  const keep: number[] = [];
  for (let i = 0; i < table.nRows; i++) {
    const v = col.values[i];
    if (!(v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)))) keep.push(i);
  }
  const rows = table.take(keep);
  const values = rows.get(pipeline.target);
  if (pipeline.task === 'regression') {
    if (!isNumericColumn(values)) {
      throw new DataError(
        `the target '${pipeline.target}' must be numeric for a regression pipeline`,
        'E_DATA_TARGET',
      );
    }
    return { rows, target: { task: 'regression', values: values.values } };
  }
  const index = new Map(pipeline.classes.map((c, i) => [c, i]));
  const codes = Int32Array.from(values.values as ArrayLike<string | number>, (v, i) => {
    const k = index.get(String(v));
    if (k === undefined) {
      throw new DataError(
        `row ${keep[i]! + 1} has the class ${JSON.stringify(String(v))}, which the model never saw`,
        'E_DATA_TARGET',
      );
    }
    return k;
  });
  return { rows, target: { task: 'classification', codes, classes: pipeline.classes } };
}

/** `table` with column `name`'s values shuffled by a seeded Fisher-Yates permutation. */
function shuffled(table: Table, name: string, seed: number): Table {
  const next = mulberry32(seed);
  const order = Int32Array.from({ length: table.nRows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const moved = new Table([table.get(name)]).take(order).columns[0]!;
  return new Table(
    table.columns.map((c) => (c.name === name ? moved : c)),
    table.notices,
  );
}

/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance) of a
 * fitted AutoML pipeline's input columns, the columns of the data before featurization,
 * on held-out labelled rows (a test set, or a fold the pipeline was not fitted on): for
 * each column, its values are shuffled among the rows `repeats` times, and the drop of
 * the metric (the pipeline's primary metric by default, so the task's own) is recorded;
 * the mean drop gets a Student-t interval. A column whose interval lies above 0 is one
 * the model relies on; a mean near 0 says the model does without it (or has a
 * correlated column to fall back on). Seeded: the same rows and seed give the same numbers.
 *
 * @example
 * const imp = permutationImportance(pipeline, await readCsv('test.csv', { types: pipeline.inputTypes() }), { repeats: 10 });
 * imp.importances[0]; // { column: 'lstat', mean: 0.31, low: 0.27, high: 0.35, ... }
 */
export function permutationImportance(
  pipeline: AutoMLPipeline,
  heldOut: Table,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 2) {
    throw new ValidationError(`repeats must be an integer >= 2 (an interval needs two), got ${repeats}`, {
      path: 'repeats',
    });
  }
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new ValidationError(`confidence must be in (0, 1), got ${confidence}`, { path: 'confidence' });
  }
  const metric = options.metric ?? pipeline.primaryMetric;
  const goal = metricGoal(pipeline.task, metric);
  const seed = options.seed ?? 0;
  const { rows, target } = labelledRows(pipeline, heldOut);
  if (rows.nRows < 2) {
    throw new DataError(
      `permutation importance needs at least 2 labelled rows, got ${rows.nRows}`,
      'E_DATA_EMPTY',
    );
  }
  const columns = pipeline.featurizer.inputs.map((c) => c.name);
  const base = rows.select(columns);
  const score = (t: Table) => primaryScore(target, pipeline.predictRaw(t), metric);
  const baseline = score(base);
  const t = studentQuantile((1 + confidence) / 2, repeats - 1);
  const importances = columns.map((column, c): ColumnImportance => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const s = score(shuffled(base, column, (seed + Math.imul(c + 1, 0x9e3779b1) + r * 7919) >>> 0));
      drops.push(goalSign(goal) * (baseline - s));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / (repeats - 1));
    const half = (t * std) / Math.sqrt(repeats);
    return { column, mean, std, low: mean - half, high: mean + half, drops };
  });
  importances.sort((a, b) => b.mean - a.mean || a.column.localeCompare(b.column));
  return {
    metric,
    goal,
    baseline,
    rows: rows.nRows,
    repeats,
    confidence,
    importances,
    method: `Drop of ${metric} on ${rows.nRows} held-out rows when one input column is shuffled, ${repeats} shuffles per column (seed ${seed}); intervals: ${Math.round(confidence * 100)}% Student-t intervals of the mean drop.`,
  };
}
