/** A run's lifecycle, as MLflow names it. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The statuses, in the order the CLI lists them. */
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** Whether an experiment or run is live or deleted (kept, restorable), as MLflow names it. */
export type LifecycleStage = 'active' | 'deleted';

/** Which runs or experiments a search sees: MLflow's view types. */
export type ViewType = 'active' | 'deleted' | 'all';

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
  /** `deleted` after deleteExperiment (stores before schema 5 read `active`). */
  readonly lifecycleStage?: LifecycleStage;
  /** Last rename, tag, delete or restore (default: the creation time). */
  readonly lastUpdateTime?: number;
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
  /** `deleted` after deleteRun (restorable). */
  readonly lifecycleStage?: LifecycleStage;
  /** When it was deleted, while it is. */
  readonly deletedTime?: number;
}

/** A dataset a run used (MLflow's log-inputs): what it is, where it came from, how it was used. */
export interface DatasetInput {
  readonly name: string;
  /** Identifies the content (a hash), so the same name with new data is another input. */
  readonly digest: string;
  /** e.g. `local`, `http`, `code`. */
  readonly sourceType: string;
  /** Where it came from, as JSON text (MLflow's convention). */
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
  /** e.g. `mlflow.data.context: training`. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What `searchExperiments` looks for. */
export interface SearchExperimentsOptions {
  /** e.g. `name LIKE 'iris%' and tags.team = 'ml'` (conditions joined by `and`). */
  readonly filter?: string;
  /** e.g. `['name ASC']` (default: newest first, then by id). */
  readonly orderBy?: readonly string[];
  /** Default `active`. */
  readonly view?: ViewType;
  /** Default 1000. */
  readonly maxResults?: number;
  /** How many matches to skip (paging). Default 0. */
  readonly offset?: number;
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
  /** How many matches to skip (paging). Default 0. */
  readonly offset?: number;
  /** Default `all` (mlsweep's own readers see every run; the MLflow API asks for `active`). */
  readonly view?: ViewType;
}
