import type {
  FinishedTrial,
  MetricPoint,
  Objective,
  ParamSet,
  StopReason,
  TrialStatus,
} from '../core/trial.ts';
import type { PolicySpec } from '../policies/types.ts';
import type { TradeOffRule } from '../samplers/multi-objective/selection.ts';
import type { SamplingSpec } from '../samplers/spec.ts';
import type { Sampler } from '../samplers/types.ts';
import type { SearchSpace, SearchSpaceDefinition } from '../space/types.ts';
import type { TrialOutput } from '../store/records.ts';
import type { SweepWriter } from '../store/sweep-store.ts';
import type { ConstraintSpec } from './constraints.ts';
import type { TrialTracking } from './trial-tracking.ts';
import type { WarmStartOptions } from './warm-start.ts';

/** What a trial function gets besides its parameters. */
export interface TrialContext {
  /** The trial's number in suggestion order, from 0. */
  readonly trialId: number;
  /**
   * Logs a metric. Each report of the primary metric is one evaluation interval for early
   * termination; `step` defaults to the previous step of that metric plus one (from 0).
   */
  report(name: string, value: number, step?: number): void;
  /** Aborted when the trial is stopped: early termination, trial_timeout, the sweep's end. */
  readonly signal: AbortSignal;
}

/**
 * What a trial returns: its final metrics, or a number (the primary metric's final value),
 * or nothing when it reported everything through `ctx.report`.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a trial function that only reports returns void
export type TrialReturn = number | Readonly<Record<string, number>> | undefined | void;

/** A trial as a function, run in this thread. */
export type TrialFunction = (params: ParamSet, ctx: TrialContext) => TrialReturn | Promise<TrialReturn>;

/** A trial as a module run in a worker thread: its export (default `default`) is a TrialFunction. */
export interface ModuleTrial {
  readonly module: string | URL;
  readonly export?: string;
}

/** A trial as a command line (the sweep-file form); see the README for the metrics protocol. */
export interface CommandTrial {
  /** With `${{search_space.NAME}}` and `${{inputs.NAME}}` placeholders. */
  readonly command: string;
  /** Working directory (default: the current one). */
  readonly code?: string;
  readonly environmentVariables?: Readonly<Record<string, string>>;
  /** Values for `${{inputs.NAME}}`: literals, or `{ path }` inputs. */
  readonly inputs?: Readonly<Record<string, string | number | boolean | { readonly path: string }>>;
  /** Where each trial's stdout, stderr and metrics file are kept (trial-N/); default: a new `mlsweep-trials-*` folder in the OS temp folder, kept after the sweep. */
  readonly outputDir?: string;
  /**
   * How to launch the command inside an environment (a resolved environment's `launcher`):
   * the argv `before`, `envFlag NAME` for each variable the trial is given (a container
   * inherits none), `after`, then `/bin/sh -c COMMAND`. Absent or empty: the command runs here.
   */
  readonly launcher?: {
    readonly before: readonly string[];
    readonly envFlag?: string;
    readonly after: readonly string[];
  };
}

/** What the engine hands a runner for one trial. */
export interface RunContext extends TrialContext {
  readonly params: ParamSet;
  /** Aborted on a hard kill (a second Ctrl-C): stop at once, no grace period. */
  readonly killSignal: AbortSignal;
  /** Keeps a command's output with the trial, whatever its outcome. */
  keepOutput(output: TrialOutput): void;
  /** Environment variables a command trial gets besides its own (MLFLOW_* of its run, see `tracking`). */
  environment?: Readonly<Record<string, string>>;
}

/** Runs trials. `run` must settle soon after `ctx.signal` aborts; `close` frees pooled resources. */
export interface Runner {
  run(ctx: RunContext): Promise<TrialReturn>;
  close?(): Promise<void>;
  /** Gets ready for `concurrency` trials at once ahead of the first (threads started, modules imported). */
  warm?(concurrency: number): Promise<void>;
}

