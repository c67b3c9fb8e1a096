/**
 * Records a sweep that workers run (`mlsweep sweep --workers-only`, or code): its
 * definition in the tags every reader knows (objective, sampler, search space, policy,
 * constraints) plus the worker's own (`mlsweep.workers = open`, `mlsweep.worker_spec`).
 * Nothing runs here: `mlsweep worker` processes claim its trials.
 */
import type { SweepLocation, SweepStore } from '../../store/sweep-store.ts';
import {
  CONSTRAINTS_TAG,
  POLICY_TAG,
  SAMPLER_TAG,
  SPACE_TAG,
  WORKER_SPEC_TAG,
  WORKERS_TAG,
} from '../../store/tags.ts';
import type { WorkerDefinition } from './definition.ts';

/** Options of `createWorkerSweep`. */
export interface CreateWorkerSweepOptions {
  /** From `workerDefinition()`. */
  readonly definition: WorkerDefinition;
  /** Experiment of the sweep's run (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  /** More tags (the sweep file's identity, for `--resume` and reports). */
  readonly tags?: Readonly<Record<string, string>>;
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
    },
  });
}
