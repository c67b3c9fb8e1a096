/**
 * Records a sweep that workers run (`mlsweep sweep --workers-only`, or code): its
 * definition in the tags every reader knows (objective, sampler, search space, policy,
 * constraints) plus the worker's own (`mlsweep.workers = open`, `mlsweep.worker_spec`).
 * Nothing runs here: `mlsweep worker` processes claim its trials.
 */
import { SWEEP_RUN_TAG } from '../../store/postgres/trial-runs.ts';
import type { SweepLocation, SweepStore } from '../../store/sweep-store.ts';
import {
  CONSTRAINTS_TAG,
  GOAL_TAG,
  POLICY_TAG,
  PRIMARY_METRIC_TAG,
  SAMPLER_TAG,
  SPACE_TAG,
  WORKER_SPEC_TAG,
  WORKERS_TAG,
} from '../../store/tags.ts';
import type { WorkerDefinition } from './definition.ts';
import { startSweepRun } from './sweep-run.ts';

/** Options of `createWorkerSweep`. */
export interface CreateWorkerSweepOptions {
  /** From `workerDefinition()`. */
  readonly definition: WorkerDefinition;
  /** Experiment of the sweep's run (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  /** More tags (the sweep file's identity, for `--resume` and reports). */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The store's URL, to give the sweep a tracking run there (parent of a run per trial,
   * written with each settle batch); absent: the sweep records no runs.
   */
  readonly trackingUrl?: string;
}

/**
 * Records a new sweep open to workers and returns its store (its `sweepId` is what
 * `mlsweep worker --sweep` takes).
 *
 * @example
 * const store = await createWorkerSweep(location, { definition: workerDefinition({ ... }) });
 * console.log(`mlsweep worker --store ${location.where} --sweep ${store.sweepId}`);
 */
export async function createWorkerSweep(
  location: SweepLocation,
  options: CreateWorkerSweepOptions,
): Promise<SweepStore> {
  const { definition } = options;
  const objectives = definition.objectives;
  const run =
    options.trackingUrl === undefined
      ? undefined
      : startSweepRun({
          url: options.trackingUrl,
          ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
          ...(options.name !== undefined ? { name: options.name } : {}),
          tags: {
            ...options.tags,
            [GOAL_TAG]: objectives[0]!.goal,
            [PRIMARY_METRIC_TAG]: objectives[0]!.primaryMetric,
          },
        });
  let store: SweepStore;
  try {
    store = await createSweep(location, options, run?.runId);
  } catch (error) {
    run?.abandon();
    throw error;
  }
  run?.finish(store.sweepId);
  return store;
}

/** Records the sweep itself (with its run's id, if it has one). */
async function createSweep(
  location: SweepLocation,
  options: CreateWorkerSweepOptions,
  runId: string | undefined,
): Promise<SweepStore> {
  const { definition } = options;
  const objectives = definition.objectives;
  return location.create({
    objective: objectives[0]!,
    ...(objectives.length > 1 ? { objectives } : {}),
    ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    tags: {
      ...options.tags,
      [SAMPLER_TAG]: definition.sampling.type,
      [SPACE_TAG]: JSON.stringify(definition.searchSpace),
      ...(definition.policy !== undefined ? { [POLICY_TAG]: JSON.stringify(definition.policy) } : {}),
      ...(definition.constraints.length > 0
        ? { [CONSTRAINTS_TAG]: JSON.stringify(definition.constraints) }
        : {}),
      [WORKERS_TAG]: 'open',
      [WORKER_SPEC_TAG]: JSON.stringify(definition),
      ...(runId !== undefined ? { [SWEEP_RUN_TAG]: runId } : {}),
    },
  });
}