/** `limits`, in seconds as in Azure; absent means no limit. */
export interface SweepLimits {
  /** Default 1000, as in Azure. */
  readonly maxTotalTrials?: number;
  /** Default: maxTotalTrials. */
  readonly maxConcurrentTrials?: number;
  /** The whole sweep: running trials are cancelled at this point, results so far kept. */
  readonly timeout?: number;
  /** One trial: it is stopped with status `timed_out`. */
  readonly trialTimeout?: number;
}

/** Options of `sweep()`. */
export interface SweepOptions {
  /** The sampler that suggests parameter sets (its search space comes with it)... */
  readonly sampler?: Sampler;
  /** ...or a search space (or its YAML/JSON definition) and a sampling algorithm (default random). */
  readonly searchSpace?: SearchSpace | SearchSpaceDefinition;
  readonly sampling?:
    | SamplingSpec['type']
    | { readonly type: 'grid' }
    | { readonly type: 'random'; readonly seed?: number; readonly rule?: 'random' | 'sobol' }
    | { readonly type: 'bayesian'; readonly seed?: number; readonly method?: 'auto' | 'gp' | 'tpe' }
    /** Multi-objective samplers, with their options (see samplers/multi-objective). */
    | (Omit<Extract<SamplingSpec, { type: 'nsga2' }>, 'seed'> & { readonly seed?: number })
    | (Omit<Extract<SamplingSpec, { type: 'motpe' }>, 'seed'> & { readonly seed?: number });
  /** What the sweep optimises (exactly one of `objective` and `objectives`)... */
  readonly objective?: Objective;
  /**
   * ...or several objectives (an extension beyond Azure): each trial's value of every
   * objective's metric is its last report of it; the first is `objective` for early
   * termination and single-value views, and the result has the Pareto front.
   */
  readonly objectives?: readonly Objective[];
  /**
   * Constraints on metrics the trial reports, `"model_size_mb <= 50"` (an extension beyond
   * Azure): infeasible trials rank after feasible ones and samplers see the violations.
   */
  readonly constraints?: readonly (string | ConstraintSpec)[];
  /**
   * Prior observations for the sampler (warm start): trials of earlier sweeps, as
   * `warmStartTrials()` reads them (numbered below 0, so they never share an id with this
   * sweep's trials), or the sweeps to read them from. Not run, not counted against the
   * limits, not in the result; grid sampling ignores them.
   */
  readonly warmStart?: readonly FinishedTrial[] | WarmStartOptions;
  /** Told what the caller should know but need not stop for (warm start trials left out). */
  readonly onNotice?: (message: string) => void;
  /**
   * Multi-objective: the reference point of the result's hypervolume, in the objectives'
   * own terms (default: each objective's worst feasible value, a tenth of its range further).
   */
  readonly hypervolumeReference?: readonly number[];
  /**
   * Multi-objective: the rule that picks the result's `bestTradeOff` from the Pareto front:
   * `knee` (default), `ideal`, or `weighted` with one weight per objective.
   */
  readonly tradeOff?: TradeOffRule;
  readonly limits?: SweepLimits;
  readonly earlyTermination?: PolicySpec;
  readonly trial: TrialFunction | ModuleTrial | CommandTrial | Runner;
  /** Where trials, parameters, metric points and statuses are written (default: a MemoryStore). */
  readonly store?: SweepWriter;
  /** Aborting it stops the sweep like a first Ctrl-C. */
  readonly signal?: AbortSignal;
  /** Progress events, e.g. for a progress line. */
  readonly onEvent?: (event: SweepEvent) => void;
  /**
   * Stop the sweep when this many first trials all failed with the same error (default 3;
   * false never stops).
   */
  readonly failFast?: number | false;
  /**
   * Command trials that log with MLflow: started for the sweep's duration unless
   * MLFLOW_TRACKING_URI is already set (in the trial's environment variables or this
   * process's), it gives every command trial MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID and
   * MLFLOW_RUN_ID (its own run), and the metrics it logs there reach the sweep like
   * printed metric lines (the primary metric, its steps for early termination). The CLI
   * passes the MLflow-compatible tracking server; ignored for function and module trials.
   */
  readonly tracking?: TrialTracking;
  /** Seconds between SIGTERM and SIGKILL (or worker termination) for a stopped trial (default 5). */
  readonly terminationGrace?: number;
  /** Continue a recorded sweep (see `trackSweep` and `SweepStore.resume()`), writing to the same store. */
  readonly resume?: SweepResume;
}

