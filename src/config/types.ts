/**
 * The validated sweep: what `loadSweepFile()` returns and what the engine runs. Field
 * names are the camelCase of the Azure ML v2 sweep job keys; defaults are applied, so
 * every field the engine needs is present.
 *
 * @example
 * const spec = loadSweepFile('examples/random-sobol.yml');
 * spec.limits.maxTotalTrials; // 1000 unless the file says otherwise
 */

import type { Objective, ParamValue } from '../core/trial.ts';
import type { TradeOffRule } from '../samplers/multi-objective/selection.ts';
import type { SamplingSpec } from '../samplers/spec.ts';
import type { SearchSpace } from '../space/types.ts';
import type { ConstraintSpec } from '../sweep/constraints.ts';

/** `sampling_algorithm`: the samplers' own type, re-exported where the rest of the sweep file is. */
export type { SamplingSpec } from '../samplers/spec.ts';

/** `trial`: what one trial runs. */
export interface TrialSpec {
  /** The command line, with `${{search_space.NAME}}` and `${{inputs.NAME}}` placeholders. */
  readonly command: string;
  /** Working directory of the trial, resolved against the sweep file's folder; undefined when absent locally. */
  readonly code: string | undefined;
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** `trial.environment` as written (a reference, an env.yml path or an inline environment) and the folder its paths start from; resolved when the sweep starts. */
  readonly environment?: {
    readonly ref: string | Readonly<Record<string, unknown>>;
    readonly baseDir: string;
  };
}

/** A data input (`{type: uri_file, path}`); `path` is resolved against the sweep file's folder when local. */
export interface PathInput {
  readonly type: string;
  readonly path: string;
  readonly mode: string | undefined;
}

/** An `inputs` entry: a literal, or a path input. */
export type InputValue = ParamValue | PathInput;

/** `limits`. Times are in seconds, as in Azure; undefined means no limit. */
export interface LimitsSpec {
  /** Default 1000. */
  readonly maxTotalTrials: number;
  /** Default: the number of cores (`os.availableParallelism()`); a sweep runs at most maxTotalTrials at once anyway. */
  readonly maxConcurrentTrials: number;
  readonly timeout: number | undefined;
  readonly trialTimeout: number | undefined;
}

/** Fields every early termination policy shares. */
export interface PolicyTiming {
  /** Apply the policy every this many reports of the primary metric (default 1; Azure's 0 means 1). */
  readonly evaluationInterval: number;
  /** Do not apply it before this many reports (default 0). */
  readonly delayEvaluation: number;
}

/** `early_termination` (absent: no early termination). Exactly one of slackFactor/slackAmount for bandit. */
export type EarlyTerminationSpec =
  | (PolicyTiming & {
      readonly type: 'bandit';
      readonly slackFactor: number | undefined;
      readonly slackAmount: number | undefined;
    })
  | (PolicyTiming & { readonly type: 'median_stopping' })
  | (PolicyTiming & {
      readonly type: 'truncation_selection';
      /** Percentage of the lowest trials to stop at each evaluation, 1..99. */
      readonly truncationPercentage: number;
      /** Default false. */
      readonly excludeFinishedJobs: boolean;
    })
  | (PolicyTiming & {
      /** Beyond Azure: asynchronous successive halving. */
      readonly type: 'asha';
      /** Minimum step a trial reaches before it can be stopped (default 1, as Ray Tune). */
      readonly gracePeriod: number;
      /** Keep the top 1/reductionFactor at each rung (default 4, as Ray Tune). */
      readonly reductionFactor: number;
      /** The largest step a trial runs to (default 100, as Ray Tune). */
      readonly maxT: number;
    });

/** The validated sweep job. */
export interface SweepSpec {
  /** Absolute path of the sweep file, when loaded from one. */
  readonly file: string | undefined;
  readonly name: string | undefined;
  readonly displayName: string | undefined;
  readonly experimentName: string | undefined;
  readonly description: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly trial: TrialSpec;
  readonly inputs: Readonly<Record<string, InputValue>>;
  readonly searchSpace: SearchSpace;
  readonly sampling: SamplingSpec;
  /** The objective; of a multi-objective file, its first objective. */
  readonly objective: Objective;
  /** Extension beyond Azure: every objective of a file that has `objectives` (the first is `objective`). */
  readonly objectives?: readonly Objective[];
  /** Extension beyond Azure: `constraints`, parsed, in the order of each trial's constraint values. */
  readonly constraints?: readonly ConstraintSpec[];
  /** Extension beyond Azure: `warm_start`, the ids of the sweeps whose completed trials the samplers start from. */
  readonly warmStart?: readonly string[];
  /** Extension beyond Azure: `trade_off`, the rule that picks the best trade-off of the front. */
  readonly tradeOff?: TradeOffRule;
  /** Extension beyond Azure: `hypervolume_reference`, one coordinate per objective. */
  readonly hypervolumeReference?: readonly number[];
  readonly limits: LimitsSpec;
  readonly earlyTermination: EarlyTerminationSpec | undefined;
  /** Things accepted but not acted on locally (Azure-only keys...), one sentence each. */
  readonly notices: readonly string[];
}
