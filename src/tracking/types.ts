/** A run's lifecycle, as MLflow names it. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The statuses, in the order the CLI lists them. */
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A named group of runs. */
export interface Experiment {
  readonly id: number;
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
  /** How many runs it holds (children included). */
  readonly runCount: number;
  /** Start time of its latest run, if any. */
  readonly lastRunAt: number | undefined;
}

/** One run with its data: params, the latest value of each metric, tags. */
export interface Run {
  /** 32 hexadecimal characters. */
  readonly id: string;
  readonly experimentId: number;
  readonly name: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number | undefined;
  /** The sweep or AutoML job this run is a trial of. */
  readonly parentRunId: string | undefined;
  /** Folder of the run's artifacts. */
  readonly artifactDir: string;
  readonly params: Readonly<Record<string, string>>;
  /** The value at the highest step (then the latest timestamp) of each metric. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** One logged metric value. NaN and infinities are kept as such. */
export interface MetricRecord {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** A parameter value as it may be logged; stored as its string form, as MLflow does. */
export type ParamInput = string | number | boolean;

/** What `searchRuns` looks for. */
export interface SearchRunsOptions {
  /** Experiment names or ids (default: every experiment). */
  readonly experiments?: ReadonlyArray<string | number>;
  /** e.g. `metrics.accuracy > 0.9 and params.max_depth = '5' and tags.model = 'rf'`. */
  readonly filter?: string;
  /** e.g. `['metrics.accuracy DESC', 'start_time']` (default: newest first). */
  readonly orderBy?: readonly string[];
  /** Default 1000. */
  readonly maxResults?: number;
}
