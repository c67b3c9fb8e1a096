import type { TrialStatus } from '../core/trial.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { RunStatus } from '../tracking/types.ts';
import { PRUNED_PREFIX } from './fold-pruning.ts';
import { modelParams } from './search-space.ts';
import type { AutoMLResult } from './types.ts';

/** What `recordTrialRuns` needs besides the result. */
export interface TrialRunsOptions {
  /** The experiment of the parent run (children live in their parent's experiment). */
  readonly experiment: string;
  /**
   * The saved pipeline: logged as the artifact `model/` of the best trial's child run when
   * the pipeline is that trial's model refitted (not an ensemble or a stack). The fold
   * models of the other trials are not kept, so they have no artifact.
   */
  readonly modelFile?: string;
}

/** How a trial's status reads as a run's. */
const RUN_STATUS: Readonly<Record<TrialStatus, RunStatus>> = {
  completed: 'FINISHED',
  failed: 'FAILED',
  early_terminated: 'KILLED',
  timed_out: 'KILLED',
  cancelled: 'KILLED',
};

/**
 * Records every trial of an AutoML job as a child run of the job's run, as Azure AutoML
 * shows its child jobs: the run is named `trial-<id>-<algorithm>`; its params are the
 * algorithm (Azure's name) and its hyperparameters; its metrics every cross-validated
 * metric of the task plus `fit_seconds`, `predict_seconds` and `duration_seconds`; its
 * status FINISHED, FAILED (the error as the tag `mlsweep.error`) or KILLED (stopped,
 * timed out, or pruned after its first fold: tag `mlsweep.automl.pruned`); the best
 * single trial is tagged `mlsweep.automl.best` and, when the pipeline is its model (not
 * an ensemble or a stack), holds the pipeline as its artifact. One store transaction for
 * all trials.
 *
 * @example
 * const children = recordTrialRuns(store, run.id, result, { experiment: 'automl', modelFile: 'model.json' });
 * store.childRuns(run.id).length; // result.trials.length
 */
export function recordTrialRuns(
  store: SqliteStore,
  parentRunId: string,
  result: AutoMLResult,
  options: TrialRunsOptions,
): string[] {
  const entries = new Map(result.leaderboard.map((e) => [e.trialId, e]));
  // the best single trial (the ensemble or stack, when it won, is no trial of its own)
  const bestTrial = result.leaderboard.find((e) => e.trialId !== undefined)?.trialId;
  const pipelineIsTrial = result.best.trialId !== undefined;
  const ids = store.write(() =>
    result.trials.map((trial) => {
      const { name, params } = modelParams(trial.params);
      const entry = entries.get(trial.id);
      const best = trial.id === bestTrial;
      // a trial stopped after its first fold as hopeless was cut short, not broken
      const pruned = trial.status === 'failed' && trial.error?.startsWith(PRUNED_PREFIX) === true;
      const run = store.createRun({
        experiment: options.experiment,
        parentRunId,
        name: `trial-${trial.id}-${name}`,
        startTime: Date.parse(trial.startedAt),
        tags: {
          'mlsweep.kind': 'automl-trial',
          'mlsweep.automl.trial': String(trial.id),
          'mlsweep.automl.algorithm': name,
          ...(best ? { 'mlsweep.automl.best': 'true' } : {}),
          ...(pruned ? { 'mlsweep.automl.pruned': 'true' } : {}),
          ...(trial.error !== undefined ? { 'mlsweep.error': trial.error.slice(0, 5000) } : {}),
        },
      });
      store.logParams(run.id, { algorithm: name, ...params });
      const timestamp = Date.parse(trial.endedAt);
      const metrics = {
        ...(entry?.metrics ?? {}),
        ...(entry ? { fit_seconds: entry.fitSeconds, predict_seconds: entry.predictSeconds } : {}),
        duration_seconds: trial.durationMs / 1000,
      };
      store.logMetrics(
        run.id,
        Object.entries(metrics)
          .filter(([, v]) => Number.isFinite(v))
          .map(([key, value]) => ({ key, value, step: 0, timestamp })),
      );
      store.setRunStatus(run.id, pruned ? 'KILLED' : RUN_STATUS[trial.status], timestamp);
      return run.id;
    }),
  );
  // the artifact is a file copy, outside the transaction
  const bestIndex = result.trials.findIndex((t) => t.id === bestTrial);
  if (options.modelFile !== undefined && pipelineIsTrial && bestIndex >= 0)
    store.logArtifact(ids[bestIndex]!, options.modelFile, 'model');
  return ids;
}
