/**
 * Finding what a request names, with MLflow's not-found and wrong-state errors: an
 * experiment by its id (MLflow's id "0" is the store's Default experiment), a run by its
 * full id (no prefixes through the API), and the "must be active" rule for writes.
 */
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import type { Experiment, Run } from '../../tracking/types.ts';
import { MlflowApiError } from './context.ts';

/**
 * The experiment with an MLflow id; RESOURCE_DOES_NOT_EXIST otherwise.
 *
 * @example
 * experimentById(store, '0').name; // 'Default'
 */
export function experimentById(store: SqliteStore, id: string): Experiment {
  const found = findExperimentById(store, id);
  if (found === undefined) {
    throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
  }
  return found;
}

/**
 * The experiment with an MLflow id, or undefined; an id that is not a number is
 * INVALID_PARAMETER_VALUE.
 *
 * @example
 * findExperimentById(store, '42'); // undefined when there is none
 */
export function findExperimentById(store: SqliteStore, id: string): Experiment | undefined {
  if (!/^\d+$/.test(id)) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid experiment ID: '${id}'`);
  }
  const found = store.findExperiment(Number(id));
  if (found !== undefined || Number(id) !== 0) return found;
  return store.defaultExperiment();
}

/**
 * A run by its full id; RESOURCE_DOES_NOT_EXIST otherwise (the store's id prefixes are a
 * convenience of the CLI, not of the API).
 *
 * @example
 * runById(store, '3f2a...').status;
 */
export function runById(store: SqliteStore, id: string): Run {
  const run = findRunById(store, id);
  if (run === undefined) throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Run '${id}' not found`);
  return run;
}

/**
 * A run by its full id, or undefined.
 *
 * @example
 * findRunById(store, parentId) !== undefined;
 */
export function findRunById(store: SqliteStore, id: string): Run | undefined {
  try {
    const run = store.run(id);
    return run.id === id ? run : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A run's id, checked to name an active run (MLflow refuses writes to a deleted run):
 * one light read, as it precedes every logged point.
 *
 * @example
 * activeRunId(store, id);
 */
export function activeRunId(store: SqliteStore, id: string): string {
  const stage = store.runLifecycle(id);
  if (stage === undefined) throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Run '${id}' not found`);
  if (stage === 'deleted') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `The run ${id} must be in the 'active' state. Current state is deleted.`,
    );
  }
  return id;
}

/**
 * The experiment, checked to be active.
 *
 * @example
 * activeExperiment(store, '1');
 */
export function activeExperiment(store: SqliteStore, id: string): Experiment {
  const experiment = experimentById(store, id);
  if (experiment.lifecycleStage === 'deleted') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `The experiment ${experiment.id} must be in the 'active' state. Current state is deleted.`,
    );
  }
  return experiment;
}
