import type { BackendChoice } from '../compute/backend.ts';
import type { Goal } from '../core/goal.ts';
import type { StopReason, Task } from '../core/trial.ts';
import type { CsvOptions } from '../data/read-csv.ts';
import type { DatasetSchema } from '../data/schema.ts';
import type { Split } from '../data/splits.ts';
import type { Table } from '../data/table.ts';
import type { SweepWriter } from '../store/sweep-store.ts';
import type { TrialResult } from '../sweep/types.ts';
import type { AutoMLFeaturization } from './featurization.ts';
import type { AutoMLPipeline } from './pipeline.ts';

/** Azure AutoML's `limits` (times in minutes, as Azure names them). */
export interface AutoMLLimits {
  /** The whole job, final fit included (default 360, Azure's). */
  readonly timeoutMinutes?: number;
  /** One trial (all its folds); default: no limit but the job's. */
  readonly trialTimeoutMinutes?: number;
  /** Default 1000 (Azure's). */
  readonly maxTrials?: number;
  /** Default 1 (Azure's); trials share this process. */
  readonly maxConcurrentTrials?: number;
  /** Stop when the best score has not improved in 20 trials (default true, Azure's). */
  readonly enableEarlyTermination?: boolean;
  /** Stop as soon as a trial reaches this primary-metric value. */
  readonly exitScore?: number;
}

/** How candidates are validated: `auto` picks from the number of rows (see chooseValidation). */
export type AutoMLValidation =
  | 'auto'
  | { readonly type: 'cv'; readonly folds: number }
  | { readonly type: 'holdout'; readonly testFraction: number }
  | { readonly type: 'group'; readonly column: string; readonly folds: number }
  | { readonly type: 'splits'; readonly splits: readonly Split[] };

/** Progress after every trial. */
export interface AutoMLProgress {
  /** The trial that just ended: its family, status and score (when it completed). */
  readonly trial: {
    readonly id: number;
    readonly model: string;
    readonly status: string;
    readonly score?: number;
  };
  readonly trials: number;
  readonly completed: number;
  readonly bestScore: number | undefined;
  readonly bestModel: string | undefined;
  readonly elapsedSeconds: number;
  readonly secondsLeft: number;
}

/** Options of `automl()`, with Azure AutoML's names. */
export interface AutoMLOptions {
  /**
   * Inferred from the target when absent, with a notice: labels and integers with few
   * distinct values (at most max(2, min(20, 10% of rows))) are classification, other
   * numbers regression (see `inferTask`).
   */
  readonly task?: Task;
  /** The training data as a Table... */
  readonly data?: Table;
  /** ...or a CSV file (a `<name>.schema.json` beside it fixes column kinds unless `schema` is given). */
  readonly trainPath?: string;
  readonly schema?: DatasetSchema | string;
  readonly csv?: CsvOptions;
  /** The target column. */
  readonly target: string;
  /** Default: `accuracy` (classification), `normalized_root_mean_squared_error` (regression), Azure's. */
  readonly primaryMetric?: string;
  readonly limits?: AutoMLLimits;
  readonly allowedModels?: readonly string[];
  readonly blockedModels?: readonly string[];
  readonly validation?: AutoMLValidation;
  /**
   * Ensemble selection of the best models (default true), kept only when it validates
   * better; under log loss or the Brier score it is bagged over the best learners and
   * always kept (see chooseCombination).
   */
  readonly ensemble?: boolean | { readonly iterations?: number; readonly candidates?: number };
  /**
   * Azure's `featurization`: `'auto'` (the default), `'off'` (no missing-value indicators,
   * no target encoding), or a settings block with `blocked_transformers`,
   * `column_name_and_types` and `transformer_params.imputer` (see `FeaturizationSettings`);
   * or the Featurizer's own options (camelCase, e.g. `{ maxOneHotLevels: 20 }`).
   */
  readonly featurization?: AutoMLFeaturization;
  readonly backend?: BackendChoice;
  readonly seed?: number;
  /**
   * A second objective (an extension): `prediction_latency` adds to the result the Pareto
   * front of the evaluated candidates by primary metric and prediction latency per row.
   */
  readonly secondObjective?: 'prediction_latency';
  /** Where every trial is recorded (e.g. the tracking module's SQLite store); default in memory. */
  readonly tracking?: SweepWriter;
  readonly onProgress?: (p: AutoMLProgress) => void;
  /**
   * Aborting it stops the search (an interrupt): running trials are cancelled, ensembling is
   * skipped, and the best pipeline found so far is refitted on all rows and returned with
   * `partial: true` and stopReason `interrupted`. Aborted before any trial completed, the
   * promise rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** One row of the leaderboard. */
export interface LeaderboardEntry {
  readonly rank: number;
  /** The sweep trial, absent for the ensemble. */
  readonly trialId?: number;
  readonly model: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** The primary metric on the validation rows. */
  readonly score: number;
  /** Every metric of the task on the validation rows. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Seconds spent fitting over all folds. */
  readonly fitSeconds: number;
  /** Seconds spent predicting the validation rows over all folds. */
  readonly predictSeconds: number;
}

/** A leaderboard entry on the Pareto front of score and latency (`secondObjective`). */
export interface FrontEntry extends LeaderboardEntry {
  /** Milliseconds per predicted row, measured while validating (all folds). */
  readonly latencyMsPerRow: number;
}

/** What `automl()` returns. */
export interface AutoMLResult {
  readonly task: Task;
  readonly primaryMetric: string;
  readonly goal: Goal;
  /** The fitted best pipeline (featurizer + model or ensemble), refitted on all rows. */
  readonly pipeline: AutoMLPipeline;
  /** Completed trials best first, and the ensemble when it was tried. */
  readonly leaderboard: readonly LeaderboardEntry[];
  /** The entry the pipeline was built from. */
  readonly best: LeaderboardEntry;
  readonly featureImportances: ReadonlyArray<{ readonly feature: string; readonly importance: number }>;
  /** Every trial of the sweep, in any status. */
  readonly trials: readonly TrialResult[];
  readonly stopReason: StopReason | 'early_termination' | 'exit_score' | 'budget' | 'interrupted';
  /** True when `signal` stopped the search: the best pipeline found until then, not a finished search's. */
  readonly partial: boolean;
  /** Things worth knowing: the task when inferred, stray strings read as missing, class imbalance, dropped rows, the validation used. */
  readonly notices: readonly string[];
  readonly validation: string;
  readonly durationSeconds: number;
  /**
   * With `secondObjective: 'prediction_latency'`: the leaderboard entries no other beats on
   * both the primary metric and the latency per row, best score first.
   */
  readonly paretoFront?: readonly FrontEntry[];
}
