import type { ColumnMatrix } from '../compute/matrix.ts';
import { kFold, stratifiedKFold } from '../data/splits.ts';
import type { Estimator } from '../models/types.ts';
import { type BuildContext, LOGISTIC_REGRESSION, RIDGE } from './candidates.ts';
import { predictMatrix } from './evaluate.ts';
import { type EncodedTarget, type Predictions, primaryScore } from './scoring.ts';

/** Folds of the meta-learner's own cross-validation over the validated rows. */
const META_FOLDS = 5;

/**
 * The meta-learner's features: every base model's predictions side by side (all class
 * probabilities, or the value), for the rows `rows` (all when absent), column-major.
 *
 * @example
 * stackFeatures([p1, p2], 3).nCols; // 6 for a 3-class task
 */
export function stackFeatures(
  preds: readonly Predictions[],
  width: number,
  rows?: ArrayLike<number>,
): ColumnMatrix {
  const nRows = rows ? rows.length : preds[0]!.length / width;
  const nCols = preds.length * width;
  const data = new Float64Array(nRows * nCols);
  preds.forEach((p, m) => {
    for (let j = 0; j < width; j++) {
      const base = (m * width + j) * nRows;
      for (let i = 0; i < nRows; i++) data[base + i] = p[(rows ? rows[i]! : i) * width + j]!;
    }
  });
  return { data, nRows, nCols };
}

/**
 * The meta-learner: AutoML's logistic regression on probabilities, its ridge on values,
 * each at its default strength.
 *
 * @example
 * metaLearner({ task: 'regression', seed: 0 }); // a Ridge with alpha 1
 */
export function metaLearner(build: BuildContext): Estimator {
  return (build.task === 'classification' ? LOGISTIC_REGRESSION : RIDGE).create({}, build);
}

function targetOf(target: EncodedTarget, rows: ArrayLike<number>): Int32Array | Float64Array {
  return target.task === 'classification'
    ? Int32Array.from(rows, (r) => target.codes[r]!)
    : Float64Array.from(rows, (r) => target.values[r]!);
}

/**
 * Stacking, validated honestly: the meta-learner is itself cross-validated over the rows
 * that have out-of-fold predictions, so its score is comparable to the base models'.
 * Returns its out-of-fold predictions and their primary metric.
 *
 * @example
 * const { score } = await stackingScore(pool.map((r) => r.oof), target, rows, 'log_loss', build);
 */
export async function stackingScore(
  oofs: readonly Predictions[],
  target: EncodedTarget,
  rows: Int32Array,
  metric: string,
  build: BuildContext,
): Promise<{ score: number; oof: Predictions }> {
  const width = target.task === 'classification' ? target.classes.length : 1;
  const n = rows.length;
  const k = Math.min(META_FOLDS, n);
  const folds =
    target.task === 'classification'
      ? stratifiedKFold(
          Array.from(rows, (r) => target.codes[r]!),
          k,
          build.seed,
        )
      : kFold(n, k, build.seed);
  const total = target.task === 'classification' ? target.codes.length : target.values.length;
  const metaOof = new Float64Array(total * width).fill(Number.NaN);
  for (const f of folds) {
    const trainRows = Int32Array.from(f.train, (i) => rows[i]!);
    const testRows = Int32Array.from(f.test, (i) => rows[i]!);
    const meta = metaLearner(build);
    await meta.fitAsync(stackFeatures(oofs, width, trainRows), targetOf(target, trainRows));
    const pred = predictMatrix(meta, stackFeatures(oofs, width, testRows), target);
    testRows.forEach((r, i) => {
      for (let j = 0; j < width; j++) metaOof[r * width + j] = pred[i * width + j]!;
    });
  }
  return { score: primaryScore(target, metaOof, metric, rows), oof: metaOof };
}

/**
 * Fits the meta-learner on all validated rows' out-of-fold predictions (for the final pipeline).
 *
 * @example
 * const meta = await fitStacker(pool.map((r) => r.oof), target, rows, build);
 */
export async function fitStacker(
  oofs: readonly Predictions[],
  target: EncodedTarget,
  rows: Int32Array,
  build: BuildContext,
): Promise<Estimator> {
  const width = target.task === 'classification' ? target.classes.length : 1;
  const meta = metaLearner(build);
  await meta.fitAsync(stackFeatures(oofs, width, rows), targetOf(target, rows));
  return meta;
}
