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
}

/** What a store records about a new sweep at its start. */
export interface NewSweep {
  /** What the sweep optimises (recorded as the tags `mlsweep.goal` and `mlsweep.primary_metric`). */
  readonly objective?: Objective;
  /** Experiment name (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  /** Its definition, for readers (see store/tags.ts), and anything else worth keeping. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A recorded sweep, without its trials. */
export interface SweepRecord {
  /** What `--resume` and `mlsweep report` take. */
  readonly sweepId: string;
  readonly name?: string;
  /** Absent when the sweep was recorded without it. */
  readonly objective?: Objective;
  readonly tags: Readonly<Record<string, string>>;
  readonly startedAt: string;
  /** When the sweep recorded its end; absent while it runs, or when its process died. */
  readonly endedAt?: string;
  /** Why it ended, as it recorded (`interrupted`: to be resumed); absent as `endedAt` is. */
  readonly stopReason?: StopReason;
  readonly stopMessage?: string;
}
