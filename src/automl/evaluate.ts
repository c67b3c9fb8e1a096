import type { ColumnMatrix } from '../compute/matrix.ts';
import { TrialError } from '../core/errors.ts';
import type { Classifier, Estimator, FitOptions } from '../models/types.ts';
import type { BuildContext, Candidate } from './candidates.ts';
import { PRUNED_PREFIX } from './fold-pruning.ts';
import { type Fold, foldSubset } from './folds.ts';
import type { EncodedTarget, Predictions } from './scoring.ts';

/** Boosting rounds without improvement on the inner split before a trial's boosting stops. */
export const EARLY_STOPPING_ROUNDS = 20;

/** What one trial learned: out-of-fold predictions and timings. */
export interface TrialEvaluation {
  /** Predictions for every training row (NaN for rows no fold validated). */
  readonly oof: Predictions;
  /** The rows that have a validation prediction, ascending. */
  readonly rows: Int32Array;
  readonly fitSeconds: number;
  readonly predictSeconds: number;
  /** Boosting: the best round per fold (for the final fit's number of rounds). */
  readonly bestRounds: number[];
}

/** When and why to stop a trial early: a deadline on a clock and an abort signal. */
export interface TrialLimits {
  /** In ms, on `now`'s clock. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** The clock of the deadline, in ms (default performance.now()): the budget's. */
  readonly now?: () => number;
  /**
   * Successive halving on folds: called with the out-of-fold predictions after the first
   * of three or more folds; a reason returned stops the trial there (a TrialError
   * `E_TRIAL_PRUNED` whose message starts with `pruned after`).
   */
  readonly prune?: (oof: Predictions) => string | undefined;
}

function pastDeadline(limits: TrialLimits): boolean {
  return (limits.now ? limits.now() : performance.now()) > limits.deadline;
}

function checkLimits(limits: TrialLimits): void {
  if (limits.signal?.aborted) throw new TrialError('the trial was stopped', 'E_TRIAL_STOPPED');
  if (pastDeadline(limits)) throw new TrialError('the trial ran past its time limit', 'E_TRIAL_TIMEOUT');
}

/**
 * Class probabilities of `model` as a rows x k row-major array over ALL k classes of the
 * task, placing the model's columns by class code (a fold may miss a class).
 */
export function probaMatrix(model: Classifier, X: ColumnMatrix, k: number): Float64Array {
  const rows = model.predictProba(X);
  const out = new Float64Array(X.nRows * k);
  const cols = model.classes.map((c) => Number(c));
  for (let r = 0; r < rows.length; r++) {
    const p = rows[r]!;
    for (let j = 0; j < cols.length; j++) out[r * k + cols[j]!] = p[j]!;
  }
  return out;
}

/** Predictions of a fitted estimator in the AutoML form (probabilities or values). */
export function predictMatrix(model: Estimator, X: ColumnMatrix, target: EncodedTarget): Predictions {
  if (target.task === 'classification') return probaMatrix(model as Classifier, X, target.classes.length);
  return Float64Array.from(model.predict(X) as Float64Array);
}

/**
 * Fits one candidate configuration on every fold and predicts each fold's validation
 * rows. Boosting holds out the fold's inner split for early stopping on its rounds. The
 * limits are checked between folds and after every boosting round.
 *
 * @example
 * const ev = await evaluateTrial(candidate, params, folds, target, build, { deadline: performance.now() + 10_000 });
 */
export async function evaluateTrial(
  candidate: Candidate,
  params: Readonly<Record<string, string | number | boolean>>,
  folds: readonly Fold[],
  target: EncodedTarget,
  build: BuildContext,
  limits: TrialLimits,
): Promise<TrialEvaluation> {
  const n = target.task === 'classification' ? target.codes.length : target.values.length;
  const width = target.task === 'classification' ? target.classes.length : 1;
  const oof = new Float64Array(n * width).fill(Number.NaN);
  const validated = new Uint8Array(n);
  let fitSeconds = 0;
  let predictSeconds = 0;
  const bestRounds: number[] = [];
  const onIteration = () => !(limits.signal?.aborted || pastDeadline(limits));
  for (const fold of folds) {
    checkLimits(limits);
    const data = candidate.needsScaling ? fold.scaled() : { X: fold.X, Xval: fold.Xval };
    let trainX = data.X;
    let trainY = fold.y;
    let weight = fold.weight;
    const options: FitOptions = { onIteration };
    let fitParams = params;
    if (candidate.earlyStopping && fold.inner) {
      const fit = foldSubset(data.X, fold.y, fold.weight, fold.inner.train);
      const stop = foldSubset(data.X, fold.y, undefined, fold.inner.test);
      trainX = fit.X;
      trainY = fit.y;
      weight = fit.weight;
      options.evalSet = { X: stop.X, y: stop.y };
      fitParams = { ...params, earlyStoppingRounds: EARLY_STOPPING_ROUNDS };
    }
    if (weight) options.sampleWeight = weight;
    const model = candidate.create(fitParams, build);
    const t0 = performance.now();
    await model.fitAsync(trainX, trainY, options);
    const t1 = performance.now();
    checkLimits(limits);
    const pred = predictMatrix(model, data.Xval, target);
    const t2 = performance.now();
    fitSeconds += (t1 - t0) / 1000;
    predictSeconds += (t2 - t1) / 1000;
    const rounds = (model as Estimator & { bestIteration?: number }).bestIteration;
    if (options.evalSet && typeof rounds === 'number' && rounds >= 0) bestRounds.push(rounds + 1);
    const test = fold.split.test;
    for (let i = 0; i < test.length; i++) {
      const r = test[i]!;
      validated[r] = 1;
      for (let j = 0; j < width; j++) oof[r * width + j] = pred[i * width + j]!;
    }
    const reason = fold === folds[0] && folds.length >= 3 ? limits.prune?.(oof) : undefined;
    if (reason !== undefined) {
      throw new TrialError(`${PRUNED_PREFIX} 1 of ${folds.length} folds: ${reason}`, 'E_TRIAL_PRUNED');
    }
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (validated[i]) rows.push(i);
  return { oof, rows: Int32Array.from(rows), fitSeconds, predictSeconds, bestRounds };
}
