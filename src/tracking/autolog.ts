import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyScore } from '../metrics/classification.ts';
import { logLoss } from '../metrics/probability.ts';
import {
  meanAbsoluteErrorOf,
  meanSquaredErrorOf,
  normalizeByRange,
  r2ScoreOf,
  regressionInput,
} from '../metrics/regression.ts';
import { addFitListener, type FitEvent } from '../models/fit-listeners.ts';
import type { Classifier, Estimator } from '../models/types.ts';
import { type ActiveRun, activeRun } from './active-run.ts';
import type { RunHandle } from './run-handle.ts';
import type { ParamInput } from './types.ts';

/** Options of {@link autolog}. */
export interface AutologOptions {
  /** Turn autolog off (`autolog({ disable: true })`). */
  readonly disable?: boolean;
  /** Log the fitted model as the artifact `model/model.json` (default true). */
  readonly logModels?: boolean;
  /**
   * Log the training metrics (default true). They cost a prediction of the training rows,
   * which for k-NN on many rows is far dearer than the fit itself.
   */
  readonly logTrainingMetrics?: boolean;
}

/** The tag marking runs and child runs autolog wrote to, and naming the estimator class. */
export const AUTOLOG_TAG = 'mlsweep.autolog';

let stop: (() => void) | undefined;
let logModels = true;
let logTrainingMetrics = true;
/** Runs that already hold one autologged fit: a later fit in them goes to a child run. */
const logged = new WeakSet<RunHandle>();

/**
 * MLflow's autolog for mlsweep estimators: while it is on, every outermost `fit` or
 * `fitAsync` of any estimator inside an active run (the latest run a Tracker started and
 * has not ended, or the one `withActiveRun` set) logs, without other code:
 * - the hyperparameters (`params`; arrays and objects as JSON, null as `None`),
 * - training metrics on the fit's own rows: classifiers `training_score` (accuracy),
 *   `training_accuracy_score`, `training_log_loss`; regressors `training_score` (R^2),
 *   `training_r2_score`, `training_mean_squared_error`,
 *   `training_root_mean_squared_error`, `training_normalized_root_mean_squared_error`
 *   (AutoML's default), `training_mean_absolute_error` (sample weights
 *   not applied); and `fit_duration_seconds`,
 * - the fitted model's JSON as the artifact `model/model.json` (estimatorFromJSON reads it),
 * - tags `estimator_name` and `estimator_class`, and `mlsweep.autolog`.
 * The first fit in a run logs into the run; each later one into a new child run (named
 * after the estimator), so that repeated fits never overwrite each other's parameters.
 * Outside an active run a fit logs nothing (unlike MLflow, no run is started for it).
 * An ensemble fitting member estimators inside its own fit is logged once, for itself
 * (models/fit-listeners.ts tells only outermost fits). A failure to log is a process
 * warning, never an error of the fit.
 *
 * @example
 * autolog();
 * const run = tracker.startRun({ experiment: 'iris' });
 * new RandomForestClassifier({ nEstimators: 50 }).fit(X, y); // params, metrics, model logged
 * run.end();
 * autolog({ disable: true });
 */
export function autolog(options: AutologOptions = {}): void {
  if (options.disable === true) {
    stop?.();
    stop = undefined;
    return;
  }
  logModels = options.logModels ?? true;
  logTrainingMetrics = options.logTrainingMetrics ?? true;
  stop ??= addFitListener(onFit);
}

/**
 * Whether autolog is on.
 *
 * @example
 * autolog(); isAutologOn(); // true
 */
export function isAutologOn(): boolean {
  return stop !== undefined;
}

/** A hyperparameter as a tracking param value. */
function paramValue(v: unknown): ParamInput {
  if (v === null) return 'None';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * Metrics of the fitted estimator on its training rows (MLflow's sklearn autolog names).
 *
 * @example
 * trainingMetrics(model, X, y); // { training_score: 0.98, training_accuracy_score: 0.98, ... }
 */
export function trainingMetrics(
  estimator: Estimator,
  X: FitEvent['X'],
  y: FitEvent['y'],
): Record<string, number> {
  const yTrue = Array.from(y as ArrayLike<string | number>);
  if (estimator.estimatorType === 'classifier') {
    const c = estimator as Classifier;
    const accuracy = accuracyScore(yTrue as Array<string | number>, c.predict(X) as Array<string | number>);
    const out: Record<string, number> = { training_score: accuracy, training_accuracy_score: accuracy };
    if (c.classes.length > 1)
      out.training_log_loss = logLoss(yTrue as Array<string | number>, c.predictProba(X), {
        labels: c.classes,
      });
    return out;
  }
  const r = regressionInput(yTrue as number[], estimator.predict(X) as Float64Array);
  const r2 = r2ScoreOf(r);
  const mse = meanSquaredErrorOf(r);
  return {
    training_score: r2,
    training_r2_score: r2,
    training_mean_squared_error: mse,
    training_root_mean_squared_error: Math.sqrt(mse),
    // AutoML's default regression metric (Azure's name), the error over the target's range
    training_normalized_root_mean_squared_error: normalizeByRange(r, Math.sqrt(mse)),
    training_mean_absolute_error: meanAbsoluteErrorOf(r),
  };
}

/** The run a fit logs to: the active run for its first fit, a new child run after that. */
function targetRun(active: ActiveRun, name: string): { run: RunHandle; child: boolean } {
  if (!logged.has(active.run)) {
    logged.add(active.run);
    return { run: active.run, child: false };
  }
  const parent = active.run.info();
  const run = active.tracker.startRun({
    experiment: parent.experimentId,
    parentRunId: parent.id,
    name,
    tags: { [AUTOLOG_TAG]: 'true' },
  });
  return { run, child: true };
}

function onFit(event: FitEvent): void {
  const active = activeRun();
  if (!active) return;
  const { estimator } = event;
  const name = estimator.constructor.name;
  const metrics = {
    ...(logTrainingMetrics ? trainingMetrics(estimator, event.X, event.y) : {}),
    fit_duration_seconds: event.seconds,
  };
  const { run, child } = targetRun(active, name);
  try {
    run.setTags({ [AUTOLOG_TAG]: 'true', estimator_name: name, estimator_class: `mlsweep.models.${name}` });
    run.logParams(
      Object.fromEntries(
        Object.entries(estimator.params)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, paramValue(v)]),
      ),
    );
    for (const [key, value] of Object.entries(metrics))
      if (Number.isFinite(value)) run.logMetric(key, value, 0);
    if (logModels) {
      const dir = mkdtempSync(join(tmpdir(), 'mlsweep-autolog-'));
      try {
        const file = join(dir, 'model.json');
        writeFileSync(file, JSON.stringify(estimator.toJSON()));
        run.logArtifact(file, 'model');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    run.flush();
  } finally {
    if (child) run.end();
  }
}