/** Where an interrupted sweep stands, as its store recorded it. */
export interface SweepResume {
  /** Ended trials: part of the result, of the sampler's history and of the policy's view. */
  readonly trials: readonly TrialResult[];
  /**
   * Ended trials that a retry replaces (see `retry`): part of the result only. The
   * sampler does not see them, so a positional sampler (grid, random, Sobol) gives each
   * retry the place of the trial it replaces and continues its sequence without a gap.
   */
  readonly replaced?: readonly TrialResult[];
  /** How many of them count against max_total_trials (an interrupted trial that is retried does not). */
  readonly counted: number;
  /** Parameter sets run again first: the trials the interruption cut short, retried once. */
  readonly retry: readonly ParamSet[];
  /** The number of the next trial. */
  readonly nextId: number;
}

/** One trial of a sweep, as the result reports it (and as the sampler sees it once ended). */
export interface TrialResult extends FinishedTrial {
  /**
   * The value: the last reported value of the primary metric. NaN or an infinity only on
   * a failed trial (a non-finite primary metric fails the trial and never ranks).
   */
  readonly value?: number;
  /** Every metric reported, by name, in report order. */
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  /** Why the trial failed, timed out, or was stopped. */
  readonly error?: string;
  readonly output?: TrialOutput;
}

/** What `sweep()` returns. */
export interface SweepResult {
  /** The (first) objective. */
  readonly objective: Objective;
  /** Multi-objective sweeps: every objective, in the order of each trial's `values`. */
  readonly objectives?: readonly Objective[];
  /** Constrained sweeps: the constraints as written, in the order of each trial's `constraints`. */
  readonly constraints?: readonly string[];
  /** Multi-objective sweeps: the feasible completed trials that no other dominates, by id. */
  readonly paretoFront?: readonly TrialResult[];
  /** Multi-objective sweeps: the hypervolume of the front against a reference point (absent when no trial completed). */
  readonly hypervolume?: { readonly reference: readonly number[]; readonly value: number };
  /**
   * Multi-objective sweeps: the Pareto front reduced to one trial by a named rule (`knee`
   * by default, see `tradeOff`); absent when the front is empty.
   */
  readonly bestTradeOff?: { readonly rule: TradeOffRule['rule']; readonly trial: TrialResult };
  /** Things the caller was told while the sweep ran (e.g. warm start trials left out). */
  readonly notices?: readonly string[];
  readonly sampler: string;
  readonly stopReason: StopReason;
  /** The reason in words. */
  readonly message: string;
  /** Every trial, by id. */
  readonly trials: readonly TrialResult[];
  /**
   * The completed trial with the best value (ties: the earliest), if any completed; of a
   * constrained sweep, the best feasible one; of a multi-objective sweep, the best by the
   * first objective among the Pareto front.
   */
  readonly best: TrialResult | undefined;
  readonly counts: Readonly<Record<TrialStatus, number>> & { readonly total: number };
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
}

/** Progress events of a running sweep. */
export type SweepEvent =
  | { readonly type: 'trial_started'; readonly trialId: number; readonly params: ParamSet }
  | { readonly type: 'trial_ended'; readonly trial: TrialResult }
  | { readonly type: 'stopping'; readonly reason: StopReason; readonly message: string };
