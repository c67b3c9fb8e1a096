/**
 * What a sweep open to distributed workers is, recorded once with it (the tag
 * `mlsweep.worker_spec`) so that every worker, on any machine, samples from the same space
 * with the same sampler and seed, applies the same policy, limits and heartbeat timeout,
 * and runs the same trial: the store is the sweep's only state.
 */
import { isAbsolute, resolve } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { checkInteger, checkPositive, DEFAULT_MAX_TOTAL_TRIALS } from '../../core/limits.ts';
import type { Objective } from '../../core/trial.ts';
import { createPolicy } from '../../policies/create.ts';
import type { PolicySpec } from '../../policies/types.ts';
import type { SamplingSpec } from '../../samplers/spec.ts';
import { searchSpace } from '../../space/parse.ts';
import type { SearchSpace, SearchSpaceDefinition } from '../../space/types.ts';
import { type SamplingInput, studyObjectives, studySampling } from '../../study/definition.ts';
import { parseConstraint } from '../constraints.ts';
import type { CommandTrial } from '../types.ts';

/** How often a worker beats when `--heartbeat-seconds` does not say. */
export const DEFAULT_HEARTBEAT_SECONDS = 5;

/** How long a worker may stay silent before its trials are reaped, when the sweep does not say. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 30;

/**
 * A module trial as a worker runs it: the module's file (absolute, as every worker must
 * reach it) and its export, a TrialFunction, run on worker threads (runners/module.ts).
 */
export interface WorkerModuleTrial {
  readonly module: string;
  readonly export?: string;
}

/**
 * A sweep file's `trial.environment` as recorded for workers: the reference, env.yml path
 * or inline environment as written, and the folder its paths start from (absolute). Each
 * worker resolves it (builds it once into its store's cache) before its first trial.
 */
export interface WorkerTrialEnvironment {
  readonly ref: string | Readonly<Record<string, unknown>>;
  readonly baseDir: string;
}

/** A command trial as recorded (runners/command.ts): the sweep file's `trial` and `inputs`. */
export type WorkerCommandTrial = Omit<CommandTrial, 'outputDir' | 'launcher'> & {
  readonly environment?: WorkerTrialEnvironment;
};

/** A sweep's definition as workers read it. */
export interface WorkerDefinition {
  readonly searchSpace: SearchSpaceDefinition;
  /** The seed is always fixed (a fresh one recorded when none was given). */
  readonly sampling: SamplingSpec;
  readonly objectives: readonly Objective[];
  /** Constraints as written (`"size <= 50"`), in the order of each trial's constraint values. */
  readonly constraints: readonly string[];
  readonly policy?: PolicySpec;
  readonly limits: {
    readonly maxTotalTrials: number;
    /** Across every worker of the sweep. */
    readonly maxConcurrentTrials: number;
    /** Seconds from the sweep's start. */
    readonly timeout?: number;
    /** Seconds for one trial. */
    readonly trialTimeout?: number;
  };
  readonly trial: WorkerCommandTrial | WorkerModuleTrial;
  /** Absolute: the shared folder (datastore) where trial-N/ folders go, under the sweep's id. */
  readonly outputDir?: string;
  /** Seconds a worker may stay silent before any other worker reaps its trials. */
  readonly heartbeatTimeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL for a stopped command trial. */
  readonly terminationGrace?: number;
  /**
   * The sweep ends when its first this-many trials to end all failed with the same error
   * (the engine's `failFast`; absent: 3; false: never).
   */
  readonly failFast?: number | false;
}

/** What `workerDefinition` takes: the definition with its defaults still to apply. */
export interface WorkerDefinitionInput {
  readonly searchSpace: SearchSpace | SearchSpaceDefinition;
  readonly sampling?: SamplingInput;
  /** The sampler's seed when `sampling` has none (default: a fresh one, recorded). */
  readonly seed?: number;
  readonly objective?: Objective;
  readonly objectives?: readonly Objective[];
  readonly constraints?: readonly string[];
  readonly policy?: PolicySpec;
  readonly limits?: Partial<WorkerDefinition['limits']>;
  readonly trial: WorkerCommandTrial | WorkerModuleTrial;
  readonly outputDir?: string;
  readonly heartbeatTimeoutSeconds?: number;
  readonly terminationGrace?: number;
  /** Default 3 (false: never), as `sweep()`'s. */
  readonly failFast?: number | false;
}

/**
 * A checked definition with its defaults: the seed fixed, paths absolute, limits checked
 * (max_concurrent_trials defaults to max_total_trials: the workers' `--concurrency` bounds
 * each machine). A ValidationError names the first bad field.
 *
 * @example
 * const definition = workerDefinition({ searchSpace: { x: 'uniform(0, 1)' }, objective: { goal: 'minimize', primaryMetric: 'loss' }, limits: { maxTotalTrials: 100 }, trial: { module: '/shared/trial.mjs' } });
 */
