/**
 * What a sweep store keeps, whatever keeps it (memory, SQLite, PostgreSQL): the trials as
 * recorded with their metric points, how each ended, and the sweep itself.
 */
import type { MetricPoint, Objective, ParamSet, StopReason, TrialStatus } from '../core/trial.ts';

/** Captured output of a command trial: the tails kept in memory, and where all of it is on disk. */
export interface TrialOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** The trial's folder: stdout.log, stderr.log, metrics.jsonl. */
  readonly dir?: string;
  /** The files holding the whole stdout and stderr. */
  readonly logs?: { readonly stdout: string; readonly stderr: string };
  /** The command line run, with the values written in, quoted for the shell: for reading. */
  readonly command?: string;
  /** Lines with the metrics prefix that could not be parsed, with the reason. */
  readonly invalidLines?: readonly string[];
}

/** How a trial ended, as the engine writes it to a store. */
export interface TrialEnd {
  readonly status: TrialStatus;
  readonly value?: number;
  readonly error?: string;
  readonly endedAt: string;
  readonly output?: TrialOutput;
  /** Multi-objective: one value per objective, in the sweep's order (`value` is the first). */
  readonly values?: readonly number[];
  /** Constrained: one number per constraint, <= 0 satisfied, > 0 violated by that much. */
  readonly constraints?: readonly number[];
}

/** A trial as a store keeps it. */
export interface StoredTrial {
  readonly id: number;
  readonly params: ParamSet;
  readonly startedAt: string;
  /** `running` until the trial ends. */
  readonly status: TrialStatus | 'running';
  readonly value?: number;
  readonly error?: string;
  readonly endedAt?: string;
  readonly output?: TrialOutput;
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  /** The trial this one runs again: a resume retries a trial cut short, once. */
  readonly retryOf?: number;
  /** Multi-objective: one value per objective, in the sweep's order (`value` is the first). */
  readonly values?: readonly number[];
  /** Constrained: one number per constraint, <= 0 satisfied, > 0 violated by that much. */
  readonly constraints?: readonly number[];
}

/**
 * What a store hands the chooser of a claim (`SweepStore.claimTrial`), read inside the
 * claim's lock: every trial as it stands, running ones included, and the parameter set
 * at the head of the sweep's queue (`enqueueTrial`), if any.
 */
export interface ClaimState {
  readonly trials: readonly StoredTrial[];
  readonly queued: ParamSet | undefined;
}

/** What a chooser answers: the new trial's parameters, and whether it took the queued set. */
export interface ClaimChoice {
  readonly params: ParamSet;
  /** True when the claim consumes the head of the queue (it is then removed, in the same lock). */
  readonly takeQueued?: boolean;
}

/** A claimed trial: its number (unique within the sweep) and its parameters, recorded `running`. */
export interface ClaimedTrial {
  readonly id: number;
  readonly params: ParamSet;
}

/**
 * How `SweepStore.settleTrial` went: `ended` when the trial was running and is now ended;
 * `unknown` when the sweep has no such trial; otherwise the status it had already ended with
 * (nothing was written).
 */
export type SettleOutcome = 'ended' | 'unknown' | TrialStatus;

/** What a store records about a new sweep at its start. */
export interface NewSweep {
  /** What the sweep optimises (recorded as the tags `mlsweep.goal` and `mlsweep.primary_metric`). */
  readonly objective?: Objective;
  /** Experiment name (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  /** Its definition, for readers (see store/tags.ts), and anything else worth keeping. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Multi-objective sweeps: every objective in order (the first is `objective`), recorded
   * as the tag `mlsweep.objectives`.
   */
  readonly objectives?: readonly Objective[];
}

/** A recorded sweep, without its trials. */
export interface SweepRecord {
  /** What `--resume` and `mlsweep report` take. */
  readonly sweepId: string;
  readonly name?: string;
  /** Absent when the sweep was recorded without it. */
  readonly objective?: Objective;
  /** Multi-objective sweeps: every objective in order (the first is `objective`). */
  readonly objectives?: readonly Objective[];
  readonly tags: Readonly<Record<string, string>>;
  readonly startedAt: string;
  /** When the sweep recorded its end; absent while it runs, or when its process died. */
  readonly endedAt?: string;
  /** Why it ended, as it recorded (`interrupted`: to be resumed); absent as `endedAt` is. */
  readonly stopReason?: StopReason;
  readonly stopMessage?: string;
}

/** What `TrialBatches.claimTrials` takes besides the chooser and the start time. */
export interface ClaimBatchOptions {
  /** The most trials to claim in this one lock hold (the worker's free slots); at least 1. */
  readonly max: number;
  /** The worker that runs them: the trials are leased to it in the same write (no separate `leaseTrial`). */
  readonly workerId?: string;
}

/** A trial's end for `TrialBatches.settleTrials`, with the metric points it reported last (written with it). */
export interface TrialSettlement {
  readonly id: number;
  readonly end: TrialEnd;
  /** Points not yet written (what the trial returned), in report order; written only if the trial is settled. */
  readonly points?: readonly { readonly name: string; readonly point: MetricPoint }[];
}
