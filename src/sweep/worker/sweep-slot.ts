/**
 * A sweep as a worker works on it: its recorded definition read back and turned into the
 * sampler, policy, constraints and runner the engine would use, built once per sweep.
 */
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { DEFAULT_TERMINATION_GRACE_SECONDS } from '../../core/limits.ts';
import { createPolicy, type Policy } from '../../policies/create.ts';
import { samplerFromSpec } from '../../samplers/factory.ts';
import type { Sampler } from '../../samplers/types.ts';
import { searchSpace } from '../../space/parse.ts';
import type { SearchSpace } from '../../space/types.ts';
import { SWEEP_RUN_TAG } from '../../store/postgres/trial-runs.ts';
import type { SweepRecord } from '../../store/records.ts';
import { WORKER_SPEC_TAG } from '../../store/tags.ts';
import { type ConstraintSpec, parseConstraint } from '../constraints.ts';
import { resolveRunner } from '../options.ts';
import { inProcessModuleRunner } from '../runners/module.ts';
import type { TrackingSession } from '../trial-tracking.ts';
import type { CommandTrial, Runner } from '../types.ts';
import { ClaimTally } from './claim-tally.ts';
import { parseWorkerDefinition, type WorkerDefinition, type WorkerTrialEnvironment } from './definition.ts';
import { type LeasedStore, leasedStore, type SharedLocation } from './location.ts';

/**
 * Resolves a recorded `trial.environment` on this machine (built once into a cache): the
 * variables and the launcher its command trials run with. Environments are built by a
 * layer above the worker (the CLI gives `mlsweep worker`'s).
 */
export type EnvironmentResolver = (environment: WorkerTrialEnvironment) => Promise<{
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly launcher: CommandTrial['launcher'];
}>;

/** One sweep a worker claims trials of. */
export interface WorkerSweep {
  readonly sweepId: string;
  readonly store: LeasedStore;
  readonly definition: WorkerDefinition;
  readonly space: SearchSpace;
  readonly sampler: Sampler;
  readonly policy: Policy | undefined;
  readonly constraints: readonly ConstraintSpec[];
  readonly runner: Runner;
  /** When the sweep's timeout passes (ms since the epoch, from its recorded start); undefined without one. */
  readonly deadline: number | undefined;
  /** The sweep's tracking run in the store (made with the sweep when it was created with tracking). */
  readonly trackingRunId: string | undefined;
  /** The tracking server its command trials log to with MLflow (started by the worker), if any. */
  tracking?: TrackingSession;
  /** Running trials by the id of the run they log into through `tracking`. */
  readonly trackedRuns: Map<string, { logged(name: string, value: number, step: number): void }>;
  /** The sweep's trials as the claim chooser last counted them (kept from one claim to the next). */
  readonly tally: ClaimTally;
  /** Set once the worker saw the sweep end (or ended it). */
  ended: boolean;
}

/**
 * Opens a recorded sweep for work: a ValidationError when it was not started for workers.
 * `outputDir` (the worker's `--output-dir`) replaces the recorded one; trial folders go
 * to `<outputDir>/<sweep id>/trial-N/`. `inProcess`: a module trial runs in this thread
 * (no trial threads; see `inProcessModuleRunner`). `environments` resolves a command
 * trial's `trial.environment` (without it, such a sweep is a ValidationError).
 *
 * @example
 * const sweep = await openWorkerSweep(location, record, {});
 */
export async function openWorkerSweep(
  location: SharedLocation,
  record: SweepRecord,
  options: {
    readonly outputDir?: string;
    readonly inProcess?: boolean;
    readonly environments?: EnvironmentResolver;
  },
): Promise<WorkerSweep> {
  const definition = parseWorkerDefinition(record.tags[WORKER_SPEC_TAG], record.sweepId);
  const space = searchSpace(definition.searchSpace, 'search_space');
  const root = options.outputDir ?? definition.outputDir;
  const graceMs = (definition.terminationGrace ?? DEFAULT_TERMINATION_GRACE_SECONDS) * 1000;
  let trial: CommandTrial | WorkerDefinition['trial'] = definition.trial;
  if ('command' in definition.trial) {
    const { environment, ...command } = definition.trial;
    trial = { ...command, ...(root !== undefined ? { outputDir: join(root, record.sweepId) } : {}) };
    if (environment !== undefined) {
      // As a local sweep applies it: the environment's variables under the trial's own, and its launcher.
      if (options.environments === undefined) {
        throw new ValidationError(
          `sweep ${record.sweepId} runs its trials in an environment (trial.environment), which this worker cannot build`,
          { path: 'trial.environment' },
        );
      }
      const resolved = await options.environments(environment);
      trial = {
        ...trial,
        environmentVariables: { ...resolved.environmentVariables, ...command.environmentVariables },
        launcher: resolved.launcher,
      };
    }
  }
  const runner =
    options.inProcess === true && 'module' in trial
      ? inProcessModuleRunner(trial)
      : resolveRunner(trial, graceMs);
  const store = leasedStore(await location.open(record.sweepId));
  const timeout = definition.limits.timeout;
  return {
    sweepId: record.sweepId,
    store,
    definition,
    space,
    sampler: samplerFromSpec({ searchSpace: space, sampling: definition.sampling }),
    policy: definition.policy !== undefined ? createPolicy(definition.policy) : undefined,
    constraints: definition.constraints.map((c, i) => parseConstraint(c, `constraints[${i}]`)),
    runner,
    deadline: timeout === undefined ? undefined : Date.parse(record.startedAt) + timeout * 1000,
    tally: new ClaimTally(definition.objectives, definition.failFast),
    trackingRunId: record.tags[SWEEP_RUN_TAG],
    trackedRuns: new Map(),
    ended: record.endedAt !== undefined || record.stopReason !== undefined,
  };
}