export function workerDefinition(input: WorkerDefinitionInput): WorkerDefinition {
  const space = searchSpace(input.searchSpace, 'search_space');
  const objectives = studyObjectives(input);
  const constraints = [...(input.constraints ?? [])];
  for (const [i, c] of constraints.entries()) parseConstraint(c, `constraints[${i}]`);
  if (input.policy !== undefined) createPolicy(input.policy);
  const maxTotalTrials = input.limits?.maxTotalTrials ?? DEFAULT_MAX_TOTAL_TRIALS;
  const maxConcurrentTrials = input.limits?.maxConcurrentTrials ?? maxTotalTrials;
  checkInteger(maxTotalTrials, 'limits.max_total_trials');
  checkInteger(maxConcurrentTrials, 'limits.max_concurrent_trials');
  checkPositive(input.limits?.timeout, 'limits.timeout', 'seconds');
  checkPositive(input.limits?.trialTimeout, 'limits.trial_timeout', 'seconds');
  const heartbeatTimeoutSeconds = input.heartbeatTimeoutSeconds ?? DEFAULT_HEARTBEAT_TIMEOUT_SECONDS;
  checkPositive(heartbeatTimeoutSeconds, 'heartbeat_timeout_seconds', 'seconds');
  if (input.terminationGrace !== undefined && !(input.terminationGrace >= 0)) {
    throw new ValidationError(`terminationGrace must be seconds >= 0, got ${input.terminationGrace}`, {
      path: 'terminationGrace',
    });
  }
  if (input.failFast !== undefined && input.failFast !== false) checkInteger(input.failFast, 'failFast');
  return {
    searchSpace: space.toJSON(),
    sampling: studySampling(input.sampling, input.seed),
    objectives,
    constraints,
    ...(input.policy !== undefined ? { policy: input.policy } : {}),
    limits: {
      maxTotalTrials,
      maxConcurrentTrials,
      ...(input.limits?.timeout !== undefined ? { timeout: input.limits.timeout } : {}),
      ...(input.limits?.trialTimeout !== undefined ? { trialTimeout: input.limits.trialTimeout } : {}),
    },
    trial: recordedTrial(input.trial),
    ...(input.outputDir !== undefined ? { outputDir: resolve(input.outputDir) } : {}),
    heartbeatTimeoutSeconds,
    ...(input.terminationGrace !== undefined ? { terminationGrace: input.terminationGrace } : {}),
    ...(input.failFast !== undefined ? { failFast: input.failFast } : {}),
  };
}

/** The trial with the paths a worker on another machine needs made absolute. */
function recordedTrial(trial: WorkerDefinitionInput['trial']): WorkerDefinition['trial'] {
  if (
    trial !== null &&
    typeof trial === 'object' &&
    'command' in trial &&
    typeof trial.command === 'string'
  ) {
    const { command, code, environmentVariables, inputs, environment } = trial;
    return {
      command,
      ...(code !== undefined ? { code: resolve(code) } : {}),
      ...(environmentVariables !== undefined ? { environmentVariables } : {}),
      ...(inputs !== undefined ? { inputs } : {}),
      ...(environment !== undefined
        ? { environment: { ref: environment.ref, baseDir: resolve(environment.baseDir) } }
        : {}),
    };
  }
  if (trial !== null && typeof trial === 'object' && 'module' in trial && typeof trial.module === 'string') {
    const module =
      trial.module.startsWith('file:') || isAbsolute(trial.module) ? trial.module : resolve(trial.module);
    return { module, ...(trial.export !== undefined ? { export: trial.export } : {}) };
  }
  throw new ValidationError(
    'a sweep for workers runs a { command } or a { module } trial (a file every worker reaches), not a function',
    { path: 'trial' },
  );
}

/**
 * A recorded definition read back; a ValidationError naming the sweep when it has none
 * (it was not started for workers).
 *
 * @example
 * const definition = parseWorkerDefinition(record.tags['mlsweep.worker_spec'], record.sweepId);
 */
export function parseWorkerDefinition(json: string | undefined, sweepId: string): WorkerDefinition {
  try {
    const parsed = JSON.parse(json ?? '') as WorkerDefinition;
    if (parsed && typeof parsed === 'object' && Array.isArray(parsed.objectives) && parsed.trial)
      return parsed;
  } catch {
    // reported below
  }
  throw new ValidationError(
    `sweep ${sweepId} is not open to workers (start it with mlsweep sweep FILE --workers-only)`,
    { path: 'sweep', code: 'E_NOT_FOUND' },
  );
}
